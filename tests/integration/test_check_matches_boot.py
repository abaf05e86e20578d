"""`sla-bot check` accepts exactly what boot accepts: nothing is refused only at boot.

Random mutations of the example agreement (a value replaced, a key dropped) go through the real
`check` command and the real boot path without Slack (the agreement, a migrated database, every
use case wired); both must agree, and boot may refuse only with an AgreementError.
"""

from __future__ import annotations

import contextlib
import copy
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import boot
from bot.cli.main import check
from bot.settings import load_settings
from sla_rules.agreement import AgreementError
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.unit_of_work import Database
from tests.fuzz_budget import fuzz_examples
from tests.paths import EXAMPLES

EXAMPLE: dict[str, Any] = yaml.safe_load((EXAMPLES / "agreement.en.yaml").read_text())
Path_ = tuple[str | int, ...]


def _leaves(node: object, at: Path_ = ()) -> Iterator[Path_]:
    """Every path to a value in the example, containers included (they may be replaced too)."""
    if at:
        yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*at, index))


PATHS = sorted(_leaves(EXAMPLE), key=repr)


def _field(path: Path_) -> str:
    """The key a path ends in, list indexes aside: `touches[3].kind` is a `kind`."""
    return next(str(part) for part in reversed(path) if isinstance(part, str))


# Each kind of key is as likely to be edited as any other, however often it repeats.
BY_FIELD: dict[str, list[Path_]] = {}
for _path in PATHS:
    BY_FIELD.setdefault(_field(_path), []).append(_path)

COUNTRIES = st.one_of(
    st.from_regex(r"[A-Z]{2}", fullmatch=True),
    st.sampled_from(["MX", "US", "ES", "NO", "GB", "DE", "XX", "ZZ", "UK", "EU", "mx", ""]),
)
ZONES = st.sampled_from(
    ["America/Mexico_City", "UTC", "Europe/Madrid", "Mars/Olympus", "EST5EDT", "mexico", ""]
)
TIMES = st.sampled_from(["09:00", "18:00", "00:00", "23:59", "24:00", "9am", "02:30", "9:5"])
DURATIONS = st.sampled_from(["5m", "1h", "0s", "30s", "2d", "-1m", "10 business days", "1w", "5"])
WORDS = st.sampled_from(
    [
        *("en", "es", "fr", "es-MX", "business_hours", "always", "channel", "owner", "managers"),
        *("call", "email", "voicemail", "won", "reported", "handoffs", "connected", "goals"),
        *("C0HANDOFF", "U0MANAGER1", "#sales", "@ana", "mon", "sun", "2026-12-24", " ", "Sales"),
    ]
)
# Fields whose validity depends on knowledge outside the schema (calendars, zones, the clock)
# get values of their own kind; every field also gets anything an editor might type.
OWN_VALUES = {
    "holidays_country": COUNTRIES,
    "timezone": ZONES,
    "currency": st.one_of(st.from_regex(r"[A-Z]{3}", fullmatch=True), COUNTRIES),
    "start": TIMES,
    "end": TIMES,
    "time": TIMES,
    "after": DURATIONS,
    "first_touch_within": DURATIONS,
    "remind_every": DURATIONS,
    "days": st.lists(st.sampled_from(["mon", "tue", "wed", "sat", "sun", "Mon"]), max_size=7),
    "holidays": st.lists(st.dates().map(str), max_size=3),
}
ANYTHING = st.one_of(
    WORDS,
    COUNTRIES,
    ZONES,
    TIMES,
    DURATIONS,
    st.integers(min_value=-3, max_value=1200),
    st.floats(min_value=-1, max_value=2, allow_nan=False),
    st.booleans(),
    st.none(),
    st.lists(st.sampled_from(["mon", "sun", "call", "goals", 50, 100]), max_size=4),
    st.sampled_from(PATHS).map(lambda path: _get(EXAMPLE, path)),
)


def _get(node: Any, path: Path_) -> Any:
    for part in path:
        node = node[part]
    return copy.deepcopy(node)


def _mutated(data: dict[str, Any], path: Path_, value: object, drop: bool) -> None:
    """Set (or drop) the value at path, when an earlier edit left the path there."""
    parent: Any = data
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return  # an earlier edit removed or replaced this branch
    last = path[-1]
    if isinstance(parent, list):
        there = isinstance(last, int) and last < len(parent)
    else:
        there = isinstance(parent, dict) and (last in parent or not drop)
    if not there:
        return
    if drop:
        del parent[last]
    else:
        parent[last] = value


@st.composite
def _mutation(draw: st.DrawFn, field: str) -> tuple[Path_, object, bool]:
    path = draw(st.sampled_from(BY_FIELD[field]))
    own = OWN_VALUES.get(field)
    # Mostly values of the field's own kind, where it has one: those are the subtle ones.
    values = own if own is not None and draw(st.integers(0, 3)) < 3 else ANYTHING
    return path, draw(values), draw(st.integers(0, 9)) == 9


@st.composite
def _mutations(draw: st.DrawFn, field: str) -> list[tuple[Path_, object, bool]]:
    """One edit of the given kind of key, now and then with one more edit anywhere."""
    edits = [draw(_mutation(field))]
    if draw(st.integers(0, 2)) == 2:
        edits.append(draw(_mutation(draw(st.sampled_from(sorted(BY_FIELD))))))
    return edits


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One migrated SQLite database: boot wires the use cases on it, nothing is written."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('boot') / 'bot.db'}")
    upgrade(engine)
    db = Database(engine)
    yield db
    db.dispose()


def _check_accepts(path: Path) -> bool:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = check(str(path))
    assert code in (0, 1), err.getvalue()
    return code == 0


def _boot_accepts(path: Path, database: Database) -> bool:
    settings_ = load_settings({"SLA_CONFIG": str(path)})
    try:
        booted = boot(settings_, database=database)
    except AgreementError:
        return False
    # Anything else raised while wiring the bot is a refusal check never saw: it fails here.
    assert booted.cases.catalogue.locale == booted.agreement.locale
    return True


@pytest.mark.parametrize("field", sorted(BY_FIELD))
@settings(
    max_examples=fuzz_examples(10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_check_accepts_what_boot_accepts(
    field: str, data: st.DataObject, database: Database, tmp_path_factory: pytest.TempPathFactory
) -> None:
    agreement = copy.deepcopy(EXAMPLE)
    for path, value, drop in data.draw(_mutations(field)):
        _mutated(agreement, path, value, drop)
    file = tmp_path_factory.mktemp("agreement") / "sla.yaml"
    file.write_text(yaml.safe_dump(agreement, allow_unicode=True), encoding="utf-8")
    assert _check_accepts(file) == _boot_accepts(file, database)


def test_an_unknown_holiday_country_is_refused_by_check_and_boot(
    database: Database, tmp_path: Path
) -> None:
    data = copy.deepcopy(EXAMPLE)
    data["business_hours"]["holidays_country"] = "XX"
    file = tmp_path / "sla.yaml"
    file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert not _check_accepts(file)
    assert not _boot_accepts(file, database)
