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
