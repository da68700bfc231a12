"""The live loop over a real server: writes through the API reach every
allowed screen, with the right payload for each role."""
import subprocess
import uuid

import requests

from tests.live import uid


def _sheet(session, server, ws, **fields):
    body = {"id": uid(), "kind": "offer", "category": "packaging", "title": "Palettes bois 80x120", **fields}
    r = session.post(server.url(f"/api/w/{ws['workshop']}/sheets"), json=body)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_sheet_reaches_every_allowed_screen_with_its_role_payload(server):
    ws, organiser = server.new_workshop()
    fac_s, _ = server.facilitator(ws, organiser)
    writer, writer_org = server.participant(ws, "Menuiserie Rousseau", consent=False, email="contact@rousseau.example.fr",
                                            phone="04 78 00 00 00")
    reader, _ = server.participant(ws, "Maraîcher Dupont", consent=True, email="dupont@example.fr")
    wall = requests.Session()
    token = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["workshop"]["projector_token"]
    assert wall.get(server.url(f"/w/{ws['code']}/wall?t={token}")).status_code == 200

    screens = {
        "organiser": server.socket(organiser, ws), "facilitator": server.socket(fac_s, ws),
        "participant": server.socket(reader, ws), "writer": server.socket(writer, ws),
        "projector": server.socket(wall, ws),
    }
    public = _sheet(writer, server, ws, description="30 par semaine")
    secret = _sheet(writer, server, ws, title="Chutes de chêne", visibility="facilitators")
    last = secret["seq"]
    for name, c in screens.items():
        assert c.wait_for(lambda c: c.changes and c.changes[-1]["seq"] >= last), name

    for name in ("organiser", "facilitator"):
        titles = {s["title"] for s in screens[name].records("sheet").values()}
        assert titles == {"Palettes bois 80x120", "Chutes de chêne"}, name
    # Other organisations and the projector never receive the confidential sheet.
    for name in ("participant", "projector"):
        sheets = screens[name].records("sheet")
        assert set(sheets) == {public["record"]["id"]}, name
        assert all(m["record"] is None or m["record"].get("visibility") != "facilitators"
                   for m in screens[name].changes if m["entity"] == "sheet")
    # The writer's own organisation sees its confidential sheet.
    assert secret["record"]["id"] in screens["writer"].records("sheet")
    # Every role room received every seq: no gap to resync.
    for name, c in screens.items():
        seqs = sorted({m["seq"] for m in c.changes})
        assert seqs == list(range(seqs[0], seqs[-1] + 1)), name
    # Counters go to staff and projector, not to phones.
    assert screens["projector"].wait_for(lambda c: c.stats and c.stats[-1]["stats"]["sheets"] == 2)
    assert screens["organiser"].wait_for(lambda c: c.stats and c.stats[-1]["stats"]["sheets"] == 2)
    assert screens["participant"].stats == []
    for c in screens.values():
        c.close()


def test_contacts_without_consent_never_reach_other_participants(server):
    ws, organiser = server.new_workshop()
    reader, _ = server.participant(ws, "Lecteur")
    c = server.socket(reader, ws)
    _, org = server.participant(ws, "Fonderie du Val", consent=False, email="secret@fonderie.example.fr",
                                contact_name="Jeanne Martin", phone="0600000000")
    _, org2 = server.participant(ws, "Ressourcerie", consent=True, email="ok@ressourcerie.example.fr")
    assert c.wait_for(lambda c: {org["id"], org2["id"]} <= set(c.records("organisation")))
    seen = c.records("organisation")
    assert seen[org["id"]]["email"] is None and seen[org["id"]]["contact_name"] is None
    assert seen[org["id"]]["phone"] is None
    assert seen[org2["id"]]["email"] == "ok@ressourcerie.example.fr"
    state = reader.get(server.url(f"/api/w/{ws['workshop']}/state")).json()
    by_id = {o["id"]: o for o in state["organisations"]}
    assert by_id[org["id"]]["email"] is None
    assert "secret@fonderie" not in str(c.changes) + str(state)
    c.close()


def test_the_same_create_twice_makes_one_record(server):
    ws, organiser = server.new_workshop()
    writer, _ = server.participant(ws, "Laiterie coopérative")
    body = {"id": uid(), "kind": "need", "category": "water", "title": "Eau adoucie"}
    url = server.url(f"/api/w/{ws['workshop']}/sheets")
    first, second = writer.post(url, json=body), writer.post(url, json=body)
    assert first.status_code == second.status_code == 200
    assert first.json()["record"] == second.json()["record"]
    state = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()
    assert [s["title"] for s in state["sheets"]] == ["Eau adoucie"]


