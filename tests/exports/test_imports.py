"""Imports of organisations and sheets from CSV and XLSX: line numbers, all or nothing, dry run."""
from __future__ import annotations

import io

import openpyxl
import pytest

from app.exports import imports, tables
from app.exports.imports import ImportError_, import_organisations, import_sheets
from app.services import workshops

ORGS_FR = (
    "Nom;Type;Commune;Contact;Courriel;Téléphone;Table\n"
    "Scierie Dupré;Entreprise;Vitré;Léa Martin;lea@scierie.fr;02 99 00 00 01;3\n"
    "Mairie de Fougères;collectivité;Fougères;;;;\n"
    "Ressourcerie « L’Écrou »;association;Rennes;Zoé;zoe@ecrou.org;+33 6 00 00 00 02;4\n"
)


def _count(ws, table):
    return ws.store.scalar(f"SELECT COUNT(*) FROM {table}")


def test_good_organisations_csv_is_journaled(ws):
    rep = import_organisations(ws, ORGS_FR.encode("utf-8"), "inscrits.csv")
    assert rep["written"] and rep["rejected"] == [] and len(rep["created"]) == 3
    rows = {o["name"]: o for o in ws.store.all("organisation")}
    assert rows["Scierie Dupré"]["kind"] == "company" and rows["Scierie Dupré"]["table_no"] == 3
    assert rows["Mairie de Fougères"]["kind"] == "authority"
    assert rows["Ressourcerie « L’Écrou »"]["kind"] == "ess" and rows["Ressourcerie « L’Écrou »"]["phone"]
    ev = ws.store.rows("SELECT actor_role, actor_id FROM events WHERE entity='organisation'")
    assert len(ev) == 3 and all(e["actor_role"] == "organiser" and e["actor_id"] == "organiser" for e in ev)


def test_bad_rows_reported_with_line_numbers_and_nothing_written(ws):
    text = ("name,kind,email,table\n"
            "Good One,company,a@b.fr,1\n"
            "\n"
            "Bad Kind,martian,,2\n"
            "Bad Mail,company,not-an-email,x\n"
            '"Multi\nline",company,,\n'
            "good one,,,\n"
            ",company,,\n")
    before = (_count(ws, "organisations"), _count(ws, "events"))
    rep = import_organisations(ws, text.encode("utf-8"), "o.csv", lang="en")
    assert not rep["written"] and rep["created"] == []
    lines = {r["line"]: r["reason"] for r in rep["rejected"]}
    assert set(lines) == {4, 5, 8, 9}, lines  # line 3 is empty, line 6–7 is one quoted record
    assert "martian" in lines[4]
    assert "email" in lines[5] and "table" in lines[5]
    assert "line 2" in lines[8]
    assert "name" in lines[9] and "required" in lines[9]
    assert (_count(ws, "organisations"), _count(ws, "events")) == before
    assert "Nothing was imported" in rep["message"]


def test_dry_run_writes_nothing(ws):
    before = (_count(ws, "organisations"), _count(ws, "events"))
    rep = import_organisations(ws, ORGS_FR.encode("cp1252", errors="replace"), "o.csv", dry_run=True)
    assert rep["dry_run"] and not rep["written"] and len(rep["created"]) == 3
    assert [c["line"] for c in rep["created"]] == [2, 3, 4]
    assert (_count(ws, "organisations"), _count(ws, "events")) == before


def test_existing_name_rejected(ws):
    import_organisations(ws, b"nom\nScierie\n", "a.csv")
    rep = import_organisations(ws, "nom\nSCIERIE\nAutre\n".encode(), "b.csv")
    assert [r["line"] for r in rep["rejected"]] == [2] and _count(ws, "organisations") == 1


def test_no_header_is_a_clear_error(ws):
    with pytest.raises(ImportError_) as e:
        import_organisations(ws, b"foo;bar\n1;2\n", "x.csv")
    assert "nom" in str(e.value)
    with pytest.raises(ImportError_):
        import_organisations(ws, b"PK\x03\x04garbage", "x.xlsx")


