"""Exports that import back: XLSX and CSV of a workshop into a new workshop, with no mapping step and
no loss; the blank template imports with no mapping step either."""
from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from app import imports
from app.exports import tables
from app.imports import template, values as X
from app.services import workshops
from tests.imports import files as F

SKIP = {"created_at", "updated_at", "version", "n_ideas", "ref"}


def _records(source, name):
    keys, _, _, rows = tables._table(tables.D.ensure(source), name)
    return sorted(({k: v for k, v in zip(keys, r) if k not in SKIP} for r in rows), key=lambda d: d["id"])


def _no_mapping_step(plan):
    assert not plan["problems"]
    assert plan["undecided_columns"] == 0, [c for c in plan["columns"] if c["status"] in ("unknown", "duplicate")]
    assert plan["values"] == [], plan["values"][:5]
    assert plan["counts"]["reject"] == 0, [r for r in plan["rows"] if r["errors"]][:3]


def _round_trip(registry, source, fmt):
    target = workshops.create(registry, {"name": "Copie", "password": "motdepasse"})
    for kind, name in (("organisations", "organisations"), ("sheets", "sheets")):
        if fmt == "xlsx":
            content, filename = tables.xlsx(source, tables=(name,)), f"{name}.xlsx"
        else:
            content, filename = tables.csv_table(source, name), f"{name}.csv"
        plan = imports.analyse(target, content, filename, kind)
        _no_mapping_step(plan)
        assert imports.run(target, content, filename, kind)["written"]
    return target


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_demo_export_imports_back_with_no_loss(demo_data, registry, fmt):
    target = _round_trip(registry, demo_data, fmt)
    for name in ("organisations", "sheets"):
        assert _records(target, name) == _records(demo_data, name)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_imported_labels_survive_the_round_trip(ws, registry, fmt):
    imports.run(ws, *F.registration_xlsx()[:2], "organisations", accept=True)
    imports.run(ws, *F.sheets_xlsx()[:2], "sheets", accept=True)
    target = _round_trip(registry, ws, fmt)
    for name in ("organisations", "sheets"):
        assert _records(target, name) == _records(ws, name)
    again = imports.analyse(target, tables.xlsx(ws, tables=("sheets",)), "s.xlsx", "sheets")
    assert again["counts"]["create"] == 0 and again["counts"]["skip"] == 4


def test_xlsx_phones_are_text_without_apostrophe(ws):
    imports.run(ws, *F.registration_xlsx()[:2], "organisations", accept=True)
    wb = openpyxl.load_workbook(io.BytesIO(tables.xlsx(ws, tables=("organisations",))))
    sh = wb.active
    head = [c.value for c in sh[1]]
    col = head.index("Téléphone")
    phones = {r[col].value for r in sh.iter_rows(min_row=2) if r[col].value}
    assert phones == {"0299000001", "06 12 34 56 78", "+33 6 00 00 00 02", "0299112233"}
    assert all(r[col].data_type == "s" and not r[col].quotePrefix for r in sh.iter_rows(min_row=2) if r[col].value)
    text = tables.csv_table(ws, "organisations").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert "+33 6 00 00 00 02" in [r[rows[0].index("Téléphone")] for r in rows]


@pytest.mark.parametrize("kind", ["organisations", "sheets"])
def test_blank_template(ws, kind):
    raw = template.xlsx(kind)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert len(wb.sheetnames) == 3
    head = [c.value for c in wb.worksheets[0][1]]
    assert head == [template.header(kind, f, "fr") for f in template.COLUMNS[kind]]
    lists = wb.worksheets[1]
    columns = {c[0].value: [x.value for x in c[1:] if x.value] for c in lists.iter_cols()}
    if kind == "sheets":
        assert "jours-personne" in columns["Unité"] and "Je propose" in columns["Offre / besoin"]
    else:
        assert columns["Type"][:2] == ["Entreprise", "Artisan"]
    # Filled in with its own accepted values, it imports with no mapping step.
    sh = wb.worksheets[0]
    if kind == "organisations":
        sh.append(["Scierie", columns["Type"][0], None, "Vitré", "01000", None, "Léa", "l@s.fr", "0299000001",
                   "oui", columns["Présence"][0], 2])
    else:
        imports.run(ws, b"nom\nScierie\n", "o.csv", "organisations")
        sh.append(["Scierie", columns["Offre / besoin"][0], "12", columns["Catégorie"][1], None, "Sciure", None,
                   3, columns["Unité"][0], columns["Fréquence"][0], None, None, None, None, None,
                   columns["Conditions"][0], columns["Visibilité"][0], "non"])
    buf = io.BytesIO()
    wb.save(buf)
    plan = imports.analyse(ws, buf.getvalue(), "modele.xlsx", kind)
    _no_mapping_step(plan)
    assert plan["counts"]["create"] == 1


def test_value_helpers():
    assert X.standard("unit", "m³") == "m3" and X.standard("cat", "Eau") == "water"
    assert X.standard("sheet_kind", "I need") == "need"
    assert X.standard("unit", "jours") is None and X.propose("unit", "jours") == "__other__"
    assert X.propose("org_kind", "Start-up") == "company"
    assert X.parse_date("5/3/26") == ("2026-03-05", None)
    assert X.parse_date(46082)[0] == "2026-03-01"
    assert X.parse_date("1er février 2027") == ("2027-02-01", None)
    assert X.parse_number("1\u202f200,5") == (1200.5, None)
    assert X.parse_number("1.200,5") == (1200.5, None)
    assert X.parse_number("12 tonnes") == (12.0, "tonnes")
    assert X.parse_phone(299000001.0)[0] == "0299000001"
    assert X.parse_phone(33612345678)[0] == "+33612345678"
    assert X.parse_phone("+33 6 12 34 56 78") == ("+33 6 12 34 56 78", None)
    assert X.parse_email("mailto:a@b.fr?subject=x")[0] == "a@b.fr"
    assert X.clean_text("'+33 6") == "+33 6"
    with pytest.raises(X.Bad):
        X.parse_number("beaucoup")
    with pytest.raises(X.Bad):
        X.parse_date("31/02/2026")
