"""``python run.py import``: the same steps as the wizard, printed; --accept, --column, --value, --skip-rejected."""
from __future__ import annotations

import json
import time

from app.cli import main
from app.imports import pending
from app.services import workshops
from tests.imports import files as F


def _setup(registry, tmp_path):
    ws = workshops.create(registry, {"name": "CLI", "password": "motdepasse"})
    content, name, _ = F.registration_xlsx()
    path = tmp_path / name
    path.write_bytes(content)
    return ws, path


def test_report_then_accept(registry, tmp_path, capsys):
    ws, path = _setup(registry, tmp_path)
    data = str(tmp_path / "sessions")
    assert main(["import", ws.code, "--organisations", str(path), "--data-dir", data]) == 1
    out = capsys.readouterr().out
    assert "Contact › Téléphone → téléphone (reconnue)" in out
    assert "Remarque → — (non reconnue" in out
    assert "type « Start-up » ×1 → Entreprise" in out and "valeurs acceptées : Entreprise, Artisan" in out
    assert "+ 5: " in out and "0299000001" in out and "0 initial rétabli" in out
    assert "--accept" in out and ws.store.scalar("SELECT COUNT(*) FROM organisations") == 0
    assert main(["import", ws.code, "--organisations", str(path), "--data-dir", data, "--accept",
                 "--column", "Remarque=zone", "--value", "kind:Start-up=craftsman", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["written"] and plan["result"]["created"]["organisation"] == 5
    org = ws.store.rows("SELECT * FROM organisations WHERE name = 'Scierie Dupré'")[0]
    assert (org["kind"], org["kind_label"], org["zone"]) == ("craftsman", "Start-up", "vient à deux")
    # Same file again: remembered mapping, nothing to decide, nothing created.
    assert main(["import", ws.code, "--organisations", str(path), "--data-dir", data]) == 0
    out = capsys.readouterr().out
    assert "comme la dernière fois" in out and "5 déjà présent(s)" in out and "Rien à importer" in out


def test_rejected_rows_block_unless_skipped(registry, tmp_path, capsys):
    ws = workshops.create(registry, {"name": "CLI", "password": "motdepasse"})
    path = tmp_path / "o.csv"
    path.write_text("nom;courriel\nBonne;a@b.fr\nMauvaise;pas-un-courriel\n", encoding="utf-8")
    data = str(tmp_path / "sessions")
    assert main(["import", ws.code, "--organisations", str(path), "--data-dir", data]) == 1
    out = capsys.readouterr().out
    assert "! 3: courriel : adresse électronique invalide" in out and "--skip-rejected" in out
    assert main(["import", ws.code, "--organisations", str(path), "--data-dir", data, "--skip-rejected"]) == 0
    assert [o["name"] for o in ws.store.all("organisation")] == ["Bonne"]
    capsys.readouterr()
    path.write_bytes(b"PK\x03\x04broken")
    assert main(["import", ws.code, "--organisations", str(path), "--data-dir", data]) == 2
    assert "ne peut pas être lu" in capsys.readouterr().err


def test_abandoned_uploads_are_swept(tmp_path):
    base = tmp_path / "imports" / "w1"
    old = pending.save(base, b"nom\nA\n", "a.csv", "organisations")
    new = pending.save(base, b"nom\nB\n", "b.csv", "organisations")
    assert pending.load(base, old)[1]["filename"] == "a.csv"
    later = time.time() + pending.TTL + 60
    import os

    os.utime(base / new, (later, later))
    assert pending.sweep(base, now=later) == 1
    assert pending.load(base, old) is None and pending.load(base, new) is not None
    assert pending.load(base, "../etc") is None
    pending.drop(base, new)
    assert list(base.iterdir()) == []
