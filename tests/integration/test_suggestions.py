"""Suggested synergies over the real server: live to the facilitators' sockets, filtered for
phones, accepted in one tap (one idea even when two facilitators tap at once), dismissed for
good (across a restart) and restored."""
from __future__ import annotations

import threading

import requests

from tests.live import Server, uid


def _api(server, ws, path):
    return server.url(f"/api/w/{ws['workshop']}{path}")


def _sheet(session, server, ws, **fields):
    body = {"id": uid(), "kind": "offer", "category": "other", **fields}
    r = session.post(_api(server, ws, "/sheets"), json=body)
    assert r.status_code == 200, r.text
    return r.json()["record"]


def _listen(client):
    got = []
    client.on("suggestions", lambda m: got.append(m))
    return got


def _pairs(messages):
    out = {}
    for m in messages:
        for rid in m["remove"]:
            out.pop(rid, None)
        for rec in m["upsert"]:
            out[rec["id"]] = rec
    return out


def _find(pairs, offer, need):
    return next((p for p in pairs.values() if p["offer_sheet_id"] == offer["id"]
                 and p["need_sheet_id"] == need["id"]), None)


def test_a_phone_need_reaches_the_facilitator_as_a_suggestion_with_its_reason(server):
    ws, organiser = server.new_workshop()
    fac, _ = server.facilitator(ws, organiser)
    vine, _ = server.participant(ws, "Domaine Ogereau", commune="Beaupréau")
    school, _ = server.participant(ws, "Chaufferie de Montrevault", commune="Cholet")
    other, _ = server.participant(ws, "Boulangerie Marchand")
    screens = {name: server.socket(s, ws) for name, s in
               (("facilitator", fac), ("vine", vine), ("school", school), ("other", other))}
    heard = {name: _listen(c) for name, c in screens.items()}
    offer = _sheet(vine, server, ws, category="waste", subcategory="wood", title="Sarments de vigne",
                   quantity=30, unit="t", frequency="yearly")
    need = _sheet(school, server, ws, kind="need", category="energy", title="Combustible pour chaudière",
                  quantity=20, unit="t", frequency="yearly")
    assert screens["facilitator"].wait_for(lambda c: _find(_pairs(heard["facilitator"]), offer, need))
    pair = _find(_pairs(heard["facilitator"]), offer, need)
    words = [r["fr"] for r in pair["reasons"]]
    assert "même usage : combustible bois" in words
    assert "quantités compatibles : 30\u00a0t/an proposées, 20\u00a0t/an recherchées" in words
    assert any(w.startswith("à ") and w.endswith(" km") for w in words)
    # both organisations' phones hear of it; an organisation not involved hears nothing
    for name in ("vine", "school"):
        assert screens[name].wait_for(lambda c: _find(_pairs(heard[name]), offer, need)), name
    assert heard["other"] == []
    # and the phone reads it on its sheet
    r = school.get(_api(server, ws, "/suggestions"), params={"sheet": need["id"]})
    assert r.status_code == 200 and [s["offer_sheet_id"] for s in r.json()["suggestions"]] == [offer["id"]]
    assert "decisions" not in r.json()
    rel = school.get(_api(server, ws, "/suggestions/relevance")).json()["scores"]
    assert offer["id"] in rel
    # the wall counts it
    token = organiser.get(_api(server, ws, "/state")).json()["workshop"]["projector_token"]
    wall = requests.Session()
    wall.get(server.url(f"/w/{ws['code']}/wall"), params={"t": token}).raise_for_status()
    assert wall.get(_api(server, ws, "/suggestions")).status_code in (401, 403)
    for c in screens.values():
        c.close()


def test_a_participant_never_receives_a_confidential_sheet_through_a_suggestion(server):
    ws, organiser = server.new_workshop()
    fac, _ = server.facilitator(ws, organiser)
    secret_org, _ = server.participant(ws, "Transports Retailleau")
    reader, _ = server.participant(ws, "Ressourcerie des Mauges")
    fac_c, reader_c = server.socket(fac, ws), server.socket(reader, ws)
    fac_heard, reader_heard = _listen(fac_c), _listen(reader_c)
    need = _sheet(reader, server, ws, kind="need", category="packaging", title="Palettes en bois pour nos meubles")
    secret = _sheet(secret_org, server, ws, category="packaging", subcategory="pallets",
                    title="Palettes Europe cassées", visibility="facilitators")
    public = _sheet(secret_org, server, ws, category="packaging", title="Cagettes en bois")
    assert fac_c.wait_for(lambda c: _find(_pairs(fac_heard), secret, need) and _find(_pairs(fac_heard), public, need))
    assert reader_c.wait_for(lambda c: _find(_pairs(reader_heard), public, need))
    blob = repr(reader_heard)
    assert secret["id"] not in blob and "cassées" not in blob
    listed = reader.get(_api(server, ws, "/suggestions")).json()["suggestions"]
    assert [s["offer_sheet_id"] for s in listed] == [public["id"]]
    assert secret["id"] not in reader.get(_api(server, ws, "/suggestions/relevance")).text
    staff = fac.get(_api(server, ws, "/suggestions")).json()["suggestions"]
    assert {s["offer_sheet_id"] for s in staff} == {secret["id"], public["id"]}
    fac_c.close()
    reader_c.close()


