"""A Spanish agreement: every text a Spanish team reads (Slack, CLI, HTTP errors) is Spanish.

The whole flow runs against the real bot and the Slack stand-in; every message the stand-in
received, every ephemeral answer, the CLI's output and the API's error bodies are scanned for
English words that are not Spanish words too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli.main import main
from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from tests.helpers import API_TOKEN, drain, wait_announced
from tests.paths import EXAMPLES

# Common English words that are not Spanish words: one of them in a reply means English
# leaked into Spanish mode. (Not "a", "no", "me", "con"...: those are Spanish as well.)
ENGLISH_ONLY = frozenset(
    [
        "the",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "must",
        "not",
        "and",
        "or",
        "of",
        "with",
        "for",
        "to",
        "your",
        "you",
        "has",
        "have",
        "this",
        "that",
        "which",
        "an",
        "at",
        "by",
        "from",
        "than",
        "such",
        "as",
        "on",
        "in",
        "it",
        "its",
        "got",
        "nobody",
        "already",
        "unknown",
        "key",
        "required",
        "missing",
        "invalid",
        "wrong",
        "endpoint",
        "there",
        "what",
        "when",
        "where",
        "who",
        "will",
        "would",
        "can",
        "cannot",
        "could",
        "after",
        "before",
        "into",
        "out",
        "over",
        "under",
        "up",
        "they",
        "them",
        "their",
        "our",
        "we",
        "so",
        "if",
        "but",
        "because",
        "about",
        "every",
        "each",
        "any",
        "some",
        "all",
        "more",
        "less",
        "due",
        "overdue",
        "claimed",
        "touch",
        "touches",
        "reminder",
        "breach",
        "breached",
        "until",
        "back",
        "away",
        "sent",
        "logged",
        "calls",
        "call",
        "voicemail",
        "emails",
        "nudges",
        "goal",
        "goals",
        "report",
        "speed",
        "depth",
        "close",
        "share",
        "deal",
        "visit",
        "revenue",
        "rate",
        "reason",
        "budget",
        "interest",
        "found",
        "one",
    ]
)
# Slack markup that is not prose: `code`, <@U…>/<#C…>/<url|label> links and :emoji:.
_MARKUP = re.compile(r"`[^`]*`|<[^>]*>|:[a-z0-9_+-]+:")
_WORD = re.compile(r"[A-Za-zÁÉÍÓÚÜÑáéíóúüñ']+")
# Wednesday 10:00 in Mexico City: business hours of the Spanish example.
START = datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def english_words(text: str) -> set[str]:
    """The English-only words of a text, its Slack markup left out."""
    prose = _MARKUP.sub(" ", text)
    return {word for word in _WORD.findall(prose.lower()) if word in ENGLISH_ONLY}


def _strings(value: Any) -> Iterator[str]:
    """Every human-readable string inside a Slack payload (text, blocks, alt text...)."""
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            yield value
            return
        if isinstance(decoded, dict | list):
            yield from _strings(decoded)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            # Identifiers, not prose: action IDs, values, channels, timestamps, metadata.
            if key in {
                "action_id",
                "block_id",
                "value",
                "channel",
                "ts",
                "thread_ts",
                "user",
                "metadata",
                "callback_id",
                "private_metadata",
                "url",
                "type",
                "style",
                "response_url",
                "token",
                "filename",
                "file",
                "initial_date",
            }:
                continue
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _leaks(texts: list[str]) -> list[tuple[str, set[str]]]:
    return [(text, found) for text in texts if (found := english_words(text))]


def _cli_leaks(output: str) -> list[tuple[str, set[str]]]:
    """Leaks in CLI lines, leaving out what is the file's own: paths, keys and choices."""
    texts = []
    for line in output.splitlines():
        words = line.strip()
        # "cadence.touches[3].kind: ..." names a key of the YAML file; "/tmp/x.yaml tiene..."
        # a file. The values a key accepts (call, email...) are written as the file needs them.
        words = re.sub(r"^\S+(:| tiene)", "", words)
        words = re.sub(r"(uno de estos|debe ser): [a-z_, ]+", "", words)
        texts.append(words)
    return _leaks(texts)


