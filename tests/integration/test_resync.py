"""Resync after missed events: exactly what was missed, filtered for the role; reset when too far behind."""
from __future__ import annotations

import json

import pytest

from app.services import organisations, workshops
from tests.conftest import ORGANISER
from tests.live import uid


def sheet(session, srv, ws, title, kind="offer", **kw):
    r = session.post(srv.url(f"/api/w/{ws['workshop']}/sheets"),
                     json={"id": uid(), "kind": kind, "category": "packaging", "title": title, **kw})
    assert r.status_code == 200, r.text
    return r.json()["record"]


@pytest.fixture
def room(server):
    ws, organiser = server.new_workshop()
    a, org_a = server.participant(ws, "Menuiserie A")
    b, org_b = server.participant(ws, "Maraîcher B")
    c, org_c = server.participant(ws, "Commune C")
    fac, _ = server.facilitator(ws, organiser)
    return dict(srv=server, ws=ws, organiser=organiser, a=a, b=b, c=c, fac=fac, org_a=org_a, org_b=org_b,
                org_c=org_c)


def sync(client, ws, since):
    return client.call("sync", {"workshop": ws["workshop"], "since": since}, timeout=10)


def test_reconnecting_phone_gets_exactly_the_missed_events_filtered(room):
    srv, ws = room["srv"], room["ws"]
    phone = srv.socket(room["a"], ws)
    assert phone.wait_for(lambda c: c.hello is not None)
    since = phone.hello["seq"]
    phone.disconnect()
    # a control phone of the same organisation stays connected and sees everything live
    control = srv.socket(room["a"], ws)
    assert control.wait_for(lambda c: c.hello is not None)
    staff = srv.socket(room["organiser"], ws)

    public_b = sheet(room["b"], srv, ws, "Palettes du maraîcher", "offer")
    secret_b = sheet(room["b"], srv, ws, "Secret de B : fût percé", "need", visibility="facilitators")
    secret_a = sheet(room["a"], srv, ws, "Confidentiel de A", "need", visibility="facilitators")
    need_c = sheet(room["c"], srv, ws, "Besoin de C", "need")
    fac = room["fac"]
    url = srv.url(f"/api/w/{ws['workshop']}/ideas")
    idea_ab = fac.post(url, json={"id": uid(), "offer_sheet_id": public_b["id"], "need_sheet_id": secret_a["id"]})
    idea_bc = fac.post(url, json={"id": uid(), "offer_sheet_id": public_b["id"], "need_sheet_id": need_c["id"]})
    assert idea_ab.ok and idea_bc.ok, (idea_ab.text, idea_bc.text)
    idea_ab, idea_bc = idea_ab.json(), idea_bc.json()
    move = fac.post(srv.url(f"/api/w/{ws['workshop']}/ideas/{idea_bc['record']['id']}/move"),
                    json={"version": 1, "status": "explore", "request_id": uid()})
    assert move.ok
    last = move.json()["seq"]
    assert control.wait_for(lambda c: any(m["seq"] == last for m in c.changes))

    phone = srv.socket(room["a"], ws)
    res = sync(phone, ws, since)
    assert res["reset"] is False and res["last_seq"] == last
    events = res["events"]
    assert [e["seq"] for e in events] == list(range(since + 1, last + 1))  # exactly the missed ones
    got = {e["id"]: e["record"] for e in events}
    assert got[public_b["id"]]["title"] == public_b["title"]
    assert got[secret_a["id"]]["title"] == "Confidentiel de A"  # its own confidential sheet
    assert secret_b["id"] not in got  # another organisation's confidential sheet: nothing, not even its id
    assert None in got and got[None] is None
    assert got[idea_ab["record"]["id"]] is not None  # an idea of A's organisation
    assert idea_bc["record"]["id"] not in got  # an idea between others: not even its id
    dump = json.dumps(res, ensure_ascii=False)
    assert "Secret de B" not in dump and "fût percé" not in dump
    assert "notes" not in json.dumps(got[idea_ab["record"]["id"]])
    # the resync says what the live messages said (the last message of each seq is what the screen keeps)
    live = {}
    for m in control.changes:
        if since < m["seq"] <= last:
            live[m["seq"]] = m["record"]
    assert live == {e["seq"]: e["record"] for e in events}
    # the same over HTTP
    http = room["a"].get(srv.url(f"/api/w/{ws['workshop']}/events"), params={"since": since}).json()
    assert http["events"] == events
    # staff see the confidential sheet
    staff_res = sync(staff, ws, since)
    assert {e["id"]: e["record"] for e in staff_res["events"]}[secret_b["id"]]["title"] == secret_b["title"]
    # nothing missed: nothing to apply
    again = sync(phone, ws, last)
    assert again["reset"] is False and again["events"] == []
    for c in (phone, control, staff):
        c.disconnect()


def test_sync_asks_for_a_reset_when_ahead_of_the_server_or_bad_input(room):
    srv, ws = room["srv"], room["ws"]
    phone = srv.socket(room["a"], ws)
    assert phone.wait_for(lambda c: c.hello is not None)
    last = phone.hello["seq"]
    ahead = sync(phone, ws, last + 10)  # e.g. the server was restored from a backup
    assert ahead["reset"] is True and ahead["last_seq"] == last and ahead["events"] == []
    assert sync(phone, ws, -1)["reset"] is True
    for bad in ("12", None, 1.5, True):
        assert "error" in sync(phone, ws, bad)
    assert "error" in phone.call("sync", {"workshop": "nope", "since": 0}, timeout=10)
    phone.disconnect()


def test_sync_from_an_anonymous_socket_is_refused(server):
    import socketio

    ws, _ = server.new_workshop()
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(server.base, auth={"workshop": ws["workshop"]}, transports=["websocket"], wait_timeout=5)


def test_too_far_behind_means_reset(ws):
    limit = workshops.RESYNC_LIMIT
    start = ws.store.last_seq()
    for i in range(limit + 3):
        organisations.create(ws, ORGANISER, {"id": uid(), "name": f"Structure {i}"})
    last = ws.store.last_seq()
    far = workshops.events_since(ws, ORGANISER, start)
    assert far["reset"] is True and far["events"] == [] and far["last_seq"] == last
    edge = workshops.events_since(ws, ORGANISER, last - limit)  # exactly the limit: still a resync
    assert edge["reset"] is False and len(edge["events"]) == limit
    assert [e["seq"] for e in edge["events"]] == list(range(last - limit + 1, last + 1))
    assert workshops.events_since(ws, ORGANISER, last - limit - 1)["reset"] is True
