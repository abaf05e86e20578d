"""The deploy kit's pins: requirements.txt and .python-version against pyproject.toml.

The pins are checked against pyproject.toml's ranges and the dependency tree as installed here
(the tests ran on it). Nothing here is randomised.
"""

from __future__ import annotations

import importlib.metadata
import re

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.e2e.deploy_kit import (
    PROJECT,
    PYPROJECT,
    applies,
    read_pins,
    runtime_requirements,
)
from tests.paths import ROOT


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
