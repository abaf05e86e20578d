"""A goal's line says what is still needed in total and at what rate, in words both locales read."""

from __future__ import annotations

from datetime import date

import pytest

from bot.goals.book import GoalStatus
from bot.goals.messages import GoalMessages
from bot.ui.catalogue import Catalogue
from sla_rules.agreement import load_agreement
from sla_rules.business_clock import BusinessClock
from sla_rules.progress import progress
from tests.paths import EXAMPLES

AGREEMENT = load_agreement(EXAMPLES / "agreement.en.yaml")
CLOCK = BusinessClock.from_agreement(AGREEMENT)
GOAL = AGREEMENT.goals.metrics["contacts"]
# Tuesday 1 December 2026: 21 business days in the month, 20 of them after today.
DECEMBER_1 = date(2026, 12, 1)
# Friday 27 November: only Monday 30 is left after it. Monday 30: nothing left after it.
FRIDAY_27 = date(2026, 11, 27)
MONDAY_30 = date(2026, 11, 30)


def need(locale: str, target: int, actual: int, today: date) -> str:
    """The part of the goal's line after its last ' · ': what is still needed."""
    status = GoalStatus("contacts", GOAL, progress("contacts", target, actual, today, CLOCK))
    line = GoalMessages(Catalogue(locale), "Acme", "MXN").goal_line(status)
    return line.rsplit(" · ", 1)[1]


@pytest.mark.parametrize(
    ("locale", "target", "actual", "today", "words"),
    [
        # 4 in 20 days used to read "need 1 a day for 20 business days": 20, not 4.
        ("en", 10, 6, DECEMBER_1, "4 more in 20 business days, about 1 every 5 business days"),
        ("en", 10, 7, DECEMBER_1, "3 more in 20 business days, about 1 every 6 business days"),
        ("en", 80, 20, DECEMBER_1, "60 more in 20 business days, about 3 a day"),
        ("en", 81, 20, DECEMBER_1, "61 more in 20 business days, about 4 a day"),
        ("en", 35, 20, DECEMBER_1, "15 more in 20 business days, about 1 a day"),
        ("en", 80, 20, FRIDAY_27, "60 more in 1 business day, about 60 a day"),
        ("en", 80, 79, MONDAY_30, "1 more needed, and no business day is left after today"),
        ("en", 80, 20, MONDAY_30, "60 more needed, and no business day is left after today"),
        ("en", 80, 90, DECEMBER_1, "target met :tada:"),
        (
            "es",
            10,
            6,
            DECEMBER_1,
            "4 más en 20 días hábiles: cerca de 1 cada 5 días hábiles",
        ),
        ("es", 80, 20, DECEMBER_1, "60 más en 20 días hábiles: cerca de 3 al día"),
        ("es", 80, 20, FRIDAY_27, "60 más en 1 día hábil: cerca de 60 al día"),
        ("es", 80, 79, MONDAY_30, "falta 1 y no queda ningún día hábil después de hoy"),
        ("es", 80, 20, MONDAY_30, "faltan 60 y no queda ningún día hábil después de hoy"),
        ("es", 80, 90, DECEMBER_1, "meta cumplida :tada:"),
    ],
)
def test_the_line_says_the_total_still_needed_and_the_rate(
    locale: str, target: int, actual: int, today: date, words: str
) -> None:
    assert need(locale, target, actual, today) == words


@pytest.mark.parametrize(
    ("locale", "share", "pace", "milestone", "bands"),
    [
        ("en", "(60%)", "(pace 105%)", "*50% of the monthly", "99% or more"),
        ("es-MX", "(60%)", "(ritmo 105%)", "*50% de la meta", "99% o más"),
        ("es-ES", "(60\xa0%)", "(ritmo 105\xa0%)", "*50\xa0% de la meta", "99\xa0% o más"),
    ],
)
def test_percentages_are_written_as_the_locale_writes_them(
    locale: str, share: str, pace: str, milestone: str, bands: str
) -> None:
    messages = GoalMessages(Catalogue(locale), "Acme", "MXN")
    # 6 of 10 on the 12th business day of 21: ahead of the pro-rated 5.7 (pace 105%).
    status = GoalStatus("contacts", GOAL, progress("contacts", 10, 6, date(2026, 12, 16), CLOCK))
    line = messages.goal_line(status)
    assert share in line and pace in line
    assert milestone in messages.celebration("contacts", 50, 5, 10, []).text
    footer = messages.goals([status], date(2026, 12, 16)).blocks[-1]
    assert bands in footer["elements"][0]["text"]
