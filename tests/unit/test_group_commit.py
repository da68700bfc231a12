"""Group commit: writes queued together share one transaction and one commit, and behave as if alone.

A batch is staged for real: the test holds the writer lock, starts writer
threads (each queues its write and waits for the lock), and lets go once
they are all queued; the first to get the lock runs every queued write in
one transaction.
"""
from __future__ import annotations

import threading
import time
import types

import pytest

from app import journal, realtime
from app.services import ServiceError, commit, ideas, organisations, sheets
from app.store import Replay, StorageError
from tests.conftest import ORGANISER, uid


def _org(name):
    return {"id": uid(), "name": name, "kind": "company", "presence": "present", "consent": 0}


def in_one_batch(store, calls):
    """Run ``calls`` (functions of no argument) in threads queued behind the writer lock; released
    together, they form one batch. Returns each call's result or exception, in order."""
    out = [None] * len(calls)

    def run(n, fn):
        try:
            out[n] = fn()
        except BaseException as exc:  # noqa: BLE001 - compared by the tests
            out[n] = exc

    threads = []
    with store.lock:
        for n, fn in enumerate(calls):
            t = threading.Thread(target=run, args=(n, fn))
            t.start()
            threads.append(t)
            end = time.time() + 10
            while len(store._queue) < n + 1 and time.time() < end:  # queued in this order
                time.sleep(0.001)
        assert len(store._queue) == len(calls)
        before = store.batches
    for t in threads:
        t.join(20)
    assert store.batches == before + 1, "the writes were not committed together"
    return out


def seqs_are_gapless(store):
    return [e["seq"] for e in journal.all_events(store)] == list(range(1, store.last_seq() + 1))


def test_writes_queued_together_commit_once_in_queue_order(ws):
    names = [f"Structure {i}" for i in range(8)]
    start = ws.store.last_seq()
    out = in_one_batch(ws.store, [lambda n=n: organisations.create(ws, ORGANISER, _org(n)) for n in names])
    assert [rec["name"] for rec, _ in out] == names
    assert [seq for _, seq in out] == list(range(start + 1, start + 9))  # seq follows the queue order
    assert seqs_are_gapless(ws.store)
    assert ws.store.scalar("SELECT COUNT(*) FROM organisations") == 8


def test_a_rejected_write_inside_a_batch_fails_alone(ws):
    org, _ = organisations.create(ws, ORGANISER, _org("Menuiserie"))
    idea_body = {"id": uid(), "title": "Palettes", "kind": "pooling",
                 "org_ids": [org["id"], organisations.create(ws, ORGANISER, _org("Ferme"))[0]["id"]]}
    idea, _ = ideas.create(ws, ORGANISER, idea_body)

    def half_done_then_refused(tx):
        tx.insert("organisation", _org("Jamais écrite"))  # written, then rolled back with its savepoint
        raise ServiceError(422, "err.invalid")

    def sqlite_error(tx):
        tx.insert("organisation", _org("Jamais écrite non plus"))
        tx.conn.execute("INSERT INTO no_such_table VALUES (1)")

    start = ws.store.last_seq()
    out = in_one_batch(ws.store, [
        lambda: organisations.create(ws, ORGANISER, _org("Avant")),
        lambda: commit(ws, ORGANISER, half_done_then_refused),
        lambda: ideas.move(ws, ORGANISER, idea["id"], {"version": idea["version"] + 5, "status": "explore"}),
        lambda: commit(ws, ORGANISER, sqlite_error),
        lambda: ideas.move(ws, ORGANISER, idea["id"], {"version": idea["version"], "status": "explore"}),
        lambda: organisations.create(ws, ORGANISER, _org("Après")),
    ])
    assert isinstance(out[1], ServiceError) and out[1].status == 422
    assert isinstance(out[2], ServiceError) and out[2].status == 409  # stale version
    assert isinstance(out[3], ServiceError) and out[3].status == 503  # the disk (here: SQLite) refused
    assert [out[0][1], out[4][1], out[5][1]] == [start + 1, start + 2, start + 3]  # the others, gapless
    names = {r["name"] for r in ws.store.all("organisation")}
    assert {"Avant", "Après"} <= names and not names & {"Jamais écrite", "Jamais écrite non plus"}
    assert ws.store.get("idea", idea["id"])["status"] == "explore"
    assert seqs_are_gapless(ws.store)


