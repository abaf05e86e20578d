"""Logging touches end to end: DM buttons, /sla touch, permissions and bad input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.local.harness import LocalBot
from bot.ui.render import render_message
from storage.models import NotificationLedger, OutboxMessage, Touch
from tests.helpers import drain, hand_off, lead_number, wait_announced
from tests.paths import EXAMPLES


@pytest.fixture
def bot(standin):
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", standin=standin, pace_seconds=0.05, ticker=False
    ) as running:
        yield running


def claimed_lead(bot: LocalBot, rep: str = "U0REP1") -> int:
    lead = lead_number(hand_off(bot))
    [message] = wait_announced(bot, 1)
    click = bot.slack.block_action(
        "claim_lead", str(lead), rep, channel_id="C0HANDOFF", message_ts=message["ts"]
    )
    bot.standin.wait_for(lambda s: s.responses(click.response_url))
    drain(bot)
    return lead


def ask(bot: LocalBot, text: str, user: str) -> str:
    [reply] = bot.slack.slash_command(text, user_id=user).replies()
    return render_message(reply)


def touches(bot: LocalBot) -> int:
    with bot.bot.deps.database.reading() as session:
        return session.scalar(select(func.count()).select_from(Touch))


def tap(bot: LocalBot, dm: dict, label: str, user: str = "U0REP1"):
    [actions] = [b for b in dm["blocks"] if b["type"] == "actions"]
    [button] = [e for e in actions["elements"] if e["text"]["text"] == label]
    return bot.slack.block_action(
        button["action_id"], button["value"], user, channel_id=dm["channel"], message_ts=dm["ts"]
    )


def test_one_tap_in_the_dm_logs_the_touch_and_stops_the_clock(bot: LocalBot) -> None:
    lead = claimed_lead(bot)
    [dm] = bot.standin.messages("DU0REP1")
    result = tap(bot, dm, "Call: no answer")
    bot.standin.wait_for(lambda s: s.responses(result.response_url))
    drain(bot)
    updated = bot.standin.message("DU0REP1", dm["ts"])
    text = render_message(updated)
    assert "Logged on L-1: a call: no answer. The response clock has stopped." in text
    assert not [b for b in updated["blocks"] if b["type"] == "actions"]
    notes = [m for m in bot.standin.messages("C0HANDOFF") if m.get("thread_ts")]
    assert len(notes) == 1
    assert "@U0REP1 logged a call: no answer." in render_message(notes[0])
    assert "within the 5m SLA" in notes[0]["text"]
    with bot.bot.deps.database.reading() as session:
        row = session.scalar(select(Touch))
        assert (row.lead_id, row.kind, row.outcome, row.actor) == (
            lead,
            "call",
            "no_answer",
            "U0REP1",
        )
    story = ask(bot, "lead L-1", "U0MANAGER1")
    assert "First touch" in story and "logged a call: no answer" in story


def test_a_repeated_tap_records_one_touch(bot: LocalBot) -> None:
    claimed_lead(bot)
    [dm] = bot.standin.messages("DU0REP1")
    first = tap(bot, dm, "Call: no answer")
    bot.standin.wait_for(lambda s: s.responses(first.response_url))
    second = tap(bot, dm, "Call: no answer")
    bot.standin.wait_for(lambda s: s.responses(second.response_url))
    assert "already logged" in bot.standin.responses(second.response_url)[-1]["text"]
    assert touches(bot) == 1


def test_the_owner_logs_with_the_command(bot: LocalBot) -> None:
    claimed_lead(bot)
    answer = ask(bot, "touch L-1 voicemail left_voicemail", "U0REP1")
    assert answer == "Logged on L-1: a voicemail: left voicemail. The response clock has stopped."
    assert ask(bot, "touch crm-1001 email sent", "U0REP1") == "Logged on L-1: an email: email sent."
    assert touches(bot) == 2


def test_another_rep_is_told_who_owns_the_lead(bot: LocalBot) -> None:
    claimed_lead(bot)
    answer = ask(bot, "touch L-1 call no answer", "U0REP2")
    assert answer == "L-1 belongs to @U0REP1: only its owner or a manager logs touches on it."
    assert touches(bot) == 0


def test_a_manager_may_log_on_any_lead(bot: LocalBot) -> None:
    claimed_lead(bot)
    assert ask(bot, "touch L-1 call meeting booked", "U0MANAGER1").startswith("Logged on L-1")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("touch", "Log a touch with `/sla touch L-42 KIND OUTCOME`"),
        ("touch L-999 call no_answer", "I know no lead “L-999”"),
        ("touch L-1 fax sent", "“fax” is not a kind of touch. Use one of: `call`, `voicemail`"),
        ("touch L-1 call maybe", "“maybe” is not an outcome. Use one of: `no_answer`"),
        ("touch L-1 voicemail connected", "a voicemail cannot end as “connected”"),
        ("touch L-1 call disqualified", "Say why it is disqualified"),
    ],
)
def test_bad_touch_commands_list_the_valid_choices(bot: LocalBot, text: str, expected) -> None:
    claimed_lead(bot)
    assert expected.lower() in ask(bot, text, "U0REP1").lower()
    assert touches(bot) == 0


def test_disqualified_keeps_its_reason(bot: LocalBot) -> None:
    claimed_lead(bot)
    answer = ask(bot, "touch L-1 call disqualified no budget this year", "U0REP1")
    assert "(reason: no budget this year)" in answer


def test_spanish_words_log_touches(standin) -> None:
    with LocalBot(
        EXAMPLES / "acuerdo.es.yaml", standin=standin, pace_seconds=0.05, ticker=False
    ) as bot:
        rep = bot.bot.deps.agreement.slack.sales_reps[0]
        lead = claimed_lead(bot, rep)
        answer = ask(bot, f"toque L-{lead} llamada sin respuesta", rep)
        assert answer.startswith(f"Registrado en L-{lead}: una llamada: no contestó.")


def fast_agreement(tmp_path: Path) -> Path:
    """The English example with a ladder of seconds on the wall clock."""
    data = yaml.safe_load((EXAMPLES / "agreement.en.yaml").read_text())
    data["response"] = {
        "first_touch_within": "2s",
        "clock": "always",
        "escalation": [
            {"after": "1s", "notify": "owner"},
            {"after": "2s", "notify": "channel"},
            {"after": "3s", "notify": "managers"},
        ],
    }
    path = tmp_path / "fast.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def test_a_restart_between_handoff_and_breach_still_breaches_once(standin, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'ladder.db'}"
    agreement = fast_agreement(tmp_path)
    with LocalBot(
        agreement, standin=standin, database_url=url, background=False, ticker=False
    ) as bot:
        hand_off(bot)
    time.sleep(3.2)  # the bot is down while every step falls due
    fast = {"SLA_TICK_SECONDS": "0.2"}
    with LocalBot(
        agreement, standin=standin, database_url=url, pace_seconds=0.05, extra_env=fast
    ) as bot:
        standin.wait_for(lambda s: s.messages("C0ESCALATE") and s.messages("DU0MANAGER1"))
        drain(bot)
        time.sleep(0.5)  # a few more ticks
    with LocalBot(
        agreement, standin=standin, database_url=url, pace_seconds=0.05, extra_env=fast
    ) as bot:
        time.sleep(0.6)
        drain(bot)
        with bot.bot.deps.database.reading() as session:
            ledger = session.scalar(select(func.count()).select_from(NotificationLedger))
            posts = session.scalars(
                select(OutboxMessage.kind).where(OutboxMessage.channel == "C0ESCALATE")
            ).all()
    assert ledger == 3
    assert len(standin.messages("C0ESCALATE")) == 1
    assert len(standin.messages("DU0MANAGER1")) == 1
    notes = [m["text"] for m in standin.messages("C0HANDOFF") if m.get("thread_ts")]
    assert len(notes) == 2
    assert "Nobody has claimed *L-1* yet" in notes[0]
    assert "SLA breached" in notes[1]
    assert posts.count("post") == 1
