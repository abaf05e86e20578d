"""Report queries: speed and depth of the follow-up of the leads handed off in [start, end),
and the open leads as of now, whatever month they came in.

The database does the counting. One GROUP BY owner, source query per report gives the figures
that add up, so the overall, per-owner and per-source totals are sums of its few rows. The
percentiles do not add up: ranking queries (a window function per grouping) hand back only the
rows at the wanted ranks. No query returns a row per lead or per touch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, func, null, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from sla_rules.leads import DISQUALIFIED, NOT_REACHED, OPEN_STATUSES, REACHED, WON
from storage.models import Lead, Touch

Dimension = Literal["overall", "owner", "source"]
DIMENSIONS: tuple[Dimension, ...] = ("overall", "owner", "source")
Totals = dict[Dimension, dict[str | None, dict[str, int]]]
_COLUMNS: dict[Dimension, Any] = {"overall": None, "owner": Lead.owner_id, "source": Lead.source}


@dataclass(frozen=True)
class SpeedFigures:
    """Speed to lead of one group of leads; durations are business-time seconds."""

    group: str | None
    handoffs: int
    claimed: int
    touched: int
    within_sla: int
    breaches: int
    median_first_touch: int | None
    p90_first_touch: int | None
    median_claim: int | None
    # Wall-clock seconds from the bot receiving a lead to Slack showing it: the system's share
    # of the wait (overall figures only; it says nothing about a rep or a source).
    median_announce: int | None = None
    p90_announce: int | None = None

    @property
    def never_touched(self) -> int:
        """Leads with no touch logged yet."""
        return self.handoffs - self.touched

    @property
    def decided(self) -> int:
        """Leads the SLA has judged (touched, or past their deadline): within plus breaches."""
        return self.within_sla + self.breaches


@dataclass(frozen=True)
class DepthFigures:
    """Depth of the follow-up of one group of leads."""

    group: str | None
    leads: int
    touches: int
    by_kind: tuple[tuple[str, int], ...]
    # The sum over leads of min(touches, planned), so that surplus touches on one lead never
    # make up for another lead's missing ones.
    planned_done: int
    reached: int
    won: int
    disqualified: int
    not_reached: int

    def average_touches(self) -> float | None:
        """Touches per lead; None without leads."""
        return self.touches / self.leads if self.leads else None

    def plan_completion(self, planned: int) -> float | None:
        """The average share of the planned touches done per lead; None without leads."""
        return self.planned_done / (self.leads * planned) if self.leads and planned else None


def in_period(start: datetime, end: datetime) -> tuple[ColumnElement[bool], ...]:
    """Leads handed off in [start, end)."""
    return (Lead.handed_off_at >= start, Lead.handed_off_at < end)


def within_sla() -> ColumnElement[bool]:
    """SQL twin of sla_rules.response.within_sla: first touched by respond_by."""
    return and_(Lead.first_touch_at.is_not(None), Lead.first_touch_at <= Lead.respond_by)


def breached(now: datetime) -> ColumnElement[bool]:
    """SQL twin of sla_rules.response.breached: touched after respond_by, or untouched past it."""
    return or_(
        and_(Lead.first_touch_at.is_not(None), Lead.first_touch_at > Lead.respond_by),
        and_(Lead.first_touch_at.is_(None), Lead.respond_by < now),
    )


def _count_when(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _rollup(rows: Sequence[Any], fields: Sequence[str]) -> Totals:
    """Add up the rows of each (owner, source) pair into overall, per-owner, per-source totals."""
    totals: Totals = {dimension: {} for dimension in DIMENSIONS}
    for row in rows:
        values: Mapping[str, Any] = row._mapping
        for dimension, group in zip(
            DIMENSIONS, (None, values["owner"], values["source"]), strict=True
        ):
            bucket = totals[dimension].setdefault(group, dict.fromkeys(fields, 0))
            for name in fields:
                bucket[name] += int(values[name] or 0)
    return totals


def nearest_rank(count: int, pct: int) -> int:
    """The 1-based rank of the pct-th percentile of `count` sorted values (nearest rank)."""
    # The smallest rank with at least pct% of the values at or below it: ceil(count * pct / 100).
    return max(1, (count * pct + 99) // 100)


def percentiles(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    column: Any,
    value: InstrumentedAttribute[int | None],
    pcts: Sequence[int],
) -> dict[str | None, dict[int, int]]:
    """Nearest-rank percentiles of a column's non-null values per group (overall: column None)."""
    partition = [] if column is None else [column]
    ranked = (
        select(
            (null() if column is None else column).label("grp"),
            value.label("value"),
            func.row_number().over(partition_by=partition, order_by=value).label("rank"),
            func.count().over(partition_by=partition).label("n"),
        )
        .where(*where, value.is_not(None))
        .subquery()
    )
    # n >= 1 in every row and pct >= 1, so each wanted rank is at least 1.
    wanted = [ranked.c.rank == (ranked.c.n * pct + 99) // 100 for pct in pcts]
    found: dict[str | None, dict[int, int]] = {}
    for grp, picked, rank, count in session.execute(
        select(ranked.c.grp, ranked.c.value, ranked.c.rank, ranked.c.n).where(or_(*wanted))
    ):
        for pct in pcts:
            if rank == nearest_rank(count, pct):
                found.setdefault(grp, {})[pct] = picked
    return found


_SPEED_FIELDS = ("handoffs", "claimed", "touched", "within_sla", "breaches")


def speed(
    session: Session, start: datetime, end: datetime, now: datetime
) -> dict[Dimension, list[SpeedFigures]]:
    """Speed figures of the leads handed off in [start, end) as of now: overall, owner, source.

    Breaches follow the SLA (sla_rules/response.py), not the ladder: `breached_at` only says
    that a channel step posted one, which a ladder without that step never does.
    """
    where = in_period(start, end)
    counts = (
        select(
            Lead.owner_id.label("owner"),
            Lead.source.label("source"),
            func.count().label("handoffs"),
            # Ever claimed: a release clears claimed_at but keeps the claim's speed.
            func.count(Lead.claim_business_seconds).label("claimed"),
            func.count(Lead.first_touch_at).label("touched"),
            _count_when(within_sla()).label("within_sla"),
            _count_when(breached(now)).label("breaches"),
        )
        .where(*where)
        .group_by(Lead.owner_id, Lead.source)
    )
    totals = _rollup(session.execute(counts).all(), _SPEED_FIELDS)
    figures: dict[Dimension, list[SpeedFigures]] = {}
    for dimension in DIMENSIONS:
        groups = totals[dimension]
        if not groups:
            figures[dimension] = []
            continue
        column = _COLUMNS[dimension]
        first = percentiles(session, where, column, Lead.first_touch_business_seconds, (50, 90))
        claim = percentiles(session, where, column, Lead.claim_business_seconds, (50,))
        announce = (
            percentiles(session, where, column, Lead.announce_seconds, (50, 90))
            if dimension == "overall"
            else {}
        )
        figures[dimension] = [
            SpeedFigures(
                group,
                **values,
                median_first_touch=first.get(group, {}).get(50),
                p90_first_touch=first.get(group, {}).get(90),
                median_claim=claim.get(group, {}).get(50),
                median_announce=announce.get(group, {}).get(50),
                p90_announce=announce.get(group, {}).get(90),
            )
            for group, values in groups.items()
        ]
    return figures


_DEPTH_FIELDS = (
    "leads",
    "touches",
    "planned_done",
    "reached",
    "won",
    "disqualified",
    "not_reached",
)


def depth(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    kinds: Sequence[str],
    planned: int,
) -> dict[Dimension, list[DepthFigures]]:
    """Depth figures of the leads handed off in [start, end): overall, per owner, per source.

    Touches are counted by each of `kinds`.
    """
    per_lead = (
        select(
            Lead.owner_id,
            Lead.source,
            Lead.status,
            func.count(Touch.id).label("touches"),
            *(_count_when(Touch.kind == kind).label(f"kind_{n}") for n, kind in enumerate(kinds)),
        )
        .outerjoin(Touch, Touch.lead_id == Lead.id)
        .where(*in_period(start, end))
        # Grouping by the primary key is enough: the other columns depend on it.
        .group_by(Lead.id)
        .subquery()
    )
    lead = per_lead.c
    kind_fields = [f"kind_{n}" for n in range(len(kinds))]
    totals_query = select(
        lead.owner_id.label("owner"),
        lead.source.label("source"),
        func.count().label("leads"),
        func.sum(lead.touches).label("touches"),
        func.sum(case((lead.touches < planned, lead.touches), else_=planned)).label("planned_done"),
        _count_when(lead.status == REACHED).label("reached"),
        _count_when(lead.status == WON).label("won"),
        _count_when(lead.status == DISQUALIFIED).label("disqualified"),
        _count_when(lead.status == NOT_REACHED).label("not_reached"),
        *(func.sum(lead[name]).label(name) for name in kind_fields),
    ).group_by(lead.owner_id, lead.source)
    totals = _rollup(session.execute(totals_query).all(), [*_DEPTH_FIELDS, *kind_fields])
    figures: dict[Dimension, list[DepthFigures]] = {}
    for dimension in DIMENSIONS:
        figures[dimension] = []
        for group, values in totals[dimension].items():
            counted = [
                (kind, values.pop(name)) for kind, name in zip(kinds, kind_fields, strict=True)
            ]
            by_kind = tuple((kind, count) for kind, count in counted if count)
            figures[dimension].append(DepthFigures(group, by_kind=by_kind, **values))
    return figures


@dataclass(frozen=True)
class OpenFigures:
    """The open leads of one group as of now, whatever month they were handed off in."""

    group: str | None
    open: int
    untouched: int
    stale: int


_OPEN_FIELDS = ("open", "untouched", "stale")


def open_leads(
    session: Session, *, stale_before: datetime, stale_touches: int
) -> dict[Dimension, list[OpenFigures]]:
    """Every open lead as of now: overall, per owner, per source; neglect knows no month.

    A lead is stale when it was handed off before `stale_before` and has fewer than
    `stale_touches` touches; untouched when it has none.
    """
    per_lead = (
        select(
            Lead.owner_id,
            Lead.source,
            Lead.handed_off_at,
            func.count(Touch.id).label("touches"),
        )
        .outerjoin(Touch, Touch.lead_id == Lead.id)
        .where(Lead.status.in_(OPEN_STATUSES))
        .group_by(Lead.id)
        .subquery()
    )
    lead = per_lead.c
    stale = and_(lead.handed_off_at < stale_before, lead.touches < stale_touches)
    query = select(
        lead.owner_id.label("owner"),
        lead.source.label("source"),
        func.count().label("open"),
        _count_when(lead.touches == 0).label("untouched"),
        _count_when(stale).label("stale"),
    ).group_by(lead.owner_id, lead.source)
    totals = _rollup(session.execute(query).all(), _OPEN_FIELDS)
    return {
        dimension: [OpenFigures(group, **values) for group, values in totals[dimension].items()]
        for dimension in DIMENSIONS
    }
