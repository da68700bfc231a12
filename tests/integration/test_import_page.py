"""The organiser's import wizard over HTTP on a real server: upload, columns, values, preview, confirm."""
import re

import requests

from tests.imports import files as F


def _csrf(session, url):
    html = session.get(url).text
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _state(server, organiser, ws):
    return organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()


def test_wizard_steps_then_confirm(server):
    ws, organiser = server.new_workshop()
    url = server.url(f"/w/{ws['code']}/organiser/import")
    csrf = _csrf(organiser, url)
    content, name, _ = F.registration_xlsx()
    r = organiser.post(url, data={"csrf": csrf, "kind": "organisations"}, files={"file": (name, content)},
                       allow_redirects=False)
    assert r.status_code == 302, r.text[:300]
    step = server.url(r.headers["Location"].split("?")[0])
    page = organiser.get(r.headers["Location"] if r.headers["Location"].startswith("http")
                         else server.url(r.headers["Location"])).text
    # Columns: every column listed, the one not recognised flagged.
    assert "Contact › Téléphone" in page and "Remarque" in page and "non reconnue" in page
    en = organiser.get(step + "?step=columns&lang=en").text
    assert "Header in the file" in en and "not recognised" in en
    organiser.get(step + "?step=columns&lang=fr")  # back to French for the rest
    r = organiser.post(step, data={"csrf": csrf, "step": "columns", "action": "next", "col:remarque": "zone"})
    assert r.status_code == 200 and "Start-up" in r.text and "Valeurs acceptées" in r.text
    assert "Structure d’insertion (SIAE)".replace("’", "'") in r.text.replace("&#39;", "'")
    r = organiser.post(step, data={"csrf": csrf, "step": "values", "action": "next", "val:kind:startup": "craftsman"})
    assert r.status_code == 200 and 'id="preview-table"' in r.text
    assert "0299000001" in r.text and "5 à créer" in r.text
    assert _state(server, organiser, ws)["organisations"] == []  # nothing written before the confirmation
    digest = re.search(r'name="digest" value="([^"]+)"', r.text).group(1)
    r = organiser.post(step, data={"csrf": csrf, "step": "preview", "action": "confirm", "digest": digest})
    assert r.status_code == 200 and "Import terminé" in r.text
    orgs = {o["name"]: o for o in _state(server, organiser, ws)["organisations"]}
    assert orgs["Scierie Dupré"]["kind"] == "craftsman" and orgs["Scierie Dupré"]["kind_label"] == "Start-up"
    assert orgs["Scierie Dupré"]["zone"] == "vient à deux" and orgs["Scierie Dupré"]["phone"] == "0299000001"
    # The upload is gone once confirmed: the same confirmation again changes nothing.
    r = organiser.post(step, data={"csrf": csrf, "step": "preview", "action": "confirm", "digest": digest})
    assert r.status_code == 400 and "expiré" in r.text
    assert len(_state(server, organiser, ws)["organisations"]) == 5
    # The same headers next time: the column chosen is remembered.
    # Nothing left to decide: straight to the preview, where everything is already present.
    r = organiser.post(url, data={"csrf": csrf, "kind": "organisations"}, files={"file": (name, content)})
    assert "correspondances reprises" in r.text and 'id="preview-table"' in r.text
    assert "0 à créer, 0 à mettre à jour, 5 déjà présent(s)" in r.text
    r = organiser.get(r.url.split("?")[0] + "?step=columns")
    assert "comme la dernière fois" in r.text


def _upload(organiser, url, csrf, name, content):
    r = organiser.post(url, data={"csrf": csrf, "kind": "organisations"}, files={"file": (name, content)})
    return r.url.split("?")[0]


def _digest(organiser, step):
    return re.search(r'name="digest" value="([^"]+)"', organiser.get(step + "?step=preview").text).group(1)


