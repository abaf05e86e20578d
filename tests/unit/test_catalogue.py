"""The message catalogue: English and Spanish say the same things with the same fields."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from babel import Locale
from hypothesis import given
from hypothesis import strategies as st

from bot.ui.catalogue import Catalogue, load_messages, placeholders, plural_keys

COUNTS = (0, 1, 2, 5, 21, 1000, 1000000)
LANGUAGES = ("en", "es")


def _plural_forms(language: str) -> set[str]:
    """Every key that is one form of a plural key (kind.call.one, ...)."""
    return {
        f"{stem}.{category}"
        for stem, categories in plural_keys(load_messages(language)).items()
        for category in categories
    }


def test_both_locales_have_the_same_keys() -> None:
    # Extra CLDR categories (Spanish `many`) are the language's own; the rest must match.
    en = set(load_messages("en"))
    es = set(load_messages("es")) - {key for key in _plural_forms("es") if key.endswith(".many")}
    assert en == es


@pytest.mark.parametrize("key", sorted(load_messages("en")))
def test_each_message_has_the_same_fields_in_both_locales(key: str) -> None:
    en, es = placeholders(load_messages("en")[key]), placeholders(load_messages("es")[key])
    if key in _plural_forms("en"):
        # A plural form may spell its number out ("tu único lead"): {count} is optional there.
        en, es = en - {"count"}, es - {"count"}
    assert en == es


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plural_key_has_one_and_other_and_only_the_languages_categories(
    language: str,
) -> None:
    # The documented rule: `.one` and `.other` always; any other CLDR category the language
    # uses (Spanish `many`, for a million and more) may be spelled out, else `.other` serves.
    used = Locale.parse(language).plural_form.tags | {"other"}
    for stem, categories in plural_keys(load_messages(language)).items():
        assert {"one", "other"} <= categories, stem
        assert categories <= used, (stem, categories - used)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("count", COUNTS)
def test_every_plural_key_renders_each_count_with_its_cldr_form(language: str, count: int) -> None:
    cat = Catalogue(language)
    messages = load_messages(language)
    for stem in plural_keys(messages):
        fields = set().union(*(placeholders(messages[k]) for k in messages if k.startswith(stem)))
        values = {name: "X" for name in fields - {"count"}}
        text = cat.plural(stem, count, **values)
        category = str(Locale.parse(language).plural_form(count))
        form = f"{stem}.{category}" if f"{stem}.{category}" in messages else f"{stem}.other"
        assert text == messages[form].format(count=cat.number(count), **values)
        if "{count}" in messages[form]:
            assert cat.number(count) in text


def test_english_and_spanish_sentences_agree_with_their_numbers() -> None:
    en, es = Catalogue("en"), Catalogue("es")
    assert en.plural("kind.call", 1) == "1 call"
    assert en.plural("kind.call", 0) == "0 calls"
    assert es.plural("kind.voicemail", 3) == "3 mensajes de voz"
    assert es.plural("kind.call", 1000000) == "1,000,000 de llamadas"
    assert "Your 1 open lead gets no nudges" in en.plural("away.away_open", 1)
    assert "Tu único lead abierto no recibe" in es.plural("away.away_open", 1)
    assert "over 1 business day;" in en.plural("summary.cadence", 1, kinds="x", stops="y")
    assert en.plural("home.claimed", 1) == "1 lead claimed"
    assert en.join(["a", "b", "c"]) == "a, b and c"
    assert es.join(["a", "b"]) == "a y b"


@pytest.mark.parametrize(
    ("locale", "thousands", "decimal", "percent"),
    [
        ("en", "2,500", "1,234.5", "8%"),
        ("en-US", "2,500", "1,234.5", "8%"),
        ("es", "2,500", "1,234.5", "8%"),
        ("es-MX", "2,500", "1,234.5", "8%"),
        ("es_MX", "2,500", "1,234.5", "8%"),
        ("es-ES", "2.500", "1.234,5", "8\xa0%"),
    ],
)
def test_numbers_use_the_locales_separators(
    locale: str, thousands: str, decimal: str, percent: str
) -> None:
    cat = Catalogue(locale)
    assert cat.number(2500) == thousands
    assert cat.number(1234.5) == decimal
    assert cat.percent(0.08) == percent
    assert cat.plural("kind.call", 2500).startswith(thousands + " ")


def test_dates_and_times_follow_the_locale() -> None:
    moment = datetime(2026, 11, 11, 20, 58, tzinfo=UTC)
    assert Catalogue("en").date_time(moment) == "Nov 11, 2026, 20:58"
    assert Catalogue("es-MX").date_time(moment) == "11 nov 2026, 20:58"
    assert Catalogue("es").clock(moment) == "20:58"
    assert Catalogue("es").month(date(2026, 11, 1)) == "noviembre de 2026"
    assert Catalogue("en").date(date(2026, 12, 20)) == "Dec 20, 2026"


def test_a_region_picks_formats_and_the_language_picks_messages() -> None:
    assert Catalogue("es-ES").t("language.es") == Catalogue("es").t("language.es") == "español"
    assert Catalogue("en-GB").language == "en"


@given(st.integers(min_value=0, max_value=10**12))
def test_the_form_follows_cldr_for_any_count(count: int) -> None:
    for language in LANGUAGES:
        cat = Catalogue(language)
        category = str(Locale.parse(language).plural_form(count))
        expected = "one" if category == "one" else ("many" if category == "many" else "other")
        messages = load_messages(language)
        key = f"kind.call.{expected}" if f"kind.call.{expected}" in messages else "kind.call.other"
        assert cat.plural("kind.call", count) == messages[key].format(count=cat.number(count))


@pytest.mark.parametrize("locale", ["fr", "de-DE", "xx", "es-XX", ""])
def test_unknown_locale_is_refused(locale: str) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        Catalogue(locale)


@pytest.mark.parametrize(
    ("locale", "average", "zero", "share"),
    [
        ("en", "3.5", "0.0", "63%"),
        ("es-MX", "3.5", "0.0", "63%"),
        ("es-ES", "3,5", "0,0", "63\xa0%"),
    ],
)
def test_report_measures_use_the_locales_decimal_mark(
    locale: str, average: str, zero: str, share: str
) -> None:
    cat = Catalogue(locale)
    assert cat.decimal(3.45) == average  # half up, as people round
    assert cat.decimal(0) == zero
    assert cat.percent(0.63) == share
