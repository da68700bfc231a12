"""JSON backup of a whole workshop, and restore into a NEW workshop.

The backup holds every row of every table exactly as stored (JSON columns and
the journal's before/after documents as their stored text), so a restore is a
copy, not a replay: rows go in with raw SQL in one ``BEGIN IMMEDIATE`` …
``COMMIT`` on the new file, versions, timestamps and journal ``seq`` numbers
unchanged. Only the workshop's id and join code are new (in the workshop row
and in the workshop's own journal entries), so the copy can live next to the
original.
"""
from __future__ import annotations

import base64
import json
import os
import sqlite3
from datetime import datetime, timezone

from ..store import new_id

FORMAT = "atelier-synergies-backup"
VERSION = 1
# Restored in this order first; every other table of the file follows by name, so a table added by a
# later feature (meetings, suggestions, blobs, import mappings…) is in the backup without being listed here.
TABLE_ORDER = ["workshop", "organisations", "sheets", "ideas", "facilitators", "devices",
               "contacts", "impacts", "outcomes", "factors", "events"]
BYTES = "$base64"  # a BLOB value (the logo) in the JSON: {"$base64": "..."}


class BackupError(ValueError):
    """Not a backup this version can restore; ``key`` is a translation key."""

    def __init__(self, message, key="exp.json.bad_format"):
        super().__init__(message)
        self.key = key


def _columns(conn, table) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])").fetchall()]


def tables(conn) -> list[str]:
    """Every table of a workshop file, in restore order (SQLite's own tables left out)."""
    names = {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()}
    return [t for t in TABLE_ORDER if t in names] + sorted(names - set(TABLE_ORDER))


def _to_json(value):
    return {BYTES: base64.b64encode(value).decode("ascii")} if isinstance(value, (bytes, memoryview)) else value


def _from_json(value):
    if isinstance(value, dict) and set(value) == {BYTES} and isinstance(value[BYTES], str):
        try:
            return base64.b64decode(value[BYTES], validate=True)
        except ValueError:
            raise BackupError("a binary value is not base64") from None
    if isinstance(value, (dict, list)):  # tolerate decoded JSON columns
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return int(value)
    return value


def dump(ws) -> dict:
    """Every row of every table, as stored, in one consistent read."""
    store = ws.store
    out = {"format": FORMAT, "version": VERSION, "schema_version": None,
           "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "workshop_id": ws.id, "code": ws.code, "seq": None, "tables": {}}
    with store.snapshot() as conn:  # one state across tables
        out["schema_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
        for table in tables(conn):
            order = "seq" if table == "events" else "rowid"
            cur = conn.execute(f"SELECT * FROM [{table}] ORDER BY {order}")
            names = [c[0] for c in cur.description]
            out["tables"][table] = [{k: _to_json(v) for k, v in zip(names, row)} for row in cur.fetchall()]
    out["seq"] = max((e["seq"] for e in out["tables"].get("events") or []), default=0)
    return out


def backup(ws) -> bytes:
    """The backup as UTF-8 JSON bytes (``application/json``)."""
    return json.dumps(dump(ws), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _load(source) -> dict:
    if isinstance(source, dict):
        return source
    if isinstance(source, (bytes, bytearray)):
        source = bytes(source).decode("utf-8-sig")
    try:
        doc = json.loads(source)
    except (ValueError, TypeError) as exc:
        raise BackupError(f"not JSON: {exc}") from None
    return doc


def _check(doc):
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BackupError("not a workshop backup")
    if doc.get("version") != VERSION:
        raise BackupError(f"unsupported backup version {doc.get('version')!r}")
    found = doc.get("tables")
    if not isinstance(found, dict) or not isinstance(found.get("workshop"), list) \
            or len(found["workshop"]) != 1:
        raise BackupError("the backup has no workshop row")
    for name, rows in found.items():
        if not isinstance(name, str) or name.startswith("sqlite_"):
            raise BackupError(f"unknown table {name!r}")
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise BackupError(f"table {name!r} is not a list of rows")


def _rewrite_workshop_doc(text, old_id, new_id_, new_code):
    """A journal before/after document of the workshop entity, with the new id and code."""
    if not text:
        return text
    try:
        rec = json.loads(text)
    except ValueError:
        return text
    if isinstance(rec, dict):
        if rec.get("id") == old_id:
            rec["id"] = new_id_
        if "code" in rec:
            rec["code"] = new_code
    return json.dumps(rec, ensure_ascii=False)


def restore(registry, source):
    """Restore a backup (dict, JSON text or bytes) into a new workshop file; return the Workshop.

    Raises :class:`BackupError` for anything that is not a valid backup; on any
    failure the new file is removed and nothing is registered."""
    doc = _load(source)
    _check(doc)
    doc_tables = doc["tables"]
    old = doc_tables["workshop"][0]
    old_id = old.get("id")
    wid = new_id()
    code = registry.unused_code()
    store = registry.open_new(wid)
    path = store.path
    try:
        conn = store.conn
        with store.lock:
            known_tables = tables(conn)
            unknown = sorted(set(doc_tables) - set(known_tables))
            if unknown:  # a table this version does not have: refuse rather than drop its rows
                raise BackupError(f"unknown table {unknown[0]!r}")
            conn.execute("BEGIN IMMEDIATE")
            try:
                for table in known_tables:
                    rows = doc_tables.get(table) or []
                    if not rows:
                        continue
                    cols = _columns(conn, table)
                    known = set(cols)
                    for row in rows:
                        row = dict(row)
                        if table == "workshop":
                            row["id"], row["code"] = wid, code
                        elif table == "events" and row.get("entity") == "workshop":
                            if row.get("entity_id") == old_id:
                                row["entity_id"] = wid
                            for k in ("before", "after"):
                                row[k] = _rewrite_workshop_doc(row.get(k), old_id, wid, code)
                        keys = [k for k in row if k in known]
                        vals = [_from_json(row[k]) for k in keys]
                        conn.execute(f"INSERT INTO [{table}] ({', '.join('[' + k + ']' for k in keys)}) "
                                     f"VALUES ({', '.join('?' for _ in keys)})", vals)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    except sqlite3.DatabaseError as exc:
        store.close()
        _remove(path)
        raise BackupError(f"the backup's rows do not fit: {exc}") from None
    except BaseException:
        store.close()
        _remove(path)
        raise
    return registry.register(store)


def _remove(path):
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(str(path) + suffix)
        except FileNotFoundError:
            pass
