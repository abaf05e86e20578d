"""Numbers people type in Slack are read the way the agreement's locale writes them.

es-ES writes 1.200,5 and es-MX/en-US 1,200.5: `/sla calcular cierre=0,1` is a tenth in
Spain and a typo in Mexico, never silently 1; a count of 1.200 visits is 1200 in Spain and
1.2 (not a whole number) in the US.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.local.harness import LocalBot
from bot.local.standin import SlackStandIn
from bot.ui.render import render_message
from tests.paths import EXAMPLES


def _agreement(tmp_path: Path, source: str, locale: str) -> Path:
    data = yaml.safe_load((EXAMPLES / source).read_text(encoding="utf-8"))
    data["locale"] = locale
    path = tmp_path / f"{locale}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def spain(standin: SlackStandIn, tmp_path: Path) -> Iterator[LocalBot]:
    path = _agreement(tmp_path, "acuerdo.es.yaml", "es-ES")
    with LocalBot(path, standin=standin, pace_seconds=0, ticker=False) as running:
        yield running


@pytest.fixture
def mexico(standin: SlackStandIn, tmp_path: Path) -> Iterator[LocalBot]:
    path = _agreement(tmp_path, "acuerdo.es.yaml", "es-MX")
    with LocalBot(path, standin=standin, pace_seconds=0, ticker=False) as running:
        yield running


@pytest.fixture
def us(standin: SlackStandIn, tmp_path: Path) -> Iterator[LocalBot]:
    path = _agreement(tmp_path, "agreement.en.yaml", "en-US")
    with LocalBot(path, standin=standin, pace_seconds=0, ticker=False) as running:
        yield running


def ask(bot: LocalBot, text: str, user: str = "U0MANAGER1") -> str:
    [reply] = bot.slack.slash_command(text, user_id=user).replies()
    return render_message(reply)


def test_a_decimal_comma_is_a_tenth_in_spain(spain: LocalBot) -> None:
    answer = ask(spain, "calcular cierre=0,1")
    assert "÷ 10\xa0% de tasa de cierre" in answer
    assert ask(spain, "calcular cierre=0.1") == answer  # a lone point cannot group thousands
    assert "÷ 12,5\xa0% de tasa de cierre" in ask(spain, "calcular cierre=0,125")
    assert "× 100\xa0% = 1.200.000 MXN" in ask(spain, "calcular ingresos=1.200.000 participación=1")


def test_a_decimal_comma_is_refused_in_mexico_not_read_as_one(mexico: LocalBot) -> None:
    answer = ask(mexico, "calcular cierre=0,1")
    assert "tasa de cierre" not in answer
    assert "`cierre`: “0,1” no es un número válido aquí" in answer
    assert "1,200.5" in answer  # how this locale writes one
    assert "÷ 10% de tasa de cierre" in ask(mexico, "calcular cierre=0.1")


def test_calc_refuses_what_no_locale_writes(us: LocalBot) -> None:
    for typed in ("0,1", "1,2,0,0", "1e3", "١٢", "0x10", "nan", "<!channel>", "9" * 60, ""):
        answer = ask(us, f"calc close={typed}")
        assert "close rate" not in answer, typed
        assert "`close`:" in answer and "is not a number" in answer, typed
        assert "<!channel>" not in answer
    huge = ask(us, "calc revenue=" + "9" * 40)
    assert "`revenue`: is too large to count with (at most 1,000,000,000,000,000)" in huge


def test_a_count_of_1_200_is_twelve_hundred_in_spain(spain: LocalBot) -> None:
    done = ask(spain, "registrar visitas 1.200")
    assert done.startswith("Registrado: visitas") and done.endswith("ahora es 1.200.")
    assert ask(spain, "registrar visitas 1,5").startswith("El valor debe ser un número entero")
    assert "2.147.483.647" in ask(spain, "registrar visitas 99999999999")


def test_a_count_of_1_200_is_not_whole_in_the_us(us: LocalBot) -> None:
    assert ask(us, "record visits 1.200").startswith("The value must be a whole number")
    assert ask(us, "record visits 1,200").endswith("is now 1,200.")
    assert "“1,2,0,0” is not a number" in ask(us, "record visits 1,2,0,0")
    assert "2,147,483,647" in ask(us, "record visits 99999999999")
