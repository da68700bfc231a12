"""One workshop's suggested pairs kept in step with its journal: the matcher's state, per process.

One :class:`~app.matching.engine.Engine` per workshop, built from the store on first use and then
caught up from the journal: every committed sheet, organisation, idea and decision event updates only
the suggestions it touches. :func:`changes` says what moved since the last call (what the screens
must be sent). It reads the workshop through any store (``ws`` is anything with ``id`` and ``store``):
the server's own, or a read-only one in the matcher's process (``app.matching.process``), where this
work leaves the event loop and its core to the screens.
"""
from __future__ import annotations

import functools
import threading
import uuid

from .. import journal
from .engine import Engine, eligible

NS = uuid.UUID("5b0e6f7e-3f4c-4d59-9b7e-1c2a3d4e5f60")
CATCH_UP_LIMIT = 5000  # beyond this many events behind, rebuild from the store
DECIDED = ("dismissed", "accepted")
READS = ("sheet", "organisation", "idea", "suggestion")  # the entities whose changes can move a pair


def pair_id(ws, offer_id: str, need_id: str) -> str:
    return _pair_id(ws.id, offer_id, need_id)


@functools.lru_cache(maxsize=200_000)
def _pair_id(wid: str, offer_id: str, need_id: str) -> str:
    """Cached: the matcher looks pairs up by id many times per broadcast (a SHA-1 each otherwise)."""
    return str(uuid.uuid5(NS, f"{wid}:{offer_id}:{need_id}"))


class _State:
    def __init__(self):
        self.engine: Engine | None = None
        self.seq = 0
        self.built: int | None = None       # seq of a build not yet reached by the events ``changes`` was given
        self.lock = threading.RLock()
        self.meta: dict[str, dict] = {}     # sheet id -> what a record shows of it
        self.dirty: set[str] = set()        # sheets whose list of best partners may have changed since then
        self.dirty_meta: set[str] = set()   # sheets whose shown fields changed: every pair they are in is re-sent
        self.listed: dict[str, set] = {}    # sheet id -> the (offer, need) pairs of its list at the last broadcast
        self.sent: dict[str, dict] = {}     # pair id -> the record last broadcast
        self.by_sheet: dict[str, set] = {}  # sheet id -> pair ids in ``sent``
        self.public = 0                     # the wall's counter, as of the last broadcast
        self.cache: dict[tuple, tuple] = {}  # (offer, need) -> (score, offer meta, need meta, record)


_states: dict[str, _State] = {}
_states_lock = threading.Lock()


def _state(ws) -> _State:
    with _states_lock:
        st = _states.get(ws.id)
        if st is None:
            st = _states[ws.id] = _State()
        return st


def forget(wid: str):
    """Drop a workshop's engine (a deleted workshop, a restored backup, tests)."""
    with _states_lock:
        _states.pop(wid, None)


def _blocked(store) -> set[tuple[str, str]]:
    rows = store.rows("SELECT offer_sheet_id o, need_sheet_id n FROM suggestions WHERE state IN (?, ?)", DECIDED)
    rows += store.rows("SELECT offer_sheet_id o, need_sheet_id n FROM ideas WHERE offer_sheet_id IS NOT NULL "
                       "AND need_sheet_id IS NOT NULL AND merged_into IS NULL")
    return {(r["o"], r["n"]) for r in rows}


def _is_blocked(store, offer_id, need_id) -> bool:
    return bool(store.scalar("SELECT 1 FROM suggestions WHERE offer_sheet_id = ? AND need_sheet_id = ? "
                             "AND state IN (?, ?)", [offer_id, need_id, *DECIDED])
                or store.scalar("SELECT 1 FROM ideas WHERE offer_sheet_id = ? AND need_sheet_id = ? "
                                "AND merged_into IS NULL", [offer_id, need_id]))


def _meta(sheet: dict, org: dict | None) -> dict:
    """What a suggestion shows of a sheet (a new dict whenever the sheet or its organisation changes)."""
    return {"org": sheet.get("organisation_id"), "table": sheet.get("table_no"),
            "visibility": sheet.get("visibility") or "all", "title": sheet.get("title"),
            "org_name": (org or {}).get("name"), "kind": sheet.get("kind")}


def _build(ws, st: _State):
    s = ws.store
    with s.snapshot():
        st.seq = s.last_seq()
        sheets = s.all("sheet")
        orgs = {o["id"]: o for o in s.all("organisation")}
        blocked = _blocked(s)
    st.engine = Engine().full(sheets, orgs, blocked)
    st.meta = {sh["id"]: _meta(sh, orgs.get(sh.get("organisation_id"))) for sh in sheets}
    st.cache.clear()
    st.sent = {}
    st.by_sheet = {}
    st.listed = {sid: set(_listed(st.engine, sid)) for sid in st.engine.top}
    for (o, n), sc in st.engine.pairs().items():
        _remember(st, _record(ws, st, o, n, sc))
    st.dirty.clear()
    st.dirty_meta.clear()
    st.built = st.seq


