"""Over the real server: a facilitator logs a contact and takes an idea to Réalisée with impact figures;
the organiser's screens get every change live, a participant's phone only what it may see."""
from __future__ import annotations

import pytest

from tests.live import uid

pytestmark = pytest.mark.timeout(180)


def held(client, entity) -> dict:
    """Latest record per id by seq; at one seq a phone gets the role room's copy and its organisation's
    (which may arrive in either order): the organisation's, fuller one counts."""
    out: dict = {}
    for m in sorted((m for m in client.changes if m["entity"] == entity), key=lambda m: m["seq"]):
        prev = out.get(m["id"])
        if prev and prev[0] == m["seq"] and m["record"] is None:
            continue
        out[m["id"]] = (m["seq"], m["record"])
    return {k: v[1] for k, v in out.items() if v[1] is not None}


@pytest.fixture
def afterwards(server):
    ws, org = server.new_workshop("Atelier du suivi")
    api = lambda p: server.url(f"/api/w/{ws['workshop']}{p}")  # noqa: E731
    fac_s, fac = server.facilitator(ws, org, name="Anne", table_no=1)
    other_s, other = server.facilitator(ws, org, name="Bruno", table_no=2)
    pa, a = server.participant(ws, "Menuiserie Dupont", zone="Mauges")
    pb, b = server.participant(ws, "Maraîcher Martin", zone="Mauges")
    r = org.post(api("/ideas"), json={"id": uid(), "title": "Caisses pour le maraîcher", "org_ids": [a["id"], b["id"]],
                                      "category": "packaging"})
    idea = r.json()["record"]
    idea = org.post(api(f"/ideas/{idea['id']}/b2b"), json={"version": idea["version"], "b2b": True}).json()["record"]
    idea = org.post(api(f"/ideas/{idea['id']}/move"), json={"version": idea["version"], "status": "explore"}).json()["record"]
    r = org.patch(api(f"/followup/ideas/{idea['id']}"), json={"version": idea["version"], "facilitator_id": fac["id"]})
    assert r.status_code == 200, r.text
    idea = r.json()["record"]
    org.post(api("/phase"), json={"phase": "followup"}).raise_for_status()
    return dict(ws=ws, api=api, org=org, fac_s=fac_s, fac=fac, other_s=other_s, pa=pa, pb=pb, a=a, b=b, idea=idea)


def test_contact_then_done_with_figures_reaches_the_organiser_live(server, afterwards):
    w = afterwards
    api, idea = w["api"], w["idea"]
    staff = server.socket(w["org"], w["ws"])
    phone = server.socket(w["pb"], w["ws"])
    try:
        assert staff.wait_for(lambda c: c.hello) and phone.wait_for(lambda c: c.hello)
        r = w["fac_s"].post(api(f"/followup/ideas/{idea['id']}/contacts"), json={
            "id": uid(), "date": "2026-12-02", "channel": "phone", "who": "Anne ↔ M. Martin",
            "summary": "D'accord pour 30 t/an de caisses", "next_step": "Livraison test", "due_date": "2026-12-09"})
        assert r.status_code == 200, r.text
        contact = r.json()["record"]
        version = w["org"].get(api(f"/followup/ideas/{idea['id']}")).json()["idea"]["version"]
        for status in ("discussion", "soon", "done"):
            r = w["fac_s"].patch(api(f"/followup/ideas/{idea['id']}"), json={"version": version, "status": status})
            assert r.status_code == 200, r.text
            version = r.json()["record"]["version"]
        r = w["fac_s"].put(api(f"/followup/ideas/{idea['id']}/impact/actual"), json={
            "tonnes": 30, "material": "wood", "euros": {w["a"]["id"]: 1200, w["b"]["id"]: 2500}, "jobs": 0.5})
        assert r.status_code == 200, r.text
        impact = r.json()["record"]
        assert impact["co2_t"] == pytest.approx(30 * 0.3) and impact["factors_used"][0]["source"]

        # the organiser's screen: the contact, the three moves, the figures
        assert staff.wait_for(lambda c: c.records("impact").get(impact["id"]), 30), \
            [(m["seq"], m["entity"], m["action"], bool(m["record"])) for m in staff.changes]
        seen = [(m["seq"], m["entity"], m["action"], bool(m["record"])) for m in staff.changes]
        assert (staff.records("contact").get(contact["id"]) or {}).get("summary", "").startswith("D'accord"), seen
        assert staff.records("idea")[idea["id"]]["status"] == "done"
        moves = [m["record"]["status"] for m in staff.changes if m["entity"] == "idea" and m["action"] == "move"]
        assert moves == ["discussion", "soon", "done"]
        # the participant's phone: its idea and its figures, never the facilitator's notebook
        assert phone.wait_for(lambda c: held(c, "impact").get(impact["id"]), 30), \
            [(m["seq"], m["entity"], m["action"], bool(m["record"])) for m in phone.changes]
        assert (held(phone, "idea").get(idea["id"]) or {}).get("status") == "done", \
            [(m["seq"], m["entity"], m["action"], bool(m["record"])) for m in phone.changes]
        assert all(m["record"] is None for m in phone.changes if m["entity"] == "contact")
        assert "note" not in held(phone, "impact")[impact["id"]]
    finally:
        staff.close()
        phone.close()

    board = w["org"].get(api("/followup")).json()
    row = next(i for i in board["ideas"] if i["id"] == idea["id"])
    assert row["status"] == "done" and row["last_contact"]["date"] == "2026-12-02" and row["contacts"] == 1
    assert row["next_step"] == "Livraison test" and row["impact"]["actual"]["co2_t"] == pytest.approx(9)
    assert board["figures"]["impact"]["actual"]["co2_t"] == pytest.approx(9)
    assert board["figures"]["impact"]["actual"]["euros"] == 3700
    assert board["figures"]["funnel"]["done"] == 1


def test_who_may_do_what_over_http(server, afterwards):
    w = afterwards
    api, idea = w["api"], w["idea"]
    # Bruno is not in charge of it
    r = w["other_s"].post(api(f"/followup/ideas/{idea['id']}/contacts"), json={
        "id": uid(), "date": "2026-12-02", "channel": "phone", "summary": "Appel"})
    assert r.status_code == 403 and r.json()["code"] == "err.not_in_charge" and "en charge" in r.json()["error"]
    # a participant reads its idea's follow-up without the contact log, and reports its own outcome
    w["fac_s"].post(api(f"/followup/ideas/{idea['id']}/contacts"), json={
        "id": uid(), "date": "2026-12-02", "channel": "visit", "summary": "Visite"}).raise_for_status()
    d = w["pb"].get(api(f"/followup/ideas/{idea['id']}")).json()
    assert d["contacts"] == [] and "history" not in d and d["idea"]["id"] == idea["id"]
    r = w["pb"].post(api(f"/followup/ideas/{idea['id']}/outcome"), json={"status": "soon", "euros": 500,
                                                                        "comment": "On attend la livraison"})
    assert r.status_code == 200, r.text
    staff_view = w["org"].get(api(f"/followup/ideas/{idea['id']}")).json()
    assert staff_view["outcomes"][0]["comment"] == "On attend la livraison" and len(staff_view["contacts"]) == 1
    mine = w["pa"].get(api("/followup/mine")).json()
    assert [i["id"] for i in mine["ideas"]] == [idea["id"]] and mine["ideas"][0]["outcomes"] == []
    # bad input: a clear French message, nothing written
    r = w["fac_s"].put(api(f"/followup/ideas/{idea['id']}/impact/estimated"), json={"tonnes": -3, "material": "wood"})
    assert r.status_code == 422 and "tonnes" in r.json()["fields"]
    r = w["fac_s"].put(api(f"/followup/ideas/{idea['id']}/impact/someday"), json={})
    assert r.status_code == 404
    r = w["org"].patch(api("/followup/settings"), json={"timezone": "Lune/Tranquillité"})
    assert r.status_code == 422 and "fuseau" in r.json()["fields"]["timezone"].lower()
