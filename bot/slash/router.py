"""Reads the text after /sla: which subcommand (English or Spanish) and its arguments."""

from __future__ import annotations

from dataclasses import dataclass

from sla_rules.text import normalize

# Every spelling a user may type, mapped to the subcommand it means.
ALIASES: dict[str, str] = {
    "help": "help",
    "ayuda": "help",
    "?": "help",
    "glossary": "glossary",
    "glosario": "glossary",
    "terms": "glossary",
    "owners": "owners",
    "owner": "owners",
    "responsables": "owners",
    "responsable": "owners",
    "agreement": "agreement",
    "acuerdo": "agreement",
    "sla": "agreement",
    "lead": "lead",
    "prospecto": "lead",
    "handoff": "handoff",
    "hand-off": "handoff",
    "entrega": "handoff",
    "entregar": "handoff",
    "touch": "touch",
    "log": "touch",
    "toque": "touch",
    "contacto": "touch",
    "mine": "mine",
    "mios": "mine",
    "mis": "mine",
    "away": "away",
    "ausente": "away",
    "vacaciones": "away",
    "back": "back",
    "regreso": "back",
    "volvi": "back",
    "goals": "goals",
    "metas": "goals",
    "objetivos": "goals",
    "report": "report",
    "reporte": "report",
    "informe": "report",
    "calc": "calc",
    "calcular": "calc",
    "calculadora": "calc",
    "embudo": "calc",
    "record": "record",
    "registrar": "record",
}


@dataclass(frozen=True)
class Route:
    """The subcommand a user asked for (None when unknown), the word they typed, the rest."""

    name: str | None
    word: str
    args: str


def route(text: str | None) -> Route:
    """Split the command text into its subcommand and arguments; empty text means help."""
    stripped = (text or "").strip()
    if not stripped:
        return Route("help", "", "")
    word, _, rest = stripped.partition(" ")
    return Route(ALIASES.get(normalize(word)), word, rest.strip())
