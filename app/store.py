"""The one place that reads and writes a workshop's SQLite file.

Every change goes through :meth:`Store.tx`: the rows and their journal
events are written in a single ``BEGIN IMMEDIATE`` transaction, so an
acknowledged write is on disk together with its audit trail, or not at all.

Durability choice: WAL + ``synchronous=FULL``. In WAL mode FULL syncs the
WAL on every commit, so a committed (hence acknowledged) write survives a
killed process *and* a power loss. On macOS ``fsync`` does not flush the
drive cache; ``fullfsync`` asks for ``F_FULLFSYNC`` there (no-op elsewhere).
"""
from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlite_utils

from . import journal

SCHEMA_VERSION = 2  # 2: free-text labels of imported values, remembered import mappings, organiser contact

# Column definitions per table. JSON-valued columns are listed in JSON_COLUMNS.
COMMON = {"created_at": str, "updated_at": str, "version": int}

TABLES = {
    "workshop": {
        "id": str, "code": str, "name": str, "date": str, "venue": str,
        "zones": str, "password_hash": str, "intake_open": int, "phase": str,
        "projector_token": str, "categories_extra": str, "timezone": str,
        # who to contact about the workshop, and its logo (bytes in ``blobs``, by SHA-256)
        "organiser_name": str, "organiser_email": str, "organiser_phone": str,
        "logo_sha": str, "logo_type": str,
        "kind": str,  # None: a workshop (an afternoon); "flow_study": a territory's book of company visits
        # weekly reminder e-mails (app/followup/weekly.py): day 0 = Monday, hour in the workshop's time zone
        "remind_on": int, "remind_day": int, "remind_hour": int, "remind_since": str, "remind_last": str,
        "remind_error": str,
    },
    "organisations": {
        "id": str, "name": str, "kind": str, "kind_label": str, "sector": str, "commune": str,
        "postcode": str, "zone": str, "contact_name": str, "email": str,
        "phone": str, "consent": int, "presence": str, "table_no": int,
        "hidden": int, "join_code": str,
    },
    "sheets": {
        "id": str, "organisation_id": str, "kind": str, "paper_no": str,
        "category": str, "subcategory": str, "title": str, "description": str,
        "quantity": float, "unit": str, "frequency": str,
        "available_from": str, "available_until": str, "condition": str,
        "waste_code": str, "logistics": str, "terms": str, "visibility": str,
        "anonymous": int, "author": str, "table_no": int, "state": str,
        "hidden": int, "category_label": str, "unit_label": str,
        "frequency_label": str, "condition_label": str, "terms_label": str,
        "visit_id": str,  # recorded from a company visit (a flow study, app/flowstudy), not at the workshop
    },
    # company visits (études de flux): who was visited, when, by whom, from what source (app/flowstudy)
    "visits": {
        "id": str, "organisation_id": str, "date": str, "visited_by": str, "source": str, "note": str,
        "author": str,
    },
    "ideas": {
        "id": str, "title": str, "description": str, "kind": str,
        "provider_id": str, "receiver_id": str, "org_ids": str,
        "category": str, "offer_sheet_id": str, "need_sheet_id": str,
        "origin": str, "interest": str, "status": str, "status_at": str,
        "abandon_reason": str, "b2b": int, "meeting_slot": str,
        "facilitator_id": str, "next_step": str, "due_date": str,
        "notes": str, "comment": str, "impact_tonnes": float,
        "impact_euros": float, "impact_co2": float, "co2_factor": float,
        "impact_jobs": float, "hidden": int, "merged_into": str,
        "author": str, "author_label": str, "table_no": int, "followup": int, "title_auto": int,
    },
    # -- follow-up after the afternoon (app/followup)
    "contacts": {
        "id": str, "idea_id": str, "date": str, "who": str, "channel": str, "summary": str,
        "next_step": str, "due_date": str, "author": str, "author_label": str,
    },
    "impacts": {
        "id": str, "idea_id": str, "org_ids": str, "stage": str, "tonnes": float, "material": str,
        "water_m3": float, "mwh": float, "energy": str, "euros": str, "jobs": float, "co2_t": float,
        "factors_used": str, "note": str,
    },
    "outcomes": {
        "id": str, "idea_id": str, "organisation_id": str, "status": str, "comment": str, "euros": float,
        "author": str,
    },
    "factors": {
        "id": str, "key": str, "family": str, "unit": str, "kg_co2e": float, "label_fr": str, "label_en": str,
        "source": str, "year": int,
    },
    "facilitators": {
        "id": str, "name": str, "table_no": int, "code": str, "revoked": int, "email": str,
    },
    "devices": {
        "id": str, "organisation_id": str, "revoked": int, "state": str, "label": str,
    },
    # B2B meetings (app/services/meetings.py): the set-up, places, who is there when, the meetings
    "b2b_setup": {
        "id": str, "sessions": str, "slot_minutes": int, "pause_minutes": int, "plan_stats": str,
        "planned_at": str,
    },
    "b2b_places": {
        "id": str, "name": str, "capacity": int, "position": int, "hidden": int,
    },
    "b2b_attendance": {
        "id": str, "people": int, "arrives": str, "leaves": str,
    },
    "meetings": {
        "id": str, "org_ids": str, "idea_id": str, "sheet_id": str, "origin": str, "requested_by": str,
        "request_status": str, "accepted_by": str, "note": str, "slot": int, "place_id": str, "locked": int,
        "announced_slot": int, "announced_place": str, "previous_slot": int, "unplaced_reason": str,
        "status": str, "outcomes": str,
    },
    # suggested synergies a facilitator accepted or dismissed (app/services/suggestions.py)
    "suggestions": {
        "id": str, "offer_sheet_id": str, "need_sheet_id": str, "offer_org": str, "need_org": str,
        "state": str, "idea_id": str, "score": float, "reasons": str, "decided_by": str,
    },
}
JSON_COLUMNS = {"zones", "org_ids", "interest", "categories_extra", "euros", "factors_used", "sessions", "plan_stats",
                "accepted_by", "outcomes", "unplaced_reason", "reasons"}
