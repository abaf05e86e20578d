"""/sla report: how fast Sales answers the leads (speed) and how hard it follows up (depth)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from bot.runtime.clock import Clock
from bot.ui.blocks import Reply, escape, text_reply, truncate
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import elapsed
from sla_rules.agreement import TOUCH_KINDS, Agreement
from sla_rules.leads import LATE_ANNOUNCEMENT
from sla_rules.periods import Period, parse_period
from sla_rules.text import normalize
from storage import reports as store
from storage.reports import DepthFigures, OpenFigures, SpeedFigures
from storage.unit_of_work import Database

# A lead still open after two weeks with fewer than five touches is being neglected.
STALE_AFTER = timedelta(days=14)
STALE_TOUCHES = 5
REPORT_WORDS = {"speed": "speed", "velocidad": "speed", "depth": "depth", "profundidad": "depth"}
_NO_SPEED = SpeedFigures(None, 0, 0, 0, 0, 0, None, None, None)
_NO_DEPTH = DepthFigures(None, 0, 0, (), 0, 0, 0, 0, 0)
_NO_OPEN = OpenFigures(None, 0, 0, 0)


@dataclass(frozen=True)
class SpeedReport:
    """Speed to lead over a period: overall, per rep and per source."""

    period: Period
    overall: SpeedFigures
    by_owner: tuple[SpeedFigures, ...]
    by_source: tuple[SpeedFigures, ...]


@dataclass(frozen=True)
class DepthReport:
    """Depth of the follow-up over a period, and the open leads of any month as of now."""

    period: Period
    planned: int
    overall: DepthFigures
    by_owner: tuple[DepthFigures, ...]
    by_source: tuple[DepthFigures, ...]
    # Neglect is about the leads still open now: a November lead open in December counts.
    open_now: OpenFigures = _NO_OPEN
    stale_by_owner: tuple[OpenFigures, ...] = ()


Figures = TypeVar("Figures", SpeedFigures, DepthFigures, OpenFigures)


def _biggest_first(groups: list[Figures], size: Callable[[Figures], int]) -> tuple[Figures, ...]:
    """Largest groups first, then by name; the unnamed group (no owner, no source) last."""
    return tuple(sorted(groups, key=lambda g: (g.group is None, -size(g), g.group or "")))


def _handoffs(figures: SpeedFigures) -> int:
    return figures.handoffs


def _leads(figures: DepthFigures) -> int:
    return figures.leads


def _stale(figures: OpenFigures) -> int:
    return figures.stale


class Reports:
    """Builds the speed and depth reports and answers /sla report."""

    def __init__(
        self, database: Database, agreement: Agreement, catalogue: Catalogue, clock: Clock
    ) -> None:
        self.database = database
        self.zone = agreement.zone
        self.sla = agreement.response.first_touch_within
        self.clock_mode = agreement.response.clock
        self.planned = len(agreement.cadence.touches)
        self.cat = catalogue
        self.clock = clock

    def today(self) -> date:
        """Today in the agreement's zone."""
        return self.clock().astimezone(self.zone).date()

    # --- Figures --------------------------------------------------------------------------------

    def speed(self, period: Period) -> SpeedReport:
        """Speed figures of the leads handed off in the period, breaches as of now."""
        with self.database.reading() as session:
            found = store.speed(session, period.start, period.end, self.clock())
        if not found["overall"]:
            return SpeedReport(period, _NO_SPEED, (), ())
        owners, sources = (_biggest_first(found[d], _handoffs) for d in ("owner", "source"))
        return SpeedReport(period, found["overall"][0], owners, sources)

    def depth(self, period: Period) -> DepthReport:
        """Depth figures of the leads handed off in the period; the open leads as of now."""
        with self.database.reading() as session:
            found = store.depth(
                session, period.start, period.end, kinds=TOUCH_KINDS, planned=self.planned
            )
            still_open = store.open_leads(
                session, stale_before=self.clock() - STALE_AFTER, stale_touches=STALE_TOUCHES
            )
        overall_open = still_open["overall"][0] if still_open["overall"] else _NO_OPEN
        stale = tuple(f for f in _biggest_first(still_open["owner"], _stale) if f.stale and f.group)
        if not found["overall"]:
            return DepthReport(period, self.planned, _NO_DEPTH, (), (), overall_open, stale)
        owners, sources = (_biggest_first(found[d], _leads) for d in ("owner", "source"))
        return DepthReport(
            period, self.planned, found["overall"][0], owners, sources, overall_open, stale
        )

    # --- Lines ----------------------------------------------------------------------------------

    def speed_lines(self, report: SpeedReport, compact: bool = False) -> list[str]:
        """The speed report as lines; compact gives the few the daily standup shows."""
        t = self.cat.t
        if not report.overall.handoffs:
            return [t("report.empty", range=self._range(report.period))]
        total = self._speed_values(report.overall)
        announced = report.overall.median_announce is not None
        if not compact:
            keys = ("counts", "first_touch", "claim", "within", "breaches")
            lines = [t(f"report.speed.{key}", **total) for key in keys]
            if announced:
                lines.append(t("report.speed.delivery", **total))
            return lines + self._sections("report.speed.group", report, self._speed_values)
        lines = [
            t(f"report.speed.{key}", **total) for key in ("compact_first_touch", "compact_within")
        ]
        # The standup names the system's delay only when it was worth a rep's complaint.
        if announced and (report.overall.p90_announce or 0) >= LATE_ANNOUNCEMENT.total_seconds():
            lines.append(t("report.speed.compact_delivery", **total))
        reps = [
            t("report.speed.compact_rep", **self._speed_values(rep, owners=True))
            for rep in report.by_owner
            if rep.group is not None
        ]
        if reps:
            lines.append(t("report.speed.compact_reps", reps=" · ".join(reps)))
        return lines

    def depth_lines(self, report: DepthReport, compact: bool = False) -> list[str]:
        """The depth report as lines; compact gives the few the daily standup shows."""
        t = self.cat.t
        now = t("report.depth.now", **self._open_values(report.open_now))
        if not report.overall.leads:
            empty = t("report.empty", range=self._range(report.period))
            return [empty, now] if report.open_now.open else [empty]
        total = self._depth_values(report.overall)
        if compact:
            return [t("report.depth.compact_average", **total), now]
        keys = ("counts", "average", "outcomes")
        lines = [t(f"report.depth.{key}", **total) for key in keys] + [now]
        if report.stale_by_owner:
            reps = " · ".join(
                f"<@{f.group}> {self.cat.number(f.stale)}" for f in report.stale_by_owner
            )
            lines.append(t("report.depth.stale_reps", reps=reps, **self._open_values(None)))
        return lines + self._sections("report.depth.group", report, self._depth_values)

    def _sections(
        self,
        key: str,
        report: SpeedReport | DepthReport,
        values: Callable[[Any, bool], dict[str, str]],
    ) -> list[str]:
        """The per rep and per source sections: a header and a line per group."""
        lines: list[str] = []
        for header, groups, owners in (
            ("report.by_rep", report.by_owner, True),
            ("report.by_source", report.by_source, False),
        ):
            lines += ["", self.cat.t(header)]
            lines += [self.cat.t(key, **values(group, owners)) for group in groups]
        return lines

    def _speed_values(self, figures: SpeedFigures, owners: bool = False) -> dict[str, str]:
        """Every field a speed message may ask for (str.format ignores the others)."""
        number = self.cat.number
        return {
            "who": self._who(figures.group, owners),
            "handoffs": number(figures.handoffs),
            "claimed": number(figures.claimed),
            "touched": number(figures.touched),
            "never": number(figures.never_touched),
            "within": number(figures.within_sla),
            "breaches": number(figures.breaches),
            "decided": number(figures.decided),
            "share": self._percent(figures.within_sla, figures.decided),
            "median": self._duration(figures.median_first_touch),
            "p90": self._duration(figures.p90_first_touch),
            "claim": self._duration(figures.median_claim),
            "announce": self._duration(figures.median_announce),
            "announce_p90": self._duration(figures.p90_announce),
            "sla": elapsed(self.sla),
        }

    def _depth_values(self, figures: DepthFigures, owners: bool = False) -> dict[str, str]:
        """Every field a depth message may ask for (str.format ignores the others)."""
        number = self.cat.number
        average = figures.average_touches()
        return {
            "who": self._who(figures.group, owners),
            "leads": number(figures.leads),
            "touches": number(figures.touches),
            "kinds": self._kinds(figures),
            "average": self.cat.t("report.none") if average is None else self.cat.decimal(average),
            "planned": number(self.planned),
            "completion": self._percent(figures.planned_done, figures.leads * self.planned),
            "reached": number(figures.reached),
            "won": number(figures.won),
            "disqualified": number(figures.disqualified),
            "never": number(figures.not_reached),
        }

    def _open_values(self, figures: OpenFigures | None) -> dict[str, str]:
        """Every field an as-of-now message may ask for."""
        number = self.cat.number
        figures = figures or _NO_OPEN
        return {
            "open": number(figures.open),
            "untouched": number(figures.untouched),
            "stale": number(figures.stale),
            "days": number(STALE_AFTER.days),
            "few": number(STALE_TOUCHES),
        }

    # --- The command ----------------------------------------------------------------------------

    def command(self, args: str) -> Reply:
        """Answer `/sla report speed|depth [today|yesterday|week|month|YYYY-MM]`."""
        words = args.split()
        if not words:
            return self._usage(None)
        kind = REPORT_WORDS.get(normalize(words[0]))
        if kind is None:
            return self._usage(self.cat.t("report.bad_kind", word=self._quoted(words[0])))
        asked = " ".join(words[1:])
        period = parse_period(asked, self.today(), self.zone)
        if period is None:
            return self._usage(self.cat.t("report.bad_period", word=self._quoted(asked)))
        if kind == "speed":
            lines = self.speed_lines(self.speed(period))
        else:
            lines = self.depth_lines(self.depth(period))
        title = self.cat.t(
            f"report.{kind}.title", period=self._label(period), range=self._range(period)
        )
        return text_reply(title, lines, footer=self._footer())

    def _usage(self, problem: str | None) -> Reply:
        cat = self.cat
        first = self.today().replace(day=1)
        example = (first - timedelta(days=1)).strftime("%Y-%m")
        lines = [cat.t("report.usage_kinds"), cat.t("report.usage_periods", example=example)]
        if problem is None:
            return text_reply(cat.t("report.usage"), lines)
        return text_reply(problem, [cat.t("report.usage"), *lines])

    # --- Formatting -----------------------------------------------------------------------------

    @staticmethod
    def _quoted(word: str) -> str:
        return escape(truncate(word, 50))

    def _label(self, period: Period) -> str:
        if self.cat.has(f"report.label.{period.key}"):
            return self.cat.t(f"report.label.{period.key}")
        return self.cat.t("report.label.named", month=self.cat.month(period.first_day(self.zone)))

    def _range(self, period: Period) -> str:
        first, last = period.first_day(self.zone), period.last_day(self.zone)
        if first == last:
            return self.cat.date(first)
        return self.cat.t("report.range", first=self.cat.date(first), last=self.cat.date(last))

    def _footer(self) -> str:
        clock = self.cat.t(f"report.clock_{self.clock_mode}")
        return self.cat.t("report.footer", clock=clock, zone=self.zone.key)

    def _who(self, group: str | None, owners: bool) -> str:
        if group is None:
            return self.cat.t("report.unclaimed" if owners else "report.no_source")
        return f"<@{group}>" if owners else escape(group)

    def _duration(self, seconds: int | None) -> str:
        if seconds is None:
            return self.cat.t("report.none")
        return elapsed(timedelta(seconds=seconds))

    def _percent(self, part: int, whole: int) -> str:
        if not whole:
            return self.cat.t("report.none")
        # Rounded half up in integers: 62.5% shows as 63%, whatever floats would do.
        return self.cat.percent(((200 * part + whole) // (2 * whole)) / 100)

    def _kinds(self, figures: DepthFigures) -> str:
        parts = [self.cat.plural(f"kind.{kind}", count) for kind, count in figures.by_kind]
        return f" ({self.cat.join(parts)})" if parts else ""
