"""Reading a JSON request body that cannot make the server fail.

Flask's ``get_json(silent=True)`` swallows ``ValueError`` only: ``[`` × 5,000
raised ``RecursionError`` (a 500). Here the nesting depth is measured on the
raw text before parsing (strings skipped), the size is bounded, and every
string — keys included — must be valid Unicode text: a lone surrogate
(``"\\ud800"`` as a JSON escape) or a non-character is refused with a 422
naming the field, before any handler or the store sees it.
"""
from __future__ import annotations

import json
import re

from ..rules.validation import bad_text

MAX_DEPTH = 16
MAX_BYTES = 256 * 1024

# JSON text outside strings: drop every string literal, then count brackets.
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)

class JsonBody(dict):
    """A request body object as the client sent it: validated with JSON types exactly as the OpenAPI
    document says (no ``"12"`` for a number), where Python callers (imports, demo) may pass 0/1."""

    from_json = True


class BodyError(Exception):
    def __init__(self, status: int, key: str, fields: dict | None = None):
        super().__init__(key)
        self.status, self.key, self.fields = status, key, fields or {}


def depth(raw: bytes) -> int:
    """Deepest bracket nesting of a JSON text, ignoring brackets inside strings."""
    bare = _STRING.sub(b"", raw)
    deepest = level = 0
    for ch in bare.translate(None, b" \t\r\n,:0123456789.eE+-truefalsn"):
        if ch in (0x5B, 0x7B):
            level += 1
            deepest = max(deepest, level)
        elif ch in (0x5D, 0x7D):
            level -= 1
    return deepest


def _invalid_strings(value, limit=MAX_DEPTH + 2) -> bool:
    """Any string in ``value`` (keys too) that is not valid text?"""
    stack = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, str):
            if bad_text(v):
                return True
        elif isinstance(v, dict) and d < limit:
            for k, x in v.items():
                if bad_text(k):
                    return True
                stack.append((x, d + 1))
        elif isinstance(v, list) and d < limit:
            stack.extend((x, d + 1) for x in v)
    return False


def field_name(key) -> str:
    """A field name fit to be echoed back (an invalid one is shown escaped)."""
    key = str(key)[:60]
    return key.encode("utf-8", "backslashreplace").decode("utf-8") if bad_text(key) else key


def parse(raw: bytes):
    """The parsed body, or :class:`BodyError` (400 unreadable or too deep, 413 too large, 422 bad text)."""
    if len(raw) > MAX_BYTES:
        raise BodyError(413, "err.too_large")
    if depth(raw) > MAX_DEPTH:
        raise BodyError(400, "err.too_deep")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise BodyError(400, "err.body") from None
    check_text(data)
    return JsonBody(data) if isinstance(data, dict) else data


def check_text(data):
    """422 naming each top-level field whose value holds invalid text."""
    if isinstance(data, dict):
        bad = {field_name(k): "err.unicode" for k, v in data.items() if bad_text(k) or _invalid_strings(v)}
        if bad:
            raise BodyError(422, "err.invalid", bad)
    elif _invalid_strings(data):
        raise BodyError(422, "err.invalid", {"_": "err.unicode"})