def _touched(events) -> set[str]:
    """The sheets whose pairs these events may have changed."""
    out = set()
    for ev in events:
        rec = ev.get("after") or {}
        if ev["entity"] == "sheet":
            out.add(rec.get("id") or ev.get("entity_id"))
        elif ev["entity"] in ("idea", "suggestion"):
            out |= {rec.get("offer_sheet_id"), rec.get("need_sheet_id")}
    return out - {None}


def _listed(eng: Engine, sid: str):
    """The (offer, need) pairs of a sheet's list of best partners."""
    p = eng.profiles.get(sid)
    for _, x in eng.top.get(sid, ()):
        yield (sid, x) if p.kind == "offer" else (x, sid)


def _remember(st: _State, rec: dict):
    st.sent[rec["id"]] = rec
    for sid in (rec["offer_sheet_id"], rec["need_sheet_id"]):
        st.by_sheet.setdefault(sid, set()).add(rec["id"])


def _forget_sent(st: _State, pid: str):
    rec = st.sent.pop(pid)
    for sid in (rec["offer_sheet_id"], rec["need_sheet_id"]):
        st.by_sheet.get(sid, set()).discard(pid)
    return rec


def _apply(ws, st: _State, ev: dict):
    eng, s = st.engine, ws.store
    entity, rec = ev["entity"], ev["after"]
    if entity == "sheet" and rec:
        org = s.get("organisation", rec["organisation_id"]) if rec.get("organisation_id") else None
        st.meta[rec["id"]] = _meta(rec, org)
        st.dirty |= eng.upsert(rec, org) | {rec["id"]}
        st.dirty_meta.add(rec["id"])
    elif entity == "organisation" and rec:
        for sh in s.all("sheet", "organisation_id = ?", [rec["id"]]):
            st.meta[sh["id"]] = _meta(sh, rec)
            if sh["id"] in eng.profiles or eligible(sh):
                st.dirty |= eng.upsert(sh, rec) | {sh["id"]}
                st.dirty_meta.add(sh["id"])
    elif entity in ("idea", "suggestion") and rec and rec.get("offer_sheet_id") and rec.get("need_sheet_id"):
        o, n = rec["offer_sheet_id"], rec["need_sheet_id"]
        st.dirty |= eng.block(o, n, _is_blocked(s, o, n)) | {o, n}


# The matcher's catch-up after a burst of writes is pure Python work on the event loop: between every
# YIELD_EVERY events or pairs, ``pause(0)`` lets the loop answer requests and send changes meanwhile.
YIELD_EVERY = 16


def _pacer(pause):
    """A function to call once per unit of work: every YIELD_EVERY calls it gives the loop a turn."""
    if pause is None:
        return lambda: None
    count = [0]

    def tick():
        count[0] += 1
        if count[0] % YIELD_EVERY == 0:
            pause(0)
    return tick


def _current(ws, pause=None) -> _State:
    """The workshop's engine, caught up with the journal."""
    st = _state(ws)
    with st.lock:
        if st.engine is None:
            _build(ws, st)
            return st
        last = ws.store.last_seq()
        if last > st.seq:
            if last - st.seq > CATCH_UP_LIMIT:
                _build(ws, st)
            else:
                tick = _pacer(pause)
                for ev in journal.since(ws.store, st.seq, CATCH_UP_LIMIT):
                    _apply(ws, st, ev)
                    st.seq = ev["seq"]
                    tick()
    return st


def warm(ws) -> bool:
    """Build the workshop's engine now if it is not built (True when it was): at start-up, so that the
    first write after a restart does not wait for a full run (8 s at 10x on a busy laptop)."""
    st = _state(ws)
    with st.lock:
        if st.engine is not None:
            return False
        _current(ws)
        st.public = _public(st)
        return True


def built(wid: str) -> bool:
    st = _states.get(wid)
    return st is not None and st.engine is not None


def _score_of(eng: Engine, o: str, n: str):
    for sc, x in eng.top.get(o, ()):
        if x == n:
            return sc
    for sc, x in eng.top.get(n, ()):
        if x == o:
            return sc
    return None


