"""Lead data never pings anyone: every field of every message the bot sends is escaped.

A public web form may put `<!channel>` or `<@U…>` in a lead's name. The whole flow is driven
through the running bot (API and modal handoffs, a duplicate, claim, touches, the ladder, a
nudge, a digest, the App Home, the standup, reports, stories, echoed command words); then every
string the bot sent to Slack (text, blocks, views, response_url bodies, HTTP answers) is walked.

Run the property tests longer with SLA_FUZZ_EXAMPLES=2000.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.cadence.messages import CadenceMessages
from bot.escalation.messages import LadderMessages
from bot.leads.messages import LeadMessages
from bot.local.harness import LocalBot
from bot.ui.blocks import escape
from bot.ui.catalogue import Catalogue
from bot.ui.lead_view import LeadView
from storage.models import Lead
from tests.fuzz_budget import fuzz_examples
from tests.helpers import claim_values, drain, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES

EXAMPLES_COUNT = fuzz_examples(100)

# What a hostile web form sends; each carries a marker that must never reach Slack raw.
HOSTILE = {
    "external_id": "<!channel>-crm-1",
    "name": "<!channel> Ana <@U0EVIL> &lt; ☃",
    "company": "<!here> <#C0EVIL> & Co",
    "email": "<!everyone>@evil.example",
    "phone": "+52 55 1234 5678",
    "source": "<https://evil.example|click me>",
    "reason": "<!subteam^S0EVIL> asked <@U0EVIL|boss> for a call",
}
MARKERS = (
    "<!channel",
    "<!here",
    "<!everyone",
    "<!subteam",
    "<@U0EVIL",
    "<#C0EVIL",
    "<https://evil",
)
# Lookups the bot makes about people, not messages anyone reads.
NOT_MESSAGES = {"users.info", "users.lookupByEmail", "conversations.open", "auth.test"}


def strings(value: Any) -> Iterator[str]:
    """Every string leaf of a payload, JSON text inside strings included."""
    if isinstance(value, str):
        yield value
        if value[:1] in "[{":
            try:
                inner = json.loads(value)
            except ValueError:
                inner = None
            yield from strings(inner)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def raw_markers(value: Any) -> list[str]:
    """The string leaves that still carry a raw mention or link from the hostile lead."""
    return [leaf for leaf in strings(value) if any(m in leaf for m in MARKERS)]


@pytest.fixture
def bot(standin, tmp_path: Path) -> Iterator[LocalBot]:
    # Business hours always, so that nudges fire whenever the suite runs.
    data = yaml.safe_load((EXAMPLES / "agreement.en.yaml").read_text())
    data["response"]["clock"] = "always"
    path = tmp_path / "always.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with LocalBot(path, standin=standin, pace_seconds=0.2, ticker=False) as running:
        yield running


def press(bot: LocalBot, message: dict[str, Any], label: str, user: str) -> Any:
    """Tap the button with this label in a message."""
    for block in message["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if element["type"] == "button" and element["text"]["text"] == label:
                return bot.slack.block_action(
                    element["action_id"],
                    element["value"],
                    user,
                    channel_id=message["channel"],
                    message_ts=message["ts"],
                    block_id=block.get("block_id"),
                )
    raise AssertionError(f"no button {label!r}")


def make_due(bot: LocalBot, lead: int, column: str) -> None:
    """Bring a lead's next ladder step or nudge due now and tick."""
    with bot.bot.deps.database.unit_of_work() as session:
        row = session.get(Lead, lead)
        if getattr(row, column) is not None:
            setattr(row, column, datetime.now(UTC) - timedelta(seconds=1))
    bot.bot.tick_now()
    drain(bot)


