"""XLSX through openpyxl, CSV through the csv module."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from app.exports import tables


@pytest.fixture(scope="module")
def workbook(demo_data):
    return openpyxl.load_workbook(io.BytesIO(tables.xlsx(demo_data)))


def _rows(ws):
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_xlsx_sheets_rows_and_layout(workbook, demo_data):
    assert workbook.sheetnames == ["structures", "fiches", "idees", "btob", "rendez-vous", "suggestions", "journal"]
    counts = {name: len(_rows(workbook[name])[1]) for name in workbook.sheetnames}
    assert counts["structures"] == 36 and counts["fiches"] == 278 and counts["idees"] == 510
    assert counts["btob"] == 87
    assert counts["journal"] == demo_data._store.scalar("SELECT COUNT(*) FROM events")
    for ws in workbook.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")


def test_xlsx_typed_cells(workbook, demo_data):
    head, rows = _rows(workbook["fiches"])
    col = {h: k for k, h in enumerate(head)}
    assert all(isinstance(r[col["Réf."]], int) for r in rows)
    qty = [r[col["Quantité"]] for r in rows if r[col["Quantité"]] is not None]
    assert qty and all(isinstance(q, (int, float)) and not isinstance(q, bool) for q in qty)
    assert all(isinstance(r[col["Créé le"]], datetime) for r in rows)
    froms = [r[col["Disponible à partir du"]] for r in rows if r[col["Disponible à partir du"]] is not None]
    assert all(isinstance(v, (date, datetime)) for v in froms)
    assert all(isinstance(r[col["Anonyme dans la lettre"]], bool) for r in rows)
    titles = sorted(r[col["Titre"]] for r in rows)
    assert titles == sorted(s["title"] for s in demo_data.sheets)
    head, rows = _rows(workbook["idees"])
    col = {h: k for k, h in enumerate(head)}
    assert sum(1 for r in rows if r[col["BtoB"]] is True) == 87
    moved = [r for r in rows if r[col["Statut"]] != "Nouvelle"]
    assert moved and all("→" in r[col["Historique des statuts"]] for r in moved)
    assert all(isinstance(r[col["Statut depuis"]], datetime) for r in rows)
    head, rows = _rows(workbook["structures"])
    col = {h: k for k, h in enumerate(head)}
    assert all(isinstance(r[col["Table"]], int) for r in rows if r[col["Table"]] is not None)
    head, rows = _rows(workbook["journal"])
    assert [r[0] for r in rows] == sorted(r[0] for r in rows) and isinstance(rows[0][1], datetime)


def test_csv_semicolon_bom_and_comma_option(demo_data):
    raw = tables.csv_table(demo_data, "sheets")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    head, body = rows[0], rows[1:]
    assert len(body) == 278 and all(len(r) == len(head) for r in body)
    q = head.index("Quantité")
    decimals = [r[q] for r in body if "," in r[q] or "." in r[q]]
    assert all("." not in v for v in decimals)  # decimal comma with ';'
    assert {r[head.index("Titre")] for r in body} == {s["title"] for s in demo_data.sheets}
    raw = tables.csv_table(demo_data, "ideas", delimiter=",", lang="en")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=","))
    assert rows[0][0] == "Ref." and len(rows) == 511
    z = zipfile.ZipFile(io.BytesIO(tables.csv_zip(demo_data)))
    assert sorted(z.namelist()) == sorted(f"{n}.csv" for n in ("structures", "fiches", "idees", "btob", "rendez-vous", "suggestions",
                                                                "journal"))
    orgs = list(csv.reader(io.StringIO(z.read("structures.csv").decode("utf-8-sig")), delimiter=";"))
    assert len(orgs) == 37


def test_formula_like_text_is_not_a_formula(ws, tmp_path):
    from app.services import organisations
    from tests.conftest import ORGANISER, uid

    organisations.create(ws, ORGANISER, {"id": uid(), "name": "=HYPERLINK(\"http://x\",\"clic\")",
                                         "phone": "+33 6 00 00 00 00"})
    wb = openpyxl.load_workbook(io.BytesIO(tables.xlsx(ws)))
    cell = wb["structures"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")
    text = tables.csv_table(ws, "organisations").decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    # A phone is never run as a formula: no apostrophe shows on it once opened in a spreadsheet.
    assert ";+33 6 00 00 00 00;" in text and "'+33" not in text
    assert tables._needs_protection("+SUM(A1:A9)") and tables._needs_protection("-2+3")
    assert tables._needs_protection("@cmd") and not tables._needs_protection("-12,5")
