"""The message catalogue: every user-visible string, in English and Spanish."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import Any

import yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SUPPORTED_LOCALES = ("en", "es")


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
def load_messages(locale: str) -> dict[str, str]:
    """Read one locale's messages, flattened to dotted keys."""
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    # en.yaml, then en.<part>.yaml files: each surface may keep its strings in a file of its own.
    messages: dict[str, str] = {}
    for path in sorted(LOCALES_DIR.glob(f"{locale}.*yaml"), key=lambda p: (p.stem != locale, p)):
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


class Catalogue:
    """The messages of one locale, formatted with named values."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self._messages = load_messages(locale)

    def t(self, key: str, **values: Any) -> str:
        """Return the message for a key with its {fields} filled in."""
        return self._messages[key].format(**values)

    def has(self, key: str) -> bool:
        """Tell whether the catalogue holds a key."""
        return key in self._messages

    def plural(self, key: str, count: int, **values: Any) -> str:
        """Return the singular (`key.one`) or plural (`key.other`) form for a count."""
        form = "one" if count == 1 else "other"
        return self.t(f"{key}.{form}", count=self.number(count), **values)

    def number(self, value: float) -> str:
        """Format a number the way this locale's readers write it (2,500 in en and es-MX)."""
        if float(value).is_integer():
            return f"{int(value):,}"
        return f"{value:,.2f}"

    def join(self, items: list[str]) -> str:
        """Join items as a sentence does: 'a, b and c' / 'a, b y c'."""
        if len(items) <= 1:
            return "".join(items)
        return self.t("list.join", head=", ".join(items[:-1]), last=items[-1])