def test_hostile_lead_data_reaches_no_field_of_any_message(bot: LocalBot) -> None:
    standin = bot.standin
    answers: list[Any] = []
    first = lead_number(hand_off(bot, **HOSTILE))
    [announcement] = wait_announced(bot, 1)
    # A modal handoff with the same hostile words, and the same person handed off again.
    modal = {k: {"value": v} for k, v in HOSTILE.items() if k != "external_id"}
    modal["email"] = {"value": "<!here>@evil.example"}
    response = bot.slack.view_submission("handoff", modal, "U0MKT1")
    assert response.status == 200
    answers.append(response.json)
    again = {**HOSTILE, "external_id": "<!here>-crm-2", "source": "<!channel> ebook"}
    hand_off(bot, **again)
    drain(bot)
    second = max(int(v) for m in wait_announced(bot, 2) for v in claim_values(m))
    # The claim, the owner's DM, the first touch by button, a touch by command with a reason.
    click = bot.slack.block_action(
        "claim_lead", str(first), "U0REP1", channel_id="C0HANDOFF", message_ts=announcement["ts"]
    )
    standin.wait_for(lambda s: s.responses(click.response_url))
    drain(bot)
    [dm] = standin.messages("DU0REP1")
    press(bot, dm, "Call: no answer", "U0REP1")
    drain(bot)
    for words in (
        f"touch L-{first} email sent <!channel> replied <@U0EVIL>",
        "touch <!channel> call no_answer",
        f"touch L-{first} <@U0EVIL> no_answer",
        f"touch L-{first} call <!here>",
        f"lead {HOSTILE['external_id']}",
        f"lead L-{first}",
        "lead <!everyone>",
        "mine",
        "glossary <!channel>",
        "calc <!channel>",
        "report <!channel>",
        "report speed month",
        "report speed <@U0EVIL>",
        "goals <!channel>",
        "away until <!channel>",
        "owners <#C0EVIL>",
        "report depth month",
        "<!channel> please",
    ):
        result = bot.slack.slash_command(words, user_id="U0REP1")
        answers.append(result.ack_body)
        result.replies()
    for words in ("record <!here> 5", "record visits <@U0EVIL>", "owners <!channel>"):
        result = bot.slack.slash_command(words, user_id="U0MKT1")
        answers.append(result.ack_body)
        result.replies()
    # The ladder on the unclaimed lead (reminder, breach, managers, release) and a nudge.
    for _ in range(5):
        make_due(bot, second, "next_step_due_at")
    make_due(bot, first, "cadence_due_at")
    # A burst becomes a digest.
    burst = {
        str(lead_number(hand_off(bot, **{**HOSTILE, "external_id": f"b{n}", "email": f"{n}@x.io"})))
        for n in range(6)
    }
    standin.wait_for(
        lambda s: burst <= {v for m in s.messages("C0HANDOFF") for v in claim_values(m)},
        timeout=15,
    )
    drain(bot)
    bot.slack.event({"type": "app_home_opened", "user": "U0REP1", "tab": "home"}, event_id="EvH")
    standin.wait_for_calls("views.publish")
    bot.bot.cases.standup.post()
    drain(bot, timeout=30)

    sent = [c for c in standin.calls() if c.method not in NOT_MESSAGES]
    methods = {c.method for c in sent}
    assert {"chat.postMessage", "chat.update", "views.publish", "response_url"} <= methods
    # The walk covered the announcement, the DM, the ladder's posts and DMs, and a digest.
    channels = {c.args.get("channel") for c in sent}
    assert {"C0HANDOFF", "C0ESCALATE", "U0MANAGER1", "U0REP1"} <= channels, channels
    assert any(len(claim_values(m)) > 1 for m in standin.messages("C0HANDOFF"))
    leaks = sorted({(c.method, leaf) for c in sent for leaf in raw_markers(c.args)})
    leaks += [("http answer", leaf) for leaf in raw_markers(answers)]
    assert not leaks, json.dumps(leaks, indent=1, ensure_ascii=False)[:6000]
    # The lead's words still arrive, made inert, and what was already escaped shows as typed.
    everything = " ".join(strings([c.args for c in sent]))
    assert "&lt;!channel&gt; Ana &lt;@U0EVIL&gt; &amp;lt; ☃" in everything
    with bot.bot.deps.database.reading() as session:
        names = set(session.scalars(select(Lead.name)))
    assert names == {HOSTILE["name"]}, "the stored data is the lead's own, unescaped"


# -- the escape function and the builders, over any text -------------------------------------

hostile_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from([*MARKERS, ">", "&", "&amp;", "&lt;", "|", "*", "é", "\x00"])).map(
        "".join
    ),
)


def unescape(text: str) -> str:
    """What Slack shows for escaped text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@settings(max_examples=EXAMPLES_COUNT, deadline=None)
@given(hostile_text)
def test_escape_is_inert_and_faithful(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == text
    # Escaping at the root: escaping what is already escaped by escape() changes nothing.
    assert escape(escaped) == escaped


def view_of(**fields: str | None) -> LeadView:
    now = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)
    values: dict[str, Any] = dict.fromkeys(LeadView.__dataclass_fields__)
    values |= {
        "via": "api",
        "handed_off_at": now,
        "created_at": now,
        "respond_by": now + timedelta(minutes=5),
        "status": "unclaimed",
        "announce_channel": "C0HANDOFF",
        "in_digest": False,
        **fields,
    }
    return LeadView.from_values(7, values)


@settings(max_examples=EXAMPLES_COUNT, deadline=None)
@given(
    name=hostile_text.filter(lambda s: s.strip() != ""),
    company=hostile_text,
    email=hostile_text,
    source=hostile_text,
    reason=hostile_text,
    owner=st.sampled_from([None, "U0REP1"]),
)
def test_every_lead_message_builder_escapes_every_field(
    name: str, company: str, email: str, source: str, reason: str, owner: str | None
) -> None:
    from zoneinfo import ZoneInfo

    zone, cat = ZoneInfo("America/Mexico_City"), Catalogue("en")
    messages = LeadMessages(cat, zone, timedelta(minutes=5))
    ladder, cadence = LadderMessages(cat, zone), CadenceMessages(cat, zone)
    lead = view_of(
        name=name,
        company=company or None,
        email=email or None,
        source=source or None,
        reason=reason or None,
        owner_id=owner,
        status="claimed" if owner else "unclaimed",
        claimed_at=datetime(2026, 11, 25, 16, 1, tzinfo=UTC) if owner else None,
    )
    now = datetime(2026, 11, 25, 16, 2, tzinfo=UTC)
    replies = [
        messages.announcement(lead, now),
        messages.released_announcement(lead, owner),
        messages.digest([lead, lead]),
        messages.thread_root(lead),
        messages.owner_dm(lead, now),
        messages.duplicate_note(lead, source, reason),
        ladder.remind_owner(lead, now),
        ladder.remind_unclaimed(lead, now),
        ladder.breach_thread(lead, now),
        ladder.breach_channel(lead, now),
        ladder.managers(lead, now),
        ladder.released(lead, owner, now),
        cadence.nudge(lead, 2, 12, "email", now, ["call: no answer"], 0, now),
        cadence.managers_overdue(lead, 3),
        cadence.closed_note(replace(lead, status="disqualified", close_reason=reason or None)),
    ]
    for reply in replies:
        assert not raw_markers(reply.payload()), reply.payload()
