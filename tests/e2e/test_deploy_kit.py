"""The deploy kit: requirements.txt, .python-version, the Dockerfile, .dockerignore, compose.

There is no Docker engine where these tests run, so they check what can be checked without
one: the pins against pyproject.toml and the installed metadata, the Dockerfile's and compose
file's wiring as parsed text, the build context against .dockerignore, the image's font and
health-check commands run here against the same pinned wheels and the running bot, and the
package data in a wheel built from a copy of the sources (the slowest test, some 20-30 s:
pip fetches setuptools for its isolated build). Nothing here is randomised.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
import yaml
from matplotlib import font_manager
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version
from sqlalchemy.engine import make_url

from bot.goals.chart import ChartLabels, GoalSeries, burn_up_png
from bot.local.harness import LocalBot
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import load_agreement

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = canonicalize_name(PYPROJECT["project"]["name"])


# --- requirements.txt --------------------------------------------------------------------------


def read_pins() -> tuple[dict[str, Version], list[str]]:
    """The `name==version` pins of requirements.txt by canonical name, and every other line."""
    pins: dict[str, Version] = {}
    others: list[str] = []
    for raw in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", line)
        if match is None:
            others.append(line)
            continue
        name = canonicalize_name(match.group(1))
        assert name not in pins, f"{name} is pinned twice"
        pins[name] = Version(match.group(2))
    return pins, others


def runtime_requirements() -> list[Requirement]:
    """The runtime dependencies pyproject.toml declares (not the dev extra)."""
    return [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]


def applies(marker: Marker | None, extras: set[str]) -> bool:
    """Whether a requirement's marker holds here, for a distribution asked for with extras."""
    if marker is None:
        return True
    return any(marker.evaluate({"extra": extra}) for extra in extras | {""})


def test_requirements_pin_every_runtime_dependency_within_its_range() -> None:
    pins, _ = read_pins()
    for requirement in runtime_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"requirements.txt misses {requirement}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"requirements.txt pins {name}=={pins[name]}, outside {requirement}: run make lock"
        )


def test_requirements_are_closed_under_the_installed_dependencies() -> None:
    # Walk the dependency tree as installed here (the tests ran on it): every distribution
    # reached must be pinned, at a version each of its dependents accepts, so that
    # `pip install -r requirements.txt` installs nothing unpinned.
    pins, _ = read_pins()
    seen: set[tuple[str, frozenset[str]]] = set()
    queue = [(req, frozenset(req.extras)) for req in runtime_requirements()]
    while queue:
        requirement, extras = queue.pop()
        name = canonicalize_name(requirement.name)
        assert name in pins, f"requirements.txt misses {name} (for {requirement}): make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} does not satisfy {requirement}: run make lock"
        )
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for text in importlib.metadata.requires(name) or []:
            child = Requirement(text)
            if applies(child.marker, set(extras)):
                queue.append((child, frozenset(child.extras)))
    walked = {name for name, _ in seen}
    assert walked == set(pins), f"pinned but needed by nothing: {sorted(set(pins) - walked)}"


def test_requirements_install_the_bot_itself_last_and_pin_nothing_else() -> None:
    pins, others = read_pins()
    # `.` installs the project from the checkout, with its package data and the sla-bot
    # command the Procfile runs; the project's own version is never pinned.
    assert others == ["."], others
    last = [
        line
        for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ][-1]
    assert last == "."
    assert PROJECT not in pins


def test_python_version_is_one_the_project_supports() -> None:
    wanted = (ROOT / ".python-version").read_text(encoding="utf-8").strip()
    assert re.fullmatch(r"3\.\d+", wanted), wanted
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(wanted + ".0")


# --- the Dockerfile ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    """One Dockerfile instruction, its continuation lines joined."""

    keyword: str
    value: str


def read_dockerfile() -> list[Instruction]:
    """The Dockerfile's instructions, comments dropped and continued lines joined."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if raw.lstrip().startswith("#") or (not raw.strip() and not pending):
            continue
        if raw.endswith("\\"):
            pending += raw[:-1]
            continue
        line = (pending + raw).strip()
        pending = ""
        keyword, _, value = line.partition(" ")
        instructions.append(Instruction(keyword.upper(), value.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def stages(instructions: list[Instruction]) -> tuple[dict[str, str], list[list[Instruction]]]:
    """The global ARG defaults, then each stage's instructions from its FROM."""
    args: dict[str, str] = {}
    found: list[list[Instruction]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            found.append([instruction])
        elif found:
            found[-1].append(instruction)
        elif instruction.keyword == "ARG":
            name, _, default = instruction.value.partition("=")
            args[name] = default
    return args, found


def base_image(stage: list[Instruction], args: dict[str, str]) -> str:
    """The image a stage starts from, its ${ARG} filled in."""
    image = stage[0].value.split()[0]
    return re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], image)


def env_of(stage: list[Instruction]) -> dict[str, str]:
    """The ENV values a stage sets."""
    env: dict[str, str] = {}
    for instruction in stage:
        if instruction.keyword == "ENV":
            for word in shlex.split(instruction.value):
                key, _, value = word.partition("=")
                env[key] = value
    return env


