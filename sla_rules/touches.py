"""Touches: their kinds and outcomes, the words people use for them, and what stops the clock."""

from __future__ import annotations

from sla_rules.agreement import OUTCOMES, TOUCH_KINDS
from sla_rules.text import normalize

KIND_WORDS: dict[str, str] = {
    "call": "call",
    "phone": "call",
    "llamada": "call",
    "llamar": "call",
    "voicemail": "voicemail",
    "vm": "voicemail",
    "buzon": "voicemail",
    "mensaje_de_voz": "voicemail",
    "buzon_de_voz": "voicemail",
    "email": "email",
    "mail": "email",
    "e-mail": "email",
    "correo": "email",
}
OUTCOME_WORDS: dict[str, str] = {
    "no_answer": "no_answer",
    "noanswer": "no_answer",
    "no-answer": "no_answer",
    "sin_respuesta": "no_answer",
    "no_contesto": "no_answer",
    "left_voicemail": "left_voicemail",
    "voicemail_left": "left_voicemail",
    "dejo_mensaje": "left_voicemail",
    "mensaje": "left_voicemail",
    "connected": "connected",
    "contactado": "connected",
    "conectado": "connected",
    "meeting_booked": "meeting_booked",
    "meeting": "meeting_booked",
    "reunion": "meeting_booked",
    "reunion_agendada": "meeting_booked",
    "cita": "meeting_booked",
    "bad_number": "bad_number",
    "wrong_number": "bad_number",
    "numero_equivocado": "bad_number",
    "email_sent": "email_sent",
    "sent": "email_sent",
    "enviado": "email_sent",
    "correo_enviado": "email_sent",
    "disqualified": "disqualified",
    "dq": "disqualified",
    "descalificado": "disqualified",
    "won": "won",
    "ganado": "won",
}
# Outcomes that make sense for each kind (a voicemail cannot be "connected").
FITTING: dict[str, tuple[str, ...]] = {
    "call": (
        "no_answer",
        "left_voicemail",
        "connected",
        "bad_number",
        "meeting_booked",
        "disqualified",
        "won",
    ),
    "voicemail": ("left_voicemail", "bad_number"),
    "email": ("email_sent", "connected", "meeting_booked", "disqualified", "won"),
}
NEEDS_REASON = ("disqualified",)

assert set(KIND_WORDS.values()) == set(TOUCH_KINDS)
assert set(OUTCOME_WORDS.values()) == set(OUTCOMES)


def _key(word: str) -> str:
    return normalize(word).replace(" ", "_")


def kind_of(word: str) -> str | None:
    """The touch kind a word names (English or Spanish), or None."""
    return KIND_WORDS.get(_key(word))


def outcome_of(words: str) -> str | None:
    """The outcome a word or phrase names (English or Spanish), or None."""
    return OUTCOME_WORDS.get(_key(words))


def fits(kind: str, outcome: str) -> bool:
    """Tell whether an outcome can follow a touch of that kind."""
    return outcome in FITTING.get(kind, ())
