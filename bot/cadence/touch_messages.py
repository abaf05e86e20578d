"""Block Kit for touches: the one-tap logging buttons and the notes in the lead's thread."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cadence.controls import (
    DISQUALIFY_REASONS,
    touch_action_id,
    touch_block_id,
    touch_value,
)
from bot.cadence.requests import TouchRequest
from bot.ui.blocks import Block, Reply, actions, button, escape, section
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import elapsed
from bot.ui.lead_view import LeadView

# The one-tap choices in an owner's DM: (kind, outcome).
QUICK_TOUCHES: tuple[tuple[str, str], ...] = (
    ("call", "no_answer"),
    ("call", "left_voicemail"),
    ("call", "connected"),
    ("call", "bad_number"),
    ("email", "email_sent"),
    ("call", "meeting_booked"),
)
KIND_EMOJI = {"call": ":telephone_receiver:", "voicemail": ":speech_balloon:", "email": ":email:"}


class TouchMessages:
    """Builds the messages about touches in the agreement's language."""

    def __init__(
        self,
        cat: Catalogue,
        first_touch_within: timedelta,
        zone: ZoneInfo | None = None,
        kinds: tuple[str, ...] = (),
    ) -> None:
        self.cat = cat
        self.sla = first_touch_within
        self.zone = zone or ZoneInfo("UTC")
        self.kinds = kinds  # the cadence's kind for each step, to describe the step due

    def buttons(self, lead_id: int, step: str) -> Block:
        """One button per quick outcome; the value names the lead and the step it answers."""
        elements = [
            button(
                self.cat.t(f"touch.button_{kind}_{outcome}"),
                touch_action_id(index),
                touch_value(lead_id, kind, outcome, step),
                "primary" if outcome in ("connected", "meeting_booked") else None,
            )
            for index, (kind, outcome) in enumerate(QUICK_TOUCHES)
        ]
        return actions(*elements, block_id=touch_block_id(lead_id, step))

    def described(self, kind: str, outcome: str, reason: str | None = None) -> str:
        """A touch in words: 'a call: no answer'."""
        text = self.cat.t(
            "touch.described",
            kind=self.cat.t(f"touch.kind_{kind}"),
            outcome=self.cat.t(f"outcome.{outcome}"),
        )
        if reason:
            text += self.cat.t("touch.reason", reason=self.reason(reason))
        return text

    def reason(self, reason: str) -> str:
        """A disqualification reason in words: a menu's code (no_budget) from the catalogue."""
        if reason in DISQUALIFY_REASONS:
            return self.cat.t(f"cadence.reason_{reason}")
        # Typed by the rep (/sla touch ... disqualified no budget this year): shown as typed.
        return escape(reason)

    def thread_note(
        self,
        lead: LeadView,
        request: TouchRequest,
        *,
        first: bool,
        within_sla: bool | None,
        now: datetime,
    ) -> Reply:
        """The lead thread's note about a logged touch."""
        cat = self.cat
        text = cat.t(
            "touch.note",
            emoji=KIND_EMOJI.get(request.kind, ""),
            user=request.actor,
            touch=self.described(request.kind, request.outcome, request.reason),
        )
        if first:
            key = "touch.first_within" if within_sla else "touch.first_late"
            text += " " + cat.t(
                key, elapsed=elapsed(now - lead.handed_off_at), sla=elapsed(self.sla)
            )
        return Reply(text=text, blocks=[section(text)])