def changes(ws, events: list[dict], pause=None) -> tuple[list[dict], list[dict], int] | None:
    """After a commit: ``(records added or changed, records removed, public count)``, or ``None``
    when nothing the matcher reads changed. Only the pairs of the sheets it touched are looked at.
    ``pause`` (``socketio.sleep``) gives the loop a turn now and then (see YIELD_EVERY)."""
    if not any(ev["entity"] in READS for ev in events):
        return None
    st = _state(ws)
    with st.lock:
        _current(ws, pause)
        # Changes that a build took in before a call reported them (the first look at a workshop, the
        # start-up warm-up racing the first writes, a rebuild after a long gap): the build counts every
        # pair as sent, since the screens read them from the API; but the pairs of the sheets these
        # changes touched are news to the screens. They may come over several calls (each call gets
        # what was committed since the last), until one reaches the build's seq.
        news = set()
        if st.built is not None:
            absorbed = [ev for ev in events if (ev.get("seq") or 0) <= st.built]
            news = {pid for sid in _touched(absorbed) for pid in st.by_sheet.get(sid, ())}
            if any((ev.get("seq") or 0) >= st.built for ev in events):
                st.built = None
        dirty, st.dirty = st.dirty, set()
        dirty_meta, st.dirty_meta = st.dirty_meta, set()
        eng = st.engine
        # A pair is sent while it is in the list of one of its two sheets: it can only appear, change or go
        # if one of those lists changed (its pairs then and now), or if a sheet's shown fields changed.
        pairs: set[tuple[str, str]] = set()
        for sid in dirty_meta:
            for pid in st.by_sheet.get(sid, ()):
                r = st.sent[pid]
                pairs.add((r["offer_sheet_id"], r["need_sheet_id"]))
        for sid in dirty | dirty_meta:
            now = set(_listed(eng, sid))
            pairs |= st.listed.pop(sid, set()) | now
            if now:
                st.listed[sid] = now
        upserts, removed = [], []
        tick = _pacer(pause)
        for o, n in pairs:
            tick()
            pid = pair_id(ws, o, n)
            sc = _score_of(eng, o, n)
            if sc is None:
                if pid in st.sent:
                    removed.append(_forget_sent(st, pid))
                continue
            rec = _record(ws, st, o, n, sc)
            prev = st.sent.get(pid)
            if prev is not rec and prev != rec:
                _remember(st, rec)
                upserts.append(rec)
                news.discard(pid)
        upserts.extend(st.sent[pid] for pid in sorted(news) if pid in st.sent)
        st.public = _public(st)
        return upserts, removed, st.public


def _record(ws, st: _State, offer_id: str, need_id: str, score: float) -> dict:
    o, n = st.meta[offer_id], st.meta[need_id]
    key = (offer_id, need_id)
    hit = st.cache.get(key)
    if hit is not None and hit[0] == score and hit[1] is o and hit[2] is n:
        return hit[3]
    rec = {"id": pair_id(ws, offer_id, need_id), "offer_sheet_id": offer_id, "need_sheet_id": need_id,
           "offer_org": o["org"], "need_org": n["org"], "offer_table": o["table"], "need_table": n["table"],
           "offer_visibility": o["visibility"], "need_visibility": n["visibility"],
           "offer_title": o["title"], "need_title": n["title"],
           "offer_org_name": o["org_name"], "need_org_name": n["org_name"],
           "score": score, "reasons": st.engine.explain(offer_id, need_id), "state": "open"}
    if len(st.cache) > 50000:
        st.cache.clear()
    st.cache[key] = (score, o, n, rec)
    return rec


def _public(st: _State) -> int:
    return sum(1 for r in st.sent.values()
               if r["offer_visibility"] != "facilitators" and r["need_visibility"] != "facilitators")


def public_count(wid: str) -> int:
    """Suggestions between two sheets everyone may see (the wall's counter), as of the last
    :func:`changes`. Lock-free on purpose: the counters are computed under the store's lock, and the
    matcher takes its own lock before the store's."""
    st = _states.get(wid)
    return st.public if st is not None else 0


def records(ws) -> tuple[list[dict], int]:
    """Every suggested pair's record, caught up with the journal, and the ``seq`` it is as of."""
    st = _current(ws)
    with st.lock:
        return [_record(ws, st, o, n, sc) for (o, n), sc in st.engine.pairs().items()], st.seq


def listing(ws, role: str, org: str | None, table=None, sheet_id: str | None = None,
            limit: int = 300) -> tuple[list[dict], int, int]:
    """``(records the reader may see, best first, at most limit; how many in all; seq)``: the pairs of
    ``table`` or ``sheet_id`` when given, each as ``app.rules.visibility`` lets ``role`` see it. Chosen
    here, where the records are, so that only what is shown leaves the matcher's process."""
    from ..rules import visibility

    recs, seq = records(ws)
    if table is not None:
        recs = [r for r in recs if table in (r["offer_table"], r["need_table"])]
    if sheet_id:
        recs = [r for r in recs if sheet_id in (r["offer_sheet_id"], r["need_sheet_id"])]
    out = []
    for r in sorted(recs, key=lambda r: (-r["score"], r["id"])):
        v = visibility.suggestion(r, role, org)
        if v is not None:
            out.append(v)
    return out[:limit], len(out), seq


def candidates(ws, org: str) -> dict[str, float]:
    """For each sheet of other organisations: its best score against one of ``org``'s sheets
    (what the participant may see of them is the caller's to decide)."""
    st = _current(ws)
    out: dict[str, float] = {}
    with st.lock:
        eng = st.engine
        for sid in [sid for sid, p in eng.profiles.items() if p.org == org]:
            for other, sc in eng.candidates(sid).items():
                if sc > out.get(other, 0):
                    out[other] = sc
    return out


def explain(ws, offer_id: str, need_id: str) -> tuple[list[dict], float | None]:
    """``(reasons, score)`` of a pair: as last sent if it was, else as the engine would say it."""
    st = _current(ws)
    with st.lock:
        known = st.sent.get(pair_id(ws, offer_id, need_id))
        if known:
            return known["reasons"], known["score"]
        eng = st.engine
        if offer_id in eng.profiles and need_id in eng.profiles:
            return eng.explain(offer_id, need_id), None
        return [], None
