"""The organiser sets the contact and logo from the organiser page (a plain form, CSRF-checked),
or at creation; bad input gets a message next to its field and changes nothing."""
from __future__ import annotations

import io
import re

import requests

from tests.live import uid


def _csrf(session, url):
    return re.search(r'name="csrf" value="([^"]+)"', session.get(url).text).group(1)


def _png(w=240, h=90) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (w, h), (10, 90, 160)).save(buf, "PNG")
    return buf.getvalue()


def test_contact_and_logo_from_the_organiser_page(server):
    ws, organiser = server.new_workshop(name="Atelier réglages")
    page = server.url(f"/w/{ws['code']}/organiser")
    url = server.url(f"/w/{ws['code']}/organiser/settings")
    form = {"csrf": _csrf(organiser, page), "organiser_name": "Claire Martin", "organiser_email": "claire@example.fr",
            "organiser_phone": "02 41 00 11 22"}
    r = organiser.post(url, data=form, files={"logo": ("logo.png", _png(), "image/png")})
    assert r.status_code == 200 and "s=workshop" in r.url and "Enregistré" in r.text
    info = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["workshop"]
    assert (info["organiser_name"], info["organiser_email"], info["organiser_phone"]) == (
        "Claire Martin", "claire@example.fr", "02 41 00 11 22")
    logo = organiser.get(server.url(f"/w/{ws['code']}/organiser/logo"))
    assert logo.ok and logo.headers["content-type"] == "image/png" and logo.content.startswith(b"\x89PNG")
    # The letter now names her.
    letter = organiser.get(server.url(f"/w/{ws['code']}/export/letter"))
    assert letter.ok and letter.content[:5] == b"%PDF-"

    # A bad email and a file that is not an image: messages next to the fields, nothing changed.
    form = {**form, "csrf": _csrf(organiser, page), "organiser_email": "pas-un-email"}
    r = organiser.post(url, data=form)
    assert r.status_code == 422 and 'id="se-organiser_email"' in r.text
    form["organiser_email"] = "claire@example.fr"
    r = organiser.post(url, data=form, files={"logo": ("logo.png", b"MZ\x90\x00 not a png", "image/png")})
    assert r.status_code == 422 and 'id="se-logo"' in r.text and "PNG ou JPEG" in r.text
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * 1_200_000
    r = organiser.post(url, data=form, files={"logo": ("big.png", big, "image/png")})
    assert 400 <= r.status_code < 500 and r.status_code != 404
    after = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["workshop"]
    assert after["organiser_email"] == "claire@example.fr" and after["logo_sha"] == info["logo_sha"]

    # Removing the logo.
    r = organiser.post(url, data={**form, "csrf": _csrf(organiser, page), "logo_remove": "1"})
    assert r.ok
    assert organiser.get(server.url(f"/w/{ws['code']}/organiser/logo")).status_code == 404


def test_only_the_organiser_changes_the_contact(server):
    ws, organiser = server.new_workshop()
    phone = requests.Session()
    phone.get(server.url(f"/j/{ws['code']}")).raise_for_status()
    page = phone.get(server.url("/")).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    r = phone.post(server.url(f"/w/{ws['code']}/organiser/settings"), data={"csrf": csrf, "organiser_name": "Pirate"},
                   allow_redirects=False)
    assert r.status_code in (401, 403)
    assert not organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["workshop"]["organiser_name"]
    assert phone.get(server.url(f"/w/{ws['code']}/organiser/logo")).status_code in (401, 403)


def test_contact_given_at_creation(server):
    s = requests.Session()
    csrf = re.search(r'name="csrf" value="([^"]+)"', s.get(server.url("/")).text).group(1)
    r = s.post(server.url("/workshops"), data={"csrf": csrf, "name": f"Atelier {uid()[:6]}", "password": "motdepasse",
                                               "date": "2026-03-12", "organiser_name": "Léa Morin",
                                               "organiser_email": "lea@example.fr", "organiser_phone": ""})
    assert r.ok and "/organiser" in r.url
    code = r.url.split("/w/")[1].split("/")[0]
    home = s.get(server.url("/")).text
    assert "12 mars 2026" in home and "2026-03-12" not in home.replace('value="2026-03-12"', "")
    wid = re.search(r'"workshop": "([^"]+)"', s.get(server.url(f"/w/{code}/organiser")).text).group(1)
    info = s.get(server.url(f"/api/w/{wid}/state")).json()["workshop"]
    assert info["organiser_name"] == "Léa Morin" and info["organiser_email"] == "lea@example.fr"
