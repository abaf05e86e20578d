"""Looking words up in the agreement's glossary, forgiving case, accents and typos."""

import difflib
import re
from collections.abc import Sequence

from sla_rules.agreement import GlossaryEntry
from sla_rules.text import normalize

# Quotes people wrap a word in when asking about it, straight or typographic.
_QUOTES = "\"'`“”‘’«»"
_WORD_RE = re.compile(r"\w+")


def _clean_query(query: str) -> str:
    """Normalized query without the "?" / "¿" and quotes of a question like "¿'MQL'?"."""
    text = query.strip().rstrip("?？").lstrip("¿").strip().strip(_QUOTES)
    return normalize(text)


def _words_of(entry: GlossaryEntry) -> list[str]:
    """The entry's term and aliases, normalized."""
    return [normalize(entry.term), *(normalize(alias) for alias in entry.aliases)]


def find_term(glossary: Sequence[GlossaryEntry], query: str) -> GlossaryEntry | None:
    """The entry whose term or alias is the query, ignoring case, accents, quotes and "?"."""
    wanted = _clean_query(query)
    if not wanted:
        return None
    for entry in glossary:
        if wanted in _words_of(entry):
            return entry
    return None


def closest_terms(
    glossary: Sequence[GlossaryEntry], query: str, limit: int = 3
) -> list[GlossaryEntry]:
    """Entries whose term or alias looks like the query, best first, for "did you mean"."""
    wanted = _clean_query(query)
    if not wanted or limit <= 0:
        return []
    scored: list[tuple[float, int, GlossaryEntry]] = []
    for position, entry in enumerate(glossary):
        score = _similarity(wanted, entry)
        if score >= 0.5:
            scored.append((score, position, entry))
    if not scored:
        scored = _overlapping(glossary, wanted)
    # Ties keep glossary order, so the answer is stable.
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [entry for _, _, entry in scored[:limit]]


def _similarity(wanted: str, entry: GlossaryEntry) -> float:
    """How alike the query is to the entry's closest term or alias, from 0 to 1."""
    return max(difflib.SequenceMatcher(None, wanted, word).ratio() for word in _words_of(entry))


def _overlapping(
    glossary: Sequence[GlossaryEntry], wanted: str
) -> list[tuple[float, int, GlossaryEntry]]:
    """Entries sharing a substring or a word with the query, when nothing is spelled alike."""
    wanted_words = set(_WORD_RE.findall(wanted))
    found: list[tuple[float, int, GlossaryEntry]] = []
    for position, entry in enumerate(glossary):
        words = _words_of(entry)
        if any(wanted in word or word in wanted for word in words):
            found.append((1.0, position, entry))
            continue
        shared = wanted_words & {part for word in words for part in _WORD_RE.findall(word)}
        if shared:
            found.append((len(shared) / len(wanted_words), position, entry))
    return found