class _Clock:
    """A clock the test moves forward, so the ladder and cadence fire on their own."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def test_the_stop_words_catch_english_and_spare_spanish() -> None:
    assert english_words("Your 1 open lead gets no nudges") == {"your", "nudges"}
    assert english_words("must be greater than 0 and at most 1") == {
        "must",
        "be",
        "than",
        "and",
        "at",
    }
    assert english_words("Tu lead abierto no recibe recordatorios: `/sla toque L-1`") == set()
    assert english_words("<@U0REP1> :tada: <#C0HANDOFF>") == set()


def test_a_spanish_agreement_speaks_spanish_in_slack_and_over_http(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    clock = _Clock()
    agreement = EXAMPLES / "acuerdo.es.yaml"
    with LocalBot(agreement, standin=standin, clock=clock, ticker=False, pace_seconds=0) as bot:
        assert bot.bot is not None and bot.slack is not None
        lead = {
            "name": "Marta Quintana",
            "company": "Óptica Sur",
            "email": "marta@opticasur.mx",
            "phone": "+52 55 1234 5678",
            "source": "seminario web",
            "reason": "Descargó 3 guías, puntaje 72",
        }
        replies: list[str] = []
        api_errors: list[str] = []
        for number in (1, 2):
            email = f"cliente{number}@opticasur.mx"
            status, answer = bot.api(
                "/api/handoffs", {**lead, "external_id": f"crm-{number}", "email": email}
            )
            assert status == 201, answer
        # The API's refusals a CRM integrator reads.
        for body, token, raw in [
            ({"name": ""}, API_TOKEN, None),
            ({}, "wrong", None),
            (None, API_TOKEN, b"{not json"),
            ({"metric": "visitas"}, API_TOKEN, None),
        ]:
            path = "/api/handoffs" if body != {"metric": "visitas"} else "/api/counts"
            status, answer = bot.api(path, body, token=token, raw=raw)
            assert status >= 400
            api_errors.append(json.dumps(answer, ensure_ascii=False))
        status, answer = bot.api("/api/nothing-here", {})
        api_errors.append(json.dumps(answer, ensure_ascii=False))

        first = wait_announced(bot, 1)[0]
        click = bot.slack.block_action(
            "claim_lead", "1", "U0REP1", channel_id="C0HANDOFF", message_ts=first["ts"]
        )
        standin.wait_for(lambda s: s.responses(click.response_url))
        # The ladder of the unclaimed lead, then a touch and the cadence on the claimed one.
        for minutes in (3, 6, 16, 40):
            clock.now = START + timedelta(minutes=minutes)
            bot.bot.tick_now()
        commands = [
            "ayuda",
            "glosario",
            "glosario blockchain",
            "responsables",
            "acuerdo",
            "lead L-1",
            "lead L-2",
            "mios",
            "toque L-1 llamada sin_respuesta",
            "toque L-1 fax nada",
            "toque",
            "metas",
            "reporte velocidad",
            "reporte profundidad semana",
            "reporte",
            "reporte velocidad ayer-no",
            "calcular",
            "calcular cierre=0",
            "calcular ingresos=-5",
            "calcular close=abc",
            "calcular potencia=2",
            "registrar visitas 120",
            "registrar",
            "ausente",
            "regreso",
            "ausente hasta 2026-12-04",
            "regreso",
            "bailar conmigo",
        ]
        for text in commands:
            result = bot.slack.slash_command(text, user_id="U0MANAGER1")
            assert result.status == 200
            for reply in result.replies():
                replies.extend(_strings(reply))
        clock.now = START + timedelta(days=1, hours=1)
        bot.bot.tick_now()
        drain(bot)
        sent = [text for call in standin.calls() for text in _strings(call.args)]
        responses = [text for body in standin.responses() for text in _strings(body)]

    assert sent and replies and responses
    leaks = _leaks(sent + responses + replies + api_errors)
    assert leaks == [], "\n".join(f"{sorted(found)}: {text}" for text, found in leaks[:20])


@pytest.mark.parametrize("locale", ["es", "es-MX", "es_ES"])
def test_sla_bot_check_names_each_problem_in_spanish_at_its_path(
    tmp_path: Path, capsys, locale: str
) -> None:
    data = yaml.safe_load((EXAMPLES / "acuerdo.es.yaml").read_text(encoding="utf-8"))
    data["locale"] = locale
    data["cadence"]["touches"][3]["kind"] = "sms"
    data["timezone"] = "Marte/Olimpo"
    data["colour"] = "azul"
    data["response"]["first_touch_within"] = "5 minutos"
    data["slack"]["handoff_channel"] = "#ventas"
    data["business_hours"]["end"] = "08:00"
    broken = tmp_path / "roto.yaml"
    broken.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    assert main(["check", str(broken)]) == 1
    err = capsys.readouterr().err
    assert "tiene 6 problemas" in err
    assert "cadence.touches[3].kind: debe ser uno de estos: call, email, voicemail" in err
    assert "colour: clave desconocida (se encontró 'azul')" in err
    assert "slack.handoff_channel: debe ser el ID de un canal de Slack" in err
    assert "business_hours.end: debe ser posterior al inicio (09:00)" in err
    assert _cli_leaks(err) == []


def test_a_spanish_agreement_that_cannot_start_says_why_in_spanish(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    (tmp_path / "sla.yaml").write_text("version: 1\nlocale: es-MX\n", encoding="utf-8")
    monkeypatch.setenv("SLA_CONFIG", str(tmp_path / "sla.yaml"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'sla.db'}")
    monkeypatch.setenv("SLA_API_TOKEN", API_TOKEN)
    assert main(["import", str(tmp_path / "leads.csv")]) == 2
    err = capsys.readouterr().err
    assert "no se puede importar" in err and "company: es obligatorio" in err
    assert _cli_leaks(err) == []
