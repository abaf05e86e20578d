"""What the deploy kit's tests parse: the pins, the Dockerfile, .dockerignore, docker-compose.yml.

Parsers only, no tests: each reads its file as the tool that uses it would (pip, Docker,
compose), so the test modules beside it can check the wiring as parsed text.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.paths import ROOT

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
