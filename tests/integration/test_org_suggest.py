"""Before an organisation is created, the existing close matches are proposed (real server)."""
import requests

from tests.live import uid


def api(server, ws, path):
    return server.url(f"/api/w/{ws['workshop']}{path}")


def test_suggest_proposes_close_existing_names_to_staff_and_phones(server):
    ws, organiser = server.new_workshop("Atelier des noms")
    made = {}
    for name in ("Garage Bernard & Fils", "Garage Martin", "Boulangerie Guérin", "Mairie de Chemillé"):
        r = organiser.post(api(server, ws, "/organisations"), json={"id": uid(), "name": name})
        made[name] = r.json()["record"]
    r = organiser.get(api(server, ws, "/organisations/suggest"), params={"name": "garage bernard"})
    assert r.status_code == 200
    got = r.json()["matches"]
    assert got[0]["id"] == made["Garage Bernard & Fils"]["id"] and got[0]["exact"] is True
    assert "Garage Martin" not in [m["name"] for m in got]
    assert set(got[0]) == {"id", "name", "commune", "presence", "score", "exact"}  # no contact details
    r = organiser.get(api(server, ws, "/organisations/suggest"), params={"name": "Commune de Chemille"})
    assert [m["name"] for m in r.json()["matches"]] == ["Mairie de Chemillé"]

    # A phone that has not picked its organisation yet gets the same proposals.
    phone = requests.Session()
    phone.get(server.url(f"/j/{ws['code']}")).raise_for_status()
    r = phone.get(api(server, ws, "/organisations/suggest"), params={"name": "Boulangerie Guerin SAS"})
    assert [m["name"] for m in r.json()["matches"]] == ["Boulangerie Guérin"]
    # Nothing typed: nothing proposed; no name at all, or too long: a clear refusal, not a 5xx.
    assert phone.get(api(server, ws, "/organisations/suggest"), params={"name": " "}).json() == {"matches": []}
    r = phone.get(api(server, ws, "/organisations/suggest"))
    assert r.status_code == 422 and r.json()["fields"]["name"] == "Champ obligatoire."
    assert phone.get(api(server, ws, "/organisations/suggest"), params={"name": "x"}).json() == {"matches": []}
    r = phone.get(api(server, ws, "/organisations/suggest"), params={"name": "x" * 500})
    assert r.status_code == 422 and "120" in r.json()["error"]
    # Someone not in the workshop gets nothing.
    r = requests.get(api(server, ws, "/organisations/suggest"), params={"name": "garage"})
    assert r.status_code == 401
