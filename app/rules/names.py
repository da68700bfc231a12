"""Organisation names compared as people mean them, not as they are typed.

"Garage Bernard", "GARAGE BERNARD & FILS" and "garage bernard sarl" are the
same structure for a facilitator typing from paper or for a spreadsheet
import: accents, case, punctuation, legal forms (SARL, SAS…) and fillers
("& Fils", "Mairie de", "Association") are set aside before comparing.
Plain functions over data: the paper-entry form, the phone's "create my
organisation" and the import wizard use the same ones.
"""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# Words that say what kind of body it is, not which one. Compared after accents/case are removed.
LEGAL_FORMS = {
    "sarl", "sarlu", "sas", "sasu", "sa", "eurl", "sci", "snc", "scs", "sca", "scop", "scic", "scea", "gaec",
    "earl", "eirl", "ei", "ee", "gie", "gip", "sem", "spl", "sem", "selarl", "selas", "cuma", "epci", "epic",
    "ccas", "cias", "ltd", "llc", "inc", "gmbh", "srl", "bv", "cie", "compagnie", "ets", "etablissements",
    "etablissement", "ste", "societe", "fils", "freres", "soeurs", "associes", "groupe", "association", "asso",
    "mairie", "commune", "ville", "cooperative",
}
# Short words that carry no identity: articles, prepositions, "et".
STOP_WORDS = {"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "a", "au", "aux", "sur", "the", "of",
              "and", "y"}
_SPLIT_RE = re.compile(r"[^0-9a-z]+")
_DOTTED_RE = re.compile(r"\b((?:[a-z]\.)+[a-z])\b\.?")  # "s.a.r.l." -> "sarl"
MIN_SCORE = 0.72


def fold(text: str) -> str:
    """Lower case, no accents, ligatures opened (œ -> oe), every run of non-alphanumerics one space."""
    text = unicodedata.normalize("NFKD", str(text or "")).replace("œ", "oe").replace("Œ", "oe")
    text = text.replace("æ", "ae").replace("Æ", "ae").replace("ß", "ss")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _DOTTED_RE.sub(lambda m: m.group(1).replace(".", ""), text)
    return " ".join(_SPLIT_RE.split(text)).strip()


def _tokens(name: str) -> list[str]:
    words = fold(name).split()
    kept = [w for w in words if w not in LEGAL_FORMS and w not in STOP_WORDS]
    # A name made only of fillers ("Association", "SARL") keeps its words rather than vanish.
    return kept or [w for w in words if w not in STOP_WORDS] or words


def normalise_name(name: str) -> str:
    """The identity part of a name: ``"Garage Bernard & Fils SARL"`` -> ``"garage bernard"``."""
    return " ".join(_tokens(name))


def _word_score(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if len(a) >= 3 and len(b) >= 3 and (a.startswith(b) or b.startswith(a)):
        return 0.9  # a word typed short: "boulang" for "boulangerie"
    return SequenceMatcher(None, a, b).ratio()


def _covered(short: list[str], long: list[str]) -> float:
    """How well every word of ``short`` is found among ``long``'s words (0..1), typos tolerated."""
    if not short:
        return 0.0
    return sum(max(_word_score(w, x) for x in long) for w in short) / len(short)


def score(name: str, candidate: str) -> float:
    """Similarity 0..1 of two organisation names once normalised."""
    a, b = _tokens(name), _tokens(candidate)
    if not a or not b:
        return 0.0
    na, nb = " ".join(a), " ".join(b)
    if na == nb:
        return 1.0
    whole = SequenceMatcher(None, na, nb).ratio()
    # All the words typed are in the candidate (or the reverse), in any order: "Bernard garage".
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    cover = _covered(short, long)
    # Containment counts less when the shorter name is a single common word shared with many.
    cover *= 1.0 if len(short) > 1 or len(long) == 1 else 0.85
    return round(max(whole, cover * 0.97), 4)


def close_matches(name: str, candidates: list[dict], limit: int = 5, min_score: float = MIN_SCORE) -> list[dict]:
    """The candidates (dicts with at least ``id`` and ``name``) close to ``name``, best first.

    Each returned item is the candidate's dict plus ``score`` (0..1) and ``exact`` (same normalised
    name, i.e. almost certainly the same organisation).
    """
    if not fold(name) or limit <= 0:
        return []
    target = normalise_name(name)
    out = []
    for c in candidates:
        cname = c.get("name") or ""
        s = score(name, cname)
        if s >= min_score:
            out.append({**c, "score": s, "exact": normalise_name(cname) == target})
    out.sort(key=lambda c: (-c["score"], fold(c.get("name") or "")))
    return out[:limit]