def only(stage: list[Instruction], keyword: str) -> list[Instruction]:
    """A stage's instructions of one kind."""
    return [i for i in stage if i.keyword == keyword]


def exec_form(instruction: Instruction, prefix: str = "") -> list[str]:
    """The JSON argument list of an exec-form CMD, RUN or HEALTHCHECK CMD."""
    text = instruction.value
    if prefix:
        text = text[text.index(prefix) + len(prefix) :]
    command = json.loads(text)
    assert isinstance(command, list), f"{instruction.keyword} is not in exec form: {text}"
    return command


def test_the_image_runs_sla_bot_as_an_unprivileged_user() -> None:
    _, found = stages(read_dockerfile())
    final = found[-1]
    users = only(final, "USER")
    assert users, "the final stage never leaves root"
    user = users[-1].value.split(":")[0]
    assert user not in {"root", "0"}, user
    # The USER comes before the command it runs as, and nothing switches back.
    assert final.index(users[-1]) < final.index(only(final, "CMD")[-1])
    assert exec_form(only(final, "CMD")[-1]) == ["sla-bot", "run"]
    # The same command as the buildpack's web process and the console script it names.
    procfile = (ROOT / "Procfile").read_text(encoding="utf-8").strip()
    assert procfile == "web: sla-bot run"
    assert "sla-bot" in PYPROJECT["project"]["scripts"]


def test_the_image_is_slim_python_of_the_pinned_version_in_every_stage() -> None:
    args, found = stages(read_dockerfile())
    wanted = (ROOT / ".python-version").read_text(encoding="utf-8").strip()
    assert len(found) >= 1
    for stage in found:
        image = base_image(stage, args)
        assert re.fullmatch(rf"python:{re.escape(wanted)}(\.\d+)?-slim(-\w+)?", image), image


def test_the_image_exposes_and_health_checks_the_port_it_serves() -> None:
    _, found = stages(read_dockerfile())
    final = found[-1]
    port = env_of(final)["PORT"]
    assert [i.value for i in only(final, "EXPOSE")] == [port]
    check = exec_form(only(final, "HEALTHCHECK")[-1], prefix="CMD ")
    assert "/healthz" in " ".join(check)


def test_the_image_installs_exactly_the_pins_then_the_bot() -> None:
    _, found = stages(read_dockerfile())
    build, final = found[0], found[-1]
    runs = " ".join(i.value for i in only(build, "RUN"))
    copies = [i.value for i in only(build, "COPY")]
    assert "requirements.txt ./" in copies and ". ." in copies
    assert "-r /tmp/pins.txt" in runs
    assert "pip install --no-deps ." in runs and "pip check" in runs
    assert any(i.value.startswith("--from=build /opt/venv") for i in only(final, "COPY"))
    assert env_of(final)["PATH"].startswith("/opt/venv/bin:")
    # The agreement the container reads is where docker-compose.yml mounts it.
    assert env_of(final)["SLA_CONFIG"] == "/app/sla.yaml"
    assert make_url(env_of(final)["DATABASE_URL"]).database == "/data/sla.db"
    assert '"/data"' in only(final, "VOLUME")[-1].value


