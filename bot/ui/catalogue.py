"""The message catalogue: every user-visible string, in English and Spanish.

A locale such as `es-MX` picks the messages by its language (`es`) and the number and date
formats by the whole locale (CLDR data through Babel); a bare language takes the region in
DEFAULT_REGIONS. Plural forms follow CLDR's plural rules for the language: `key.one`,
`key.many`, `key.other`, ... each a whole sentence; a category a key does not spell out (such
as Spanish `many`, for a million and more) falls back to `key.other`.
"""

from __future__ import annotations

import re
import string
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, get_datetime_format
from babel.numbers import (
    NumberFormatError,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SUPPORTED_LOCALES = ("en", "es")
# The formats a bare language is written in: US English; Latin American Spanish (2,500 and
# 8%, as in Mexico, where the team of the source article works). es-ES writes 2.500 and 8 %.
DEFAULT_REGIONS = {"en": "US", "es": "419"}
# Every CLDR plural category; the ones a language does not use must not appear in its keys.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
# What a typed number may hold before the locale reads it: ASCII digits (Decimal would take
# Arabic-Indic or full-width ones too), a sign, the two separators; a digit at each end.
_TYPED_NUMBER = re.compile(r"[+-]?[0-9](?:[0-9.,]*[0-9])?", re.ASCII)
# Longer than any count or amount anyone types: refused before Decimal works on it.
_MAX_TYPED = 40


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@cache
def babel_locale(locale: str) -> Locale:
    """The Babel locale for `en`, `es-MX` or `es_MX`, with the default region of a bare language."""
    try:
        parsed = Locale.parse(locale.strip().replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        raise ValueError(f"unsupported locale {locale!r}") from None
    if parsed.language not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    if parsed.territory is None:
        return Locale(parsed.language, DEFAULT_REGIONS[parsed.language])
    return parsed


def language_of(locale: str) -> str:
    """The message language of a locale: `es` for es-MX, es_ES or es."""
    return babel_locale(locale).language


@cache
def load_messages(locale: str) -> dict[str, str]:
    """Read one language's messages (`en`, `es`; a region is ignored), flattened to dotted keys."""
    language = language_of(locale)
    # en.yaml, then en.<part>.yaml files: each surface may keep its strings in a file of its own.
    messages: dict[str, str] = {}
    files = sorted(LOCALES_DIR.glob(f"{language}.*yaml"), key=lambda p: (p.stem != language, p))
    for path in files:
        with path.open(encoding="utf-8") as handle:
            part = _flatten(yaml.safe_load(handle) or {})
        clash = messages.keys() & part.keys()
        if clash:
            raise ValueError(f"{path.name} repeats keys: {', '.join(sorted(clash))}")
        messages.update(part)
    return messages


def placeholders(template: str) -> set[str]:
    """Name the {fields} a template expects."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def plural_keys(messages: dict[str, str]) -> dict[str, set[str]]:
    """The plural keys of a catalogue and the categories each spells out.

    A plural key has a form other than `.other` (`.one`, `.many`...): `story.other` alone is a
    plain message named "other".
    """
    found: dict[str, set[str]] = {}
    for key in messages:
        stem, _, category = key.rpartition(".")
        if category in PLURAL_CATEGORIES:
            found.setdefault(stem, set()).add(category)
    return {stem: forms for stem, forms in found.items() if forms != {"other"}}


class Catalogue:
    """The messages of one locale, formatted with named values."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.babel = babel_locale(locale)
        self.language = self.babel.language
        self._messages = load_messages(self.language)

    def t(self, key: str, **values: Any) -> str:
        """Return the message for a key with its {fields} filled in."""
        return self._messages[key].format(**values)

    def has(self, key: str) -> bool:
        """Tell whether the catalogue holds a key."""
        return key in self._messages

    def plural_category(self, count: float) -> str:
        """CLDR's plural category of a count in this language (one, many, other...)."""
        return str(self.babel.plural_form(abs(count)))

    def plural(self, key: str, count: int, **values: Any) -> str:
        """Return the whole sentence for a count: `key.<CLDR category>`, else `key.other`."""
        form = f"{key}.{self.plural_category(count)}"
        chosen = form if form in self._messages else f"{key}.other"
        return self.t(chosen, count=self.number(count), **values)

    def number(self, value: float) -> str:
        """A number with the locale's separators: 2,500 in en-US and es-MX, 2.500 in es-ES."""
        if float(value).is_integer():
            return format_decimal(int(value), locale=self.babel)
        return format_decimal(round(value, 2), locale=self.babel, decimal_quantization=False)

    def decimal(self, value: float, digits: int = 1) -> str:
        """A measure shown with a fixed number of decimals: 3.4 in es-MX, 3,4 in es-ES."""
        pattern = "#,##0." + "0" * digits if digits > 0 else "#,##0"
        # Half up, as people round (3.45 -> 3.5), not CLDR's default half-even.
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
        return format_decimal(rounded, format=pattern, locale=self.babel)

    def read_number(self, text: str) -> Decimal | None:
        """A number typed as the locale writes it (1.200,5 in es-ES, 1,200.5 in es-MX); None if not.

        A lone point that cannot group thousands (0.1 or 1.5 in es-ES) is a decimal point, as
        programmers and the examples write it; anything else the locale does not write (0,1 in
        en-US, 1,2,0,0, 1e3, unicode digits) is refused rather than read as another number.
        """
        typed = text.strip()
        if len(typed) > _MAX_TYPED or not _TYPED_NUMBER.fullmatch(typed):
            return None
        try:
            return parse_decimal(typed, locale=self.babel, strict=True)
        except NumberFormatError:
            pass
        point_groups = get_group_symbol(self.babel) == "." != get_decimal_symbol(self.babel)
        if point_groups and typed.count(".") == 1 and "," not in typed:
            return Decimal(typed)
        return None

    def percent(self, share: float, digits: int = 0) -> str:
        """A share (0.08) as the locale writes a percentage: 8% in es-MX, 8 % in es-ES."""
        rounded = round(share, digits + 2)
        return format_percent(rounded, locale=self.babel, decimal_quantization=False)

    def date(self, day: date) -> str:
        """A calendar day in the locale's medium pattern: Nov 11, 2026 / 11 nov 2026."""
        return format_date(day, "medium", locale=self.babel)

    def month(self, day: date) -> str:
        """A day's month and year as the locale names it: November 2026 / noviembre de 2026."""
        # The locale's pattern with the year written in full: CLDR's bare `y` writes year 1 as
        # "1", which reads as a day ("January 1"); "January 0001" cannot be misread.
        pattern = re.sub(r"\by\b", "yyyy", self.babel.datetime_skeletons["yMMMM"].pattern)
        return format_date(day, pattern, locale=self.babel)

    def clock(self, moment: datetime) -> str:
        """A time of day on the 24-hour clock, as business hours are written: 20:58."""
        return format_skeleton("Hm", moment, locale=self.babel)

    def date_time(self, moment: datetime) -> str:
        """A day and a time of day in the locale's pattern: Nov 11, 2026, 20:58."""
        pattern = get_datetime_format("medium", locale=self.babel)
        return (
            str(pattern).replace("{1}", self.date(moment.date())).replace("{0}", self.clock(moment))
        )

    def join(self, items: list[str]) -> str:
        """Join items as a sentence does: 'a, b and c' / 'a, b y c'."""
        if len(items) <= 1:
            return "".join(items)
        return self.t("list.join", head=", ".join(items[:-1]), last=items[-1])
