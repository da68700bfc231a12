"""B2B meetings over a real server: a phone asks, another accepts, the organiser plans, both
phones get "Mes rendez-vous" live; re-plans move few; what each role receives."""
from __future__ import annotations

import time

import requests

from tests.live import uid


def _api(server, ws, path):
    return server.url(f"/api/w/{ws['workshop']}{path}")


def _mine(client, org_id):
    return {i: m for i, m in client.records("meeting").items() if org_id in m["org_ids"]}


def test_request_accept_plan_reaches_both_phones_live(server):
    ws, organiser = server.new_workshop()
    a, org_a = server.participant(ws, "Scierie Pineau", consent=True, email="contact@pineau.example.fr")
    b, org_b = server.participant(ws, "Lycée Saint-Joseph", consent=False, email="secret@lycee.example.fr")
    c, org_c = server.participant(ws, "Brasserie du Port")
    r = organiser.post(_api(server, ws, "/meetings/setup"), json={
        "sessions": [{"start": "15:00", "end": "16:00"}], "slot_minutes": 15, "pause_minutes": 5,
        "places": [{"name": "Table 4", "capacity": 4}]})
    assert r.status_code == 200, r.text
    wall = requests.Session()
    token = organiser.get(_api(server, ws, "/state")).json()["workshop"]["projector_token"]
    assert wall.get(server.url(f"/w/{ws['code']}/wall?t={token}")).status_code == 200
    phone_a, phone_b, phone_c = (server.socket(s, ws) for s in (a, b, c))
    projector = server.socket(wall, ws)
    try:
        # A asks B, from its phone
        mid = uid()
        r = a.post(_api(server, ws, "/meetings"), json={"id": mid, "org_ids": [org_b["id"]], "origin": "phone",
                                                       "note": "Vos chutes de bois ?"})
        assert r.status_code == 200, r.text
        assert r.json()["record"]["request_status"] == "pending"
        assert phone_b.wait_for(lambda cl: mid in _mine(cl, org_b["id"]))
        assert _mine(phone_b, org_b["id"])[mid]["request_status"] == "pending"
        # the other side sees it pending in its list, a third organisation does not see it at all
        listed = b.get(_api(server, ws, "/meetings")).json()
        assert [m["id"] for m in listed["meetings"]] == [mid]
        assert c.get(_api(server, ws, "/meetings")).json()["meetings"] == []
        # B accepts on its phone
        r = b.post(_api(server, ws, f"/meetings/{mid}/answer"), json={"version": 1, "answer": "accept"})
        assert r.status_code == 200, r.text
        assert r.json()["record"]["request_status"] == "accepted"
        assert phone_a.wait_for(lambda cl: _mine(cl, org_a["id"]).get(mid, {}).get("request_status") == "accepted")
        # the organiser plans: both phones get the slot and the place live
        r = organiser.post(_api(server, ws, "/meetings/plan"), json={"time_limit": 2})
        assert r.status_code == 200, r.text
        assert r.json()["stats"]["placed"] == 1 and r.json()["unplaced"] == []
        for phone, org in ((phone_a, org_a), (phone_b, org_b)):
            assert phone.wait_for(lambda cl: _mine(cl, org["id"]).get(mid, {}).get("slot") is not None)
        board = b.get(_api(server, ws, "/meetings")).json()
        m = board["meetings"][0]
        place = next(p for p in board["places"] if p["id"] == m["place_id"])
        assert place["name"] == "Table 4" and board["slots"][m["slot"]]["start"] == "15:00"
        # B's phone sees A's contact (A consented); A's phone does not see B's
        orgs = {o["id"]: o for o in board["organisations"]}
        assert orgs[org_a["id"]]["email"] == "contact@pineau.example.fr"
        seen_by_a = {o["id"]: o for o in a.get(_api(server, ws, "/meetings")).json()["organisations"]}
        assert seen_by_a[org_b["id"]]["email"] is None
        # the wall gets the planned meeting, without the note
        assert projector.wait_for(lambda cl: cl.records("meeting").get(mid, {}).get("slot") is not None)
        assert "note" not in projector.records("meeting")[mid]
        assert all(ch["record"] is None for ch in phone_c.changes if ch["entity"] == "meeting")
        # outcomes: each side records its own; the other side's is not sent to a phone
        r = a.post(_api(server, ws, f"/meetings/{mid}/outcome"),
                   json={"version": m["version"], "outcome": "negotiation", "next_step": "Visite lundi"})
        assert r.status_code == 200, r.text
        v = r.json()["record"]["version"]
        r = b.post(_api(server, ws, f"/meetings/{mid}/outcome"), json={"version": v, "outcome": "valuable"})
        assert r.status_code == 200, r.text
        assert phone_a.wait_for(lambda cl: cl.records("meeting").get(mid, {}).get("version") == v + 1)
        assert phone_b.wait_for(lambda cl: cl.records("meeting").get(mid, {}).get("version") == v + 1)
        assert set(phone_a.records("meeting")[mid]["outcomes"]) == {org_a["id"]}
        assert set(phone_b.records("meeting")[mid]["outcomes"]) == {org_b["id"]}
        assert "outcomes" not in projector.records("meeting")[mid]
    finally:
        for cl in (phone_a, phone_b, phone_c, projector):
            cl.close()