def test_the_same_request_twice_in_one_batch_is_written_once(ws):
    a, _ = organisations.create(ws, ORGANISER, _org("A"))
    b, _ = organisations.create(ws, ORGANISER, _org("B"))
    sheet = {"id": uid(), "organisation_id": a["id"], "kind": "offer", "category": "packaging", "title": "Caisses"}
    idea, _ = ideas.create(ws, ORGANISER, {"id": uid(), "title": "Caisses", "kind": "pooling",
                                          "org_ids": [a["id"], b["id"]]})
    move = {"version": idea["version"], "status": "soon", "request_id": uid()}
    org_body = _org("C")
    out = in_one_batch(ws.store, [
        lambda: organisations.create(ws, ORGANISER, dict(org_body)),
        lambda: ideas.move(ws, ORGANISER, idea["id"], dict(move)),
        lambda: sheets.create(ws, ORGANISER, dict(sheet)),
        lambda: ideas.move(ws, ORGANISER, idea["id"], dict(move)),  # the phone's retry, same request id
        lambda: commit(ws, ORGANISER, lambda tx: tx.insert("organisation", org_body),  # same id: a replay
                       request_id=org_body["id"], entity="organisation"),
    ])
    assert not [o for o in out if isinstance(o, BaseException)], out
    assert out[3] == out[1]  # the same answer: the record as the first move left it, and its seq
    assert out[4][1] == out[0][1] and out[4][0]["id"] == org_body["id"]
    assert ws.store.scalar("SELECT COUNT(*) FROM events WHERE request_id = ?", [move["request_id"]]) == 1
    assert ws.store.scalar("SELECT COUNT(*) FROM organisations WHERE id = ?", [org_body["id"]]) == 1
    assert ws.store.get("idea", idea["id"])["version"] == idea["version"] + 1
    assert seqs_are_gapless(ws.store)


def test_a_lost_transaction_reruns_the_neighbours_and_fails_only_the_guilty(ws):
    """SQLite ends the whole transaction on some errors (a full disk): the batch's other writes run again."""
    store = ws.store

    def ends_the_transaction(tx):
        tx.insert("organisation", _org("Perdue"))
        tx.conn.execute("ROLLBACK")  # what SQLITE_FULL does to the open transaction
        raise StorageError("database or disk is full")

    out = in_one_batch(store, [
        lambda: organisations.create(ws, ORGANISER, _org("Un")),
        lambda: commit(ws, ORGANISER, ends_the_transaction),
        lambda: organisations.create(ws, ORGANISER, _org("Deux")),
    ])
    assert isinstance(out[1], ServiceError) and out[1].status == 503
    assert {r["name"] for r in store.all("organisation")} == {"Un", "Deux"}
    assert seqs_are_gapless(store)
    assert out[2][1] == out[0][1] + 1


def test_on_commit_sees_the_batch_in_seq_order_after_the_commit(ws):
    seen = []
    store = ws.store

    def call(n):
        def fn(tx):
            return tx.insert("organisation", _org(f"O{n}"))

        def on_commit(events):  # on disk already: a second connection sees it
            from app.store import open_connection

            other = open_connection(store.path)
            try:
                assert other.execute("SELECT COUNT(*) FROM events WHERE seq = ?", [events[-1]["seq"]]).fetchone()[0]
            finally:
                other.close()
            seen.append(events[-1]["seq"])
        return lambda: store.write(ORGANISER, fn, on_commit=on_commit)

    out = in_one_batch(store, [call(n) for n in range(5)])
    assert seen == sorted(seen) == [events[-1]["seq"] for _, events in out]


def test_replay_of_an_earlier_batch_raises_replay(ws):
    rid = uid()
    ws.store.write(ORGANISER, lambda tx: tx.insert("organisation", {**_org("X"), "id": rid}), rid)
    with pytest.raises(Replay):
        ws.store.write(ORGANISER, lambda tx: tx.insert("organisation", _org("Y")), rid)


