"""The follow-up settings page's forms over the real server: only the organiser reads or posts them
(a facilitator, a phone, anyone else get a refusal and nothing changes), every form is CSRF-checked,
and the SMTP form never sends the saved password back to the page."""
from __future__ import annotations

import json
import re

import requests



def _csrf(session, url):
    return re.search(r'name="csrf" value="([^"]+)"', session.get(url).text).group(1)


def test_only_the_organiser_and_never_without_csrf(server):
    ws, org = server.new_workshop(name="Atelier réglages du suivi")
    page = server.url(f"/w/{ws['code']}/followup/settings")
    fac, fac_rec = server.facilitator(ws, org, name="Anne", table_no=1)
    phone, _ = server.participant(ws, "Menuiserie Dupont")
    before = org.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["workshop"]
    posts = {"zone": {"timezone": "America/Cayenne"}, "schedule": {"remind_on": "1", "remind_day": "0", "remind_hour": "9"},
             "emails": {f"email-{fac_rec['id']}": "anne@ptce.example"},
             "smtp": {"host": "127.0.0.1", "port": "2525", "sender": "suivi@ptce.example"},
             "factor": {"key": "bois_local", "family": "material", "kg_co2e": "250", "label_fr": "Bois local",
                        "source": "Étude", "year": "2026"}, "send": {}}
    for who, session in (("facilitator", fac), ("participant", phone), ("anyone", requests.Session())):
        assert session.get(page).status_code in (401, 403), who
        for name, body in posts.items():
            own = _csrf(session, server.url(f"/w/{ws['code']}/organiser"))  # the sign-in form's token
            r = session.post(f"{page}/{name}", data={**body, "csrf": own})
            assert r.status_code in (401, 403), (who, name, r.status_code)
    # the organiser without the form's token: refused too
    for name, body in posts.items():
        assert org.post(f"{page}/{name}", data=body).status_code == 400, name
    after = org.get(server.url(f"/api/w/{ws['workshop']}/state")).json()
    assert {k: v for k, v in after["workshop"].items() if k not in ("updated_at",)} == \
        {k: v for k, v in before.items() if k not in ("updated_at",)}
    assert not (server.data_dir / "smtp.json").exists()
    assert all(f.get("email") is None for f in after["facilitators"])


def test_the_smtp_password_is_kept_and_never_shown(server, tmp_path):
    ws, org = server.new_workshop(name="Atelier SMTP")
    page = server.url(f"/w/{ws['code']}/followup/settings")
    path = server.data_dir / "smtp.json"
    try:
        r = org.post(f"{page}/smtp", data={"csrf": _csrf(org, page), "host": "smtp.ptce.example", "port": "587",
                                           "sender": "suivi@ptce.example", "user": "suivi",
                                           "password": "s3cret-Pa55", "starttls": "1"})
        assert r.status_code == 200 and "Serveur d’envoi enregistré." in r.text
        assert "s3cret-Pa55" not in r.text and "inchangé si laissé vide" in r.text
        saved = json.loads(path.read_text(encoding="utf-8"))
        assert saved == {"host": "smtp.ptce.example", "port": 587, "from": "suivi@ptce.example", "user": "suivi",
                         "password": "s3cret-Pa55", "starttls": True}
        # saved again with the password left empty: kept; a bad port: refused, the file unchanged
        r = org.post(f"{page}/smtp", data={"csrf": _csrf(org, page), "host": "smtp.ptce.example", "port": "588",
                                           "sender": "suivi@ptce.example", "user": "suivi", "starttls": "1"})
        assert json.loads(path.read_text(encoding="utf-8"))["password"] == "s3cret-Pa55"
        r = org.post(f"{page}/smtp", data={"csrf": _csrf(org, page), "host": "smtp.ptce.example", "port": "70000",
                                           "sender": "suivi@ptce.example", "password": "autre"})
        assert r.status_code == 422 and 'id="err-port"' in r.text and "autre" not in r.text
        assert json.loads(path.read_text(encoding="utf-8"))["port"] == 588
        # an empty server: no configuration any more, nothing will be sent
        r = org.post(f"{page}/smtp", data={"csrf": _csrf(org, page), "host": ""})
        assert r.status_code == 200 and not path.exists() and 'id="smtp-off"' in r.text
    finally:
        path.unlink(missing_ok=True)