def test_the_fonts_check_of_the_image_passes_on_the_pinned_wheels(tmp_path: Path) -> None:
    # The RUN step that builds matplotlib's font list, run here through the shell as the
    # image would, with this environment's python (the same pinned matplotlib wheel).
    _, found = stages(read_dockerfile())
    (command,) = [i.value for i in only(found[-1], "RUN") if "findfont" in i.value]
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
        "MPLCONFIGDIR": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    done = subprocess.run(
        ["sh", "-c", command], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "DejaVuSans-Bold.ttf" in done.stdout


def test_the_health_check_command_follows_healthz(english_bot: LocalBot) -> None:
    _, found = stages(read_dockerfile())
    command = exec_form(only(found[-1], "HEALTHCHECK")[-1], prefix="CMD ")
    assert command[0] == "python"
    port = english_bot.url.rsplit(":", 1)[1]
    env = {**os.environ, "PORT": port}

    def check() -> int:
        done = subprocess.run(
            [sys.executable, *command[1:]], env=env, capture_output=True, timeout=30, check=False
        )
        return done.returncode

    assert check() == 0
    database = english_bot.bot.deps.database  # type: ignore[union-attr]
    database.ping = lambda: False  # type: ignore[method-assign]
    assert check() != 0


# --- .dockerignore and the build context --------------------------------------------------------


@cache
def dockerignore_patterns() -> tuple[tuple[bool, re.Pattern[str]], ...]:
    """The .dockerignore rules in order: (negated, pattern), as Docker reads them."""
    rules: list[tuple[bool, re.Pattern[str]]] = []
    for raw in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.removeprefix("!").strip("/")
        regex = ""
        index = 0
        while index < len(pattern):
            if pattern.startswith("**/", index):
                regex += "(?:.*/)?"
                index += 3
            elif pattern.startswith("**", index):
                regex += ".*"
                index += 2
            elif pattern[index] == "*":
                regex += "[^/]*"
                index += 1
            elif pattern[index] == "?":
                regex += "[^/]"
                index += 1
            else:
                regex += re.escape(pattern[index])
                index += 1
        rules.append((negated, re.compile(regex)))
    return tuple(rules)


def ignored(path: str) -> bool:
    """Whether the build context leaves out a path (relative to the repository root)."""
    parts = path.split("/")
    result = False
    for negated, regex in dockerignore_patterns():
        # A rule on a directory leaves out everything under it.
        if any(regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            result = not negated
    return result


def package_files() -> list[Path]:
    """Every file under the packages pyproject.toml ships (no caches)."""
    include = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    tops = sorted({pattern.rstrip("*").rstrip(".") for pattern in include})
    return [
        path
        for top in tops
        for path in sorted((ROOT / top).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    ]


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


# --- docker-compose.yml ------------------------------------------------------------------------


def interpolate(value: Any, variables: dict[str, str]) -> Any:
    """Fill ${NAME}, ${NAME:-default} and ${NAME:?error} as compose does."""
    if not isinstance(value, str):
        return value

    def fill(match: re.Match[str]) -> str:
        name, kind, rest = match.group(1), match.group(2), match.group(3)
        if name in variables:
            return variables[name]
        assert kind == ":-", f"{name} has no default and is not set"
        return rest

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", fill, value)


def test_compose_runs_the_bot_against_a_healthy_postgres() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    variables = {"POSTGRES_PASSWORD": "s3cret"}
    services = compose["services"]
    assert set(services) == {"bot", "db"}
    db, bot = services["db"], services["bot"]

    assert db["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"

    # The bot's URL names the db service, its user, database and password.
    db_env = {key: interpolate(value, variables) for key, value in db["environment"].items()}
    bot_env = {key: interpolate(value, variables) for key, value in bot["environment"].items()}
    url = make_url(bot_env["DATABASE_URL"])
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port) == ("db", 5432)
    assert url.username == db_env["POSTGRES_USER"]
    assert url.password == db_env["POSTGRES_PASSWORD"] == "s3cret"
    assert url.database == db_env["POSTGRES_DB"]

    # The database lives on a named volume, where this postgres image keeps its data.
    (data,) = db["volumes"]
    volume, _, target = data.partition(":")
    assert volume in compose["volumes"]
    major = int(db["image"].split(":")[1].split("-")[0].split(".")[0])
    assert target == ("/var/lib/postgresql" if major >= 18 else "/var/lib/postgresql/data")


def test_compose_gives_the_bot_its_env_file_agreement_and_port() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    bot = compose["services"]["bot"]
    assert bot["build"] == "."
    env_files = bot["env_file"] if isinstance(bot["env_file"], list) else [bot["env_file"]]
    assert ".env" in env_files

    (agreement,) = [v for v in bot["volumes"] if v["target"] == bot["environment"]["SLA_CONFIG"]]
    assert agreement["type"] == "bind" and agreement["read_only"] is True
    assert agreement["bind"]["create_host_path"] is False

    # The published port reaches the port the bot listens on and the image exposes.
    _, found = stages(read_dockerfile())
    exposed = only(found[-1], "EXPOSE")[-1].value
    (published,) = bot["ports"]
    host, _, container = interpolate(published, {}).rpartition(":")
    assert container == str(bot["environment"]["PORT"]) == exposed
    assert interpolate(published, {"PORT": "8080"}).startswith("8080:")
    assert host == "3000"


# --- the chart's fonts ---------------------------------------------------------------------------


def test_the_chart_draws_spanish_text_in_the_fonts_matplotlib_ships() -> None:
    # The image has no fonts but those in matplotlib's wheel: the chart must find every glyph
    # of its Spanish words there, with no fallback to another font.
    cat = Catalogue("es")
    agreement = load_agreement(ROOT / "examples" / "acuerdo.es.yaml")
    today = date(2026, 12, 1)
    series = [
        GoalSeries(metric, f"{metric.capitalize()} ÁÉÍÓÚÜÑ áéíóúüñ ¿¡", 10, [(today, 1.0)], [])
        for metric in agreement.goals.metrics
    ]
    labels = ChartLabels(
        actual=cat.t("standup.chart_actual"),
        pace=cat.t("standup.chart_pace"),
        target=cat.t("standup.chart_target"),
    )
    title = cat.t("standup.chart_title", month="2026-12") + " — «meta» €"

    def missing_glyphs(chart_title: str) -> list[str]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            burn_up_png(series, chart_title, today, labels)
        return [str(w.message) for w in caught if "missing from font" in str(w.message)]

    assert missing_glyphs(title) == []
    # The check can fail: a glyph DejaVu Sans lacks is reported.
    assert missing_glyphs(title + " 中") != []

    shipped = Path(matplotlib.get_data_path()).resolve()
    for weight in ("normal", "bold"):
        found = font_manager.findfont(
            font_manager.FontProperties(family="sans-serif", weight=weight),
            fallback_to_default=False,
        )
        assert Path(found).resolve().is_relative_to(shipped), found
