"""The organiser imports the registration file from the organiser page: check first, then import."""
import re

import requests


def _csrf(session, url):
    html = session.get(url).text
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_dry_run_then_import_from_the_organiser_page(server):
    ws, organiser = server.new_workshop()
    url = server.url(f"/w/{ws['code']}/organiser/import")
    csv = "nom;type;commune;contact;email;table\nMenuiserie Rousseau;entreprise;Cholet;Jean Rousseau;j@r.example.fr;2\n" \
          "Ressourcerie La Trouvaille;ESS;Beaupréau;;;3\n"
    r = organiser.post(url, data={"csrf": _csrf(organiser, url), "kind": "organisations"},
                       files={"file": ("inscriptions.csv", csv.encode("utf-8"))})
    assert r.status_code == 200, r.text[:500]
    assert "Menuiserie Rousseau" in r.text and "Importer pour de bon" in r.text
    state = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()
    assert state["organisations"] == []  # a dry run writes nothing
    token = re.search(r'name="token" value="([0-9a-f]+)"', r.text).group(1)
    r = organiser.post(url, data={"csrf": _csrf(organiser, url), "kind": "organisations", "token": token})
    assert r.status_code == 200
    names = sorted(o["name"] for o in organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["organisations"])
    assert names == ["Menuiserie Rousseau", "Ressourcerie La Trouvaille"]
    # The same confirmation replayed imports nothing more.
    r = organiser.post(url, data={"csrf": _csrf(organiser, url), "kind": "organisations", "token": token})
    assert r.status_code == 400 and "expiré" in r.text


def test_bad_rows_are_reported_with_their_line_and_nothing_is_written(server):
    ws, organiser = server.new_workshop()
    url = server.url(f"/w/{ws['code']}/organiser/import")
    csv = "nom;email\nFonderie du Val;pas-un-email\n;x@y.fr\n"
    r = organiser.post(url, data={"csrf": _csrf(organiser, url), "kind": "organisations"},
                       files={"file": ("inscriptions.csv", csv.encode("utf-8"))})
    assert r.status_code == 200
    assert "Ligne 2" in r.text and "Ligne 3" in r.text
    assert "Importer pour de bon" not in r.text
    assert organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["organisations"] == []


def test_only_the_organiser_imports(server):
    ws, _ = server.new_workshop()
    phone, _ = server.participant(ws, "Laiterie")
    for who in (phone, requests.Session()):
        r = who.post(server.url(f"/w/{ws['code']}/organiser/import"), data={"kind": "organisations"},
                     files={"file": ("x.csv", b"nom\nA\n")}, allow_redirects=False)
        assert r.status_code in (400, 401, 403)
