"""The strict YAML loader: no repeated keys, YAML 1.2 scalars, every problem reported."""

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sla_rules.agreement.fields import _locale
from sla_rules.agreement.model import Agreement
from sla_rules.agreement.problems import (
    FILE_PATH,
    TOP_LEVEL_PATH,
    AgreementError,
    AgreementProblem,
    problems_from_validation_error,
)


class _AgreementYamlLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 scalars and no silently repeated keys.

    YAML 1.1 reads unquoted 18:00 as the number 1080 and the country code NO as false;
    both would turn into baffling errors, so only true/false are booleans and there are
    no base-60 numbers.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Build a mapping, refusing a key that appears twice (YAML would keep the last)."""
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key_node.value!r}",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_REPLACED_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_AgreementYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_AgreementYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_AgreementYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(
        r"""^(?:[-+]?0b[0-1_]+
        |[-+]?0[0-7_]+
        |[-+]?(?:0|[1-9][0-9_]*)
        |[-+]?0x[0-9a-fA-F_]+)$""",
        re.VERBOSE,
    ),
    list("-+0123456789"),
)
_AgreementYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |\.[0-9_]+(?:[eE][-+]?[0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.VERBOSE,
    ),
    list("-+0123456789."),
)


def _yaml_problem(error: yaml.YAMLError) -> AgreementProblem:
    """Describe a YAML error by line and column."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}"
        # The parser's own words (its `problem`) stay as PyYAML wrote them: they quote YAML.
        params = {"line": mark.line + 1, "column": mark.column + 1, "problem": error.problem}
        message = f"invalid YAML at {where}: {error.problem}"
        return AgreementProblem(FILE_PATH, message, code="yaml_at", params=params)
    params = {"error": error}
    return AgreementProblem(FILE_PATH, f"invalid YAML: {error}", code="yaml", params=params)


def _read_text(file: Path) -> str:
    """The file's text, or an AgreementError saying why it cannot be read."""
    try:
        # utf-8-sig: editors on Windows like to prepend a byte-order mark.
        return file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        code, params, message = "no_file", {}, f"no such file: {file}"
    except IsADirectoryError:
        code, params, message = "directory", {}, f"is a directory, not a file: {file}"
    except UnicodeDecodeError as error:
        code, params = "not_utf8", {"byte": error.start}
        message = f"is not UTF-8 text (byte {error.start}): {file}"
    except OSError as error:
        code, params = "unreadable", {"reason": error.strerror or error}
        message = f"cannot be read ({error.strerror or error}): {file}"
    params["file"] = file
    raise AgreementError([AgreementProblem(FILE_PATH, message, code=code, params=params)])


def _kind_of(data: object) -> tuple[str, str]:
    """How to name a non-mapping top level in an error message: a code and English words."""
    if isinstance(data, list | tuple):
        return "list", "a list"
    if isinstance(data, str):
        return "text", "text"
    if isinstance(data, bool):
        return "true_false", "true/false"
    if isinstance(data, int | float):
        return "number", "a number"
    return "other", f"a {type(data).__name__}"


def _locale_of(data: Mapping[Any, Any]) -> str | None:
    """The agreement's locale when that key is valid, to report its other problems in."""
    try:
        locale = _locale(data.get("locale", "en"))
    except ValueError:
        return None
    return locale if isinstance(locale, str) else None


def parse_agreement(data: object) -> Agreement:
    """Validate already-loaded data (e.g. from YAML) into an Agreement or raise AgreementError."""
    if data is None:
        message = "is empty; the agreement's keys are missing"
        raise AgreementError([AgreementProblem(TOP_LEVEL_PATH, message, code="no_keys")])
    if not isinstance(data, Mapping):
        kind, words = _kind_of(data)
        message = f"must be a mapping of keys to values, not {words}"
        params = {"kind": kind}
        problem = AgreementProblem(TOP_LEVEL_PATH, message, code="top_not_mapping", params=params)
        raise AgreementError([problem])
    try:
        return Agreement.model_validate(data)
    except ValidationError as error:
        problems = problems_from_validation_error(error)
        raise AgreementError(problems, locale=_locale_of(data)) from error


def load_agreement(path: str | Path) -> Agreement:
    """Read, parse and validate an agreement YAML file or raise AgreementError."""
    file = Path(path)
    text = _read_text(file)
    try:
        data = yaml.load(text, Loader=_AgreementYamlLoader)
    except yaml.YAMLError as error:
        raise AgreementError([_yaml_problem(error)]) from error
    if data is None:
        params = {"file": file}
        problem = AgreementProblem(FILE_PATH, f"is empty: {file}", code="empty", params=params)
        raise AgreementError([problem])
    return parse_agreement(data)
