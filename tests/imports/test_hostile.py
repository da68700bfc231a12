"""Bad files of every kind: a clear message or refused rows, never an exception, nothing written by a preview."""
from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import openpyxl
import pytest

from app import imports
from tests.imports import files as F


def _xlsx(rows, title="Feuille1"):
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.title = title
    for r in rows:
        sh.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


UNREADABLE = [b"", b"\xef\xbb\xbf", b"PK\x03\x04garbage", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
              bytes(range(256)) * 4, b"foo;bar\n1;2\n", b"\n\n\n", b"nom"]


@pytest.mark.parametrize("content", UNREADABLE, ids=range(len(UNREADABLE)))
def test_unreadable_files_get_a_message(ws, content):
    for kind in ("organisations", "sheets"):
        with pytest.raises(imports.PlanError) as e:
            plan = imports.analyse(ws, content, "f.xlsx" if content[:2] == b"PK" else "f.csv", kind)
            assert plan["problems"] or not plan["rows"]
            raise imports.PlanError(plan["message"])
        assert str(e.value)


WEIRD = [
    ["Nom", "Type", "Téléphone", "Table", "Courriel", "Nom"],
    ["Contrôle", "company", "01 02", "trois", "a@b", "doublon"],
    ["x" * 5000, True, 12.5, -4, "mailto:", None],
    ["🎉 Fête", datetime(2026, 1, 1), time(10, 30), timedelta(hours=3), "=HYPERLINK(\"x\")", 1],
    ["=1+1", "", "", 10 ** 12, "'+33 6", ""],
    [None, None, None, None, None, None],
    ["Bonne structure", "entreprise", "0299000000", 1, "ok@ok.fr", None],
]


def test_weird_cells_are_refused_with_reasons_not_crashes(ws):
    plan = imports.analyse(ws, _xlsx(WEIRD), "bizarre.xlsx", "organisations")
    assert plan["columns"][-1]["status"] == "duplicate"  # the second "Nom" is shown, not dropped
    by_line = {r["line"]: r for r in plan["rows"]}
    assert by_line[2]["action"] == "reject" and any("table" in e for e in by_line[2]["errors"])
    assert by_line[3]["action"] == "reject" and any("trop long" in e for e in by_line[3]["errors"])
    assert by_line[7]["action"] == "create"
    before = ws.store.scalar("SELECT COUNT(*) FROM events")
    out = imports.run(ws, _xlsx(WEIRD), "bizarre.xlsx", "organisations", accept=True, skip_rejected=True)
    assert out["written"]
    names = [o["name"] for o in ws.store.all("organisation")]
    assert "Bonne structure" in names
    assert ws.store.scalar("SELECT COUNT(*) FROM events") == before + len(names)
    plan = imports.analyse(ws, "nom;commune\nA\x07B;Vitré\n".encode(), "c.csv", "organisations")
    assert plan["rows"][0]["action"] == "reject" and "contrôle" in plan["rows"][0]["errors"][0]


def test_sheets_for_unknown_or_misspelt_organisations(ws):
    imports.run(ws, *F.registration_xlsx()[:2], "organisations", accept=True)
    rows = [["Structure", "Offre / besoin", "Catégorie", "Titre", "Quantité"],
            ["Scirie Dupré", "offre", "déchets", "Sciure", "3"],        # a typo: the close match is proposed
            ["Ferme Nouvelle", "besoin", "énergie", "Chaleur", "2"],    # not there: created if confirmed
            ["Ferme Nouvelle", "besoin", "énergie", "Froid", "une tonne"],  # refused: its organisation isn't made for it
            ["Inconnue", "besoin", "eau", "Eau de pluie", "1,5"]]
    plan = imports.analyse(ws, _xlsx(rows), "f.xlsx", "sheets")
    issues = {v["raw"]: v for v in plan["values"] if v["field"] == "organisation"}
    dupre = ws.store.rows("SELECT id FROM organisations WHERE name = 'Scierie Dupré'")[0]["id"]
    assert issues["Scirie Dupré"]["choice"] == dupre and issues["Scirie Dupré"]["choice_label"] == "Scierie Dupré"
    assert issues["Ferme Nouvelle"]["choice"] == "__create__" and issues["Ferme Nouvelle"]["count"] == 2
    plan = imports.analyse(ws, _xlsx(rows), "f.xlsx", "sheets", values={"organisation": {"inconnue": "__reject__"}})
    acts = [r["action"] for r in plan["rows"]]
    assert acts == ["create", "create", "reject", "reject"]
    assert "quantité" in plan["rows"][2]["errors"][0] and "refusé" in plan["rows"][3]["errors"][0]
    assert [o["name"] for o in plan["new_orgs"]] == ["Ferme Nouvelle"]
    res = imports.apply(ws, plan)
    assert res["created"] == {"organisation": 1, "sheet": 2}
    new = ws.store.rows("SELECT * FROM organisations WHERE name = 'Ferme Nouvelle'")[0]
    assert new["kind"] == "other"


def test_missing_required_column_is_said_at_the_columns_step(ws):
    plan = imports.analyse(ws, "structure;titre\nA;B\n".encode(), "f.csv", "sheets")
    assert len(plan["problems"]) == 2 and "offre" in plan["problems"][0].lower() + plan["problems"][1].lower()
    assert plan["rows"] == [] and not imports.ready(plan)
    out = imports.run(ws, "structure;titre\nA;B\n".encode(), "f.csv", "sheets", accept=True)
    assert not out["written"]
