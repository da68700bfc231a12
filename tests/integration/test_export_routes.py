"""The organiser page's export buttons: every format downloads, only for the organiser."""
import io
import zipfile

import pytest
import requests
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.live import uid

FORMATS = {"pdf": "application/pdf", "org-reports": "application/zip", "letter": "application/pdf",
           "posters": "application/pdf", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "application/zip", "json": "application/json"}


@pytest.fixture(scope="module")
def filled(server):
    ws, organiser = server.new_workshop(name="Atelier des Mauges")
    phone, org = server.participant(ws, "Menuiserie Rousseau", consent=True, email="m@example.fr")
    r = phone.post(server.url(f"/api/w/{ws['workshop']}/sheets"),
                   json={"id": uid(), "kind": "offer", "category": "packaging", "title": "Palettes bois 80×120",
                         "description": "Œuvre « solidaire » à 30 € l’unité"})
    assert r.status_code == 200
    return ws, organiser, phone


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_organiser_downloads_every_format(filled, server, fmt):
    ws, organiser, _ = filled
    r = organiser.get(server.url(f"/w/{ws['code']}/export/{fmt}"))
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"].startswith(FORMATS[fmt])
    assert "attachment" in r.headers["Content-Disposition"]
    body = r.content
    if fmt in ("pdf", "letter"):
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
        assert "Palettes bois 80×120" in text
    elif fmt in ("org-reports", "csv"):
        assert zipfile.ZipFile(io.BytesIO(body)).namelist()
    elif fmt == "xlsx":
        wb = load_workbook(io.BytesIO(body))
        assert any("Palettes bois 80×120" == c.value for sh in wb.worksheets for row in sh.iter_rows() for c in row)
    elif fmt == "json":
        assert "Palettes bois 80×120" in body.decode("utf-8")


def test_nobody_else_can_export(filled, server):
    ws, _, phone = filled
    for who in (phone, requests.Session()):
        r = who.get(server.url(f"/w/{ws['code']}/export/pdf"), allow_redirects=False)
        assert r.status_code in (302, 401, 403)
        assert r.headers.get("Content-Type", "").startswith("text/html")


def test_unknown_format_is_a_404(filled, server):
    ws, organiser, _ = filled
    assert organiser.get(server.url(f"/w/{ws['code']}/export/docx")).status_code == 404


def test_public_edition_leaves_out_confidential_sheets(filled, server):
    ws, organiser, phone = filled
    r = phone.post(server.url(f"/api/w/{ws['workshop']}/sheets"),
                   json={"id": uid(), "kind": "need", "category": "energy", "title": "Chaleur pour séchoir",
                         "visibility": "facilitators"})
    assert r.status_code == 200
    page = organiser.get(server.url(f"/w/{ws['code']}/organiser")).text
    assert "edition=public" in page and "group=category" in page

    def text(query):
        body = organiser.get(server.url(f"/w/{ws['code']}/export/pdf{query}")).content
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)

    assert "Chaleur pour séchoir" in text("") and "Palettes bois 80×120" in text("")
    public = text("?edition=public")
    assert "Chaleur pour séchoir" not in public and "Palettes bois 80×120" in public
    assert "Palettes bois 80×120" in text("?group=category")