# -- broadcasts --------------------------------------------------------------------------------

def _ev(seq, entity, rec, action="create"):
    return {"seq": seq, "entity": entity, "entity_id": rec["id"], "action": action, "after": rec}


def test_a_batch_of_changes_is_one_message_per_room_in_seq_order():
    org_a, org_b = "org-a", "org-b"
    public = {"id": "s1", "organisation_id": org_a, "kind": "offer", "title": "Palettes", "visibility": "all",
              "hidden": 0, "state": "open", "version": 1}
    secret = {**public, "id": "s2", "organisation_id": org_b, "visibility": "facilitators", "title": "Secret"}
    org = {"id": org_a, "name": "A", "email": "a@example.fr", "consent": 0, "hidden": 0, "version": 1}
    events = [_ev(10, "sheet", public), _ev(11, "sheet", secret), _ev(12, "organisation", org)]
    batches = realtime.batches_for(events, "w")
    rooms = [r for rs, _, _ in batches for r in rs]
    assert len(rooms) == len(set(rooms)), "a room got two messages for one batch"
    by_room = {r: changes for rs, changes, _ in batches for r in rs}
    for role in realtime.ROLE_ROOMS:  # every role room: every seq, in order (so gaps can be seen)
        assert [c["seq"] for c in by_room[f"w:{role}"]] == [10, 11, 12]
    assert by_room["w:participant"][1]["record"] is None  # the confidential sheet: "remove it"
    assert by_room["w:facilitator"][1]["record"]["title"] == "Secret"
    assert (by_room["w:participant"][2]["record"] or {}).get("email") is None  # no consent: no contact
    # the owner's screens get the whole batch, their confidential sheet in place, and not the participants' one
    own = by_room[f"w:org:{org_b}"]
    assert [c["seq"] for c in own] == [10, 11, 12] and own[1]["record"]["title"] == "Secret"
    assert own[0] is by_room["w:participant"][0]
    skip = {r: sk for rs, _, sk in batches for r in rs}
    assert sorted(skip["w:participant"]) == [f"w:org:{org_a}", f"w:org:{org_b}"] and not skip[f"w:org:{org_b}"]
    mine = by_room[f"w:org:{org_a}"]  # A sees its own contact details, and B's secret stays out
    assert [c["seq"] for c in mine] == [10, 11, 12] and mine[2]["record"]["email"] == "a@example.fr"
    assert mine[1]["record"] is None


def test_publish_sends_one_message_per_room_for_a_batch(ws, monkeypatch):
    sent = []
    no_members = types.SimpleNamespace(get_participants=lambda ns, r: iter(()))
    monkeypatch.setattr(realtime.socketio, "server", types.SimpleNamespace(
        manager=no_members, start_background_task=lambda fn, *a: fn(*a)))
    monkeypatch.setattr(realtime.socketio, "emit", lambda name, data, to, **kw: sent.append((name, data, to)))
    monkeypatch.setattr(realtime, "_schedule_stats", lambda ws, events=(): None)
    recs = [organisations.create(ws, ORGANISER, _org(f"P{n}"))[0] for n in range(3)]
    sent.clear()
    events = [_ev(100 + n, "organisation", r) for n, r in enumerate(recs)]
    realtime.publish(ws, events)
    assert sent and all(name == "changes" for name, _, _ in sent)
    for name, data, to in sent:
        if any(r.endswith(":participant") for r in to):
            assert [c["seq"] for c in data["changes"]] == [100, 101, 102]
    rooms = [r for _, _, to in sent for r in to]
    assert len(rooms) == len(set(rooms))


