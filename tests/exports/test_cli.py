"""The export, import and import-json commands."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import pytest

from app.cli import main
from app.exports import backup_json
from app.registry import Registry
from tests.exports.conftest import BASE_URL, pdf_reader
from tests.exports.factory import build_workshop

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


@pytest.fixture
def small(tmp_path):
    data = tmp_path / "sessions"
    reg = Registry(data)
    ws = build_workshop(reg, n_orgs=8, n_sheets=30, n_ideas=20, n_b2b=4)
    wid, code = ws.id, ws.code
    reg.close()
    return data, wid, code


@pytest.mark.parametrize("cmd", ["export", "import", "import-json"])
def test_help(cmd):
    out = subprocess.run([sys.executable, "run.py", cmd, "--help"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and "usage:" in out.stdout and "--data-dir" in out.stdout


def test_export_every_format(small, tmp_path, capsys):
    data, wid, code = small
    outdir = tmp_path / "out"
    for fmt in ("pdf", "org-reports", "letter", "posters", "xlsx", "csv", "json"):
        assert main(["export", code.lower(), "--format", fmt, "--out", str(outdir) + "/", "--data-dir", str(data),
                     "--base-url", BASE_URL]) == 0
    files = sorted(p.name for p in outdir.iterdir())
    assert len(files) == 7, files
    pdf = next(outdir.glob("*-livret.pdf")).read_bytes()
    assert len(pdf_reader(pdf).pages) > 3
    assert zipfile.ZipFile(next(outdir.glob("*-bilans-structures.zip"))).namelist()
    assert main(["export", wid, "-f", "pdf", "--edition", "public", "--group-by", "category", "--lang", "en",
                 "-o", str(tmp_path / "b.pdf"), "--data-dir", str(data)]) == 0
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert main(["export", "NOPE42", "-f", "pdf", "--data-dir", str(data)]) == 2
    capsys.readouterr()


def test_import_and_import_json(small, tmp_path, capsys):
    data, wid, code = small
    good = tmp_path / "orgs.csv"
    good.write_text("nom;type;commune\nNouvelle structure;entreprise;Vitré\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("nom;type\nA;entreprise\nB;martien\n", encoding="utf-8")
    # A value outside the list: shown with its proposal and the accepted values; nothing written without --accept.
    assert main(["import", code, "--organisations", str(bad), "--data-dir", str(data)]) == 1
    out = capsys.readouterr().out
    assert "« martien » ×1 → Autre" in out and "Entreprise, Artisan" in out and "--accept" in out
    assert main(["import", code, "--organisations", str(good), "--dry-run", "--data-dir", str(data), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["counts"]["create"] == 1 and not rep["written"]
    assert main(["import", code, "--organisations", str(good), "--data-dir", str(data)]) == 0
    assert main(["import", code, "--organisations", str(good), "--data-dir", str(data)]) == 0
    assert "déjà présent" in capsys.readouterr().out
    sheets_csv = tmp_path / "s.csv"
    sheets_csv.write_text("structure,kind,category,title\nNouvelle structure,offer,waste,Palettes\n")
    assert main(["import", code, "--sheets", str(sheets_csv), "--data-dir", str(data)]) == 0
    capsys.readouterr()
    backup = tmp_path / "b.json"
    assert main(["export", code, "-f", "json", "-o", str(backup), "--data-dir", str(data)]) == 0
    capsys.readouterr()
    assert main(["import-json", str(backup), "--data-dir", str(data), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    reg = Registry(data)
    try:
        new, old = reg.get(out["workshop"]), reg.get(wid)
        assert new and new.code == out["code"] != code
        assert new.store.scalar("SELECT COUNT(*) FROM organisations") == 9
        ev_new = [e for e in backup_json.dump(new)["tables"]["events"] if e["entity"] != "workshop"]
        ev_old = [e for e in backup_json.dump(old)["tables"]["events"] if e["entity"] != "workshop"]
        assert ev_new == ev_old and len(ev_new) > 50
    finally:
        reg.close()
    bad_json = tmp_path / "x.json"
    bad_json.write_text("{}")
    assert main(["import-json", str(bad_json), "--data-dir", str(data)]) == 2
