"""The one place that reads and writes a workshop's SQLite file.

Every change goes through :meth:`Store.write`: the rows and their journal
events are written in a ``BEGIN IMMEDIATE`` transaction, so an acknowledged
write is on disk together with its audit trail, or not at all.

Group commit: writes that arrive while the previous commit is running wait
in a queue; the next writer to get the lock (the *leader*) runs all of them
in ONE transaction, each inside its own ``SAVEPOINT`` (a write that fails is
rolled back alone, its neighbours go on), then commits once — one fsync —
and only then are they acknowledged. The statements run where the leader
runs (microseconds each, in SQLite's page cache); under gevent only the
``COMMIT`` — the fsync — goes to a native thread, so the event loop keeps
serving screens during it and the next batch fills up meanwhile. (Running
the whole batch in the thread was slower under load: each statement gives
the GIL back and waits up to a switch interval, 5 ms, to get it again from
the busy loop.) Reads outside a write use a second connection (WAL: readers
never wait for the writer and always see the last commit).

Durability choice: WAL + ``synchronous=FULL``. In WAL mode FULL syncs the
WAL on every commit, so a committed (hence acknowledged) write survives a
killed process *and* a power loss. On macOS ``fsync`` does not flush the
drive cache; ``fullfsync`` asks for ``F_FULLFSYNC`` there (no-op elsewhere).
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import sys
import threading
import uuid
from contextlib import contextmanager


def _import_sqlite_utils():
    """sqlite-utils maps numpy and pandas column types when those are installed (OR-Tools brings them);
    we store plain Python values only, and importing them costs the live server ~40 MB and a second."""
    hidden = [m for m in ("pandas", "numpy") if m not in sys.modules]
    for m in hidden:
        sys.modules[m] = None  # ``import`` raises ImportError: sqlite-utils goes on without them
    try:
        import sqlite_utils as module
    finally:
        for m in hidden:
            sys.modules.pop(m, None)
    return module


sqlite_utils = _import_sqlite_utils()

from . import journal, workers
from .journal import now_iso

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


_one = journal.one


class Tx:
    """Writes inside one transaction; every change appends a journal event.

    Reads through ``tx`` (``get``, ``rows``, ``scalar``) see the writes made so
    far in the same transaction, earlier writes of the same batch included."""

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
        return decode(_one(self.conn, f"SELECT * FROM [{ENTITY_TABLE[entity]}] WHERE id = ?", [id_]))

    def rows(self, sql: str, params=()) -> list[dict]:
        return [decode(r) for r in self.conn.execute(sql, params).fetchall()]

    def scalar(self, sql: str, params=()):
        row = _one(self.conn, sql, params)
        return row[0] if row else None

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
        after = self.get(entity, row["id"])
        self._journal(action, entity, row["id"], None, after)
        return after

    def update(self, entity: str, id_: str, changes: dict, expected_version: int | None = None,
               action: str = "update") -> dict:
        table = ENTITY_TABLE[entity]
        before = self.get(entity, id_)
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
        after = self.get(entity, id_)
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


class _Write:
    """One queued write: what to run, then what came of it."""

    __slots__ = ("actor", "fn", "request_id", "on_commit", "done", "result", "events", "error")

    def __init__(self, actor, fn, request_id, on_commit):
        self.actor, self.fn, self.request_id, self.on_commit = actor, fn, request_id, on_commit
        self.done = False
        self.reset()

    def reset(self):
        self.result, self.events, self.error = None, [], None


# ``ATELIER_COMMIT_THREAD=0`` runs each COMMIT on the event loop itself (no hop to a native thread):
# for measurements; batches then only form from writes queued while the loop was busy elsewhere.
OFF_LOOP_COMMITS = os.environ.get("ATELIER_COMMIT_THREAD", "1") != "0"
_LOST = object()  # the statement's error ended the whole transaction (SQLite does that on a full disk)


class Store:
    """One workshop file: one writer connection behind one lock, one reader connection.

    ``lock`` is the writer lock: whoever holds it, nothing commits meanwhile.
    ``snapshot()`` gives a consistent view across several reads without it."""

    def __init__(self, path):
        self.path = str(path)
        self.conn = open_connection(self.path)
        self.db = sqlite_utils.Database(self.conn)
        self.lock = threading.RLock()
        self._read_lock = threading.RLock()
        self._queue: list[_Write] = []
        self._queue_lock = threading.Lock()
        self._writer = None  # who runs a batch (thread and greenlet): its reads go to the writer connection
        self.batches = 0  # commits made by write(): batches of one or more writes (for tests and figures)
        with self.lock:
            migrate(self.db)
        self._rconn = open_connection(self.path)
        self.closed = False  # background loops skip a closed store (a deleted workshop, a finished test's app)

    def close(self):
        with self.lock, self._read_lock:
            self.closed = True
            self._rconn.close()
            self.conn.close()

    # -- reads -------------------------------------------------------------
    @contextmanager
    def _reader(self):
        """The connection a read uses: the writer's inside a batch (it sees its own writes), else the reader's."""
        if self._writer is not None and self._writer == workers.current_id():
            yield self.conn
            return
        with self._read_lock:
            yield self._rconn

    @contextmanager
    def snapshot(self):
        """Several reads that see one state of the file (one read transaction), without stopping writers.

        Yields the connection (for raw reads); the store's own reads inside see the same state."""
        with self._reader() as conn:
            if conn is self.conn or conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                conn.execute("COMMIT")

    def get(self, entity: str, id_):
        table = ENTITY_TABLE[entity]
        with self._reader() as conn:
            row = _one(conn, f"SELECT * FROM [{table}] WHERE id = ?", [id_])
        return decode(row)

    def rows(self, sql: str, params=()) -> list[dict]:
        with self._reader() as conn:
            return [decode(r) for r in conn.execute(sql, params).fetchall()]

    def all(self, entity: str, where: str = "", params=(), order: str = "created_at, id") -> list[dict]:
        table = ENTITY_TABLE[entity]
        sql = f"SELECT * FROM [{table}]" + (f" WHERE {where}" if where else "") + f" ORDER BY {order}"
        return self.rows(sql, params)

    def blob(self, sha: str):
        """``(bytes, content_type)`` of a stored blob, or None."""
        with self._reader() as conn:
            row = _one(conn, "SELECT data, content_type FROM blobs WHERE sha = ?", [sha])
        return (bytes(row[0]), row[1]) if row else None

    def scalar(self, sql: str, params=()):
        with self._reader() as conn:
            row = _one(conn, sql, params)
        return row[0] if row else None

    def workshop(self) -> dict:
        rows = self.rows("SELECT * FROM workshop LIMIT 1")
        return rows[0] if rows else None

    def last_seq(self) -> int:
        with self._reader() as conn:
            return journal.last_seq(conn)

    # -- writes ------------------------------------------------------------
    def write(self, actor: dict, fn, request_id: str | None = None, on_commit=None):
        """Run ``fn(tx)`` in the next group commit; return ``(result, events)`` once it is on disk.

        Raises what ``fn`` raised (nothing of it is stored), :class:`Replay` for
        a request id already in the journal (also one earlier in the same
        batch), :class:`StorageError` if the disk refused. ``on_commit(events)``
        is called after the commit, in ``seq`` order across the batch, before
        the next batch can commit (the broadcast queue relies on that order)."""
        job = _Write(actor, fn, request_id, on_commit)
        with self._queue_lock:
            self._queue.append(job)
        with self.lock:
            if not job.done:  # nobody took it yet: lead a batch of everything queued
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                try:
                    self._run_batch(batch)
                finally:
                    for j in batch:
                        j.done = True
                for j in batch:
                    if j.error is None and j.events and j.on_commit:
                        try:
                            j.on_commit(j.events)
                        except Exception:  # a broadcast problem must not undo an acknowledged write
                            logging.getLogger("atelier.store").exception("after commit")
        if job.error is not None:
            raise job.error
        return job.result, job.events

    def _run_batch(self, batch: list[_Write]):
        """BEGIN, one savepoint per write, COMMIT (one fsync). Runs with ``lock`` held."""
        conn = self.conn
        self._writer = workers.current_id()
        try:
            todo = batch
            while todo:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.Error as exc:
                    for j in todo:
                        j.error = StorageError(str(exc))
                    return
                ran, again = [], None
                for n, job in enumerate(todo):
                    if self._run_one(conn, job) is _LOST:  # earlier writes of the batch went with it: redo them
                        again = ran + todo[n + 1:]
                        break
                    ran.append(job)
                if again is not None:
                    for j in ran:
                        j.reset()
                    todo = again
                    continue
                try:
                    self._writer = None  # during the fsync, other readers keep to the reader connection
                    if OFF_LOOP_COMMITS:
                        workers.run_native(conn.execute, "COMMIT")
                    else:
                        conn.execute("COMMIT")
                    self.batches += 1
                except sqlite3.Error as exc:
                    self._rollback()
                    for j in ran:
                        j.reset()
                        j.error = StorageError(str(exc))
                todo = []
        finally:
            self._writer = None

    def _run_one(self, conn, job: _Write):
        if job.request_id:
            seen = journal.find_request(conn, job.request_id)
            if seen:
                job.error = Replay(seen["seq"], seen["entity"], seen["entity_id"])
                return None
        tx = Tx(self, job.actor, job.request_id)
        try:
            conn.execute("SAVEPOINT write")
            job.result = job.fn(tx)
            conn.execute("RELEASE write")
            job.events = tx.events
            return None
        except BaseException as exc:  # noqa: BLE001 - handed back to the writer's caller
            job.reset()
            job.error = StorageError(str(exc)) if isinstance(exc, sqlite3.Error) else exc
            if not conn.in_transaction:
                return _LOST
            try:
                conn.execute("ROLLBACK TO write")
                conn.execute("RELEASE write")
            except sqlite3.Error:
                self._rollback()
                return _LOST
            return None

    @contextmanager
    def tx(self, actor: dict, request_id: str | None = None):
        """One transaction of the caller's own (imports, restores, tests): ``BEGIN IMMEDIATE`` … ``COMMIT``.

        Raises :class:`Replay` for a seen request id. Live writes use :meth:`write`."""
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
            self._writer = workers.current_id()
            try:
                yield tx
                self.conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                self._rollback()
                raise StorageError(str(exc)) from exc
            except BaseException:
                self._rollback()
                raise
            finally:
                self._writer = None

    def _rollback(self):
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


class Snapshot(Store):
    """The workshop file as of one ``seq``, read-only: one read transaction held open until ``close``.

    What a worker process reads an export from while the server keeps writing
    (WAL: the writer never waits for it). ``seq`` says which state it is."""

    def __init__(self, path):
        self.path = str(path)
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None,
                               check_same_thread=False, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute("BEGIN")
        self.seq = journal.last_seq(conn)  # the first read fixes the snapshot
        self.conn = self._rconn = conn
        self.db = sqlite_utils.Database(conn)
        self.lock = threading.RLock()
        self._read_lock = threading.RLock()
        self._queue, self._queue_lock, self._writer, self.batches = [], threading.Lock(), None, 0
        self.closed = False

    def write(self, *a, **kw):
        raise StorageError("read-only snapshot")

    def tx(self, *a, **kw):
        raise StorageError("read-only snapshot")

    def close(self):
        self.closed = True
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error:
            pass
        self.conn.close()


class Reader(Snapshot):
    """The workshop file read-only, always as last committed: no transaction is held between reads
    (``snapshot()`` holds one for a few). What the matcher's process reads while the server writes."""

    def __init__(self, path):
        super().__init__(path)
        self.conn.execute("COMMIT")
