"""Suggestions for a whole workshop, kept up to date one sheet at a time.

For every sheet the engine keeps its best ``K`` counterparts (offers for a
need, needs for an offer); the suggestions are the union of those pairs.
A new or edited sheet is scored against the sheets that share a feature with
it (an inverted index), enters the lists it beats, and only the lists that held
its old version are recomputed: :meth:`Engine.upsert` and :meth:`Engine.full`
give the same result (tests/unit/test_matching.py checks it).

Two things keep it fast at ten times the real event: sheets with the same
features (the tenth "Palettes bois") share one *signature*, so the knowledge
and word part of a pair is computed once per pair of signatures; and the
place/quantity adjustments, bounded by ``FIT_MAX``, are only computed for the
counterparts that could still enter a list.
"""
from __future__ import annotations

import heapq

from . import kb as kbmod
from .score import FIT_MAX, MIN_SCORE, SCALE, Profile, combine, fit, profile, reasons

K = 5
SCALE2 = SCALE * SCALE


def _key(x):
    return (-x[0], x[1])


class _Rev:
    """An id ordered backwards, so that a min-heap of (score, _Rev(id)) drops the same pair a
    sort by (-score, id) would put last."""
    __slots__ = ("v",)

    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return self.v > other.v

    def __gt__(self, other):
        return self.v < other.v

    def __eq__(self, other):
        return self.v == other.v


