"""Acknowledged means on disk: the store's settings, transactions, journal and replays.

Storage faults: tests run as root (here and in CI), and root ignores
``chmod`` on files and folders, so a read-only data folder cannot be staged
with permissions; no tiny tmpfs or loop device is available either. The
faults are therefore injected where SQLite itself reports them, with the
same error codes a real read-only folder or full disk gives:

* read-only: the store's connection is opened with ``?mode=ro`` (SQLite then
  answers ``SQLITE_READONLY`` "attempt to write a readonly database", exactly
  what a non-root user gets on a read-only file or folder);
* disk full: ``PRAGMA max_page_count`` caps the file at its current size
  (SQLite then answers ``SQLITE_FULL`` "database or disk is full", the error
  of a full disk).
"""
from __future__ import annotations

import sqlite3
import threading

import pytest

from app import journal
from app.services import ServiceError, organisations, sheets
from app.store import Replay, StorageError, Store, open_connection
from tests.conftest import ORGANISER, uid


def pragma(conn, name):
    return conn.execute(f"PRAGMA {name}").fetchone()[0]


def test_durability_settings_are_really_set(ws):
    conn = ws.store.conn
    assert pragma(conn, "journal_mode").lower() == "wal"
    assert pragma(conn, "synchronous") == 2  # FULL: the WAL is synced on every commit
    assert pragma(conn, "busy_timeout") >= 5000
    assert pragma(conn, "fullfsync") == 1  # F_FULLFSYNC on macOS; ignored elsewhere
    # A second connection (as a backup or a CLI opens) gets the same settings.
    other = open_connection(ws.store.path)
    try:
        assert pragma(other, "journal_mode").lower() == "wal"
        assert pragma(other, "synchronous") == 2
    finally:
        other.close()


def _org(i=0):
    return {"id": uid(), "name": f"Structure {i}", "kind": "company", "presence": "present", "consent": 0}


def counts(store):
    return (store.scalar("SELECT COUNT(*) FROM organisations"), store.scalar("SELECT COUNT(*) FROM events"))


def test_failing_write_inside_a_transaction_leaves_nothing(ws):
    before = counts(ws.store)
    seq = ws.store.last_seq()
    with pytest.raises(RuntimeError):
        with ws.store.tx(ORGANISER, uid()) as tx:
            tx.insert("organisation", _org(1))
            tx.insert("organisation", _org(2))
            raise RuntimeError("crash in the middle of a write")
    assert counts(ws.store) == before
    assert ws.store.last_seq() == seq


def test_sqlite_error_inside_a_transaction_rolls_back_rows_and_journal(ws):
    before = counts(ws.store)
    with pytest.raises(StorageError):
        with ws.store.tx(ORGANISER, uid()) as tx:
            tx.insert("organisation", _org(1))
            tx.conn.execute("INSERT INTO no_such_table VALUES (1)")
    assert counts(ws.store) == before
    # and the store is usable afterwards (no transaction left open)
    with ws.store.tx(ORGANISER, uid()) as tx:
        tx.insert("organisation", _org(3))
    assert counts(ws.store) == (before[0] + 1, before[1] + 1)


def test_journal_seq_strictly_increasing_and_matches_rows(ws):
    ids = []
    for i in range(20):
        rec, seq = organisations.create(ws, ORGANISER, _org(i))
        ids.append((rec["id"], seq))
    seqs = [s for _, s in ids]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    events = journal.all_events(ws.store)
    all_seqs = [e["seq"] for e in events]
    assert all_seqs == list(range(1, len(all_seqs) + 1))  # no holes
    by_seq = {e["seq"]: e for e in events}
    for oid, seq in ids:
        assert by_seq[seq]["entity_id"] == oid and by_seq[seq]["action"] == "create"


def test_concurrent_writers_get_distinct_increasing_seqs(ws):
    results, errors = [], []

    def writer(k):
        try:
            for i in range(15):
                results.append(organisations.create(ws, ORGANISER, _org(f"{k}-{i}"))[1])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == len(set(results)) == 60
    assert [e["seq"] for e in journal.all_events(ws.store)] == list(range(1, ws.store.last_seq() + 1))


def test_replayed_request_id_raises_replay_and_writes_nothing(ws):
    rid = uid()
    with ws.store.tx(ORGANISER, rid) as tx:
        org = tx.insert("organisation", _org(1))
    seq = ws.store.last_seq()
    before = counts(ws.store)
    with pytest.raises(Replay) as info:
        with ws.store.tx(ORGANISER, rid) as tx:
            tx.insert("organisation", _org(2))
    assert info.value.seq == seq and info.value.entity_id == org["id"]
    assert counts(ws.store) == before


def test_create_by_uuid_is_idempotent_through_the_services(ws):
    org, _ = organisations.create(ws, ORGANISER, _org(1))
    body = {"id": uid(), "organisation_id": org["id"], "kind": "offer", "category": "packaging",
            "title": "Palettes Europe"}
    first = sheets.create(ws, ORGANISER, dict(body))
    events = ws.store.last_seq()
    second = sheets.create(ws, ORGANISER, dict(body))
    assert second == first  # same record, same seq
    assert ws.store.scalar("SELECT COUNT(*) FROM sheets WHERE id = ?", [body["id"]]) == 1
    assert ws.store.last_seq() == events
    # the same org id twice is also one row
    again, _ = organisations.create(ws, ORGANISER, {**_org(9), "id": org["id"], "name": org["name"]})
    assert again["id"] == org["id"]
    assert ws.store.scalar("SELECT COUNT(*) FROM organisations") == 1


