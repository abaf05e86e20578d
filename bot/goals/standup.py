"""The daily standup post (once per channel and day) and the goal celebrations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.goals.book import GoalBook
from bot.goals.messages import GoalMessages
from bot.goals.reports import Reports
from bot.runtime.clock import Clock
from bot.runtime.tick_parts import run_parts
from bot.ui.blocks import Reply
from sla_rules.agreement import Agreement
from sla_rules.periods import parse_period, since_last_business_day
from storage import goals as store
from storage.outbox import enqueue
from storage.unit_of_work import Database


@dataclass(frozen=True)
class StandupResult:
    """Whether this call posted today's standup, or when it had been posted already."""

    posted: bool
    day: date
    already_at: datetime | None = None
    business_day: bool = True


class Standup:
    """Posts the standup at standup.time on business days, and celebrates goal milestones."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        goals: GoalBook,
        reports: Reports,
        messages: GoalMessages,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.database = database
        self.agreement = agreement
        self.goals = goals
        self.reports = reports
        self.messages = messages
        self.clock = clock
        self.on_commit = on_commit

    def _key(self, day: date) -> str:
        return f"standup:{self.agreement.slack.standup_channel}:{day.isoformat()}"

    def tick(self) -> int:
        """Post today's standup once its time has come (late the same day if we were down)."""
        # The post and the celebrations are independent: one failing must not stop the other.
        return run_parts([("standup post", self._post_due), ("celebrations", self.celebrate)])

    def _post_due(self) -> int:
        now = self.clock()
        local = now.astimezone(self.agreement.zone)
        if self.goals.business.is_business_day(local.date()) and (
            local.time() >= self.agreement.standup.time
        ):
            return int(self.post(local.date()).posted)
        return 0

    def post(self, day: date | None = None) -> StandupResult:
        """Post the day's standup unless it was posted already (here or by another process)."""
        now = self.clock()
        day = day or now.astimezone(self.agreement.zone).date()
        if not self.goals.business.is_business_day(day):
            return StandupResult(False, day, business_day=False)
        # Every tick after standup.time asks: a read answers "already posted" without
        # composing the post (a month of reports) every few seconds all day.
        with self.database.reading() as session:
            posted_at = store.once_at(session, self._key(day))
        if posted_at is not None:
            return StandupResult(False, day, already_at=posted_at)
        reply = self.compose(day)
        with self.database.unit_of_work() as session:
            if not store.once(session, self._key(day), now):
                return StandupResult(False, day, already_at=store.once_at(session, self._key(day)))
            channel = self.agreement.slack.standup_channel
            post = enqueue(session, kind="post", channel=channel, now=now, payload=reply.payload())
            # The chart goes in the post's thread: it waits until the post has its ts.
            enqueue(
                session,
                kind="chart",
                channel=channel,
                now=now,
                payload={"after": post, "day": day.isoformat()},
            )
        self.on_commit()
        return StandupResult(True, day)

    def compose(self, day: date) -> Reply:
        """The standup post for a day: goals, the last business day's speed, the depth."""
        sections = self.agreement.standup.sections
        zone = self.agreement.zone
        statuses = self.goals.statuses(day) if "goals" in sections else []
        speed = depth = None
        if "speed" in sections:
            report = self.reports.speed(since_last_business_day(day, zone, self.goals.business))
            speed = self.reports.speed_lines(report, compact=True)
        if "depth" in sections:
            month = parse_period("month", day, zone)
            assert month is not None
            report = self.reports.depth(month)
            depth = self.reports.depth_lines(report, compact=True)
        return self.messages.standup(day, statuses, speed, depth)

    def celebrate(self) -> int:
        """Announce per goal the highest milestone newly reached this month; each one once."""
        now = self.clock()
        today = now.astimezone(self.agreement.zone).date()
        # Counting is a read; only a milestone not yet celebrated takes the write lock.
        with self.database.reading() as session:
            reached = self.goals.milestones_reached(session, today)
        if not reached:
            return 0
        announced = 0
        with self.database.unit_of_work() as session:
            for milestone in reached:
                # The key decides, here or in another process: each is celebrated once.
                if store.once(session, milestone.key, now):
                    # The milestones a jump passed count as reached: none is announced later.
                    for passed in milestone.passed:
                        store.once(session, passed, now)
                    self._announce(
                        session,
                        milestone.metric,
                        milestone.percent,
                        milestone.actual,
                        milestone.target,
                        today,
                        now,
                    )
                    announced += 1
        if announced:
            self.on_commit()
        return announced

    def _announce(
        self,
        session: Session,
        metric: str,
        milestone: int,
        actual: int,
        target: int,
        today: date,
        now: datetime,
    ) -> None:
        people = self.goals.contributors(session, metric, today)
        reply = self.messages.celebration(metric, milestone, actual, target, people)
        enqueue(
            session,
            kind="post",
            channel=self.agreement.slack.standup_channel,
            now=now,
            payload=reply.payload(),
        )
