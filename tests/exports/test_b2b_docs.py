"""B2B documents read back: agenda PDF text, .ics parsed with icalendar, the XLSX's
`rendez-vous` sheet, the master grid, table tents, the book and the per-organisation reports."""
from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from icalendar import Calendar
from pypdf import PdfReader

from app.exports import b2b_docs, export
from app.services import ideas, meetings, organisations
from tests.conftest import ORGANISER, uid


def _text(pdf: bytes) -> str:
    """The PDF's text with line breaks as spaces (table cells wrap)."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


@pytest.fixture
def planned(ws):
    orgs = []
    for name, consent in (("Scierie Pineau", True), ("Lycée Saint-Joseph", False), ("Brasserie du Port", True)):
        rec, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": name, "consent": consent,
                                                      "contact_name": f"Contact {name}", "email": "x@example.fr"})
        orgs.append(rec)
    meetings.set_setup(ws, ORGANISER, {"sessions": [{"start": "15:00", "end": "16:00"}], "slot_minutes": 15,
                                       "pause_minutes": 5,
                                       "places": [{"name": "Table 4", "capacity": 4}, {"name": "Salle B", "capacity": 6}]})
    idea, _ = ideas.create(ws, ORGANISER, {"id": uid(), "title": "Chutes de bois pour l’atelier",
                                           "org_ids": [orgs[0]["id"], orgs[1]["id"]]})
    ideas.set_b2b(ws, ORGANISER, idea["id"], {"version": idea["version"], "b2b": True})  # becomes a meeting
    meetings.request(ws, ORGANISER, {"id": uid(), "org_ids": [orgs[0]["id"], orgs[2]["id"]], "note": "Drêches"})
    out = meetings.plan(ws, ORGANISER, {"time_limit": 2})
    assert out["stats"]["placed"] == 2
    m = next(x for x in ws.store.all("meeting") if x["idea_id"] == idea["id"])
    meetings.record_outcome(ws, ORGANISER, m["id"], {"version": m["version"], "outcome": "agreement",
                                                     "next_step": "Devis lundi", "org_id": orgs[1]["id"]})
    return ws, orgs, idea


def test_agenda_pdf_and_ics(planned):
    ws, orgs, idea = planned
    text = _text(b2b_docs.agenda_pdf(ws, orgs[0]["id"]))
    assert "Rendez-vous BtoB de Scierie Pineau" in text
    assert "Lycée Saint-Joseph" in text and "Brasserie du Port" in text
    assert "Chutes de bois" in text and "Drêches" in text
    assert "Contact Brasserie du Port" in text  # consented
    assert "Contact Lycée Saint-Joseph" not in text  # did not consent
    cal = Calendar.from_ical(b2b_docs.agenda_ics(ws, orgs[0]["id"]))
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 2
    slots = meetings.slots_of(ws)
    starts = sorted(e.decoded("dtstart").strftime("%H:%M") for e in events)
    assert set(starts) <= {s["start"] for s in slots} and len(set(starts)) == 2  # Scierie is in both
    assert all(e.decoded("dtstart").date().isoformat() == "2026-11-26" for e in events)
    assert {str(e["summary"]) for e in events} == {"Rendez-vous BtoB avec Lycée Saint-Joseph",
                                                   "Rendez-vous BtoB avec Brasserie du Port"}
    assert all(str(e["location"]).startswith(("Table 4", "Salle B")) for e in events)
    assert len({str(e["uid"]) for e in events}) == 2


def test_xlsx_has_a_rendez_vous_sheet(planned):
    ws, orgs, idea = planned
    wb = openpyxl.load_workbook(io.BytesIO(export(ws, "xlsx").data))
    assert "rendez-vous" in wb.sheetnames
    rows = list(wb["rendez-vous"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Horaire", "Lieu", "Structures", "Idée")
    body = rows[1:]
    assert len(body) == 2
    by_topic = {r[3]: r for r in body}
    row = by_topic["Chutes de bois pour l’atelier"]
    assert row[2] == "Scierie Pineau | Lycée Saint-Joseph" and row[1] in ("Table 4", "Salle B")
    assert "Accord trouvé — Devis lundi" in row[7]
    assert row[0].count("–") == 1


def test_grid_tents_book_and_reports(planned):
    ws, orgs, idea = planned
    grid = _text(b2b_docs.grid_pdf(ws))
    assert "Grille des rendez-vous BtoB" in grid and "Table 4" in grid and "Salle B" in grid
    assert "Scierie Pineau × Lycée Saint-Joseph" in grid.replace("\n", " ")
    tents = PdfReader(io.BytesIO(b2b_docs.tents_pdf(ws)))
    assert len(tents.pages) == 2
    assert "Table 4" in tents.pages[0].extract_text() and "Salle B" in tents.pages[1].extract_text()
    book = _text(export(ws, "pdf").data)
    assert "Rendez-vous planifiés et résultats (2)" in book and "Accord trouvé" in book
    public = _text(export(ws, "pdf", edition="public").data)
    assert "Rendez-vous planifiés" not in public and "Accord trouvé" not in public
    z = zipfile.ZipFile(io.BytesIO(export(ws, "org-reports").data))
    pineau = next(n for n in z.namelist() if "scierie" in n)
    report = _text(z.read(pineau))
    assert "Rendez-vous planifiés et résultats (2)" in report and "Accord trouvé" in report
    agendas = zipfile.ZipFile(io.BytesIO(export(ws, "b2b-agendas").data))
    names = agendas.namelist()
    assert sum(n.endswith(".ics") for n in names) == 3 and sum(n.endswith(".pdf") for n in names) == 5


def test_outcome_feeds_the_idea_status_and_history(planned):
    ws, orgs, idea = planned
    from app import journal

    rec = ws.store.get("idea", idea["id"])
    assert rec["status"] == "soon" and rec["next_step"] == "Devis lundi"
    actions = [e["action"] for e in journal.history(ws.store, idea["id"])]
    assert actions[-1] == "meeting_outcome"