def test_a_late_request_replans_with_few_moves_and_moved_phones_see_it(server):
    ws, organiser = server.new_workshop()
    phones = [server.participant(ws, f"Structure {n}") for n in range(6)]
    organiser.post(_api(server, ws, "/meetings/setup"), json={
        "sessions": [{"start": "14:00", "end": "15:40"}], "slot_minutes": 15, "pause_minutes": 5,
        "places": [{"name": "Table 1", "capacity": 4}, {"name": "Table 2", "capacity": 4}]}).raise_for_status()
    ids = []
    for i in range(5):
        r = organiser.post(_api(server, ws, "/meetings"),
                           json={"id": uid(), "org_ids": [phones[i][1]["id"], phones[i + 1][1]["id"]]})
        assert r.status_code == 200, r.text
        ids.append(r.json()["record"]["id"])
    first = organiser.post(_api(server, ws, "/meetings/plan"), json={"time_limit": 2}).json()
    assert first["stats"]["placed"] == 5
    before = {m["id"]: m for m in organiser.get(_api(server, ws, "/meetings")).json()["meetings"]}
    listeners = [server.socket(s, ws) for s, _ in phones]
    try:
        r = organiser.post(_api(server, ws, "/meetings"),
                           json={"id": uid(), "org_ids": [phones[0][1]["id"], phones[5][1]["id"]]})
        assert r.status_code == 200
        second = organiser.post(_api(server, ws, "/meetings/plan"), json={"time_limit": 2}).json()
        assert second["stats"]["placed"] == 6 and second["stats"]["moves"] <= 1
        after = {m["id"]: m for m in organiser.get(_api(server, ws, "/meetings")).json()["meetings"]}
        moved = [i for i in ids if after[i]["slot"] != before[i]["slot"]]
        assert len(moved) == second["stats"]["moves"]
        for i in moved:
            assert after[i]["previous_slot"] == before[i]["slot"]
            for n, (s, org) in enumerate(phones):
                if org["id"] in after[i]["org_ids"]:
                    assert listeners[n].wait_for(
                        lambda cl: cl.records("meeting").get(i, {}).get("slot") == after[i]["slot"])
    finally:
        for cl in listeners:
            cl.close()