ENTITY_TABLE = {
    "workshop": "workshop", "organisation": "organisations",
    "sheet": "sheets", "idea": "ideas", "facilitator": "facilitators",
    "device": "devices", "contact": "contacts", "impact": "impacts", "outcome": "outcomes", "factor": "factors",
    "b2b_setup": "b2b_setup", "b2b_place": "b2b_places", "b2b_attendance": "b2b_attendance", "meeting": "meetings",
    "suggestion": "suggestions", "visit": "visits",
}


class Conflict(Exception):
    """A stale ``version``: the caller must show the current record."""

    def __init__(self, current):
        super().__init__("version conflict")
        self.current = current


class NotFound(Exception):
    pass


class StorageError(Exception):
    """The disk refused the write (full, read-only): nothing was stored."""


class Replay(Exception):
    """This request id was already applied; ``seq`` is its journal entry."""

    def __init__(self, seq, entity, entity_id):
        super().__init__("replay")
        self.seq, self.entity, self.entity_id = seq, entity, entity_id


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def new_id() -> str:
    return str(uuid.uuid4())


def decode(row):
    """Row from SQLite -> plain dict with JSON columns parsed."""
    if row is None:
        return None
    out = dict(row)
    for k in JSON_COLUMNS & out.keys():
        if isinstance(out[k], str):
            try:
                out[k] = json.loads(out[k])
            except ValueError:
                pass
    return out


def encode(row: dict) -> dict:
    out = {}
    for k, v in row.items():
        out[k] = json.dumps(v, ensure_ascii=False) if k in JSON_COLUMNS and v is not None and not isinstance(v, str) else v
    return out


def open_connection(path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=10)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA fullfsync=ON")
    conn.execute("PRAGMA checkpoint_fullfsync=ON")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