def test_bad_input_gets_a_french_message_next_to_the_field_and_changes_nothing(server):
    ws, organiser = server.new_workshop()
    writer, _ = server.participant(ws, "Menuiserie")
    url = server.url(f"/api/w/{ws['workshop']}/sheets")
    before = organiser.get(server.url(f"/api/w/{ws['workshop']}/events?since=0")).json()["last_seq"]
    cases = [
        {"id": uid(), "kind": "offer", "category": "waste", "title": "x" * 141},
        {"id": uid(), "kind": "gift", "category": "waste", "title": "Palettes"},
        {"id": "not-a-uuid", "kind": "offer", "category": "waste", "title": "Palettes"},
        {"id": uid(), "kind": "offer", "category": "waste", "title": "Palettes", "quantity": "beaucoup"},
        {"id": uid(), "kind": "offer", "category": "waste", "title": "Palettes", "quantity": -3},
        {"id": uid(), "kind": "offer", "category": "waste", "title": "Palettes", "organisation_id": str(uuid.uuid4())},
        [1, 2, 3],
    ]
    for body in cases:
        r = writer.post(url, json=body)
        assert 400 <= r.status_code < 500, (body, r.status_code, r.text)
        assert r.json()["error"], body
    r = writer.post(url, json=cases[0])
    assert r.json()["fields"]["title"] == "Trop long : 140 caractères au plus."
    r = writer.post(url, json=cases[0], headers={"Cookie": "lang=en"})
    assert "Too long" in r.json()["fields"]["title"]
    r = writer.post(url, data="kind=offer", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415
    after = organiser.get(server.url(f"/api/w/{ws['workshop']}/events?since=0")).json()["last_seq"]
    assert after == before


def test_html_is_stored_as_typed(server):
    ws, organiser = server.new_workshop()
    writer, _ = server.participant(ws, "Menuiserie")
    title = '<script>alert("x")</script> & <b>gras</b>'
    rec = _sheet(writer, server, ws, title=title)["record"]
    assert rec["title"] == title
    page = writer.get(server.url(f"/j/{ws['code']}")).text
    assert "<script>alert" not in page


def test_unknown_join_code_shows_a_friendly_page(server):
    r = requests.get(server.url("/j/ZZZZZZ"))
    assert r.status_code == 404
    assert "Ce code d’atelier n’existe pas" in r.text


def test_server_prints_the_phone_url_and_a_qr(server):
    log = server.log_path.read_text(encoding="utf-8")
    assert f"pour les téléphones (même wifi) : {server.base}/" in log
    from app import qr

    text = qr.terminal(f"{server.base}/j/ABCDEF")
    assert len(text.splitlines()) >= 18 and ("█" in text or "▀" in text)


def test_reusing_another_organisations_sheet_id_is_refused(server):
    ws, organiser = server.new_workshop()
    first, _ = server.participant(ws, "Fonderie du Val")
    second, _ = server.participant(ws, "Laiterie")
    body = {"id": uid(), "kind": "offer", "category": "energy", "title": "Chaleur fatale du four"}
    url = server.url(f"/api/w/{ws['workshop']}/sheets")
    assert first.post(url, json=body).status_code == 200
    r = second.post(url, json={**body, "title": "Autre chose"})
    assert r.status_code == 409 and r.json()["error"] == "Cet identifiant est déjà utilisé."
    titles = [s["title"] for s in organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["sheets"]]
    assert titles == ["Chaleur fatale du four"]


def test_an_outsider_replaying_an_idea_id_is_refused_not_answered(server):
    ws, organiser = server.new_workshop()
    a, org_a = server.participant(ws, "Fonderie du Val")
    b, org_b = server.participant(ws, "Laiterie")
    body = {"id": uid(), "kind": "pooling", "title": "Achats groupés d’énergie", "org_ids": [org_b["id"]]}
    url = server.url(f"/api/w/{ws['workshop']}/ideas")
    assert a.post(url, json=body).status_code == 200
    assert requests.post(url, json=body).status_code in (401, 403)
    c, _ = server.participant(ws, "Menuiserie")
    assert c.post(url, json=body).status_code == 409
    assert a.post(url, json=body).status_code == 200  # the author's own retry is still answered
