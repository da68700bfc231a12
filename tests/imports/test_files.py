"""Real-looking files in, every field out through the JSON export; a second import creates nothing."""
from __future__ import annotations

import pytest

from app import imports
from app.exports import backup_json
from tests.imports import files as F

ORG_FILES = [F.registration_xlsx, F.registration_xls, F.registration_csv_utf8, F.registration_ods]
SHEET_FILES = [F.sheets_xlsx, F.sheets_xls, F.sheets_csv_cp1252, F.sheets_csv_utf8_bom, F.sheets_ods]


def _table(ws, name):
    return backup_json.dump(ws)["tables"][name]


def _counts(ws):
    return tuple(ws.store.scalar(f"SELECT COUNT(*) FROM {t}") for t in ("organisations", "sheets", "events"))


def _import(ws, builder, kind):
    content, name, expected = builder()
    plan = imports.run(ws, content, name, kind, accept=True)
    assert plan["written"], (plan["problems"], [r for r in plan["rows"] if r["action"] == "reject"])
    return content, name, expected, plan


def _check_orgs(ws, expected):
    rows = {r["name"]: r for r in _table(ws, "organisations")}
    assert set(rows) == {o["name"] for o in expected}
    for o in expected:
        got = rows[o["name"]]
        for f, v in o.items():
            assert got[f] == v, (o["name"], f, got[f], v)


@pytest.mark.parametrize("builder", ORG_FILES, ids=lambda b: b.__name__)
def test_registration_files(ws, builder):
    content, name, expected = builder()
    plan = imports.analyse(ws, content, name, "organisations")
    # Every column of the file is listed with what it becomes; none is silently dropped.
    headers = [c["header"] for c in plan["columns"]]
    assert all(h for h in headers)
    fields = {c["field"] for c in plan["columns"] if c["field"]}
    assert {"name", "kind", "commune", "postcode", "contact_name", "phone", "email", "consent", "table_no"} <= fields
    unknown = [c for c in plan["columns"] if c["status"] == "unknown"]
    assert all(c["field"] is None for c in unknown)
    # Every value outside the list is shown once with its count, its proposal and the accepted values.
    shown = {(v["field"], v["raw"]) for v in plan["values"]}
    assert shown == F.ORG_VALUES
    assert all(v["count"] == 1 and v["accepted"].startswith("Entreprise") for v in plan["values"])
    assert plan["counts"] == {"create": 5, "update": 0, "skip": 0, "reject": 0}
    # Nothing written by the preview
    assert _counts(ws) == (0, 0, 1)

    plan = imports.run(ws, content, name, "organisations", accept=True)
    assert plan["written"]
    _check_orgs(ws, expected)

    before = _counts(ws)
    again = imports.run(ws, content, name, "organisations", accept=True)
    assert again["counts"] == {"create": 0, "update": 0, "skip": 5, "reject": 0}
    assert _counts(ws) == before  # nothing created, nothing journaled


def test_registration_xlsx_details(ws):
    content, name, _ = F.registration_xlsx()
    plan = imports.analyse(ws, content, name, "organisations")
    assert plan["file"]["tab"] == "Inscriptions"  # the notes tab in front is passed over
    assert plan["header_lines"] == [3, 4]  # below the title row, two rows
    by_letter = {c["letter"]: c for c in plan["columns"]}
    assert [by_letter[x]["field"] for x in "EFG"] == ["contact_name", "phone", "email"]
    assert by_letter["E"]["header"] == "Contact › Nom"
    assert by_letter["J"]["header"] == "Remarque" and by_letter["J"]["status"] == "unknown"
    first = plan["rows"][0]
    assert first["values"]["phone"] == "0299000001" and first["values"]["email"] == "lea@scierie-dupre.fr"
    assert any("0 initial" in n for n in first["notes"]) and any("mailto" in n for n in first["notes"])
    assert plan["rows"][4]["values"]["postcode"] == "01000"


def _orgs(ws):
    imports.run(ws, *F.registration_xlsx()[:2], "organisations", accept=True)


