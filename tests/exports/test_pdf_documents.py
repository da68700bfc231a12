"""Per-organisation reports, the resource letter, posters, tents and cards, read back."""
from __future__ import annotations

import io
import zipfile

from app.exports import pdf_letter, pdf_posters, pdf_reports
from app.services import organisations, sheets
from tests.conftest import ORGANISER, uid
from tests.exports.conftest import BASE_URL, decode_qr, norm, pdf_reader, pdftotext


def test_org_report_content(demo_data):
    d = demo_data
    # an organisation with ideas, counterparts with and without consent
    org = max(d.live_orgs(), key=lambda o: len(d.ideas_by_org.get(o["id"], [])))
    text = norm(pdftotext(pdf_reports.org_report(d, org["id"])))
    assert norm(f"Bilan de l’atelier pour {org['name']}") in text
    for s in d.sheets_by_org.get(org["id"], []):
        assert norm(s["title"]) in text  # its own sheets, confidential ones included
    ideas = [i for i in d.ideas_by_org[org["id"]] if not i.get("hidden") and not i.get("merged_into")]
    for i in ideas:
        assert f" {i['ref']} " in f" {text} "
    others = {o for i in ideas for o in i["org_ids"] if o != org["id"]}
    assert others
    for oid in others:
        o = d.orgs_by_id[oid]
        assert norm(o["name"]) in text
        if o.get("email"):
            assert (o["email"] in text) == bool(o.get("consent")), o["name"]
    b2b = [i for i in ideas if i.get("b2b")]
    assert f"Vos rendez-vous BtoB ({len(b2b)})" in text


def test_org_reports_zip(demo_data):
    calls = []
    z = zipfile.ZipFile(io.BytesIO(pdf_reports.org_reports_zip(demo_data, progress=lambda a, b: calls.append(a))))
    names = z.namelist()
    assert len(names) == len(demo_data.live_orgs()) == 36
    assert len(set(names)) == len(names) and all(n.endswith(".pdf") for n in names)
    assert calls[-1] == 36
    first = pdf_reader(z.read(names[0]))
    assert len(first.pages) >= 1


def test_letter_open_public_sheets_only(demo_data):
    d = demo_data
    text = norm(pdftotext(pdf_letter.letter(d, contact="contact@ptce.example")))
    assert "Lettre d’échanges de ressources" in text and "contact@ptce.example" in text
    shown = [s for s in d.sheets if d.sheet_public(s) and s["state"] == "open"]
    assert shown
    for s in shown:
        assert norm(s["title"]) in text
        assert f"Réf. {s['ref']}" in text
    shown_titles = {norm(s["title"]) for s in shown}
    hidden = [s for s in d.sheets if (s["visibility"] == "facilitators" or s["state"] != "open")
              and norm(s["title"]) not in shown_titles]
    assert hidden
    for s in hidden:
        assert norm(s["title"]) not in text
    if any(s.get("anonymous") for s in shown):
        assert "Structure anonyme" in text


def test_letter_anonymises(ws):
    a, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Discrète SARL", "commune": "Cholet"})
    b, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Visible SAS", "commune": "Vitré"})
    sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": a["id"], "kind": "offer", "category": "waste",
                                  "title": "Palettes cassées", "anonymous": True})
    sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": b["id"], "kind": "need", "category": "energy",
                                  "title": "Chaleur pour séchage"})
    sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": b["id"], "kind": "need", "category": "energy",
                                  "title": "Projet secret", "visibility": "facilitators"})
    text = norm(pdftotext(pdf_letter.letter(ws, lang="en")))
    assert "Palettes cassées" in text and "Anonymous organisation" in text
    assert "Discrète" not in text and "Cholet" not in text
    assert "Visible SAS (Vitré)" in text and "Projet secret" not in text


def test_poster_tents_cards_qr(demo, demo_data, tmp_path):
    pdf = pdf_posters.printables(demo, BASE_URL)
    r = pdf_reader(pdf)
    tables = pdf_posters.tables_of(demo_data)
    facs = [f for f in demo_data.facilitators if not f.get("revoked")]
    assert len(r.pages) == 1 + len(tables) + -(-len(facs) // 8)
    join = f"{BASE_URL}/j/{demo.code}"
    assert decode_qr(pdf, 1, tmp_path) == [join]
    text = norm(pdftotext(pdf, first=1, last=1))
    assert norm(demo_data.workshop["name"]) in text and "192.168.1.20:5000/j/" + demo.code in text
    assert "Scannez" in text
    # the wifi check, for phones before the afternoon: its address in full on the poster
    assert "testez votre connexion" in text.lower() and f"192.168.1.20:5000/w/{demo.code}/check" in text
    # first tent: both faces carry the table's URL
    tent = decode_qr(pdf, 2, tmp_path, dpi=150)
    assert tent == [f"{join}?t={tables[0]}"] * 2
    # facilitator cards: the sign-in URL with each code
    cards = set(decode_qr(pdf, 2 + len(tables), tmp_path, dpi=150))
    expected = {f"{BASE_URL}/w/{demo.code}/facilitator?code={f['code']}" for f in facs[:8]}
    assert cards == expected
    card_text = pdftotext(pdf, first=2 + len(tables), last=2 + len(tables))
    assert pdf_posters.spaced(facs[0]["code"]) in card_text


def test_a3_poster(demo, tmp_path):
    pdf = pdf_posters.poster(demo, BASE_URL + "/", size="A3", lang="en")
    r = pdf_reader(pdf)
    assert len(r.pages) == 1
    assert round(float(r.pages[0].mediabox.width)) == 842
    assert decode_qr(pdf, 1, tmp_path, dpi=100) == [f"{BASE_URL}/j/{demo.code}"]
    assert "Scan this code" in pdftotext(pdf)
