"""The resource knowledge base, compiled for matching.

A *concept* is a kind of resource ("palettes", "sciure") or a use ("combustible
bois", "paillage"). Each has terms (how people write it), waste codes, broader
concepts (``is``) and what it ``serves`` (uses it fulfils, needs it can
substitute). Terms are compiled to stem sequences; a sheet's text is scanned
for them. See docs/matching.md for how to add an entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import kbdata, text


@dataclass
class Concept:
    id: str
    label: dict
    use: bool = False
    parents: list = field(default_factory=list)
    serves: list = field(default_factory=list)
    codes: list = field(default_factory=list)
    cats: list = field(default_factory=list)
    source: str = ""
    family: str = ""


class KnowledgeBase:
    def __init__(self, files=None):
        files = files if files is not None else kbdata.concept_files()
        self._stems: dict[tuple, tuple] = {}
        self.concepts: dict[str, Concept] = {}
        raw_terms: dict[str, list[str]] = {}
        for name, doc in files:
            for entry in doc.get("concepts") or []:
                cid = entry["id"]
                if cid in self.concepts:
                    raise ValueError(f"{name}: concept {cid} defined twice")
                self.concepts[cid] = Concept(
                    id=cid, label=entry.get("label") or {"fr": cid, "en": cid}, use=bool(entry.get("use")),
                    parents=list(entry.get("is") or []), serves=_serves(entry.get("serves")),
                    codes=[norm_code(c) for c in entry.get("codes") or []], cats=list(entry.get("cat") or []),
                    source=str(entry.get("source") or ""), family=doc.get("family", name))
                raw_terms[cid] = [str(t) for t in entry.get("terms") or []] + [entry.get("label", {}).get("fr", "")]
        for c in self.concepts.values():
            for ref in c.parents + [s for s, _ in c.serves]:
                if ref not in self.concepts:
                    raise ValueError(f"concept {c.id}: unknown reference {ref}")
        # vocabulary first (the speller corrects towards it), then the term index
        self.vocabulary = set()
        for terms in raw_terms.values():
            for t in terms:
                self.vocabulary.update(text.tokens(t))
        self.vocabulary.update(text.spellings().values())
        self.speller = text.Speller(self.vocabulary - text.stop_words())
        self.terms: dict[tuple, set[str]] = {}
        self.max_len = 1
        for cid, terms in raw_terms.items():
            for t in terms:
                key = tuple(self.stems(t, correct=False))
                if not key or (len(key) == 1 and len(t.split()) > 1):
                    continue  # "atelier bois" without its stop word would be just "bois"
                self.terms.setdefault(key, set()).add(cid)
                self.max_len = max(self.max_len, len(key))
        self.by_first: dict[str, list[tuple]] = {}
        for key in sorted(self.terms, key=lambda k: (-len(k), k)):
            self.by_first.setdefault(key[0], []).append(key)
        self.by_code: dict[str, set[str]] = {}
        for c in self.concepts.values():
            for code in c.codes:
                self.by_code.setdefault(code, set()).add(c.id)
        self.ancestors = {cid: self._ancestors(cid) for cid in self.concepts}
        children: dict[str, int] = {}
        for cid, anc in self.ancestors.items():
            for a in anc:
                children[a] = children.get(a, 0) + 1
        # specificity: a broad concept ("bois", "matériel") weighs less than a precise one
        self.weight = {cid: 1.0 / (1.0 + 0.15 * children.get(cid, 0)) ** 0.5 for cid in self.concepts}
        self.low = kbdata.load("low")
        self.bridges = kbdata.load("bridges")

    def _ancestors(self, cid, seen=None) -> list[str]:
        seen = seen if seen is not None else []
        for p in self.concepts[cid].parents:
            if p not in seen:
                seen.append(p)
                self._ancestors(p, seen)
        return seen

    def stems(self, s: str, correct: bool = True) -> list[str]:
        """Meaningful stems of a text, spelling corrected towards the vocabulary (memoised:
        the same titles come back on many sheets)."""
        return [st for st, _ in self.stem_pairs(s, correct)]

    def stem_pairs(self, s: str, correct: bool = True) -> tuple:
        """``(stem, word as typed)`` for each meaningful word of a text."""
        key = (s, correct)
        hit = self._stems.get(key)
        if hit is None:
            hit = self._stems_of(s, correct)
            if len(self._stems) > 200000:
                self._stems.clear()
            self._stems[key] = hit
        return hit

    def _stems_of(self, s: str, correct: bool) -> tuple:
        sp = text.spellings()
        stop = text.stop_words()
        out = []
        for typed in text.tokens(s):
            tok = sp.get(typed, typed)
            if tok in stop or tok.isdigit():
                continue
            if correct:
                tok = self.speller.correct(tok)
            out.append((text.stem(tok), typed))
        return tuple(out)

    def find(self, stems: list[str]) -> list[tuple[str, tuple]]:
        """Concepts named in a stem sequence: ``[(concept id, matched stems)]``.

        A term of several words matches in order with up to ``GAP`` other words
        between them ("stocker nos légumes au frais" names "stocker au frais");
        longer terms are tried first.
        """
        spans = []
        for i, st in enumerate(stems):
            for key in self.by_first.get(st, ()):
                j, ok = i, True
                for part in key[1:]:
                    window = stems[j + 1:j + 2 + GAP]
                    if part not in window:
                        ok = False
                        break
                    j = j + 1 + window.index(part)
                if ok:
                    spans.append((i, j, key))
        found = []
        for i, j, key in spans:  # "eau de pluie" inside "récupérer l'eau de pluie" is not a second finding
            if any(a <= i and j <= b and (b - a) > (j - i) for a, b, _ in spans):
                continue
            for cid in sorted(self.terms[key]):
                found.append((cid, key))
        return found

    def label(self, cid: str, lang: str = "fr") -> str:
        lab = self.concepts[cid].label
        return lab.get(lang) or lab.get("fr") or cid


def _serves(raw) -> list[tuple[str, float]]:
    """``serves`` entries: ``id`` (a main use) or ``{id: weight}`` (a secondary one, weight < 1)."""
    out = []
    for item in raw or []:
        if isinstance(item, dict):
            out.extend((str(k), float(v)) for k, v in item.items())
        else:
            out.append((str(item), 1.0))
    return out


CODE_RE = re.compile(r"\d")
GAP = 2


def norm_code(code) -> str:
    """A European List of Waste code as 6 digits ("15 01 03*" -> "150103"), or "" if not one."""
    digits = "".join(CODE_RE.findall(str(code or "")))
    return digits if len(digits) in (2, 4, 6) else ""


def pretty_code(digits: str) -> str:
    return " ".join(digits[i:i + 2] for i in range(0, len(digits), 2))


@lru_cache(maxsize=1)
def default() -> KnowledgeBase:
    return KnowledgeBase()