def test_stale_preview_is_shown_again(server):
    ws, organiser = server.new_workshop()
    url = server.url(f"/w/{ws['code']}/organiser/import")
    csrf = _csrf(organiser, url)
    first = _upload(organiser, url, csrf, "a.csv", "nom;commune\nFonderie du Val;Cholet\n".encode())
    digest = _digest(organiser, first)
    # Meanwhile another file creates the organisation: the first preview's "to create" is no longer true.
    other = _upload(organiser, url, csrf, "b.csv", "nom\nFonderie du Val\n".encode())
    organiser.post(other, data={"csrf": csrf, "step": "preview", "action": "confirm",
                                "digest": _digest(organiser, other)})
    r = organiser.post(first, data={"csrf": csrf, "step": "preview", "action": "confirm", "digest": digest})
    assert "ont changé depuis l’aperçu" in r.text and "1 à mettre à jour" in r.text
    assert re.search(r'<td class="changed"><del title="valeur actuelle">—</del> → Cholet', r.text)
    assert len(_state(server, organiser, ws)["organisations"]) == 1


def test_unreadable_file_and_template(server):
    ws, organiser = server.new_workshop()
    url = server.url(f"/w/{ws['code']}/organiser/import")
    csrf = _csrf(organiser, url)
    r = organiser.post(url, data={"csrf": csrf, "kind": "organisations"}, files={"file": ("x.xlsx", b"PK\x03\x04junk")})
    assert r.status_code == 422 and "ne peut pas être lu" in r.text
    r = organiser.post(url, data={"csrf": csrf, "kind": "organisations"}, files={"file": ("x.csv", b"foo;bar\n1;2\n")})
    assert r.status_code == 422 and "nom de la structure" in r.text
    r = organiser.get(server.url(f"/w/{ws['code']}/organiser/import-template/sheets.xlsx"))
    assert r.status_code == 200 and r.content[:2] == b"PK" and "modele-import-fiches.xlsx" in r.headers[
        "Content-Disposition"]


def test_only_the_organiser_imports(server):
    ws, _ = server.new_workshop()
    phone, _ = server.participant(ws, "Laiterie")
    for who in (phone, requests.Session()):
        r = who.post(server.url(f"/w/{ws['code']}/organiser/import"), data={"kind": "organisations"},
                     files={"file": ("x.csv", b"nom\nA\n")}, allow_redirects=False)
        assert r.status_code in (400, 401, 403)
        r = who.get(server.url(f"/w/{ws['code']}/organiser/import-template/sheets.xlsx"), allow_redirects=False)
        assert r.status_code in (401, 403)


def test_a_confirmed_import_reaches_the_screens_live(server):
    ws, organiser = server.new_workshop()
    phone, _ = server.participant(ws, "Laiterie du Coin")
    screens = {"organiser": server.socket(organiser, ws), "participant": server.socket(phone, ws)}
    try:
        url = server.url(f"/w/{ws['code']}/organiser/import")
        csrf = _csrf(organiser, url)
        content, name, expected = F.registration_xlsx()
        step = _upload(organiser, url, csrf, name, content)
        r = organiser.post(step, data={"csrf": csrf, "step": "preview", "action": "confirm",
                                       "digest": _digest(organiser, step)})
        assert "Import terminé" in r.text
        names = {o["name"] for o in expected}
        for who, c in screens.items():
            assert c.wait_for(lambda c: names <= {o["name"] for o in c.records("organisation").values()}), who
        # What each screen receives is its role's payload: no phone without consent on a participant's screen.
        seen = {o["name"]: o for o in screens["participant"].records("organisation").values()}
        assert seen["GAEC des Prés Verts"]["phone"] is None
        assert seen["Scierie Dupré"]["phone"] == "0299000001"
        seqs = [m["seq"] for m in screens["organiser"].changes]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    finally:
        for c in screens.values():
            c.close()


def test_a_large_file_is_accepted(server):
    ws, organiser = server.new_workshop()
    url = server.url(f"/w/{ws['code']}/organiser/import")
    csrf = _csrf(organiser, url)
    lines = ["Nom;Commune;Description"] + [f"Structure {i:04d};Vitré;{'x' * 300}" for i in range(3000)]
    content = "\n".join(lines).encode()
    assert len(content) > 900_000
    r = organiser.post(url, data={"csrf": csrf, "kind": "organisations"}, files={"file": ("gros.csv", content)})
    assert r.status_code == 200 and 'id="columns-table"' in r.text
