"""A sheet's profile (what it is, what it serves, its words, codes, quantity, place)
and the score of an offer -> need pair, with its reasons in words.

Scores are sums of integer products (feature weights are scaled to integers), so
a pair scores exactly the same whichever side it is computed from: the
incremental update can then be compared with a full recompute bit for bit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from . import geo, kbdata, quantities
from .kb import KnowledgeBase, norm_code, pretty_code

SCALE = 1000
# How a concept found in a sheet spreads to features, by side.
W_TITLE, W_DESC, W_CODE = 1.0, 0.6, 0.8
W_PARENT, W_SERVES, W_PARENT_SERVES = 0.5, 0.8, 0.55
W_WORDS = 0.8  # the word part is a cosine, scaled by this
W_CAT, W_SUB = 0.12, 0.2
W_CODE6, W_CODE4, W_CODE2 = 0.9, 0.45, 0.1
MIN_SCORE = 0.2
FIT_MAX = 0.08 + 0.1 + 0.02  # the most :func:`fit` can add (distance, quantities, free): bounds the search


@dataclass
class Profile:
    id: str
    kind: str
    org: str | None
    cat: str
    sub: str
    gen: dict = field(default_factory=dict)    # generating features -> int weight (concepts, words, codes)
    side: dict = field(default_factory=dict)   # category and bridge features -> int weight
    why: dict = field(default_factory=dict)    # concept feature -> (relation, source concept)
    shown: dict = field(default_factory=dict)  # word stem -> word as typed
    qty: dict | None = None
    where: tuple | None = None
    zone: str | None = None
    terms: str | None = None
    dates: tuple = (None, None)
    code: str = ""


@lru_cache(maxsize=1)
def _cat_concepts():
    return kbdata.load("categories")


def _put(d: dict, f: str, w: float):
    iw = int(round(w * SCALE))
    if iw > d.get(f, 0):
        d[f] = iw


def _word_weights(kb: KnowledgeBase, title_stems, desc_stems) -> dict:
    tf: dict[str, float] = {}
    for s in title_stems:
        tf[s] = max(tf.get(s, 0.0), 1.0)
    for s in desc_stems:
        tf[s] = max(tf.get(s, 0.0), 0.5)
    tf = {s: w * rarity(kb, s) for s, w in tf.items() if len(s) > 1}
    norm = math.sqrt(sum(w * w for w in tf.values())) or 1.0
    return {s: w / norm for s, w in tf.items()}


def rarity(kb: KnowledgeBase, stem: str) -> float:
    """Rarer words weigh more: a stem found in the terms of many concepts ("bois", "eau")
    says less than one found in few ("sarment")."""
    df = _stem_df(kb).get(stem, 0)
    return 1.0 / math.sqrt(1.0 + 0.5 * df)


@lru_cache(maxsize=4)
def _stem_df(kb: KnowledgeBase) -> dict:
    df: dict[str, set] = {}
    for key, cids in kb.terms.items():
        for s in key:
            df.setdefault(s, set()).update(cids)
    return {s: len(c) for s, c in df.items()}


def profile(kb: KnowledgeBase, sheet: dict, org: dict | None = None) -> Profile:
    """Everything the scorer needs from one sheet (and its organisation's place)."""
    org = org or {}
    cat = sheet.get("category") or "other"
    sub = sheet.get("subcategory") or ""
    p = Profile(id=sheet["id"], kind=sheet["kind"], org=sheet.get("organisation_id"), cat=cat, sub=sub)
    key = (p.kind, cat, sub, sheet.get("title") or "", sheet.get("description") or "", norm_code(sheet.get("waste_code")))
    memo = _analyses(kb)
    hit = memo.get(key)
    if hit is None:
        hit = _analyse(kb, *key)
        if len(memo) > 100000:
            memo.clear()
        memo[key] = hit
    p.gen, p.side, p.why, p.shown, p.code = hit  # shared between equal sheets: never mutated
    p.qty = _qty(sheet.get("quantity"), sheet.get("unit"), sheet.get("frequency"))
    p.where = geo.coords(org.get("commune")) if org.get("commune") else None
    p.zone = org.get("zone") or None
    p.terms = sheet.get("terms")
    p.dates = (sheet.get("available_from"), sheet.get("available_until"))
    return p


@lru_cache(maxsize=20000)
def _qty(q, unit, freq):
    return quantities.read(q, unit, freq)


@lru_cache(maxsize=4)
def _analyses(kb: KnowledgeBase) -> dict:
    return {}


def _analyse(kb: KnowledgeBase, kind: str, cat: str, sub: str, title: str, desc: str, code: str):
    """The text part of a profile: concept, word, code, category and bridge features."""
    p = Profile(id="", kind=kind, org=None, cat=cat, sub=sub)
    t_pairs, d_pairs = kb.stem_pairs(title), kb.stem_pairs(desc)
    t_stems, d_stems = [s for s, _ in t_pairs], [s for s, _ in d_pairs]
    found: dict[str, float] = {}
    for stems, w in ((t_stems, W_TITLE), (d_stems, W_DESC)):
        for cid, _ in kb.find(stems):
            found[cid] = max(found.get(cid, 0.0), w)
    p.code = code
    if len(p.code) == 6:
        for cid in kb.by_code.get(p.code, ()):
            found[cid] = max(found.get(cid, 0.0), W_CODE if not found else W_CODE * 0.5)
    cc = _cat_concepts().get(f"{cat}/{sub}") or _cat_concepts().get(cat)
    if cc:
        found[cc[0]] = max(found.get(cc[0], 0.0), cc[1])
    offer = kind == "offer"
    for cid in sorted(found):
        w = found[cid]
        spec = math.sqrt(kb.weight[cid])
        _concept(p, f"c:{cid}", w * spec, ("same", cid))
        for a in kb.ancestors[cid]:
            _concept(p, f"c:{a}", w * W_PARENT * math.sqrt(kb.weight[a]), ("family", a))
        if offer:
            for s, sw in kb.concepts[cid].serves:
                _concept(p, f"c:{s}", w * sw * W_SERVES * math.sqrt(kb.weight[s]), ("serves", cid))
            for a in kb.ancestors[cid]:
                for s, sw in kb.concepts[a].serves:
                    _concept(p, f"c:{s}", w * sw * W_PARENT_SERVES * math.sqrt(kb.weight[s]), ("serves", a))
    for s, w in _word_weights(kb, t_stems, d_stems).items():
        _put(p.gen, f"w:{s}", w * math.sqrt(W_WORDS))
    for st, typed in t_pairs + d_pairs:
        p.shown.setdefault(st, typed)
    if p.code:
        for n, w in ((6, W_CODE6), (4, W_CODE4), (2, W_CODE2)):
            if len(p.code) >= n:
                _put(p.gen, f"k{n}:{p.code[:n]}", math.sqrt(w))
    _put(p.side, f"cat:{cat}", math.sqrt(W_CAT))
    if sub:
        _put(p.side, f"sub:{cat}/{sub}", math.sqrt(W_SUB))
    if offer:
        for b in kb.bridges:
            bo = b["offer"]
            if bo == cat or bo == f"{cat}/{sub}":
                _put(p.side, f"br:{b['need']}", b["weight"])
    else:
        _put(p.side, f"br:{cat}", 1.0)
        if sub:
            _put(p.side, f"br:{cat}/{sub}", 1.0)
    return p.gen, p.side, p.why, p.shown, p.code


def _concept(p: Profile, f: str, w: float, why: tuple):
    iw = int(round(w * SCALE))
    if iw > p.gen.get(f, 0):
        p.gen[f] = iw
        p.why[f] = why


# -- pair score ----------------------------------------------------------------------

def combine(csum: int, cmax: int, rest: int) -> int:
    """Knowledge counts by its strongest link, the others add a little (an offer that touches
    many loose uses must not beat the one that does exactly what is needed); words and codes add."""
    return cmax + (csum - cmax) * 3 // 10 + rest


def base(o: Profile, n: Profile) -> int:
    """Integer part of the score, as :class:`app.matching.engine.Engine` accumulates it."""
    shared = [f for f in n.gen if f in o.gen]
    prods = [o.gen[f] * n.gen[f] for f in shared if f.startswith("c:")]
    rest = sum(o.gen[f] * n.gen[f] for f in shared if not f.startswith("c:"))
    return combine(sum(prods), max(prods, default=0), rest) + side(o, n)


def side(o: Profile, n: Profile) -> int:
    return sum(w * n.side[f] for f, w in o.side.items() if f in n.side)


def fit(o: Profile, n: Profile) -> float:
    """Distance, quantities, dates, terms: small adjustments on top of the base."""
    adj = 0.0
    if o.where and n.where:
        d = geo.km(o.where, n.where)
        adj += 0.08 * max(0.0, 1.0 - d / 60.0)
    elif o.zone and o.zone == n.zone:
        adj += 0.05
    if o.qty and n.qty:
        q = quantities.compare(o.qty, n.qty)
        if q:
            adj += QTY_ADJ[q[0]]
    if (o.dates[1] or n.dates[1]) and _dates_clash(o, n):
        adj -= 0.2
    if o.terms == "free":
        adj += 0.02
    return adj


QTY_ADJ = {"fits": 0.1, "partial": 0.03, "far": -0.05}


def _dates_clash(o: Profile, n: Profile) -> bool:
    of, ou = o.dates
    nf, nu = n.dates
    return bool((ou and nf and ou < nf) or (nu and of and nu < of))


def score(o: Profile, n: Profile, b: int | None = None) -> float:
    """The pair's score, rounded so that it is the same from either side."""
    b = base(o, n) if b is None else b
    return round(b / (SCALE * SCALE) + fit(o, n), 6)


# -- reasons -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _templates():
    return kbdata.load("reasons")


def _say(key: str, **kw) -> dict:
    """A reason in both languages; a value is a string or ``{"fr": …, "en": …}``.

    The same reason (same words, same distance…) comes back for many pairs: it is made once and shared
    (read-only), which keeps the matcher's memory from growing by two strings per pair (8 MB at 1,500 sheets)."""
    return _said(key, tuple(sorted((k, (v["fr"], v["en"]) if isinstance(v, dict) else v) for k, v in kw.items())))


@lru_cache(maxsize=65536)
def _said(key: str, values: tuple) -> dict:
    t = _templates()[key]
    out = {"code": key}
    for n, lang in enumerate(("fr", "en")):
        out[lang] = t[lang].format(**{k: (v[n] if isinstance(v, tuple) else v) for k, v in values})
    return out


def reasons(kb: KnowledgeBase, o: Profile, n: Profile, limit: int = 5) -> list[dict]:
    """Why this offer could serve this need, strongest first, in French and English."""
    scored = []
    shared = [f for f in n.gen if f in o.gen]
    concept_hits = sorted((f for f in shared if f.startswith("c:")), key=lambda f: -o.gen[f] * n.gen[f])
    used = set()
    bridge = _bridge(kb, o, n)
    for f in concept_hits:
        cid = f[2:]
        if cid in used:
            continue
        rel_o, src_o = o.why.get(f, ("same", cid))
        rel_n, _ = n.why.get(f, ("same", cid))
        label = {"fr": kb.label(cid, "fr"), "en": kb.label(cid, "en")}
        if bridge and rel_o != "family" and (n.cat == "materials" or not kb.concepts[cid].use):
            r = _say("bridge", bridge=bridge, what=label)
        elif rel_o == "serves":
            r = _say("use" if kb.concepts[cid].use else "substitute", what=label)
        elif rel_o == "same" and rel_n == "same":
            r = _say("use" if kb.concepts[cid].use else "same", what=label)
        else:
            r = _say("family", what=label)
        used.add(cid)
        scored.append((o.gen[f] * n.gen[f], r))
        if len(scored) >= 2:
            break
    words = sorted((f for f in shared if f.startswith("w:")), key=lambda f: -o.gen[f] * n.gen[f])
    if words:
        shown = ", ".join(o.shown.get(f[2:], n.shown.get(f[2:], f[2:])) for f in words[:3])
        scored.append((sum(o.gen[f] * n.gen[f] for f in words), _say("words", what=shown)))
    if o.code and n.code:
        if o.code == n.code and len(o.code) == 6:
            scored.append((SCALE * SCALE, _say("code6", what=pretty_code(o.code))))
        elif o.code[:4] == n.code[:4] and len(o.code) >= 4:
            sub = kb.low.get("subchapters", {}).get(pretty_code(o.code[:4]), "")
            what = pretty_code(o.code[:4]) + (f" ({sub})" if sub else "")
            scored.append((SCALE * SCALE // 2, _say("code4", what=what)))
    if not concept_hits and not words and bridge:
        scored.append((side(o, n), _say("bridge", bridge=bridge, what={"fr": o.cat, "en": o.cat})))
    scored.sort(key=lambda x: -x[0])
    out = [r for _, r in scored]
    out.extend(_fit_reasons(o, n))
    return out[:limit + 3]


def _bridge(kb, o: Profile, n: Profile):
    for b in kb.bridges:
        if b["offer"] in (o.cat, f"{o.cat}/{o.sub}") and b["need"] in (n.cat, f"{n.cat}/{n.sub}") \
                and not (o.cat == n.cat and b["offer"] == b["need"]):
            return {"fr": b["fr"], "en": b["en"]}
    return None


def _fit_reasons(o: Profile, n: Profile) -> list[dict]:
    out = []
    d = geo.km(o.where, n.where)
    if d is not None:
        if d < 1:
            out.append(_say("same_place"))
        elif d <= 60:
            out.append(_say("km", km=str(int(round(d)))))
    elif o.zone and o.zone == n.zone:
        out.append(_say("zone", what=o.zone))
    q = quantities.compare(o.qty, n.qty)
    if q:
        both = o.qty.get("yearly") is not None and n.qty.get("yearly") is not None
        oq = dict(o.qty) if both else {**o.qty, "yearly": None}
        nq = dict(n.qty) if both else {**n.qty, "yearly": None}
        out.append(_say(f"qty_{q[0]}", offer={"fr": quantities.show(oq, "fr"), "en": quantities.show(oq, "en")},
                        need={"fr": quantities.show(nq, "fr"), "en": quantities.show(nq, "en")}))
    if _dates_clash(o, n):
        out.append(_say("dates"))
    if o.terms == "free":
        out.append(_say("free"))
    return out
