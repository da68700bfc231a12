"""French first, English second: two JSON catalogues with the same keys.

Pages get ``_()`` in Jinja; scripts get the catalogue as JSON; API errors are
translated with the language of the request (``?lang=``, cookie, then
``Accept-Language``, French by default).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import g, has_request_context, request

LANGS = ("fr", "en")
DEFAULT = "fr"
HERE = Path(__file__).parent / "translations"


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict:
    """All ``translations/<part>.<lang>.json`` files merged (one part per area, so areas don't collide)."""
    out: dict = {}
    for path in sorted(HERE.glob(f"*.{lang}.json")):
        out.update(json.loads(path.read_text(encoding="utf-8")))
    return out


def pick_lang() -> str:
    if not has_request_context():
        return DEFAULT
    if getattr(g, "lang", None):
        return g.lang
    # French first: English only when chosen (link, cookie) or asked for in the API header.
    lang = request.args.get("lang") or request.cookies.get("lang")
    if lang not in LANGS:
        lang = request.headers.get("X-Lang") if request.headers.get("X-Lang") in LANGS else DEFAULT
    g.lang = lang
    return lang


def t(key: str, lang: str | None = None, **params) -> str:
    cat = catalogue(lang or pick_lang())
    text = cat.get(key) or catalogue(DEFAULT).get(key) or key
    if params:
        try:
            text = text.format(**params)
        except (KeyError, IndexError, ValueError):
            pass
    return text


def label(group: str, value, lang: str | None = None) -> str:
    if value in (None, ""):
        return ""
    return t(f"{group}.{value}", lang)


def subset(prefixes: tuple[str, ...], lang: str | None = None) -> dict:
    """The part of the catalogue a script needs."""
    cat = catalogue(lang or pick_lang())
    return {k: v for k, v in cat.items() if k.startswith(prefixes)}


# -- dates, numbers and plurals by Babel (CLDR data), the same in pages and documents ------------
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}  # en_GB: "12 March 2026", not "March 12, 2026"


def babel_locale() -> str:
    """Flask-Babel's locale selector: the page's language."""
    return BABEL_LOCALES[pick_lang()]


def long_date(value, lang: str | None = None) -> str:
    """"2026-03-12" -> "12 mars 2026" / "12 March 2026"; "1er mars" in French. Unparsable values as typed."""
    from datetime import date, datetime

    from babel.dates import format_date

    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value or "")[:10])
        except ValueError:
            return str(value or "")
    lang = lang or pick_lang()
    out = format_date(value, "long", locale=BABEL_LOCALES.get(lang, BABEL_LOCALES[DEFAULT]))
    if lang == "fr" and value.day == 1 and out.startswith("1 "):
        out = "1er " + out[2:]
    return out


def number(value, decimals: int = 1, lang: str | None = None) -> str:
    """1234.5 -> "1 234,5" (fr) or "1,234.5" (en), 16.0 -> "16"; pages and documents alike. French groups
    use U+00A0, not CLDR's narrow U+202F, which the PDF fonts lack. Not a number: as typed; none: ""."""
    from babel.numbers import format_decimal

    if value is None or value == "":
        return ""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if x != x or x in (float("inf"), float("-inf")):
        return ""
    x = round(x, decimals)
    if x == 0:
        x = 0.0  # no "-0"
    lang = lang if lang in LANGS else (pick_lang() if lang is None else DEFAULT)
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return format_decimal(x, pattern, locale=BABEL_LOCALES[lang]).replace("\u202f", "\u00a0")
