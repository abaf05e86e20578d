"""Block Kit for the cadence: the nudge DM, the managers' notice, the closing note."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cadence.controls import (
    DISQUALIFY_ACTION,
    DISQUALIFY_REASONS,
    SKIP_ACTION,
    SNOOZE_ACTION,
    skip_value,
    step_block_id,
    touch_action_id,
    touch_block_id,
    touch_value,
)
from bot.ui.blocks import Block, Reply, actions, button, context, section
from bot.ui.catalogue import Catalogue
from bot.ui.formatting import local_time
from bot.ui.lead_view import LeadView
from sla_rules.touches import FITTING

# Outcomes offered as buttons for each kind; disqualify has its own menu with reasons.
BUTTONS = {
    "call": ("no_answer", "left_voicemail", "connected", "bad_number", "meeting_booked", "won"),
    "voicemail": ("left_voicemail", "bad_number", "meeting_booked", "won"),
    "email": ("email_sent", "meeting_booked", "won"),
}


def _option(text: str, value: str) -> dict[str, object]:
    return {"text": {"type": "plain_text", "text": text[:75]}, "value": value}


class CadenceMessages:
    """Builds the cadence's messages in the agreement's language and zone."""

    def __init__(self, cat: Catalogue, zone: ZoneInfo) -> None:
        self.cat = cat
        self.zone = zone

    def _touch_button(self, lead: LeadView, step: int, kind: str, outcome: str, n: int) -> Block:
        # A rep may log another kind than the one due; the buttons offer the due kind's outcomes
        # (meeting booked and won fit any kind), and /sla touch covers the rest.
        logged_kind = kind if outcome in FITTING[kind] else "call"
        value = touch_value(lead.id, logged_kind, outcome, step)
        words = self.cat.t(f"outcome.{outcome}")
        label = self.cat.t("cadence.button", outcome=words[:1].upper() + words[1:])
        style = "primary" if outcome in ("connected", "meeting_booked", "won") else None
        return button(label, touch_action_id(n), value, style)

    def nudge(
        self,
        lead: LeadView,
        step: int,
        total: int,
        kind: str,
        due_at: datetime,
        history: Sequence[str],
        reminder: int,
        now: datetime,
    ) -> Reply:
        """The owner's DM when a touch falls due (or is overdue): who, how, what so far."""
        lead = lead.shown()
        cat = self.cat
        who = lead.name + (f" ({lead.company})" if lead.company else "")
        title = cat.t(
            "cadence.nudge_title",
            step=step,
            total=total,
            kind=cat.t(f"cadence.verb_{kind}"),
            who=who,
            id=lead.short_id,
        )
        if reminder:
            title = (
                cat.t(
                    "cadence.overdue", n=reminder, time=local_time(due_at, self.zone, now, cat=cat)
                )
                + "\n"
                + title
            )
        contact = [
            cat.t("lead.contact_email", email=lead.email if lead.email else cat.t("lead.none")),
            cat.t("lead.contact_phone", phone=lead.phone if lead.phone else cat.t("lead.none")),
        ]
        so_far = list(history) or [cat.t("cadence.nothing_yet")]
        touch_buttons = [
            self._touch_button(lead, step, kind, outcome, n)
            for n, outcome in enumerate(BUTTONS[kind])
        ]
        skip = button(cat.t("cadence.skip"), SKIP_ACTION, skip_value(lead.id, step))
        snooze: Block = {
            "type": "datetimepicker",
            "action_id": SNOOZE_ACTION,
        }
        disqualify: Block = {
            "type": "static_select",
            "action_id": DISQUALIFY_ACTION,
            "placeholder": {"type": "plain_text", "text": cat.t("cadence.disqualify")},
            "options": [_option(cat.t(f"cadence.reason_{r}"), r) for r in DISQUALIFY_REASONS],
        }
        blocks = [
            section(title),
            section("\n".join(contact)),
            section(cat.t("cadence.so_far") + "\n" + "\n".join(so_far)),
            actions(*touch_buttons, block_id=touch_block_id(lead.id, step)),
            actions(skip, disqualify, snooze, block_id=step_block_id(lead.id, step)),
            context(cat.t("cadence.snooze_hint")),
        ]
        text = cat.t("cadence.nudge_text", step=step, total=total, id=lead.short_id)
        return Reply(text=text, blocks=blocks)

    def managers_overdue(self, lead: LeadView, overdue: int) -> Reply:
        """The managers' one notice once the reminders are spent."""
        lead = lead.shown()
        text = self.cat.plural(
            "cadence.managers",
            overdue,
            owner=lead.owner_id,
            id=lead.short_id,
            name=lead.name,
        )
        return Reply(text=text, blocks=[section(text)])

    def closed_note(self, lead: LeadView) -> Reply:
        """The lead thread's note when the cadence ends (Marketing reads the reason here)."""
        lead = lead.shown()
        cat = self.cat
        reason = (
            cat.t(f"cadence.reason_{lead.close_reason}")
            if (lead.close_reason in DISQUALIFY_REASONS)
            else (lead.close_reason if lead.close_reason else "—")
        )
        text = cat.t(
            f"cadence.closed_{lead.status}",
            id=lead.short_id,
            owner=lead.owner_id or "",
            reason=reason,
        )
        return Reply(text=text, blocks=[section(text)])

    def history_line(self, at: datetime, kind: str, outcome: str, now: datetime) -> str:
        """One line of 'what happened so far'."""
        return self.cat.t(
            "cadence.history",
            time=local_time(at, self.zone, now, cat=self.cat),
            kind=self.cat.t(f"touch.kind_{kind}"),
            outcome=self.cat.t(f"outcome.{outcome}"),
        )