def test_locking_bad_input_and_infeasible_meetings_are_explained_in_french(server):
    ws, organiser = server.new_workshop()
    a, org_a = server.participant(ws, "Scierie Pineau")
    _, org_b = server.participant(ws, "Lycée Saint-Joseph")
    _, org_c = server.participant(ws, "Brasserie du Port")
    organiser.post(_api(server, ws, "/meetings/setup"), json={
        "sessions": [{"start": "15:00", "end": "15:40"}], "slot_minutes": 15, "pause_minutes": 5,
        "places": [{"name": "Table 1", "capacity": 2}, {"name": "Table 2", "capacity": 2}]}).raise_for_status()
    # B arrives at 15:20: only the second slot is left for it
    r = organiser.post(_api(server, ws, f"/organisations/{org_b['id']}/attendance"),
                       json={"people": 1, "arrives": "15:20"})
    assert r.status_code == 200, r.text
    m1 = organiser.post(_api(server, ws, "/meetings"), json={"id": uid(), "org_ids": [org_a["id"], org_b["id"]]}).json()
    m2 = organiser.post(_api(server, ws, "/meetings"), json={"id": uid(), "org_ids": [org_b["id"], org_c["id"]]}).json()
    # pinning m1 at 15:00 is refused: B is not there yet
    r = organiser.post(_api(server, ws, f"/meetings/{m1['record']['id']}/place"),
                       json={"version": 1, "slot": 0, "place_id": None, "locked": True})
    assert r.status_code == 422 and r.json()["code"] == "err.invalid"
    board = organiser.get(_api(server, ws, "/meetings")).json()
    t1 = board["places"][0]["id"]
    r = organiser.post(_api(server, ws, f"/meetings/{m1['record']['id']}/place"),
                       json={"version": 1, "slot": 0, "place_id": t1, "locked": True})
    assert r.status_code == 409 and r.json()["error"] == "Lycée Saint-Joseph n’est pas là à 15:00."
    r = organiser.post(_api(server, ws, f"/meetings/{m1['record']['id']}/place"),
                       json={"version": 1, "slot": 1, "place_id": t1, "locked": True})
    assert r.status_code == 200, r.text
    plan = organiser.post(_api(server, ws, "/meetings/plan"), json={"time_limit": 2}).json()
    # m2 cannot fit: B's only slot is taken by the pinned m1
    assert plan["stats"]["placed"] == 1
    [u] = plan["unplaced"]
    assert u["id"] == m2["record"]["id"] and u["reason"] == "participant_overbooked"
    assert u["participant_names"] == ["Lycée Saint-Joseph"]
    after = {m["id"]: m for m in organiser.get(_api(server, ws, "/meetings")).json()["meetings"]}
    assert (after[m1["record"]["id"]]["slot"], after[m1["record"]["id"]]["place_id"]) == (1, t1)
    assert after[m2["record"]["id"]]["unplaced_reason"]["reason"] == "participant_overbooked"
    # bad input: French message, nothing changed
    before = organiser.get(_api(server, ws, "/meetings")).json()
    for body in ({"sessions": [{"start": "25:00", "end": "26:00"}]}, {"sessions": "x"},
                 {"places": [{"name": "", "capacity": 2}]}, {"places": [{"name": "T", "capacity": 1000}]},
                 {"slot_minutes": -5}):
        r = organiser.post(_api(server, ws, "/meetings/setup"), json=body)
        assert r.status_code == 422 and r.json()["code"] == "err.invalid", (body, r.text)
    r = a.post(_api(server, ws, "/meetings"), json={"id": uid(), "org_ids": []})
    assert r.status_code == 422 and "deux structures" in r.json()["fields"]["org_ids"].lower()
    r = a.post(_api(server, ws, f"/meetings/{m2['record']['id']}/answer"), json={"version": 1, "answer": "accept"})
    assert r.status_code == 403
    after = organiser.get(_api(server, ws, "/meetings")).json()
    assert after["meetings"] == before["meetings"] and after["setup"] == before["setup"]


def test_a_request_from_a_sheet_or_an_idea_goes_to_its_organisations(server):
    ws, organiser = server.new_workshop()
    a, org_a = server.participant(ws, "Scierie Pineau")
    b, org_b = server.participant(ws, "Lycée Saint-Joseph")
    r = b.post(_api(server, ws, "/sheets"), json={"id": uid(), "kind": "need", "category": "waste",
                                                 "title": "Copeaux de bois"})
    assert r.status_code == 200, r.text
    sheet = r.json()["record"]
    r = a.post(_api(server, ws, "/meetings"), json={"id": uid(), "sheet_id": sheet["id"], "origin": "sheet"})
    assert r.status_code == 200, r.text
    assert r.json()["record"]["org_ids"] == [org_a["id"], org_b["id"]]
    assert r.json()["record"]["sheet_id"] == sheet["id"]
    again = a.post(_api(server, ws, "/meetings"), json={"id": uid(), "sheet_id": sheet["id"]})
    assert again.status_code == 409 and again.json()["error"] == "Ce rendez-vous est déjà demandé."
    mine = a.post(_api(server, ws, "/sheets"), json={"id": uid(), "kind": "offer", "category": "waste",
                                                    "title": "Sciure"}).json()["record"]
    r = a.post(_api(server, ws, "/meetings"), json={"id": uid(), "sheet_id": mine["id"]})
    assert r.status_code == 422 and r.json()["fields"]["org_ids"] == "Il faut au moins deux structures."


def test_server_clock_is_sent_for_countdowns(server):
    ws, organiser = server.new_workshop()
    t0 = time.time() * 1000
    board = organiser.get(_api(server, ws, "/meetings")).json()
    assert t0 - 50 <= board["server_time"] <= time.time() * 1000 + 50
    assert board["slots"] and board["slots"][0]["starts_at"].startswith("2026-11-26T")
