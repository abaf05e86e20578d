"""Text helpers for matching what people type against the agreement's words."""

import unicodedata


def normalize(text: str) -> str:
    """Fold case, drop accents and collapse whitespace so "  Teléfono " matches "telefono"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.split())


def fold_status(text: str) -> str:
    """Fold case and collapse whitespace, so "Closed  -  converted" is "closed - converted"."""
    return " ".join(text.split()).casefold()