def test_a_write_is_answered_before_its_changes_fan_out_and_later_ones_join_the_next_message(ws, monkeypatch):
    """The request that leads a batch must not wait for the send to hundreds of screens: the send is a
    background task; writes committed while it is pending or going leave with it, one message, in order."""
    sent, tasks = [], []
    no_members = types.SimpleNamespace(get_participants=lambda ns, r: iter(()))
    monkeypatch.setattr(realtime.socketio, "server", types.SimpleNamespace(
        manager=no_members, start_background_task=lambda fn, *a: tasks.append((fn, a))))
    monkeypatch.setattr(realtime.socketio, "emit", lambda name, data, to, **kw: sent.append((name, data, to)))
    monkeypatch.setattr(realtime, "_schedule_stats", lambda ws, events=(): None)
    first, seq1 = organisations.create(ws, ORGANISER, _org("Première"))
    assert first["name"] == "Première" and sent == [], "the answer waited for the broadcast"
    assert len(tasks) == 1
    _, seq2 = organisations.create(ws, ORGANISER, _org("Deuxième"))
    _, seq3 = organisations.create(ws, ORGANISER, _org("Troisième"))
    assert len(tasks) == 1, "a second sender was started while one was already due"
    fn, args = tasks.pop()
    fn(*args)
    staff = [data["changes"] for name, data, to in sent if f"{ws.id}:organiser" in to]
    assert len(staff) == 1 and [c["seq"] for c in staff[0]] == [seq1, seq2, seq3]
    sent.clear()
    _, seq4 = organisations.create(ws, ORGANISER, _org("Quatrième"))  # the sender is done: a new one starts
    assert len(tasks) == 1 and sent == []
    fn, args = tasks.pop()
    fn(*args)
    assert [[c["seq"] for c in data["changes"]] for _, data, to in sent if f"{ws.id}:organiser" in to] == [[seq4]]


def test_a_failed_send_is_logged_and_the_next_batch_still_goes(ws, monkeypatch, caplog):
    sent, calls = [], []
    no_members = types.SimpleNamespace(get_participants=lambda ns, r: iter(()))
    monkeypatch.setattr(realtime.socketio, "server", types.SimpleNamespace(
        manager=no_members, start_background_task=lambda fn, *a: fn(*a)))

    def emit(name, data, to, **kw):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("socket gone")
        sent.append(data)
    monkeypatch.setattr(realtime.socketio, "emit", emit)
    monkeypatch.setattr(realtime, "_schedule_stats", lambda ws, events=(): None)
    organisations.create(ws, ORGANISER, _org("Première"))  # its send fails: logged, the write stands
    assert "socket gone" in caplog.text
    _, seq = organisations.create(ws, ORGANISER, _org("Deuxième"))
    assert any(c["seq"] == seq for data in sent for c in data["changes"])
    assert {"Première", "Deuxième"} <= {o["name"] for o in ws.store.all("organisation")}


def test_changes_sharing_a_seq_keep_their_place_and_a_waiting_phone_gets_its_answer_after():
    """A derived-field refresh carries the seq of the change that caused it; a phone waiting to be let in
    learns the answer in its own room, after the batch (a copy of a seq its screen already has)."""
    org_a = "org-a"
    public = {"id": "s1", "organisation_id": org_a, "kind": "offer", "title": "Palettes", "visibility": "all",
              "hidden": 0, "state": "open", "version": 1}
    secret = {**public, "id": "s2", "visibility": "facilitators", "title": "Secret"}
    device = {"id": "d1", "organisation_id": org_a, "state": "accepted", "revoked": 0, "version": 2}
    events = [_ev(10, "sheet", public), {**_ev(10, "sheet", secret), "action": "refresh"}, _ev(11, "device", device)]
    batches = realtime.batches_for(events, "w")
    by_room = {r: changes for rs, changes, _ in batches for r in rs}
    assert [c["seq"] for c in by_room["w:participant"]] == [10, 10, 11]
    own = by_room[f"w:org:{org_a}"]
    assert [c["id"] for c in own] == ["s1", "s2", "d1"] and own[1]["record"]["title"] == "Secret"
    order = [r for rs, _, _ in batches for r in rs]
    assert order[-1] == "w:dev:d1", "the waiting phone's own copy comes after the batch it belongs to"
    assert [c["id"] for c in by_room["w:dev:d1"]] == ["d1"] and by_room["w:dev:d1"][0]["record"]["state"] == "accepted"
