"""Organisation names compared as people mean them, not as they are typed.

"Scierie Dupré", "SCIERIE DUPRE SARL" and "scierie dupré" are one structure:
accents, case, punctuation and legal forms are set aside before comparing.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

LEGAL_FORMS = {"sarl", "sarlu", "sas", "sasu", "sa", "eurl", "sci", "snc", "scop", "scic", "scea", "gaec", "earl",
               "eirl", "ei", "gie", "gip", "sem", "spl", "ets", "ste", "societe", "ltd", "llc", "inc", "gmbh"}
STOP_WORDS = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "a", "au", "aux", "the", "of", "and"}
MIN_SCORE = 0.72


def fold(text: str) -> str:
    """Lower case, no accents, every run of non-alphanumerics one space."""
    text = unicodedata.normalize("NFKD", str(text or "")).replace("œ", "oe").replace("Œ", "oe")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.split(r"[^0-9a-z]+", text)).strip()


def normalise_name(name: str) -> str:
    """The identity part of a name: ``"Scierie Dupré SARL"`` -> ``"scierie dupre"``."""
    words = fold(name).split()
    kept = [w for w in words if w not in LEGAL_FORMS and w not in STOP_WORDS]
    return " ".join(kept or words)


def close_matches(name: str, candidates: list[dict], limit: int = 5, min_score: float = MIN_SCORE) -> list[dict]:
    """The candidates (dicts with ``id`` and ``name``) close to ``name``, best first, each with
    ``score`` (0..1) and ``exact`` (same normalised name)."""
    target = normalise_name(name)
    if not target or limit <= 0:
        return []
    out = []
    for c in candidates:
        other = normalise_name(c.get("name") or "")
        s = 1.0 if other == target else SequenceMatcher(None, target, other).ratio()
        if s >= min_score:
            out.append({**c, "score": round(s, 4), "exact": other == target})
    out.sort(key=lambda c: (-c["score"], fold(c.get("name") or "")))
    return out[:limit]
