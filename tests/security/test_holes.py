"""The holes an attack run found (issue 11), each reproduced against the real server.

Each test failed on the code before the fix: joining any organisation with
no consent, a confidential sheet's title and id leaking through an idea,
a facilitator's name in ``author_label``, 500s on nested JSON and lone
surrogates (with a workshop file left behind), a websocket open to any
Origin, an anonymous sheet's ``organisation_id``, tracebacks for malformed
frames, unlimited organisation creation, and ``"12"`` taken for a number.
"""
from __future__ import annotations

import json
import time

import pytest
import requests
import socketio
import websocket

from tests.live import Server
from tests.security.world import FR, World, snapshot_db, uid


@pytest.fixture(scope="module")
def w(server):
    return World(server, devices=0, name="Atelier des failles")


def _post_raw(session, url, raw: str | bytes, **headers):
    return session.post(url, data=raw.encode("utf-8") if isinstance(raw, str) else raw,
                        headers={"Content-Type": "application/json", **headers})


def _sock(srv, session, wid, headers=None):
    c = socketio.Client(reconnection=False)
    seen = []

    def _any(event, data=None):  # a batch (``changes``) is kept as one ``change`` per change, as a screen applies it
        for e, d in (("change", c) for c in data["changes"]) if event == "changes" else [(event, data)]:
            seen.append((e, json.dumps(d, ensure_ascii=False)))

    c.on("*", _any)
    cookie = "; ".join(f"{k.name}={k.value}" for k in session.cookies)
    c.connect(srv.base, headers={"Cookie": cookie, **(headers or {})}, auth={"workshop": wid},
              transports=["websocket"], wait_timeout=10)
    c.seen = seen
    return c