def migrate(db: sqlite_utils.Database):
    """Create or upgrade the schema; ``user_version`` records where we are."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current >= SCHEMA_VERSION:
        _add_missing(db)
        return
    _add_missing(db)  # new tables; an older file gains the columns it lacks (nothing else changes)
    journal.create_table(db)
    db["sheets"].create_index(["organisation_id"], if_not_exists=True)
    db["ideas"].create_index(["status"], if_not_exists=True)
    db["devices"].create_index(["organisation_id"], if_not_exists=True)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _add_missing(db: sqlite_utils.Database):
    """Tables and columns added since a file was created (new capabilities), added on open:
    an older workshop file gains them empty, nothing else changes."""
    names = set(db.table_names())
    for name, cols in TABLES.items():
        if name not in names:
            db[name].create({**cols, **COMMON}, pk="id")
        else:
            have = set(db[name].columns_dict)
            for col, typ in cols.items():
                if col not in have:
                    db[name].add_column(col, typ)
    for table, col in (("contacts", "idea_id"), ("impacts", "idea_id"), ("outcomes", "idea_id")):
        db[table].create_index([col], if_not_exists=True)
    # The column mapping chosen for a file's headers, offered again for the next file with the same headers.
    db["import_mappings"].create({"signature": str, "kind": str, "mapping": str, "updated_at": str},
                                 pk="signature", if_not_exists=True)
    # Content-addressed files (a workshop's logo): kept out of records so the journal stays small.
    db["blobs"].create({"sha": str, "content_type": str, "data": bytes, "created_at": str}, pk="sha",
                       if_not_exists=True)


def _one(conn, sql, params):
    """First row, with the statement finished at once: a half-read cursor kept alive (by a
    traceback, say) would make a later checkpoint on this connection fail with 'table is locked'."""
    cur = conn.execute(sql, params)
    try:
        return cur.fetchone()
    finally:
        cur.close()


class Tx:
    """Writes inside one transaction; every change appends a journal event."""

    def __init__(self, store: "Store", actor: dict, request_id: str | None):
        self.store = store
        self.conn = store.conn
        self.actor = actor
        self.request_id = request_id
        self.events: list[dict] = []

    def _journal(self, action, entity, entity_id, before, after):
        req = self.request_id if not self.events else None
        ev = journal.append(self.conn, self.actor, action, entity, entity_id, before, after, req)
        self.events.append(ev)
        return ev

    def get(self, entity, id_):
        return self.store.get(entity, id_)

    def put_blob(self, data: bytes, content_type: str) -> str:
        """Store bytes by their SHA-256 (no journal event: the record that points to them has one)."""
        import hashlib

        sha = hashlib.sha256(data).hexdigest()
        self.conn.execute("INSERT OR IGNORE INTO blobs (sha, content_type, data, created_at) VALUES (?,?,?,?)",
                          [sha, content_type, data, now_iso()])
        return sha

    def insert(self, entity: str, row: dict, action: str = "create") -> dict:
        table = ENTITY_TABLE[entity]
        ts = now_iso()
        row = {**row, "created_at": ts, "updated_at": ts, "version": 1}
        cols = TABLES[table]
        row = {k: v for k, v in row.items() if k in cols or k in COMMON}
        enc = encode(row)
        keys = list(enc)
        self.conn.execute(
            f"INSERT INTO [{table}] ({', '.join('[' + k + ']' for k in keys)}) VALUES ({', '.join('?' for _ in keys)})",
            [enc[k] for k in keys],
        )
        after = self.store.get(entity, row["id"])
        self._journal(action, entity, row["id"], None, after)
        return after

    def update(self, entity: str, id_: str, changes: dict, expected_version: int | None = None,
               action: str = "update") -> dict:
        table = ENTITY_TABLE[entity]
        before = self.store.get(entity, id_)
        if before is None:
            raise NotFound(entity)
        if expected_version is not None and int(expected_version) != before["version"]:
            raise Conflict(before)
        changes = {k: v for k, v in changes.items() if k in TABLES[table] and k != "id"}
        real = {k: v for k, v in changes.items() if before.get(k) != v}
        if not real and action == "update":
            return before
        enc = encode(real)
        enc["updated_at"] = now_iso()
        enc["version"] = before["version"] + 1
        sets = ", ".join(f"[{k}] = ?" for k in enc)
        self.conn.execute(f"UPDATE [{table}] SET {sets} WHERE id = ?", [*enc.values(), id_])
        after = self.store.get(entity, id_)
        self._journal(action, entity, id_, before, after)
        return after

    def delete(self, entity: str, id_: str, action: str = "delete") -> dict:
        """Remove a row; the journal keeps what it was (``before``), screens get ``record: None``."""
        table = ENTITY_TABLE[entity]
        before = self.store.get(entity, id_)
        if before is None:
            raise NotFound(entity)
        self.conn.execute(f"DELETE FROM [{table}] WHERE id = ?", [id_])
        self._journal(action, entity, id_, before, None)
        return before


class Store:
    """One workshop file: a single connection, a single writer lock."""

    def __init__(self, path):
        self.path = str(path)
        self.conn = open_connection(self.path)
        self.db = sqlite_utils.Database(self.conn)
        self.lock = threading.RLock()
        with self.lock:
            migrate(self.db)

    def close(self):
        with self.lock:
            self.conn.close()

    # -- reads -------------------------------------------------------------
    def get(self, entity: str, id_):
        table = ENTITY_TABLE[entity]
        with self.lock:
            row = _one(self.conn, f"SELECT * FROM [{table}] WHERE id = ?", [id_])
        return decode(row)

    def rows(self, sql: str, params=()) -> list[dict]:
        with self.lock:
            return [decode(r) for r in self.conn.execute(sql, params).fetchall()]

    def all(self, entity: str, where: str = "", params=(), order: str = "created_at, id") -> list[dict]:
        table = ENTITY_TABLE[entity]
        sql = f"SELECT * FROM [{table}]" + (f" WHERE {where}" if where else "") + f" ORDER BY {order}"
        return self.rows(sql, params)

    def blob(self, sha: str):
        """``(bytes, content_type)`` of a stored blob, or None."""
        with self.lock:
            row = _one(self.conn, "SELECT data, content_type FROM blobs WHERE sha = ?", [sha])
        return (bytes(row[0]), row[1]) if row else None

    def scalar(self, sql: str, params=()):
        with self.lock:
            row = _one(self.conn, sql, params)
        return row[0] if row else None

    def workshop(self) -> dict:
        rows = self.rows("SELECT * FROM workshop LIMIT 1")
        return rows[0] if rows else None

    def last_seq(self) -> int:
        return journal.last_seq(self.conn, self.lock)

    # -- writes ------------------------------------------------------------
    @contextmanager
    def tx(self, actor: dict, request_id: str | None = None):
        """``BEGIN IMMEDIATE`` … ``COMMIT``; raises :class:`Replay` for a seen request id."""
        with self.lock:
            if request_id:
                seen = journal.find_request(self.conn, request_id)
                if seen:
                    raise Replay(seen["seq"], seen["entity"], seen["entity_id"])
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StorageError(str(exc)) from exc
            tx = Tx(self, actor, request_id)
            try:
                yield tx
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._rollback()
                raise StorageError(str(exc)) from exc
            except sqlite3.DatabaseError as exc:
                self._rollback()
                raise StorageError(str(exc)) from exc
            except BaseException:
                self._rollback()
                raise

    def _rollback(self):
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
