"""What an owner does with a due cadence step besides logging it: skip, snooze, disqualify."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.cadence.keeper import CadenceKeeper
from bot.cadence.requests import StepResult, TouchRequest, TouchResult
from bot.cadence.touches import Touches
from bot.runtime.clock import Clock
from bot.ui.lead_view import LeadView
from sla_rules.agreement import Agreement
from sla_rules.cadence import check_snooze
from sla_rules.leads import OPEN_STATUSES
from storage import leads as repo
from storage.inserts import insert_if_absent
from storage.models import CadenceEvent
from storage.unit_of_work import Database


class CadenceActions:
    """Skips and snoozes the step due, or disqualifies the lead from a nudge."""

    def __init__(
        self,
        database: Database,
        agreement: Agreement,
        keeper: CadenceKeeper,
        touches: Touches,
        clock: Clock,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.database = database
        self.agreement = agreement
        self.keeper = keeper
        self.touches = touches
        self.clock = clock
        self.on_commit = on_commit

    def skip(self, lead_id: int, step: int, actor: str) -> StepResult:
        """Skip the step due; later steps keep their spacing from now."""
        return self._record(lead_id, step, actor, "skip", None)

    def snooze(
        self, lead_id: int, step: int, actor: str, until: datetime, now: datetime | None = None
    ) -> StepResult:
        """Push the step due to a later business-hours time (`now`: the request's instant)."""
        now = self.clock() if now is None else now
        refusal = check_snooze(self.keeper.business, until, now)
        if refusal is not None:
            return StepResult("refused", None, refusal)
        return self._record(lead_id, step, actor, "snooze", until, now)

    def disqualify(
        self, lead_id: int, step: int, actor: str, reason: str
    ) -> tuple[TouchRequest, TouchResult]:
        """Log a disqualifying touch with its reason code (Marketing reads it in the thread)."""
        steps = self.agreement.cadence.touches
        # A step the cadence does not have is answered as stale by Touches.log, not an error.
        kind = steps[step - 1].kind if 1 <= step <= len(steps) else "call"
        request = TouchRequest(
            lead_id,
            "call" if kind == "voicemail" else kind,
            "disqualified",
            actor,
            reason=reason,
            click_key=f"{lead_id}:{step}:disqualify",
            step=step,
        )
        return request, self.touches.log(request)

    def _record(
        self,
        lead_id: int,
        step: int,
        actor: str,
        action: str,
        until: datetime | None,
        now: datetime | None = None,
    ) -> StepResult:
        now = self.clock() if now is None else now
        with self.database.unit_of_work() as session:
            lead = repo.lead_by_id(session, lead_id)
            if lead is None:
                return StepResult("missing", None)
            view = LeadView.of(lead)
            if lead.status not in OPEN_STATUSES or lead.cadence_step != step:
                return StepResult("stale", view)
            if not self.touches.may_log(view, actor):
                return StepResult("not_allowed", view)
            values = {
                "lead_id": lead_id,
                "action": action,
                "step": step,
                "at": now,
                "until": until,
                "actor": actor,
                "click_key": f"{lead_id}:{step}:{action}:{until or ''}",
            }
            if not insert_if_absent(session, CadenceEvent.__table__, values):
                return StepResult("duplicate", view)
            repo.add_event(
                session,
                lead_id,
                action,
                now,
                actor,
                step=step,
                until=until.isoformat() if until else None,
            )
            if action == "snooze":
                # The owner chose when the touch is due: its reminders count from that time,
                # not on from those already sent for the old one.
                lead.cadence_nudges = 0
            self.keeper.refresh(session, lead, now)
            session.flush()
            view = LeadView.of(lead)
        self.on_commit()
        return StepResult("done", view)