@pytest.mark.parametrize("builder", SHEET_FILES, ids=lambda b: b.__name__)
def test_sheet_files(ws, builder):
    _orgs(ws)
    content, name, expected = builder()
    plan = imports.analyse(ws, content, name, "sheets")
    assert [c["header"] for c in plan["columns"]] == F.SHEET_HEADERS
    assert all(c["field"] for c in plan["columns"]), [c for c in plan["columns"] if not c["field"]]
    shown = {(v["field"], v["raw"]) for v in plan["values"]}
    assert shown == F.SHEET_VALUES
    jours = next(v for v in plan["values"] if v["raw"] == "jours")
    assert jours["choice"] == "__other__" and jours["count"] == 1  # never "jours-personne"
    assert "jours-personne" in jours["accepted"]
    assert plan["counts"] == {"create": 4, "update": 0, "skip": 0, "reject": 0}
    # the preview shows the values as they will be stored
    row = plan["rows"][0]
    assert row["values"]["quantity"] == 1200.5 and row["display"]["quantity"] == "1\u00a0200,5"
    assert row["values"]["available_from"] == "2027-02-01" and row["values"]["available_until"] == "2027-06-30"

    imports.run(ws, content, name, "sheets", accept=True)
    orgs = {o["id"]: o["name"] for o in _table(ws, "organisations")}
    rows = {r["title"]: r for r in _table(ws, "sheets")}
    assert set(rows) == {s["title"] for s in expected}
    for s in expected:
        got = rows[s["title"]]
        assert orgs[got["organisation_id"]] == s["org"]
        for f, v in s.items():
            if f != "org":
                assert got[f] == v, (s["title"], f, got[f], v)

    before = _counts(ws)
    again = imports.run(ws, content, name, "sheets", accept=True)
    assert again["counts"]["create"] == 0 and again["counts"]["skip"] == 4
    assert _counts(ws) == before


def test_changed_row_updates_its_record_journaled(ws):
    _orgs(ws)
    content, name, _ = F.sheets_csv_cp1252()
    imports.run(ws, content, name, "sheets", accept=True)
    text = content.decode("cp1252").replace("Sciure sèche", "Sciure très sèche")
    plan = imports.run(ws, text.encode("cp1252"), name, "sheets", accept=True)
    assert plan["counts"] == {"create": 0, "update": 1, "skip": 3, "reject": 0}
    upd = next(r for r in plan["rows"] if r["action"] == "update")
    assert list(upd["changes"]) == ["description"]
    sheet = ws.store.get("sheet", upd["target"])
    assert sheet["description"].startswith("Sciure très sèche") and sheet["version"] == 2
    ev = ws.store.rows("SELECT action, actor_role FROM events WHERE entity_id = ? ORDER BY seq", [sheet["id"]])
    assert [e["action"] for e in ev] == ["create", "update"] and ev[1]["actor_role"] == "organiser"


def test_paper_number_identifies_a_sheet_even_with_a_new_title(ws):
    _orgs(ws)
    content, name, _ = F.sheets_csv_cp1252()
    imports.run(ws, content, name, "sheets", accept=True)
    text = content.decode("cp1252").replace("Nacelle 12 m", "Nacelle 12 m (avec chauffeur)")
    plan = imports.analyse(ws, text.encode("cp1252"), name, "sheets")
    assert plan["counts"]["update"] == 1 and plan["counts"]["create"] == 0


def test_all_or_nothing(ws, monkeypatch):
    _orgs(ws)
    content, name, _ = F.sheets_xlsx()
    plan = imports.analyse(ws, content, name, "sheets")
    before = _counts(ws)
    from app.store import Tx

    real = Tx.insert
    calls = []

    def failing(self, entity, row, action="create"):
        calls.append(entity)
        if len(calls) == 3:
            raise RuntimeError("disk gone")
        return real(self, entity, row, action)

    monkeypatch.setattr(Tx, "insert", failing)
    with pytest.raises(RuntimeError):
        imports.apply(ws, plan)
    assert _counts(ws) == before


def test_every_status_action_and_step_is_translated():
    from app import i18n

    keys = [f"imp.status.{s}" for s in ("recognised", "remembered", "chosen", "ignored", "export", "unknown",
                                         "duplicate")]
    keys += [f"imp.action.{a}" for a in ("create", "update", "skip", "reject")]
    keys += [f"imp.w.step.{s}" for s in ("upload", "columns", "values", "preview", "done")]
    keys += [f"imp.w.filter.{a}" for a in ("all", "create", "update", "skip", "reject")]
    keys += [f"imp.f.{f}" for kind in imports.spec.FIELDS.values() for f in kind]
    for lang in i18n.LANGS:
        cat = i18n.catalogue(lang)
        assert [k for k in keys if k not in cat] == []


def test_documents_show_the_original_unit(ws):
    from app.exports import data

    _orgs(ws)
    imports.run(ws, *F.sheets_xlsx()[:2], "sheets", accept=True)
    d = data.load(ws)
    by_title = {s["title"]: s for s in d.sheets}
    assert d.quantity(by_title["Animation d'ateliers réparation"]) == "4\u00a0soirées"
    assert d.quantity(by_title["Nacelle 12 m"]) == "3\u00a0jours"
