"""Any figure "as of a date", from the journal.

The journal holds every record as each change left it (``after``), in
``seq`` order. The state of the workshop at an instant is, for every
record, the last ``after`` journaled up to that instant: replaying it needs
no other history table, and "status on 1 June" is the same computation as
"status now" with an earlier cut-off.
"""
from __future__ import annotations

import json
from collections.abc import Iterable


def _after(ev):
    a = ev.get("after")
    if isinstance(a, str):
        try:
            return json.loads(a)
        except ValueError:
            return None
    return a


def state_at(events: Iterable[dict], cutoff: str | None = None) -> dict[str, dict[str, dict]]:
    """``{entity: {id: record}}`` as of ``cutoff`` (a UTC ISO time as the journal writes it; ``None``: now).

    ``events`` in ``seq`` order, each with ``at``, ``entity``, ``entity_id`` and ``after`` (dict or JSON
    text). A record whose last event has no ``after`` no longer exists."""
    out: dict[str, dict[str, dict]] = {}
    for ev in events:
        if cutoff is not None and ev["at"] > cutoff:
            continue  # not "break": a clock set back can leave a later seq with an earlier time
        rec = _after(ev)
        bucket = out.setdefault(ev["entity"], {})
        if rec is None:
            bucket.pop(ev["entity_id"], None)
        else:
            bucket[ev["entity_id"]] = rec
    return out


def read_events(conn, cutoff: str | None = None) -> list[dict]:
    """The journal rows (seq order) up to ``cutoff`` from a sqlite3 connection (read-only is enough)."""
    sql = "SELECT seq, at, entity, entity_id, action, after FROM events"
    params: list = []
    if cutoff is not None:
        sql += " WHERE at <= ?"
        params.append(cutoff)
    cur = conn.execute(sql + " ORDER BY seq", params)
    try:
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]
    finally:
        cur.close()


def status_series(events: Iterable[dict], points: list[str]) -> list[dict[str, int]]:
    """Ideas per status at each instant of ``points`` (sorted UTC ISO times), in one pass over the journal.
    Hidden and merged ideas are left out, as in every count."""
    current: dict[str, str | None] = {}
    out: list[dict[str, int]] = []
    events = sorted(events, key=lambda e: (e["at"], e["seq"]))
    it = iter(points)
    point = next(it, None)

    def snap():
        counts: dict[str, int] = {}
        for st in current.values():
            if st:
                counts[st] = counts.get(st, 0) + 1
        return counts

    for ev in events:
        while point is not None and ev["at"] > point:
            out.append(snap())
            point = next(it, None)
        if point is None:
            break
        if ev["entity"] != "idea":
            continue
        rec = _after(ev)
        if rec is None or rec.get("hidden") or rec.get("merged_into"):
            current.pop(ev["entity_id"], None)
        else:
            current[ev["entity_id"]] = rec.get("status")
    while point is not None:
        out.append(snap())
        point = next(it, None)
    return out
