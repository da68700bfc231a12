"""The append-only ``events`` journal.

Each row says who changed what, when, from what to what. It is the audit
trail, the source of "what changed since seq N" for reconnecting screens,
the idea history, and the record of request ids that makes replays safe.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def one(conn, sql, params):
    """First row, with the statement finished at once: a half-read cursor kept alive (by a
    traceback, say) would make a later checkpoint on this connection fail with 'table is locked'."""
    cur = conn.execute(sql, params)
    try:
        return cur.fetchone()
    finally:
        cur.close()


def create_table(db):
    db.execute(
        """CREATE TABLE IF NOT EXISTS events (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor_role TEXT, actor_id TEXT, actor_label TEXT,
            action TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT,
            request_id TEXT UNIQUE,
            before TEXT, after TEXT)"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS events_entity ON events(entity_id)")


def _decode(row):
    ev = dict(row)
    for k in ("before", "after"):
        ev[k] = json.loads(ev[k]) if ev[k] else None
    return ev


def append(conn: sqlite3.Connection, actor: dict, action, entity, entity_id, before, after, request_id=None) -> dict:
    """Called only by :class:`app.store.Tx`, inside the write's transaction."""
    at = now_iso()
    cur = conn.execute(
        "INSERT INTO events (at, actor_role, actor_id, actor_label, action, entity, entity_id, request_id, before, after)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        [at, actor.get("role"), actor.get("id"), actor.get("label"), action, entity, entity_id, request_id,
         json.dumps(before, ensure_ascii=False) if before is not None else None,
         json.dumps(after, ensure_ascii=False) if after is not None else None],
    )
    return {"seq": cur.lastrowid, "at": at, "actor_role": actor.get("role"), "actor_id": actor.get("id"),
            "actor_label": actor.get("label"), "action": action, "entity": entity, "entity_id": entity_id,
            "request_id": request_id, "before": before, "after": after}


def find_request(conn, request_id):
    row = one(conn, "SELECT seq, entity, entity_id FROM events WHERE request_id = ?", [request_id])
    return dict(row) if row else None


def last_seq(conn) -> int:
    row = one(conn, "SELECT MAX(seq) FROM events", [])
    return row[0] or 0


def since(store, seq: int, limit: int = 1000) -> list[dict]:
    rows = store.rows("SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", [int(seq), int(limit)])
    return [_decode(r) for r in rows]


def history(store, entity_id: str) -> list[dict]:
    rows = store.rows("SELECT * FROM events WHERE entity_id = ? ORDER BY seq", [entity_id])
    return [_decode(r) for r in rows]


def all_events(store) -> list[dict]:
    return [_decode(r) for r in store.rows("SELECT * FROM events ORDER BY seq")]