class Engine:
    def __init__(self, kb: kbmod.KnowledgeBase | None = None, k: int = K):
        self.kb = kb or kbmod.default()
        self.k = k
        self.profiles: dict[str, Profile] = {}
        self.top: dict[str, list[tuple[float, str]]] = {}
        self.blocked: set[tuple[str, str]] = set()
        self._reset_index()

    def _reset_index(self):
        self.index: dict[str, dict[str, dict[int, int]]] = {"offer": {}, "need": {}}
        self.sig_id: dict[tuple, int] = {}
        self.sigs: dict[int, Profile] = {}       # signature -> a profile holding its features
        self.members: dict[int, set[str]] = {}   # signature -> sheet ids
        self.sig_of: dict[str, int] = {}
        self._bases_memo: dict[int, list] = {}  # valid while no signature comes or goes
        self._next = 0

    # -- building ------------------------------------------------------------------
    def full(self, sheets: list[dict], orgs: dict[str, dict] | None = None, blocked=()):
        """Recompute everything from scratch."""
        orgs = orgs or {}
        self.profiles.clear()
        self.top.clear()
        self._reset_index()
        self.blocked = set(blocked)
        for s in sheets:
            if eligible(s):
                self._add(profile(self.kb, s, orgs.get(s.get("organisation_id"))))
        for sid in self.profiles:
            self.top[sid] = self._query(sid)
        return self

    def _add(self, p: Profile):
        self.profiles[p.id] = p
        key = (p.kind, tuple(sorted(p.gen.items())), tuple(sorted(p.side.items())))
        sig = self.sig_id.get(key)
        if sig is None:
            self._next += 1
            sig = self.sig_id[key] = self._next
            self._bases_memo.clear()
            self.sigs[sig] = p
            self.members[sig] = set()
            idx = self.index[p.kind]
            for f, w in p.gen.items():
                idx.setdefault(f, {})[sig] = w
        self.members[sig].add(p.id)
        self.sig_of[p.id] = sig

    def _drop(self, sid: str) -> Profile | None:
        p = self.profiles.pop(sid, None)
        if p is None:
            return None
        sig = self.sig_of.pop(sid)
        self.members[sig].discard(sid)
        if not self.members[sig]:
            rep = self.sigs.pop(sig)
            del self.members[sig]
            self._bases_memo.clear()
            for key, v in list(self.sig_id.items()):
                if v == sig:
                    del self.sig_id[key]
            idx = self.index[rep.kind]
            for f in rep.gen:
                post = idx.get(f)
                if post is not None:
                    post.pop(sig, None)
                    if not post:
                        del idx[f]
        self.top.pop(sid, None)
        return p

    # -- scoring -------------------------------------------------------------------
    def _bases(self, sig: int) -> list[tuple[int, int]]:
        """Counterpart signatures sharing a feature, with the pair's integer base, best first."""
        hit = self._bases_memo.get(sig)
        if hit is None:
            hit = self._bases_memo[sig] = self._compute_bases(sig)
        return hit

    def _compute_bases(self, sig: int) -> list[tuple[int, int]]:
        p = self.sigs[sig]
        other = self.index["need" if p.kind == "offer" else "offer"]
        csum: dict[int, int] = {}
        cmax: dict[int, int] = {}
        rest: dict[int, int] = {}
        for f, w in p.gen.items():
            post = other.get(f)
            if not post:
                continue
            if f.startswith("c:"):
                for osig, w2 in post.items():
                    x = w * w2
                    csum[osig] = csum.get(osig, 0) + x
                    if x > cmax.get(osig, 0):
                        cmax[osig] = x
            else:
                for osig, w2 in post.items():
                    rest[osig] = rest.get(osig, 0) + w * w2
        out = []
        for osig in csum.keys() | rest.keys():
            q = self.sigs[osig]
            o, n = (p, q) if p.kind == "offer" else (q, p)
            sd = 0
            for f, w in o.side.items():
                w2 = n.side.get(f)
                if w2:
                    sd += w * w2
            out.append((combine(csum.get(osig, 0), cmax.get(osig, 0), rest.get(osig, 0)) + sd, osig))
        out.sort(key=lambda x: -x[0])
        return out

    def _pair_score(self, p: Profile, q: Profile, b: int):
        """The final score of a pair, or ``None`` when it may not be suggested."""
        if q.org is not None and q.org == p.org:
            return None
        o, n = (p, q) if p.kind == "offer" else (q, p)
        if (o.id, n.id) in self.blocked:
            return None
        return round(b / SCALE2 + fit(o, n), 6)

    def candidates(self, sid: str) -> dict[str, float]:
        """Every counterpart sharing a feature with the sheet, with the pair's score."""
        p = self.profiles[sid]
        out = {}
        for b, osig in self._bases(self.sig_of[sid]):
            for oid in self.members[osig]:
                s = self._pair_score(p, self.profiles[oid], b)
                if s is not None:
                    out[oid] = s
        return out

    def ranked(self, sid: str) -> list[tuple[float, str]]:
        """All counterparts of a sheet, best first (ties by id, so the order is stable)."""
        return sorted(((s, oid) for oid, s in self.candidates(sid).items()), key=_key)

    def _query(self, sid: str) -> list[tuple[float, str]]:
        """The sheet's best ``K`` counterparts scoring at least ``MIN_SCORE``; the place and
        quantity part is only computed while a counterpart could still get in."""
        p = self.profiles[sid]
        heap: list[tuple[float, str]] = []  # the K best as a min-heap of (score, reversed id order)
        k = self.k
        profiles = self.profiles
        for b, osig in self._bases(self.sig_of[sid]):
            bound = b / SCALE2 + FIT_MAX
            if bound < MIN_SCORE or (len(heap) >= k and bound < heap[0][0]):
                break
            for oid in self.members[osig]:
                s = self._pair_score(p, profiles[oid], b)
                if s is None or s < MIN_SCORE:
                    continue
                item = (s, _Rev(oid))
                if len(heap) < k:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
        return sorted(((s, r.v) for s, r in heap), key=_key)

    # -- incremental ---------------------------------------------------------------
    def upsert(self, sheet: dict, org: dict | None = None) -> set[str]:
        """Add or replace one sheet; returns the ids of the sheets whose lists changed."""
        sid = sheet["id"]
        touched = self.remove(sid)
        if not eligible(sheet):
            return touched
        p = profile(self.kb, sheet, org)
        self._add(p)
        self.top[sid] = self._query(sid)
        touched.add(sid)
        for b, osig in self._bases(self.sig_of[sid]):
            bound = b / SCALE2 + FIT_MAX
            if bound < MIN_SCORE:
                break
            for oid in self.members[osig]:
                lst = self.top.get(oid)
                if lst is None:
                    continue
                full = len(lst) >= self.k
                if full and bound < lst[-1][0]:
                    continue
                s = self._pair_score(self.profiles[oid], p, b)
                if s is None or s < MIN_SCORE:
                    continue
                if not full or _key((s, sid)) < _key(lst[-1]):
                    lst.append((s, sid))
                    lst.sort(key=_key)
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

    def explain(self, offer_id: str, need_id: str, limit: int = 5) -> list[dict]:
        return reasons(self.kb, self.profiles[offer_id], self.profiles[need_id], limit)


def eligible(sheet: dict) -> bool:
    return (sheet.get("kind") in ("offer", "need") and not sheet.get("hidden")
            and sheet.get("state", "open") != "withdrawn")