def _wait(pred, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


# -- 1. joining another organisation --------------------------------------------------------------
def test_a_phone_cannot_become_another_organisation_by_its_id(w):
    secret = w.fresh_sheet(w.org_b["id"], title="CONFIDENTIEL-B-JOIN", visibility="facilitators")
    intruder = requests.Session()
    intruder.get(w.srv.url(f"/j/{w.code}")).raise_for_status()
    before = snapshot_db(w.db_path)["organisations"]
    r = intruder.post(w.api("/join"), json={"organisation_id": w.org_b["id"]})
    assert r.status_code == 202, r.text  # asked, not in
    assert r.json()["request"]["state"] == "pending"
    state = w.state(intruder)
    assert state["me"]["org"] is None and state["me"]["asking"] == w.org_b["id"]
    text = json.dumps(state, ensure_ascii=False)
    assert "CONFIDENTIEL-B-JOIN" not in text and "Bob Secret" not in text and "bob@b.example" not in text
    assert secret["id"] not in text
    # it cannot write as B either
    r = intruder.post(w.api("/sheets"), json={"id": uid(), "kind": "offer", "category": "other", "title": "Intrus"})
    assert r.status_code == 403
    assert snapshot_db(w.db_path)["organisations"] == before


# -- 2. derived text and ids of hidden records ------------------------------------------------------
def test_an_idea_from_a_confidential_sheet_keeps_its_title_and_id_from_phones_and_projector(w):
    srv = w.srv
    offer = w.fresh_sheet(w.org_b["id"], title="VANNE-SECRETE-B", visibility="facilitators")
    need = w.fresh_sheet(w.org_a["id"], kind="need", title="Besoin de vannes A")
    pa_sock, proj_sock = _sock(srv, w.pa, w.wid), _sock(srv, w.proj, w.wid)
    try:
        r = w.fac_session.post(w.api("/ideas"), json={"id": uid(), "offer_sheet_id": offer["id"],
                                                       "need_sheet_id": need["id"]})
        assert r.status_code == 200, r.text
        idea = r.json()["record"]
        assert "VANNE-SECRETE-B" in idea["title"]  # staff see the real title
        for sock in (pa_sock, proj_sock):
            assert _wait(lambda: any(idea["id"] in d for e, d in sock.seen if e == "change"))
        payloads = {
            "phone change": "\n".join(d for e, d in pa_sock.seen),
            "projector change": "\n".join(d for e, d in proj_sock.seen),
            "phone state": w.pa.get(w.api("/state")).text,
            "projector state": w.proj.get(w.api("/state")).text,
            "phone events": w.pa.get(w.api("/events"), params={"since": 0}).text,
            "phone sync": json.dumps(pa_sock.call("sync", {"workshop": w.wid, "since": 0}, timeout=10),
                                     ensure_ascii=False),
            "projector sync": json.dumps(proj_sock.call("sync", {"workshop": w.wid, "since": 0}, timeout=10),
                                         ensure_ascii=False),
        }
        for what, text in payloads.items():
            assert "VANNE-SECRETE-B" not in text, what
            assert offer["id"] not in text, f"{what}: id of the hidden sheet"
        seen = [i for i in w.state(w.pa)["ideas"] if i["id"] == idea["id"]][0]
        assert seen["title"] == f"{FR['idea.hidden_sheet']} → {w.org_a['name']}"
        assert seen["offer_sheet_id"] is None and seen["need_sheet_id"] == need["id"]
    finally:
        pa_sock.disconnect()
        proj_sock.disconnect()


# -- 3. facilitators' names -------------------------------------------------------------------------
def test_a_facilitators_name_does_not_reach_phones_or_projector(w):
    pa_sock, proj_sock = _sock(w.srv, w.pa, w.wid), _sock(w.srv, w.proj, w.wid)
    try:
        r = w.fac_session.post(w.api("/ideas"), json={"id": uid(), "title": "Idée animée",
                                                       "org_ids": [w.org_a["id"], w.org_b["id"]]})
        idea = r.json()["record"]
        assert idea["author_label"] == "Anne Animatrice"
        for sock in (pa_sock, proj_sock):
            assert _wait(lambda: any(idea["id"] in d for e, d in sock.seen if e == "change"))
        texts = ["\n".join(d for e, d in pa_sock.seen), "\n".join(d for e, d in proj_sock.seen),
                 w.pa.get(w.api("/state")).text, w.proj.get(w.api("/state")).text,
                 json.dumps(pa_sock.call("sync", {"workshop": w.wid, "since": 0}, timeout=10)),
                 json.dumps(proj_sock.call("sync", {"workshop": w.wid, "since": 0}, timeout=10))]
        for text in texts:
            assert "Anne Animatrice" not in text
    finally:
        pa_sock.disconnect()
        proj_sock.disconnect()


# -- 4. no input makes a 5xx ---------------------------------------------------------------------
NESTED = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("path", ["/api/workshops", "/api/w/{wid}/sheets", "/api/w/{wid}/login/organiser",
                                  "/api/w/nope/ideas", "/api/w/{wid}/join"])
def test_deeply_nested_json_is_a_400_in_french(w, path):
    url = w.srv.url(path.format(wid=w.wid))
    for session in (w.pa, requests.Session()):
        r = _post_raw(session, url, NESTED)
        assert r.status_code in (400, 404, 413), (path, r.status_code, r.text[:200])
        body = r.json()
        assert body["error"] == FR[body["code"]]
    r = _post_raw(w.pa, w.api("/sheets"), '{"a":' * 40 + "1" + "}" * 40)
    assert r.status_code == 400 and r.json()["code"] == "err.too_deep"


def test_a_lone_surrogate_is_a_422_naming_the_field_and_leaves_no_file(w):
    files = sorted(p.name for p in w.srv.data_dir.iterdir())
    raw = '{"name": "Atelier x\\ud800y", "password": "motdepasse"}'
    r = _post_raw(requests.Session(), w.srv.url("/api/workshops"), raw)
    assert r.status_code == 422, r.text
    assert r.json()["fields"] == {"name": FR["err.unicode"]}
    assert sorted(p.name for p in w.srv.data_dir.iterdir()) == files, "a refused creation left a file"
    for field, raw in (("title", '{"id": "%s", "kind": "offer", "category": "other", "title": "ab\\udfffc"}'),
                       ("description", '{"id": "%s", "kind": "offer", "category": "other", "title": "abc",'
                                       ' "description": "\\ufdd0"}')):
        before = w.snapshot()
        r = _post_raw(w.pa, w.api("/sheets"), raw % uid())
        assert r.status_code == 422, r.text
        assert field in r.json()["fields"]
        assert w.snapshot() == before
    r = _post_raw(w.pa, w.api("/sheets"), '{"\\ud800": 1}')
    assert r.status_code == 422 and r.json()["fields"]


# -- 5. Origin ----------------------------------------------------------------------------------
def test_a_foreign_origin_cannot_open_the_socket_nor_write(w):
    foreign = "http://127.0.0.1:1"
    for origin in (foreign, "http://evil.example", "null"):
        ws_url = w.srv.base.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
        with pytest.raises(websocket.WebSocketBadStatusException):
            websocket.create_connection(ws_url, header=[f"Origin: {origin}"], suppress_origin=True, timeout=5)
        before = w.snapshot()
        r = w.org.post(w.api("/sheets"), json={"id": uid(), "organisation_id": w.org_a["id"], "kind": "offer",
                                               "category": "other", "title": "Par une autre page"},
                       headers={"Origin": origin})
        assert r.status_code == 403 and r.json()["code"] == "err.origin"
        assert w.snapshot() == before
    own = _sock(w.srv, w.org, w.wid)  # the client sends the server's own address as Origin
    assert own.connected
    own.disconnect()
    ws_url = w.srv.base.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
    conn = websocket.create_connection(ws_url, header=[f"Origin: {w.srv.base}"], suppress_origin=True,
                                          timeout=5)
    assert conn.recv().startswith("0")  # engine.io open packet
    conn.close()
    r = w.org.post(w.api("/sheets"), json={"id": uid(), "organisation_id": w.org_a["id"], "kind": "offer",
                                           "category": "other", "title": "Depuis l’atelier"},
                   headers={"Origin": w.srv.base})
    assert r.status_code == 200


# -- 6. smaller ones ------------------------------------------------------------------------------
def test_an_anonymous_sheet_does_not_say_whose_it_is(w):
    pa_sock, proj_sock = _sock(w.srv, w.pa, w.wid), _sock(w.srv, w.proj, w.wid)
    try:
        r = w.pb.post(w.api("/sheets"), json={"id": uid(), "kind": "offer", "category": "other",
                                               "title": "Offre anonyme B", "anonymous": True})
        sheet = r.json()["record"]
        assert sheet["organisation_id"] == w.org_b["id"]  # its own phone knows
        for sock in (pa_sock, proj_sock):
            assert _wait(lambda: any(sheet["id"] in d for e, d in sock.seen if e == "change"))
            for e, d in sock.seen:
                if sheet["id"] in d:
                    assert w.org_b["id"] not in d, d
        for session in (w.pa, w.proj):
            got = [s for s in w.state(session)["sheets"] if s["id"] == sheet["id"]][0]
            assert "organisation_id" not in got and "table_no" not in got
    finally:
        pa_sock.disconnect()
        proj_sock.disconnect()


def test_malformed_frames_are_counted_logged_once_and_never_a_traceback(tmp_path):
    srv = Server(tmp_path / "sessions").start()
    try:
        info, _ = srv.new_workshop()
        ws_url = srv.base.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket"
        conn = websocket.create_connection(ws_url, timeout=5)
        conn.recv()  # engine.io open
        conn.send("40")
        conn.recv()  # socket.io connect answer (refused: no workshop) or ack
        closed = False
        for frame in ["42", "42[", "4", "4{", "42[1]", "43", "45-[]"] * 30:
            try:
                conn.send(frame)
            except (websocket.WebSocketConnectionClosedException, BrokenPipeError, ConnectionResetError):
                closed = True
                break
        if not closed:
            try:
                conn.settimeout(5)
                while conn.recv() not in ("", b""):
                    pass
                closed = True  # the close frame
            except (websocket.WebSocketConnectionClosedException, ConnectionResetError):
                closed = True
        assert closed, "a connection sending only malformed frames is closed"
        time.sleep(0.5)
        assert requests.get(srv.url("/favicon.ico")).status_code == 204
    finally:
        srv.stop()
    log = srv.log_path.read_text(errors="replace")
    assert "Traceback" not in log and "ERROR" not in log, log[-2000:]
    assert log.count("malformed Socket.IO frame") == 1


def test_organisation_creation_is_rate_limited_per_phone_and_per_address(tmp_path):
    srv = Server(tmp_path / "sessions", rate_limits=True).start()
    try:
        info, _ = srv.new_workshop()
        api = srv.url(f"/api/w/{info['workshop']}/organisations")
        phone = requests.Session()
        phone.get(srv.url(f"/j/{info['code']}")).raise_for_status()
        codes = [phone.post(api, json={"id": uid(), "name": f"Structure {k}"}).status_code for k in range(8)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429] * 3, codes
        made = 5
        for k in range(40):  # fresh cookies every time: the address limit holds
            s = requests.Session()
            s.get(srv.url(f"/j/{info['code']}")).raise_for_status()
            r = s.post(api, json={"id": uid(), "name": f"Jetable {k}"})
            if r.status_code == 429:
                assert r.json()["error"].startswith("Trop d’envois")
                break
            made += 1
        assert made == 20, made
    finally:
        srv.stop()


def test_types_are_exactly_as_the_openapi_document_says(w):
    doc = requests.get(w.srv.url("/api/openapi.json")).json()
    assert doc["components"]["schemas"]["SheetCreate"]["properties"]["quantity"]["type"] == "number"
    base = {"kind": "offer", "category": "other", "title": "Palettes typées"}
    for bad in ({"quantity": "12"}, {"quantity": True}, {"anonymous": "on"}, {"anonymous": 1}):
        before = w.snapshot()
        r = w.pa.post(w.api("/sheets"), json={"id": uid(), **base, **bad})
        assert r.status_code == 422, (bad, r.text)
        assert list(r.json()["fields"]) == list(bad)
        assert w.snapshot() == before
    r = w.pa.post(w.api("/sheets"), json={"id": uid(), **base, "quantity": 12.5, "anonymous": False})
    assert r.status_code == 200 and r.json()["record"]["quantity"] == 12.5
    r = w.org.patch(w.api(f"/organisations/{w.org_a['id']}"),
                    json={"version": w.version("organisations", w.org_a["id"]), "table_no": "3"})
    assert r.status_code == 422 and "table_no" in r.json()["fields"]


def test_staff_merge_and_delete_organisations_made_by_mistake(w):
    made = w.org.post(w.api("/organisations"), json={"id": uid(), "name": "Structure A (doublon)"}).json()["record"]
    dup_sheet = w.fresh_sheet(made["id"], title="Fiche du doublon")
    idea = w.fresh_idea(org_ids=[made["id"], w.org_b["id"]], title="Idée du doublon")
    r = w.pa.post(w.api(f"/organisations/{made['id']}/merge"), json={"version": 1, "into_id": w.org_a["id"]})
    assert r.status_code == 403
    r = w.fac_session.post(w.api(f"/organisations/{made['id']}/delete"), json={"version": 1})
    assert r.status_code == 409 and r.json()["code"] == "err.org_has_ideas"
    r = w.fac_session.post(w.api(f"/organisations/{made['id']}/merge"), json={"version": 1,
                                                                            "into_id": w.org_a["id"]})
    assert r.status_code == 200, r.text
    rows = {t: {x["id"]: x for x in w.rows(t)} for t in ("organisations", "sheets", "ideas")}
    assert made["id"] not in rows["organisations"]
    assert rows["sheets"][dup_sheet["id"]]["organisation_id"] == w.org_a["id"]
    assert json.loads(rows["ideas"][idea["id"]]["org_ids"]) == [w.org_a["id"], w.org_b["id"]]
    events = [e for e in w.rows("events") if e["entity_id"] == made["id"]]
    assert events[-1]["action"] == "merge" and events[-1]["after"] is None and events[-1]["before"]

    typo = w.org.post(w.api("/organisations"), json={"id": uid(), "name": "Strcture B"}).json()["record"]
    gone = w.fresh_sheet(typo["id"], title="Fiche tapée par erreur")
    r = w.org.post(w.api(f"/organisations/{typo['id']}/delete"), json={"version": 1})
    assert r.status_code == 200, r.text
    assert typo["id"] not in {x["id"] for x in w.rows("organisations")}
    assert gone["id"] not in {x["id"] for x in w.rows("sheets")}
    assert [e["action"] for e in w.rows("events") if e["entity_id"] == gone["id"]][-1] == "delete"
    assert typo["id"] not in w.pa.get(w.api("/state")).text
