"""/sla end to end: Slack-signed HTTP requests to the running bot, replies via the stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.local.harness import LocalBot
from bot.ui.render import render_message

ROOT = Path(__file__).resolve().parents[2]


def ask(bot: LocalBot, text: str, user: str = "U0REP1") -> str:
    """Send /sla TEXT and return the one ephemeral reply, rendered as plain text."""
    assert bot.slack is not None
    result = bot.slack.slash_command(text, user_id=user)
    assert result.status == 200
    replies = result.replies()
    assert len(replies) == 1
    reply = replies[0]
    assert reply["response_type"] == "ephemeral"
    assert reply["text"], "every reply carries fallback text for notifications"
    return render_message(reply)


@pytest.mark.parametrize("text", ["", "help", "HELP", "ayuda", "?"])
def test_help_lists_what_the_bot_can_do(english_bot: LocalBot, text: str) -> None:
    answer = ask(english_bot, text)
    for command in ("/sla glossary", "/sla owners", "/sla agreement", "/sla help"):
        assert command in answer
    assert "Acme Analytics" in answer


def test_an_unknown_subcommand_gets_help_and_says_so(english_bot: LocalBot) -> None:
    answer = ask(english_bot, "dance with me")
    assert "I don't know `dance`" in answer
    assert "/sla glossary" in answer


def test_glossary_lists_every_term_with_its_definition(english_bot: LocalBot) -> None:
    answer = ask(english_bot, "glossary")
    for term in ("Visit", "Lead", "Contact", "Client", "MQL", "SQL"):
        assert f"{term}:" in answer
    assert "downloaded more than 2 pieces of our content" in answer


@pytest.mark.parametrize("query", ["MQL", "mql", "marketing qualified lead", "Mql?"])
def test_glossary_finds_a_term_by_name_or_alias(english_bot: LocalBot, query: str) -> None:
    answer = ask(english_bot, f"glossary {query}")
    assert answer.startswith("MQL: A contact whose fit and engagement score is 60 or more")
    assert "SQL:" not in answer


def test_glossary_ignores_accents(english_bot: LocalBot) -> None:
    assert ask(english_bot, "glossary VISITÁ").startswith("Visit:")


def test_glossary_near_miss_offers_the_closest_terms(english_bot: LocalBot) -> None:
    answer = ask(english_bot, "glossary leed")
    assert "“leed” is not in our glossary." in answer
    assert "Did you mean Lead" in answer
    assert "/sla glossary" in answer


def test_owners_are_grouped_by_team_with_mentions(english_bot: LocalBot, standin) -> None:
    english_bot.slack.slash_command("owners", user_id="U0REP2")
    reply = standin.wait_for_calls("response_url")[-1].args
    text = reply["blocks"][1]["text"]["text"]
    assert "*Marketing*" in text and "*Sales*" in text
    assert "• Create content: <@U0MKT1>" in text
    assert text.index("*Marketing*") < text.index("*Sales*")


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [
        ("marketing", ["Create content", "Social media"], ["Keep the CRM"]),
        ("<@U0REP1|ana>", ["Follow up the leads", "Answer immediate contact"], ["Create content"]),
        ("crm", ["Keep the CRM up to date: @U0REP2"], ["Create content"]),
    ],
)
def test_owners_filter_by_team_person_or_duty(english_bot, query, present, absent) -> None:
    answer = ask(english_bot, f"owners {query}")
    for text in present:
        assert text in answer
    for text in absent:
        assert text not in answer


def test_owners_without_a_match_say_what_to_try(english_bot: LocalBot) -> None:
    answer = ask(english_bot, "owners astrology")
    assert "Nothing in the agreement matches “astrology”" in answer
    assert "marketing and sales" in answer


def test_agreement_summary_matches_the_check_command(english_bot: LocalBot) -> None:
    answer = ask(english_bot, "agreement")
    assert "Acme Analytics" in answer
    assert "America/Mexico_City" in answer
    assert "first touch within 5m" in answer
    assert "6 calls, 3 voicemails and 3 emails over 10 business days" in answer
    assert "2,500 visits, 250 contacts, 20 clients" in answer
    assert "#C0HANDOFF" in answer


def test_spanish_agreement_answers_in_spanish(spanish_bot: LocalBot) -> None:
    assert "/sla glosario" in ask(spanish_bot, "ayuda")
    assert "no está en nuestro glosario" in ask(spanish_bot, "glosario blockchain")
    summary = ask(spanish_bot, "acuerdo")
    assert "6 llamadas, 3 mensajes de voz y 3 correos en 10 días hábiles" in summary
    assert "2,500 visitas, 250 contactos, 20 clientes" in summary
    assert "Ventas" in ask(spanish_bot, "responsables ventas")
    # English subcommand names keep working for a Spanish team.
    assert "Glosario de" in ask(spanish_bot, "glossary")


def test_the_ack_is_immediate_and_empty(english_bot: LocalBot) -> None:
    result = english_bot.slack.slash_command("glossary")
    assert result.status == 200
    assert result.body == ""


def test_every_manifest_command_has_a_listener(english_bot: LocalBot) -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands
    for command in commands:
        result = english_bot.slack.slash_command("help", command=command)
        assert result.status == 200
        assert result.replies(), f"{command} got no reply"


def test_a_failing_listener_tells_the_user_and_logs_the_traceback(
    english_bot: LocalBot, caplog: pytest.LogCaptureFixture, monkeypatch
) -> None:
    def broken(text, user_id):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(english_bot.bot.deps.commands, "answer", broken)
    result = english_bot.slack.slash_command("glossary")
    replies = result.replies()
    assert replies[0]["text"].startswith("Sorry, something went wrong on my side")
    assert "database on fire" not in replies[0]["text"]
    assert any("database on fire" in record.getMessage() for record in caplog.records)
    assert any(record.exc_info for record in caplog.records)
