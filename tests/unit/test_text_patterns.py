"""The OpenAPI document says exactly which strings the server takes: for every text field of every request
schema, a string matches the field's ``pattern`` (and its ``not``, ``maxLength``, ``minLength``) exactly when
the server's own check accepts it. Hypothesis draws strings from the characters where the rules bite:
controls, every kind of space (trimmed first), non-characters, e-mail and phone punctuation."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from app.api.openapi import field_schema
from app.rules import validation as V

TRICKY = list("ab0 19@.+-()<>é\t\n\r\x0b\x0c\x1c\x1f\x00\x7f\x85\xa0\u1680\u2007\u2028\u202f\u3000\u200b\ufeff"
              "\ufdd0\ufffe\uffff\U0001fffe\U0010ffff\U0001f600")
text = st.one_of(st.text(alphabet=st.sampled_from(TRICKY), max_size=14),
                 st.builds(lambda a, b, c: a + b + c, st.sampled_from(["", " ", "\t", "\x0b"]),
                           st.sampled_from(["a@b.fr", "02 41 00 11 22", "+33 (0)6-12", "ab", "x", "a b@c.d"]),
                           st.sampled_from(["", " ", "\n", "\u3000", "\x1c"])))

# One field per distinct rule (type, lengths, required, nullable): 74 text fields share a dozen.
FIELDS: dict[str, V.F] = {}
for schema in V.ALL_SCHEMAS:
    for name, f in schema.fields.items():
        rule = (f.type, f.min_len, f.max_len, f.required, f.nullable)
        if f.type in ("string", "text", "email", "phone") and rule not in {
                (g.type, g.min_len, g.max_len, g.required, g.nullable) for g in FIELDS.values()}:
            FIELDS[f"{schema.name}.{name}"] = f


def _documented(f: V.F, value: str) -> bool:
    s = field_schema(f)
    return (re.search(s["pattern"], value) is not None and re.search(s["not"]["pattern"], value) is None
            and len(value) <= s.get("maxLength", 10 ** 9) and len(value) >= s.get("minLength", 0))


@pytest.mark.parametrize("name", sorted(FIELDS))
def test_the_document_says_what_the_server_takes(name):
    f = FIELDS[name]

    @given(value=text)
    @settings(max_examples=150, deadline=None, database=None, derandomize=True)
    def run(value):
        _, error = V._check(f, value, strict=True)
        assert _documented(f, value) == (error is None), (name, value, error)

    run()


def test_email_and_phone_are_patterns_not_formats():
    """A ``format: email`` would call RFC addresses valid that the server refuses (and the reverse)."""
    s = field_schema(V.F("email", max_len=200))
    assert "format" not in s and re.search(s["pattern"], " claire@ptce.fr ") and not re.search(s["pattern"], "a@b")
