"""Goals in Slack and over HTTP: /api/counts, /sla goals, record, calc, report, the standup."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.local.harness import LocalBot
from bot.ui.catalogue import Catalogue
from bot.ui.render import render_blocks, render_message
from tests.helpers import drain, hand_off, post_json
from tests.paths import EXAMPLES

EN = Catalogue("en")


@pytest.fixture
def bot(standin):
    with LocalBot(
        EXAMPLES / "agreement.en.yaml", standin=standin, pace_seconds=0.05, ticker=False
    ) as running:
        yield running


def ask(bot: LocalBot, text: str, user: str = "U0MKT1") -> str:
    [reply] = bot.slack.slash_command(text, user_id=user).replies()
    return render_message(reply)


def test_api_counts_add_and_set(bot: LocalBot) -> None:
    assert post_json(bot, "/api/counts", {"metric": "visits", "value": 120, "mode": "add"}) == (
        200,
        {"metric": "visits", "date": bot.bot.cases.goals.today().isoformat(), "value": 120},
    )
    status, answer = post_json(bot, "/api/counts", {"metric": "visits", "value": 30, "mode": "add"})
    assert (status, answer["value"]) == (200, 150)
    status, answer = post_json(bot, "/api/counts", {"metric": "visits", "value": 90, "mode": "set"})
    assert (status, answer["value"]) == (200, 90)
    assert "Visits ░░░░░░░░░░ 90 / 2,500 (4%)" in ask(bot, "goals")


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (
            {"metric": "sales", "value": 1, "mode": "add"},
            "metric",
            "Goals you can record: `visits`",
        ),
        ({"metric": "contacts", "value": 1, "mode": "add"}, "metric", "counted by the bot"),
        ({"metric": "visits", "value": -1, "mode": "add"}, "value", "cannot be negative"),
        ({"metric": "visits", "value": "ten", "mode": "add"}, "value", "whole number"),
        ({"metric": "visits", "value": 1, "mode": "add", "date": "2026-02-30"}, "date", "real day"),
        ({"metric": "visits", "value": 1, "mode": "add", "date": "2001-01-01"}, "date", "closed"),
        ({"metric": "visits", "value": 1, "mode": "twice"}, "mode", "add or set"),
        ({"metric": "visits", "value": 1}, "mode", "is required"),
    ],
)
def test_api_counts_refuse_bad_input_naming_the_field(bot, body, field, words) -> None:
    status, answer = post_json(bot, "/api/counts", body)
    assert status == 422
    assert words in answer["fields"][field]


def test_api_counts_need_the_token(bot: LocalBot) -> None:
    assert (
        post_json(
            bot, "/api/counts", {"metric": "visits", "value": 1, "mode": "add"}, token="nope"
        )[0]
        == 401
    )


def test_record_is_for_marketers_and_managers(bot: LocalBot) -> None:
    assert ask(bot, "record visits 75").startswith("Recorded: visits for")
    assert (
        ask(bot, "record visits 75", user="U0REP1") == "Only marketers and managers record counts."
    )
    assert "Record a count with `/sla record METRIC VALUE" in ask(bot, "record")
    assert "“clients” is counted by the bot itself (leads won)" in ask(bot, "record clients 3")


def test_goals_show_every_goal_with_its_band(bot: LocalBot) -> None:
    hand_off(bot)
    answer = ask(bot, "goals")
    assert answer.startswith("Goals for ")
    for metric in ("Visits", "Contacts", "Clients"):
        assert metric in answer
    assert "Contacts ░░░░░░░░░░ 1 / 250" in answer


def test_goals_of_another_month_are_that_months_or_say_why_not(bot: LocalBot) -> None:
    today = bot.bot.cases.goals.today()
    before = today.replace(day=1) - timedelta(days=1)
    after = today.replace(day=28) + timedelta(days=4)
    assert ask(bot, f"goals {before:%Y-%m}").startswith(
        f"Goals for {EN.month(before)} (month closed)"
    )
    assert ask(bot, f"metas {after:%Y-%m}").startswith(f"{EN.month(after)} has not started yet")
    assert ask(bot, "goals <@U0REP1>").startswith("Write the month as YYYY-MM")
    assert ask(bot, "goals").startswith(f"Goals for {EN.month(today)} (business day")


def test_calc_in_slack(bot: LocalBot) -> None:
    answer = ask(bot, "calc")
    assert "Revenue goal: 200,000 MXN" in answer
    assert "→ visits: 250 ÷ 10% visit-to-lead rate = 2,500" in answer
    assert "`close`: must be greater than 0 and at most 1" in ask(bot, "calc close=1.5")
    assert "→ clients: 50,000 MXN ÷ 5,000 MXN a deal = 10" in ask(bot, "calcular revenue=100000")


def test_report_commands_answer(bot: LocalBot) -> None:
    hand_off(bot)
    speed = ask(bot, "report speed month")
    assert "Handed off: 1 · claimed: 0 · touched: 0 · never touched: 1" in speed
    assert "• webinar: handed off: 1" in speed
    depth = ask(bot, "reporte profundidad mes")
    assert "Leads: 1 · touches: 0" in depth
    assert "“nonsense” is not a report I know." in ask(bot, "report nonsense")


def test_standup_post_and_chart_in_its_thread(bot: LocalBot, standin) -> None:
    result = bot.bot.cases.standup.post()
    if not result.business_day:
        pytest.skip("today is not a business day in Mexico City")
    drain(bot, timeout=30)
    [post] = [
        m for m in standin.messages("C0STANDUP") if not m.get("thread_ts") and not m.get("files")
    ]
    text = render_blocks(post["blocks"])
    assert "daily standup for" in text
    assert "Goals" in text and "Speed" in text and "Depth" in text
    [upload] = standin.calls("files.completeUploadExternal")
    assert upload.args.get("thread_ts") == post["ts"]
    [file] = standin.files()
    assert bytes(file["content"][:8]) == b"\x89PNG\r\n\x1a\n"
    assert bot.bot.cases.standup.post().posted is False


def test_the_chart_upload_describes_its_figures_for_screen_readers(bot: LocalBot, standin) -> None:
    result = bot.bot.cases.standup.post()
    if not result.business_day:
        pytest.skip("today is not a business day in Mexico City")
    drain(bot, timeout=30)
    [upload] = standin.calls("files.getUploadURLExternal")
    alt = str(upload.args.get("alt_txt") or "")
    assert alt.startswith(f"Burn-up chart of {EN.month(result.day)}")
    # Every goal with its count so far, its target and where the pace says it should be.
    for label, target in (("Visits", "2,500"), ("Contacts", "250"), ("Clients", "20")):
        assert re.search(rf"{label}: [0-9,]+ of {target} \(pace [0-9,]+\)", alt), alt
    assert len(alt) <= 1000


def test_home_shows_my_leads_my_speed_and_the_goals(bot: LocalBot, standin) -> None:
    bot.slack.event(
        {"type": "app_home_opened", "user": "U0REP1", "tab": "home"}, event_id="EvHome1"
    )
    [call] = standin.wait_for_calls("views.publish")
    home = render_blocks(call.args["view"]["blocks"])
    assert "You have no open leads" in home
    assert "Your speed this month: no leads claimed yet." in home
    assert "Goals for" in home and "Visits" in home