def test_two_facilitators_accepting_at_once_make_one_idea(server):
    ws, organiser = server.new_workshop()
    fac1, _ = server.facilitator(ws, organiser, name="Anne", table_no=1)
    fac2, _ = server.facilitator(ws, organiser, name="Bruno", table_no=2)
    a, _ = server.participant(ws, "Brasserie de l'Èvre")
    b, _ = server.participant(ws, "GAEC des Trois Chênes")
    offer = _sheet(a, server, ws, category="waste", subcategory="biowaste", title="Drêches de brasserie")
    need = _sheet(b, server, ws, kind="need", category="materials", title="Aliment pour nos vaches")
    body = {"offer_sheet_id": offer["id"], "need_sheet_id": need["id"]}
    answers = []
    barrier = threading.Barrier(2)

    def tap(s):
        barrier.wait()
        answers.append(s.post(_api(server, ws, "/suggestions/accept"), json=body))

    threads = [threading.Thread(target=tap, args=(s,)) for s in (fac1, fac2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
    ids = {r.json()["idea"]["id"] for r in answers}
    assert len(ids) == 1
    state = organiser.get(_api(server, ws, "/state")).json()
    made = [i for i in state["ideas"] if i["offer_sheet_id"] == offer["id"] and i["need_sheet_id"] == need["id"]]
    assert len(made) == 1 and made[0]["origin"] == "suggestion" and made[0]["id"] in ids
    assert made[0]["org_ids"] == [offer["organisation_id"], need["organisation_id"]]
    listing = fac1.get(_api(server, ws, "/suggestions")).json()
    assert not any(s["offer_sheet_id"] == offer["id"] for s in listing["suggestions"])
    assert [(d["state"], d["idea_id"]) for d in listing["decisions"]] == [("accepted", made[0]["id"])]
    # a participant may not accept; nothing changes
    r = b.post(_api(server, ws, "/suggestions/accept"), json=body)
    assert r.status_code == 403 and r.json()["error"]


def test_a_dismissal_survives_a_restart_and_can_be_undone(tmp_path):
    srv = Server(tmp_path / "sessions").start()
    try:
        ws, organiser = srv.new_workshop()
        fac, _ = srv.facilitator(ws, organiser)
        a, _ = srv.participant(ws, "Imprimerie Cailleau")
        b, _ = srv.participant(ws, "Boutique Jamin")
        offer = _sheet(a, srv, ws, category="waste", subcategory="cardboard", title="Cartons vides")
        need = _sheet(b, srv, ws, kind="need", category="packaging", title="Cartons pour nos expéditions")
        body = {"offer_sheet_id": offer["id"], "need_sheet_id": need["id"]}

        def listed(session):
            return [(s["offer_sheet_id"], s["need_sheet_id"])
                    for s in session.get(_api(srv, ws, "/suggestions")).json()["suggestions"]]

        assert (offer["id"], need["id"]) in listed(fac)
        r = fac.post(_api(srv, ws, "/suggestions/dismiss"), json=body)
        assert r.status_code == 200 and r.json()["record"]["state"] == "dismissed"
        assert listed(fac) == []
        port = srv.port
        srv.kill()
        srv = Server(tmp_path / "sessions", port=port).start()
        assert listed(fac) == []
        decisions = fac.get(_api(srv, ws, "/suggestions")).json()["decisions"]
        assert [d["state"] for d in decisions] == ["dismissed"]
        r = fac.post(_api(srv, ws, "/suggestions/restore"), json=body)
        assert r.status_code == 200, r.text
        assert (offer["id"], need["id"]) in listed(fac)
        # restoring what is not dismissed is refused in words, and changes nothing
        r = fac.post(_api(srv, ws, "/suggestions/restore"), json=body)
        assert r.status_code == 404 and r.json()["error"]
        r = fac.post(_api(srv, ws, "/suggestions/dismiss"), json={"offer_sheet_id": need["id"],
                                                                  "need_sheet_id": offer["id"]})
        assert r.status_code == 422 and r.json()["fields"]
    finally:
        srv.stop()
