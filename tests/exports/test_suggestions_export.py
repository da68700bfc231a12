"""The book and the XLSX list the accepted and dismissed suggestions."""
from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader

from app.exports import data, tables
from app.exports.pdf_book import book
from app.services import organisations, sheets, suggestions
from tests.conftest import ORGANISER, uid

FAC = {"role": "organiser", "id": "organiser", "label": "Claire (organisation)", "org": None}


def _org(ws, name):
    return organisations.create(ws, ORGANISER, {"id": uid(), "name": name})[0]


def _sheet(ws, org, **kw):
    return sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": org["id"], **kw})[0]


def test_accepted_and_dismissed_suggestions_are_in_the_xlsx_and_the_book(ws):
    a, b, c = _org(ws, "Domaine Ogereau"), _org(ws, "Chaufferie de Montrevault"), _org(ws, "Ressourcerie")
    vine = _sheet(ws, a, kind="offer", category="waste", subcategory="wood", title="Sarments de vigne")
    boiler = _sheet(ws, b, kind="need", category="energy", title="Combustible pour chaudière")
    shelves = _sheet(ws, c, kind="need", category="equipment", title="Étagères pour la boutique")
    listed = suggestions.listing(ws, FAC)["suggestions"]
    assert any(s["offer_sheet_id"] == vine["id"] and s["need_sheet_id"] == boiler["id"] for s in listed)
    suggestions.accept(ws, FAC, {"offer_sheet_id": vine["id"], "need_sheet_id": boiler["id"]})
    suggestions.dismiss(ws, FAC, {"offer_sheet_id": vine["id"], "need_sheet_id": shelves["id"]})
    d = data.load(ws)
    wb = openpyxl.load_workbook(io.BytesIO(tables.xlsx(d)))
    rows = list(wb["suggestions"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Décision", "Offre", "Structure qui propose", "Besoin", "Structure qui recherche")
    by_state = {r[0]: r for r in rows[1:]}
    assert set(by_state) == {"Acceptée", "Écartée"}
    acc = by_state["Acceptée"]
    assert "Sarments de vigne" in acc[1] and acc[2] == "Domaine Ogereau" and "Combustible" in acc[3]
    assert "même usage : combustible bois" in acc[5] and acc[7] and acc[8] == "Claire (organisation)"
    assert "Étagères" in by_state["Écartée"][3]
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(book(d, edition="organiser"))).pages)
    assert "Suggestions acceptées et écartées (2)" in text and "Sarments de vigne" in text
    public = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(book(d, edition="public"))).pages)
    assert "Suggestions acceptées" not in public
