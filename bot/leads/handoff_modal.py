"""The /sla handoff modal: its view, reading its values, and the confirmation."""

from __future__ import annotations

from typing import Any

from bot.slack_input import Unreadable, dict_of
from bot.ui.blocks import Block, escape, section, truncate
from bot.ui.catalogue import Catalogue
from bot.ui.lead_view import LeadView

CALLBACK_ID = "handoff"
FIELDS = ("name", "company", "email", "phone", "source", "reason")
_MAX_LENGTH = {
    "name": 200,
    "company": 200,
    "email": 254,
    "phone": 50,
    "source": 100,
    "reason": 1000,
}


def _input(field: str, cat: Catalogue, *, optional: bool, multiline: bool = False) -> Block:
    element: Block = {
        "type": "plain_text_input",
        "action_id": "value",
        "max_length": _MAX_LENGTH[field],
        "multiline": multiline,
    }
    block: Block = {
        "type": "input",
        "block_id": field,
        "optional": optional,
        "label": {"type": "plain_text", "text": cat.t(f"modal.{field}")},
        "element": element,
    }
    if cat.has(f"modal.{field}_hint"):
        block["hint"] = {"type": "plain_text", "text": cat.t(f"modal.{field}_hint")}
    return block


def handoff_view(cat: Catalogue) -> dict[str, Any]:
    """The modal a marketer fills in to hand a lead to Sales."""
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": {"type": "plain_text", "text": truncate(cat.t("modal.title"), 24)},
        "submit": {"type": "plain_text", "text": truncate(cat.t("modal.submit"), 24)},
        "close": {"type": "plain_text", "text": truncate(cat.t("modal.cancel"), 24)},
        "blocks": [
            _input("name", cat, optional=False),
            _input("company", cat, optional=True),
            _input("email", cat, optional=True),
            _input("phone", cat, optional=True),
            _input("source", cat, optional=True),
            _input("reason", cat, optional=False, multiline=True),
        ],
    }


def submitted_values(view: object) -> dict[str, str | None]:
    """Read the modal's inputs into handoff fields; a state of the wrong shape is Unreadable."""
    values = dict_of(dict_of(dict_of(view).get("state")).get("values"))
    fields: dict[str, str | None] = {}
    for field in FIELDS:
        value = dict_of(dict_of(values.get(field)).get("value")).get("value")
        if value is not None and not isinstance(value, str):
            raise Unreadable("request.problem_form")
        fields[field] = value
    return fields


def confirmation_view(cat: Catalogue, lead: LeadView, outcome: str) -> dict[str, Any]:
    """What the modal turns into once the handoff is stored."""
    # The catalogue's templates write the <#channel> and <@owner> mentions: IDs go in bare.
    values = {"id": lead.short_id, "name": escape(lead.name), "channel": lead.announce_channel}
    if outcome == "attached":
        who = (
            cat.t("modal.attached_owner", owner=lead.owner_id)
            if lead.owner_id
            else cat.t("modal.attached_unclaimed")
        )
        text = cat.t("modal.attached", who=who, **values)
    else:
        text = cat.t("modal.done", **values)
    return {
        "type": "modal",
        "callback_id": f"{CALLBACK_ID}_done",
        "title": {"type": "plain_text", "text": truncate(cat.t("modal.title"), 24)},
        "close": {"type": "plain_text", "text": truncate(cat.t("modal.close"), 24)},
        "blocks": [section(text)],
    }


def notice_view(cat: Catalogue, text: str) -> dict[str, Any]:
    """A modal that only says something: a replayed or unreadable submission."""
    return {
        "type": "modal",
        "callback_id": f"{CALLBACK_ID}_notice",
        "title": {"type": "plain_text", "text": truncate(cat.t("modal.title"), 24)},
        "close": {"type": "plain_text", "text": truncate(cat.t("modal.close"), 24)},
        "blocks": [section(text)],
    }