def test_a_uuid_used_by_another_kind_of_record_is_refused(ws):
    org, _ = organisations.create(ws, ORGANISER, _org(1))
    # a move whose request id is the org's creation id: not the same write
    from app.services import commit

    with pytest.raises(ServiceError) as info:
        commit(ws, ORGANISER, lambda tx: None, request_id=org["id"], entity="idea")
    assert info.value.status == 409


# -- storage faults -----------------------------------------------------------
class ReadOnlyStore(Store):
    """The same file, opened read-only after creation: what a read-only folder does to a non-root user."""

    def make_read_only(self):
        with self.lock:
            self.conn.close()
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None,
                                   check_same_thread=False, timeout=10)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout=10000")
            self.conn = conn
            self.db.conn = conn


def test_read_only_store_refuses_writes_cleanly_and_keeps_serving_reads(registry, caplog):
    from app.services import workshops

    ws = workshops.create(registry, {"name": "Atelier", "password": "motdepasse"})
    org, _ = organisations.create(ws, ORGANISER, _org(1))
    ro = ReadOnlyStore(ws.store.path)
    ws.store.close()
    ws.store = ro
    ro.make_read_only()
    before = counts(ro)
    with pytest.raises(ServiceError) as info:
        sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": org["id"], "kind": "offer",
                                      "category": "packaging", "title": "Palettes"})
    assert info.value.status == 503 and info.value.key == "err.storage"
    assert any("storage error" in r.message for r in caplog.records)
    assert counts(ro) == before
    # reads still work: state and events
    assert workshops.state(ws, ORGANISER)["organisations"][0]["id"] == org["id"]
    assert workshops.events_since(ws, ORGANISER, 0)["events"]
    from app.i18n import t

    assert "rien n’a été enregistré" in t("err.storage", "fr")


def test_disk_full_refuses_the_write_and_keeps_every_acknowledged_one(ws):
    acked = []
    conn = ws.store.conn
    conn.execute(f"PRAGMA max_page_count = {pragma(conn, 'page_count')}")
    failed = None
    for i in range(200):
        org = _org(i)
        org["contact_name"] = "x" * 100
        try:
            rec, seq = organisations.create(ws, ORGANISER, org)
            acked.append((rec["id"], seq))
        except ServiceError as exc:
            assert exc.status == 503 and exc.key == "err.storage"
            failed = org["id"]
            break
    assert failed, "the capped file never filled up"
    assert ws.store.get("organisation", failed) is None
    assert journal.find_request(ws.store.conn, failed) is None
    for oid, seq in acked:
        assert ws.store.get("organisation", oid) is not None
    # space comes back: the same write (same uuid) now goes through, once
    conn.execute("PRAGMA max_page_count = 1073741823")
    rec, _ = organisations.create(ws, ORGANISER, {**_org(999), "id": failed})
    assert rec["id"] == failed
    assert ws.store.scalar("SELECT COUNT(*) FROM organisations WHERE id = ?", [failed]) == 1


def test_read_only_data_folder_through_the_api_gives_503_no_ack_and_an_organiser_alert(tmp_path, caplog):
    """The whole path: HTTP write refused by SQLite -> 503 err.storage in French, nothing stored, no
    ``record``/``seq`` in the answer, the organiser's screen gets ``storage_error``, reads keep working."""
    from app import create_app, realtime

    app = create_app({"DATA_DIR": str(tmp_path / "sessions"), "ASYNC_MODE": "threading"})
    client = app.test_client()
    r = client.post("/api/workshops", json={"name": "Atelier", "password": "motdepasse"})
    assert r.status_code == 201
    wid = r.get_json()["workshop"]
    r = client.post(f"/api/w/{wid}/organisations", json={"id": uid(), "name": "Menuiserie"})
    assert r.status_code == 200
    org = r.get_json()["record"]
    sock = realtime.socketio.test_client(app, flask_test_client=client, auth={"workshop": wid})
    assert sock.is_connected()
    sock.get_received()

    registry = app.extensions["registry"]
    ws = registry.get(wid)
    ro = ReadOnlyStore(ws.store.path)
    ws.store.close()
    ws.store = ro
    ro.make_read_only()
    before = counts(ro)
    sheet_id = uid()
    r = client.post(f"/api/w/{wid}/sheets", json={"id": sheet_id, "organisation_id": org["id"], "kind": "offer",
                                                  "category": "packaging", "title": "Palettes"})
    assert r.status_code == 503
    body = r.get_json()
    assert body["code"] == "err.storage" and "rien n’a été enregistré" in body["error"]
    assert "record" not in body and "seq" not in body  # no acknowledgement
    assert counts(ro) == before and ro.get("sheet", sheet_id) is None
    alerts = [m for m in sock.get_received() if m["name"] == "storage_error"]
    assert alerts and "readonly" in alerts[0]["args"][0]["message"]
    assert any("storage error" in rec.message for rec in caplog.records)
    # reads keep working
    assert client.get(f"/api/w/{wid}/state").status_code == 200
    assert client.get(f"/api/w/{wid}/events?since=0").get_json()["events"]
    sock.disconnect()
    registry.close()
