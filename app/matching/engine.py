"""Suggestions for a whole workshop, kept up to date one sheet at a time.

For every sheet the engine keeps its best ``K`` counterparts (offers for a
need, needs for an offer); the suggestions are the union of those pairs.
A new or edited sheet is scored against the sheets that share a feature with
it (an inverted index), enters the lists it beats, and only the lists that held
its old version are recomputed: :meth:`Engine.upsert` and :meth:`Engine.full`
give the same result (tests/unit/test_matching.py checks it).
"""
from __future__ import annotations

import heapq

from . import kb as kbmod
from .score import MIN_SCORE, SCALE, Profile, combine, fit, profile, reasons

K = 5


class Engine:
    def __init__(self, kb: kbmod.KnowledgeBase | None = None, k: int = K):
        self.kb = kb or kbmod.default()
        self.k = k
        self.profiles: dict[str, Profile] = {}
        self.index: dict[str, dict[str, dict[str, int]]] = {"offer": {}, "need": {}}
        self.top: dict[str, list[tuple[float, str]]] = {}
        self.blocked: set[tuple[str, str]] = set()

    # -- building ------------------------------------------------------------------
    def full(self, sheets: list[dict], orgs: dict[str, dict] | None = None, blocked=()):
        """Recompute everything from scratch."""
        orgs = orgs or {}
        self.profiles.clear()
        self.index = {"offer": {}, "need": {}}
        self.top.clear()
        self.blocked = set(blocked)
        for s in sheets:
            if eligible(s):
                self._add(profile(self.kb, s, orgs.get(s.get("organisation_id"))))
        for sid in self.profiles:
            self.top[sid] = self._query(sid)
        return self

    def _add(self, p: Profile):
        self.profiles[p.id] = p
        idx = self.index[p.kind]
        for f, w in p.gen.items():
            idx.setdefault(f, {})[p.id] = w

    def _drop(self, sid: str) -> Profile | None:
        p = self.profiles.pop(sid, None)
        if p is None:
            return None
        idx = self.index[p.kind]
        for f in p.gen:
            post = idx.get(f)
            if post is not None:
                post.pop(sid, None)
                if not post:
                    del idx[f]
        self.top.pop(sid, None)
        return p

    # -- scoring -------------------------------------------------------------------
    def candidates(self, sid: str) -> dict[str, float]:
        """Every counterpart sharing a feature with the sheet, with the pair's score."""
        p = self.profiles[sid]
        other = self.index["need" if p.kind == "offer" else "offer"]
        csum: dict[str, int] = {}
        cmax: dict[str, int] = {}
        rest: dict[str, int] = {}
        for f, w in p.gen.items():
            post = other.get(f)
            if not post:
                continue
            if f.startswith("c:"):
                for oid, w2 in post.items():
                    x = w * w2
                    csum[oid] = csum.get(oid, 0) + x
                    if x > cmax.get(oid, 0):
                        cmax[oid] = x
            else:
                for oid, w2 in post.items():
                    rest[oid] = rest.get(oid, 0) + w * w2
        out = {}
        for oid in csum.keys() | rest.keys():
            b = combine(csum.get(oid, 0), cmax.get(oid, 0), rest.get(oid, 0))
            q = self.profiles[oid]
            if q.org is not None and q.org == p.org:
                continue
            o, n = (p, q) if p.kind == "offer" else (q, p)
            if (o.id, n.id) in self.blocked:
                continue
            sd = 0
            for f, w in o.side.items():
                w2 = n.side.get(f)
                if w2:
                    sd += w * w2
            out[oid] = round((b + sd) / (SCALE * SCALE) + fit(o, n), 6)
        return out

    def ranked(self, sid: str) -> list[tuple[float, str]]:
        """All counterparts of a sheet, best first (ties by id, so the order is stable)."""
        return sorted(((s, oid) for oid, s in self.candidates(sid).items()), key=lambda x: (-x[0], x[1]))

    def _query(self, sid: str) -> list[tuple[float, str]]:
        c = self.candidates(sid)
        best = heapq.nsmallest(self.k, ((-s, oid) for oid, s in c.items() if s >= MIN_SCORE))
        return [(-s, oid) for s, oid in best]

    # -- incremental ---------------------------------------------------------------
    def upsert(self, sheet: dict, org: dict | None = None) -> set[str]:
        """Add or replace one sheet; returns the ids of the sheets whose lists changed."""
        sid = sheet["id"]
        touched = self.remove(sid)
        if not eligible(sheet):
            return touched
        p = profile(self.kb, sheet, org)
        self._add(p)
        mine = self._query(sid)
        self.top[sid] = mine
        touched.add(sid)
        for oid, s in self.candidates(sid).items():
            if s < MIN_SCORE:
                continue
            lst = self.top.get(oid)
            if lst is None:
                continue
            if len(lst) < self.k or (-s, sid) < (-lst[-1][0], lst[-1][1]):
                lst.append((s, sid))
                lst.sort(key=lambda x: (-x[0], x[1]))
                del lst[self.k:]
                touched.add(oid)
        return touched

    def remove(self, sid: str) -> set[str]:
        """Take a sheet out (withdrawn, hidden, deleted); lists that held it are recomputed."""
        if self._drop(sid) is None:
            return set()
        holders = {oid for oid, lst in self.top.items() if any(x == sid for _, x in lst)}
        for oid in holders:
            self.top[oid] = self._query(oid)
        return holders

    def block(self, offer_id: str, need_id: str, blocked: bool = True) -> set[str]:
        """Dismiss (or restore) a pair: both sheets' lists are recomputed."""
        pair = (offer_id, need_id)
        if blocked:
            self.blocked.add(pair)
        else:
            self.blocked.discard(pair)
        touched = set()
        for sid in pair:
            if sid in self.profiles:
                self.top[sid] = self._query(sid)
                touched.add(sid)
        return touched

    # -- reading -------------------------------------------------------------------
    def pairs(self) -> dict[tuple[str, str], float]:
        """The suggestions: ``{(offer id, need id): score}``."""
        out = {}
        for sid, lst in self.top.items():
            p = self.profiles[sid]
            for s, oid in lst:
                out[(sid, oid) if p.kind == "offer" else (oid, sid)] = s
        return out

    def pairs_of(self, sid: str) -> dict[tuple[str, str], float]:
        return {k: v for k, v in self.pairs().items() if sid in k}

    def explain(self, offer_id: str, need_id: str, limit: int = 5) -> list[dict]:
        return reasons(self.kb, self.profiles[offer_id], self.profiles[need_id], limit)


def eligible(sheet: dict) -> bool:
    return (sheet.get("kind") in ("offer", "need") and not sheet.get("hidden")
            and sheet.get("state", "open") != "withdrawn")
