"""Reading an API request's JSON body with limits: size, encoding, nesting."""

from __future__ import annotations

import json
from typing import IO, Any

# A handoff is well under 4 KB; a megabyte leaves room and still bounds the work per request.
MAX_BODY_BYTES = 1024 * 1024
# Our bodies are flat objects; deeper nesting is never data, and recursion must not crash.
MAX_DEPTH = 32


class BodyError(Exception):
    """A body refused before its fields are read: the status and the English reason.

    `code` and `params` name the reason for the catalogue (`api.body.<code>`), so the answer
    is in the agreement's language.
    """

    def __init__(self, status: int, message: str, code: str = "", **params: object) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.params = params


def read_json(stream: IO[bytes], length: int | None, limit: int = MAX_BODY_BYTES) -> Any:
    """The decoded JSON of a request body, or BodyError (413 too large, 400 not JSON)."""
    too_large = BodyError(413, f"The body is larger than {limit} bytes.", "too_large", limit=limit)
    if length is not None and length > limit:
        raise too_large
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise too_large
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as bad:
        raise BodyError(
            400, f"The body is not UTF-8 (byte {bad.start}).", "not_utf8", byte=bad.start
        ) from None
    too_deep = BodyError(
        400, f"The body is nested deeper than {MAX_DEPTH} levels.", "too_deep", depth=MAX_DEPTH
    )
    try:
        body = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise too_deep from None
    except ValueError:
        raise BodyError(400, "The body is not valid JSON.", "not_json") from None
    if _depth(body) > MAX_DEPTH:
        raise too_deep
    return body


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (RFC 8259), though Python's parser accepts them.
    raise ValueError(name)


def _depth(value: Any) -> int:
    """How deeply lists and objects nest (iteratively: the value may be deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                return level
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest
