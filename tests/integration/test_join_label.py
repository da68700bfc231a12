"""The first name a waiting phone gives (``label`` of POST /join): shown on its request to members and staff.

The phone never sent it before (the form had no field for it), so every request read "Un téléphone". An empty
or blank label is no name: it never replaces one given before, and never shows as an empty name."""
from __future__ import annotations


def _requests(session, api):
    return {r["id"]: r for r in session.get(api + "/state").json()["join_requests"]}


def test_a_waiting_phone_names_itself_and_blank_changes_nothing(server):
    ws, organiser = server.new_workshop(name="Atelier prénoms")
    api = server.url(f"/api/w/{ws['workshop']}")
    member, org = server.participant(ws, "Cidrerie du Bocage")
    phone, _ = server.participant(ws)
    r = phone.post(api + "/join", json={"organisation_id": org["id"], "label": ""})
    assert r.status_code == 202, r.text
    dev = r.json()["request"]["id"]
    assert _requests(member, api)[dev]["label"] is None  # empty is no name

    seq = organiser.get(api + "/state").json()["seq"]
    r = phone.post(api + "/join", json={"organisation_id": org["id"], "label": "  Julie "})
    assert r.status_code == 202 and r.json()["request"]["label"] == "Julie", r.text
    assert _requests(member, api)[dev]["label"] == "Julie"
    assert _requests(organiser, api)[dev]["label"] == "Julie"
    events = organiser.get(api + "/events", params={"since": seq}).json()["events"]
    assert [(e["entity"], e["record"]["label"]) for e in events] == [("device", "Julie")], "journaled once"

    for blank in ("", "   ", None):
        r = phone.post(api + "/join", json={"organisation_id": org["id"], "label": blank})
        assert r.status_code == 202, r.text
    assert _requests(member, api)[dev]["label"] == "Julie", "a blank label never erases the name"
    assert organiser.get(api + "/events", params={"since": seq}).json()["events"].__len__() == 1

    # still one request, still pending; the member lets "Julie" in
    assert list(_requests(member, api)) == [dev]
    member.post(api + f"/join-requests/{dev}", json={"accept": True}).raise_for_status()
    assert phone.get(api + "/state").json()["me"]["org"] == org["id"]
