"""The Docker build context (.dockerignore) and the package data of a wheel built from it.

The wheel is built from a copy of the sources holding only what the build context keeps (the
slowest test, some 20-30 s: pip fetches setuptools for its isolated build). Nothing here is
randomised.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.e2e.deploy_kit import (
    ignored,
    only,
    package_files,
    read_dockerfile,
    stages,
)
from tests.paths import ROOT


def test_the_build_context_keeps_secrets_and_local_state_out() -> None:
    for path in [".env", ".venv/bin/python", "sla.db", "data/sla.db-wal", ".git/HEAD"]:
        assert ignored(path), f"{path} would be sent to the Docker build"
    assert ignored("bot/__pycache__/app.cpython-311.pyc")


def test_the_build_context_holds_everything_the_image_copies_and_installs() -> None:
    needed = ["pyproject.toml", "README.md", "requirements.txt", "examples/agreement.en.yaml"]
    needed += [path.relative_to(ROOT).as_posix() for path in package_files()]
    # bot/local/agreements are links into examples/: the build follows them, so their targets count.
    needed += [
        path.resolve().relative_to(ROOT).as_posix() for path in package_files() if path.is_symlink()
    ]
    _, found = stages(read_dockerfile())
    for stage in found:
        for copy in only(stage, "COPY"):
            words = copy.value.split()
            if not words[0].startswith("--from"):
                needed += [word.rstrip("/") for word in words[:-1] if word != "."]
    for path in needed:
        assert (ROOT / path).exists(), f"the Dockerfile copies {path}, which does not exist"
        assert not ignored(path), f".dockerignore leaves out {path}, which the image needs"


# --- the wheel: package data -------------------------------------------------------------------


def test_a_wheel_built_from_the_sources_carries_every_package_file(tmp_path: Path) -> None:
    # Built from a copy holding only what the Docker build context keeps, as `pip install .`
    # does in the image and on a buildpack.
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        symlinks=True,
        ignore=lambda folder, names: [
            name
            for name in names
            if ignored((Path(folder) / name).relative_to(ROOT).as_posix())
            or name in {".venv", ".git"}
        ],
    )
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), source],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        for path in package_files():
            name = path.relative_to(ROOT).as_posix()
            assert name in names, f"the wheel lacks {name}"
            assert archive.read(name) == path.read_bytes(), f"{name} differs in the wheel"
