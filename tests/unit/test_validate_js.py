"""The browser refuses exactly what the server refuses: static/js/lib/validate.js run by node over the
schemas the pages embed (validation.to_json), compared with app.rules.validation.validate, case by case."""
import json
import subprocess
from pathlib import Path

from app.rules import validation as V

ROOT = Path(__file__).resolve().parents[2]
ID = "0b1c7c52-8f39-4d43-9a9b-6f0c1b1e2a3d"
SHEET = {"id": ID, "kind": "offer", "category": "waste", "title": "Palettes"}
CASES = [
    (V.SHEET_CREATE, SHEET),
    (V.SHEET_CREATE, {**SHEET, "quantity": "beaucoup"}),
    (V.SHEET_CREATE, {**SHEET, "quantity": "12,5"}), (V.SHEET_CREATE, {**SHEET, "quantity": "1 200"}),
    (V.SHEET_CREATE, {**SHEET, "quantity": "-3"}), (V.SHEET_CREATE, {**SHEET, "quantity": "2e9"}),
    (V.SHEET_CREATE, {**SHEET, "quantity": "0x1f"}), (V.SHEET_CREATE, {**SHEET, "quantity": "inf"}),
    (V.SHEET_CREATE, {**SHEET, "quantity": "nan"}), (V.SHEET_CREATE, {**SHEET, "quantity": " 7 "}),
    (V.SHEET_CREATE, {**SHEET, "title": "x"}), (V.SHEET_CREATE, {**SHEET, "title": "  "}),
    (V.SHEET_CREATE, {**SHEET, "title": "é" * 141}), (V.SHEET_CREATE, {**SHEET, "title": "ok\x07"}),
    (V.SHEET_CREATE, {**SHEET, "category": "nope"}), (V.SHEET_CREATE, {k: v for k, v in SHEET.items() if k != "kind"}),
    (V.SHEET_CREATE, {**SHEET, "available_from": "2026-02-30"}), (V.SHEET_CREATE, {**SHEET, "available_from": "2026-03-12"}),
    (V.SHEET_CREATE, {**SHEET, "available_until": "12/03/2026"}), (V.SHEET_CREATE, {**SHEET, "anonymous": "maybe"}),
    (V.SHEET_CREATE, {**SHEET, "anonymous": True}), (V.SHEET_CREATE, {**SHEET, "colour": "red"}),
    (V.SHEET_CREATE, {**SHEET, "description": "a" * 2001}), (V.SHEET_CREATE, {**SHEET, "unit": "tonnes"}),
    (V.SHEET_UPDATE, {"version": 3, "quantity": "beaucoup", "title": "Palettes bois"}),
    (V.SHEET_UPDATE, {"version": "x"}), (V.SHEET_UPDATE, {"quantity": 4}), (V.SHEET_UPDATE, {"version": 1, "state": None}),
    (V.ORGANISATION_CREATE, {"id": ID, "name": "Garage", "email": "pas-une-adresse"}),
    (V.ORGANISATION_CREATE, {"id": ID, "name": "Garage", "email": "a@b.fr", "phone": "02 41 00 00 00"}),
    (V.ORGANISATION_CREATE, {"id": ID, "name": "Garage", "phone": "abc"}),
    (V.ORGANISATION_CREATE, {"id": "nope", "name": ""}), (V.ORGANISATION_CREATE, {"id": ID, "name": "G", "table_no": "2.5"}),
    (V.ORGANISATION_CREATE, {"id": ID, "name": "G", "table_no": "600"}),
    (V.IDEA_CREATE, {"id": ID, "org_ids": [ID, "x"]}), (V.IDEA_CREATE, {"id": ID, "org_ids": [ID] * 41}),
]


def test_browser_validator_matches_the_server_on_every_case():
    cases = [{"schema": V.to_json(s), "data": d} for s, d in CASES]
    script = ("import { validate } from '" + (ROOT / "static/js/lib/validate.js").as_uri() + "';\n"
              "const cases = JSON.parse(require_input());\n"
              "console.log(JSON.stringify(cases.map((c) => validate(c.schema, c.data).errors)));\n")
    script = script.replace("require_input()", "(await import('node:fs')).readFileSync(0, 'utf8')")
    out = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps(cases),
                         capture_output=True, text=True, timeout=60, check=True)
    got = json.loads(out.stdout)
    for (schema, data), js in zip(CASES, got):
        _, py = V.validate(schema, data)
        py = {k: [key, params] for k, (key, params) in py.items()}
        assert js == py, (schema.name, data)
    assert got[1] == {"quantity": ["err.number", {}]}  # "beaucoup" is refused by both, field named