def _xlsx(rows):
    wb = openpyxl.Workbook()
    sh = wb.active
    for r in rows:
        sh.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_sheets_from_xlsx(ws):
    import_organisations(ws, ORGS_FR.encode(), "o.csv")
    from datetime import datetime

    content = _xlsx([
        ["Structure", "Offre ou besoin", "Catégorie", "Sous-catégorie", "Titre", "Quantité", "Unité", "Fréquence",
         "Disponible à partir du", "Conditions", "Visibilité", "N° fiche papier"],
        ["Scierie Dupré", "Je propose", "Déchets", "Bois", "Sciure et copeaux", 12.5, "tonnes", "annuel",
         datetime(2026, 12, 1), "gratuit", "tout le monde", 17],
        ["mairie de fougeres", "besoin", "Énergie", None, "Chaleur pour la piscine", "1 200", "MWh", None, None,
         None, "confidentiel", None],
        [None, None, None, None, None, None, None, None, None, None, None, None],
        ["Ressourcerie « L’Écrou »", "offre", "bois", None, "Chutes de chêne", None, None, None, "01/02/2027",
         "échange", None, None],
    ])
    rep = import_sheets(ws, content, "fiches.xlsx")
    assert rep["written"], rep["rejected"]
    got = {s["title"]: s for s in ws.store.all("sheet")}
    s = got["Sciure et copeaux"]
    assert (s["kind"], s["category"], s["subcategory"], s["quantity"], s["unit"], s["frequency"],
            s["available_from"], s["terms"], s["paper_no"]) == \
        ("offer", "waste", "wood", 12.5, "t", "yearly", "2026-12-01", "free", "17")
    assert got["Chaleur pour la piscine"]["visibility"] == "facilitators"
    assert got["Chaleur pour la piscine"]["quantity"] == 1200
    assert got["Chutes de chêne"]["category"] == "waste" and got["Chutes de chêne"]["subcategory"] == "wood"
    assert got["Chutes de chêne"]["available_from"] == "2027-02-01"


def test_bad_sheets_rows(ws):
    import_organisations(ws, ORGS_FR.encode(), "o.csv")
    text = ("structure;type;catégorie;sous-catégorie;titre;quantité;disponible à partir du;disponible jusqu’au\n"
            "Scierie Dupré;offre;déchets;bois;Sciure;3;;\n"
            "Inconnue SA;offre;déchets;;Truc;;;\n"
            "Scierie Dupré;peut-être;énergie;;Vapeur;abc;;\n"
            "Scierie Dupré;offre;énergie;bois;Bois énergie;;2027-02-01;2027-01-01\n"
            "Scierie Dupré;besoin;;;X;;31/02/2026;\n")
    before = (_count(ws, "sheets"), _count(ws, "events"))
    rep = import_sheets(ws, text.encode("utf-8"), "s.csv")
    lines = {r["line"]: r["reason"] for r in rep["rejected"]}
    assert set(lines) == {3, 4, 5, 6}
    assert "Inconnue SA" in lines[3]
    assert "peut-être" in lines[4] and "quantité" in lines[4]
    assert "sous-catégorie" in lines[5] and "disponibilité" in lines[5]
    assert "catégorie" in lines[6] and "titre" in lines[6] and "date" in lines[6]
    assert (_count(ws, "sheets"), _count(ws, "events")) == before


def test_export_then_import_round_trip(demo_data, registry):
    target = workshops.create(registry, {"name": "Copie", "password": "motdepasse"})
    rep = import_organisations(target, tables.csv_table(demo_data, "organisations"), "structures.csv")
    assert rep["written"] and len(rep["created"]) == 36, rep["rejected"][:3]
    names = {o["name"] for o in target.store.all("organisation")}
    assert names == {o["name"] for o in demo_data.organisations}
    kept = {o["name"]: o for o in target.store.all("organisation")}
    for o in demo_data.organisations:
        k = kept[o["name"]]
        assert (k["kind"], k["email"], k["phone"], k["table_no"], bool(k["consent"]), k["presence"]) == \
            (o["kind"], o["email"], o["phone"], o["table_no"], bool(o["consent"]), o["presence"])
    rep = import_sheets(target, tables.xlsx(demo_data, tables=("sheets",)), "fiches.xlsx")
    assert rep["written"], rep["rejected"][:3]
    src = sorted((s["title"], s["kind"], s["category"], s.get("subcategory"), s.get("quantity"), s.get("unit"),
                  s.get("visibility"), bool(s.get("anonymous"))) for s in demo_data.sheets)
    dst = sorted((s["title"], s["kind"], s["category"], s.get("subcategory"), s.get("quantity"), s.get("unit"),
                  s.get("visibility"), bool(s.get("anonymous"))) for s in target.store.all("sheet"))
    assert src == dst


def test_value_helpers():
    maps = {}
    assert imports.enum_value("unit", "m³", maps) == "m3"
    assert imports.enum_value("cat", "Eau", maps) == "water"
    assert imports.enum_value("sheet_kind", "I need", maps) == "need"
    assert imports.date_value("5/3/26") == "2026-03-05"
    assert imports.bool_value("Oui") is True and imports.bool_value("non") is False
    assert imports.text_value(299000001.0) == "299000001"
