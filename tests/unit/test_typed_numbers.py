"""Reading typed numbers back as the locale writes them, and refusing anything else."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ui.catalogue import Catalogue

LOCALES = ("en", "en-US", "es", "es-MX", "es-ES")
AMOUNTS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


@pytest.mark.parametrize(
    ("locale", "typed", "read"),
    [
        ("es-ES", "0,1", "0.1"),
        ("es-ES", "0.1", "0.1"),  # a lone point that cannot group thousands
        ("es-ES", "1.200", "1200"),
        ("es-ES", "1.200,5", "1200.5"),
        ("es-ES", "1,5", "1.5"),
        ("es-MX", "1,200.5", "1200.5"),
        ("es-MX", "1.200", "1.2"),
        ("en-US", "1,200", "1200"),
        ("en-US", "1.200", "1.2"),
        ("en", "-3", "-3"),
    ],
)
def test_a_number_is_read_as_the_locale_writes_it(locale: str, typed: str, read: str) -> None:
    assert Catalogue(locale).read_number(typed) == Decimal(read)


@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("es-MX", "0,1"),  # a comma groups thousands in Mexico: not a tenth, not 1
        ("en-US", "0,1"),
        ("es-ES", "1,200.5"),
        ("en-US", "1.200,5"),
        ("en-US", "1,2,0,0"),
        ("es-ES", "1.2.3"),
        ("en-US", "1,,200"),
        ("en-US", "1.,2"),
        ("en-US", "1e3"),
        ("en-US", "0x10"),
        ("en-US", "NaN"),
        ("en-US", "Infinity"),
        ("en-US", "١٢٣"),  # Arabic-Indic digits, which Decimal alone would take
        ("en-US", "１２"),  # full-width digits
        ("en-US", "<!channel>"),
        ("en-US", "9" * 41),
        ("en-US", ".5"),
        ("en-US", "5."),
        ("en-US", ""),
        ("en-US", "1 200"),
    ],
)
def test_what_the_locale_does_not_write_is_refused(locale: str, typed: str) -> None:
    assert Catalogue(locale).read_number(typed) is None


@given(st.sampled_from(LOCALES), AMOUNTS)
def test_a_number_shown_reads_back_as_the_same_number(locale: str, value: Decimal) -> None:
    cat = Catalogue(locale)
    assert cat.read_number(cat.number(float(value))) == value


@given(st.sampled_from(LOCALES), AMOUNTS, st.integers(min_value=0, max_value=4))
def test_a_measure_shown_reads_back_as_its_rounded_value(
    locale: str, value: Decimal, digits: int
) -> None:
    cat = Catalogue(locale)
    shown = Decimal(1).scaleb(-digits)
    assert cat.read_number(cat.decimal(float(value), digits)) == value.quantize(
        shown, ROUND_HALF_UP
    )


NOT_ASCII_DIGITS = st.characters(categories=["Nd"]).filter(lambda c: not "0" <= c <= "9")


@given(
    st.sampled_from(LOCALES),
    st.text(alphabet=st.sampled_from("0123456789.,"), max_size=12),
    NOT_ASCII_DIGITS,
    st.integers(min_value=0, max_value=12),
)
def test_a_foreign_digit_anywhere_is_refused(
    locale: str, typed: str, digit: str, where: int
) -> None:
    hostile = typed[:where] + digit + typed[where:]
    assert Catalogue(locale).read_number(hostile) is None


@given(st.sampled_from(LOCALES), st.text(max_size=50))
def test_whatever_is_read_was_written_with_digits_and_separators_only(
    locale: str, typed: str
) -> None:
    read = Catalogue(locale).read_number(typed)
    if read is not None:
        assert set(typed.strip()) <= set("0123456789+-.,") and len(typed.strip()) <= 40
        assert read.is_finite()


@given(st.sampled_from(LOCALES), st.integers(min_value=0, max_value=10**9))
def test_nested_separators_are_refused(locale: str, whole: int) -> None:
    cat = Catalogue(locale)
    for mark in (".,", ",.", "..", ",,"):
        assert cat.read_number(f"{whole}{mark}5") is None
