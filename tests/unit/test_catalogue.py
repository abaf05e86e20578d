"""The message catalogue: English and Spanish say the same things with the same fields."""

from __future__ import annotations

import pytest

from bot.ui.catalogue import Catalogue, load_messages, placeholders


def test_both_locales_have_the_same_keys() -> None:
    assert set(load_messages("en")) == set(load_messages("es"))


@pytest.mark.parametrize("key", sorted(load_messages("en")))
def test_each_message_has_the_same_fields_in_both_locales(key: str) -> None:
    assert placeholders(load_messages("en")[key]) == placeholders(load_messages("es")[key])


def test_plurals_and_lists_follow_the_language() -> None:
    en, es = Catalogue("en"), Catalogue("es")
    assert en.plural("kind.call", 1) == "1 call"
    assert en.plural("kind.call", 6) == "6 calls"
    assert es.plural("kind.voicemail", 3) == "3 mensajes de voz"
    assert en.join(["a", "b", "c"]) == "a, b and c"
    assert es.join(["a", "b"]) == "a y b"
    assert en.number(2500) == "2,500"


def test_unknown_locale_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        Catalogue("fr")
