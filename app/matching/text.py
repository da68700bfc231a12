"""Words, properly: accent folding, tokens, stop words, stems (Snowball French),
and spelling correction towards the knowledge base's vocabulary.

Everything here is a plain function over strings; results are cached because
the same few thousand words come back on every sheet.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from . import kbdata

_FR = snowballstemmer.stemmer("french")
_EN = snowballstemmer.stemmer("english")
TOKEN_RE = re.compile(r"[a-z0-9]+")
LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, no accents, ligatures spelt out: "Chaleur fatale — Œuvre" -> "chaleur fatale — oeuvre"."""
    text = str(text or "").translate(LIGATURES).lower()
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _words() -> dict:
    return kbdata.load("words")


@lru_cache(maxsize=1)
def stop_words() -> frozenset:
    return frozenset(fold(w) for w in _words()["stop_words"])


@lru_cache(maxsize=1)
def spellings() -> dict:
    """Common spellings and abbreviations -> the usual word ("cagete" -> "cagette", "pal" -> "palette")."""
    out = {}
    for right, wrongs in _words()["spellings"].items():
        for w in wrongs:
            out[fold(w)] = fold(right)
    return out


def tokens(text: str) -> list[str]:
    """Folded tokens with elisions split ("d'emballage" -> "emballage") and digits kept."""
    t = fold(text).replace("'", " ")
    out = []
    for tok in TOKEN_RE.findall(t):
        if len(tok) == 1 and not tok.isdigit():
            continue
        out.append(tok)
    return out


@lru_cache(maxsize=50000)
def stem(word: str) -> str:
    """Snowball French stem of a folded word; a plural "s"/"x" goes first so that English
    plurals ("pallets") and French ones ("bureaux") meet their singular."""
    w = word
    if len(w) > 4 and w.endswith(("s", "x")) and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    s = _FR.stemWord(w)
    if len(s) > 4:  # English "-ing", "-ed" sheets: "heating" -> "heat"
        e = _EN.stemWord(w)
        if len(e) < len(s) and w.endswith(("ing", "ed")):
            return e
    return s


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Speller:
    """Corrects a word towards a known vocabulary when it is one edit away
    (two for long words): "chaufage" -> "chauffage", "palettes" stays.

    Symmetric-delete lookup: both the vocabulary and the typed word are
    reduced by deletions, so a lookup costs a few dict hits.
    """

    def __init__(self, vocabulary):
        self.vocab = set(vocabulary)
        self.index: dict[str, set[str]] = {}
        for w in self.vocab:
            if len(w) < 5:
                continue
            for d in _deletes(w) | {w}:
                self.index.setdefault(d, set()).add(w)
            if len(w) >= 8:
                for d1 in _deletes(w):
                    for d2 in _deletes(d1):
                        self.index.setdefault(d2, set()).add(w)
        self._cache: dict[str, str] = {}

    def correct(self, word: str) -> str:
        if word in self.vocab or len(word) < 5 or word.isdigit():
            return word
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        cands = set(self.index.get(word, ()))
        for d in _deletes(word):
            cands |= self.index.get(d, set())
        if len(word) >= 8 and not cands:
            for d1 in _deletes(word):
                for d2 in _deletes(d1):
                    cands |= {c for c in self.index.get(d2, ()) if len(c) >= 8}
        best = word
        if cands:
            ranked = sorted(cands, key=lambda c: (_distance(word, c), abs(len(c) - len(word)), c))
            limit = 1 if len(word) < 8 else 2
            if _distance(word, ranked[0]) <= limit:
                best = ranked[0]
        self._cache[word] = best
        return best


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance."""
    d = list(range(len(b) + 1))
    prev2 = None
    for i in range(1, len(a) + 1):
        prev, d = d, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[j] = min(prev[j] + 1, d[j - 1] + 1, prev[j - 1] + cost)
            if prev2 is not None and i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[j] = min(d[j], prev2[j - 2] + 1)
        prev2 = prev
    return d[len(b)]
