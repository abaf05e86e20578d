"""Dates people read are written as their locale writes them, never as ISO 8601 keys.

A Spanish team reads "reporte diario del 25 nov 2026" and "Metas de noviembre de 2026", not
2026-11-25 and 2026-11; what they type (`/sla metas 2026-11`) and the JSON API stay ISO.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.goals.messages import GoalMessages
from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.ui.catalogue import Catalogue
from bot.ui.render import render_message
from tests.paths import EXAMPLES

ISO_DAY_OR_MONTH = re.compile(r"\b\d{4}-\d{2}\b")
ES = Catalogue("es")


@pytest.fixture
def spanish(standin: SlackStandIn) -> Iterator[LocalBot]:
    with LocalBot(
        EXAMPLES / "acuerdo.es.yaml", standin=standin, pace_seconds=0, ticker=False
    ) as running:
        yield running


def ask(bot: LocalBot, text: str) -> str:
    [reply] = bot.slack.slash_command(text, user_id="U0MANAGER1").replies()
    return render_message(reply)


def test_the_standup_title_names_the_day_as_people_write_it() -> None:
    post = GoalMessages(ES, "Óptica Sur", "MXN").standup(date(2026, 11, 25), [], None, None)
    assert post.text == "Reporte diario del 25 nov 2026"
    assert "reporte diario del 25 nov 2026" in str(post.blocks[0])


def test_goals_records_and_reports_name_days_and_months_in_words(spanish: LocalBot) -> None:
    today = spanish.bot.cases.goals.today()
    last_month = today.replace(day=1) - timedelta(days=1)
    next_month = today.replace(day=28) + timedelta(days=4)
    goals = ask(spanish, "metas")
    assert goals.startswith(f"Metas de {ES.month(today)} (día hábil")
    closed = ask(spanish, f"metas {last_month:%Y-%m}")
    assert closed.startswith(f"Metas de {ES.month(last_month)} (mes cerrado)")
    ahead = ask(spanish, f"metas {next_month:%Y-%m}")
    assert ahead.startswith(f"{ES.month(next_month)} todavía no empieza")
    recorded = ask(spanish, "registrar visitas 120")
    assert recorded == f"Registrado: visitas del {ES.date(today)} ahora es 120."
    month_report = ask(spanish, f"reporte velocidad {last_month:%Y-%m}")
    assert month_report.startswith(f"Velocidad de respuesta · {ES.month(last_month)} (")
    first = last_month.replace(day=1)
    assert f"({ES.date(first)} – {ES.date(last_month)})" in month_report
    for answer in (goals, closed, ahead, recorded, month_report):
        assert not ISO_DAY_OR_MONTH.search(answer.split("¿Y si")[0]), answer


def test_a_month_of_year_one_cannot_be_read_as_a_day() -> None:
    english = GoalMessages(Catalogue("en"), "Acme", "MXN").goals([], date(1, 1, 1), closed=True)
    assert english.text.startswith("*Goals for January 0001* (month closed)")
    spanish = GoalMessages(ES, "Acme", "MXN").goals([], date(1, 1, 1), closed=True)
    assert spanish.text.startswith("*Metas de enero de 0001* (mes cerrado)")
