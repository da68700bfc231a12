"""The demo workshop: the real event's figures, read back from the SQLite file."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import demo
from app.registry import Registry
from app.rules import vocab
from app.services import workshops

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"workshop", "code", "join_url", "organiser_url", "organiser_password"}


def _db(data_dir, wid) -> sqlite3.Connection:
    path = Path(data_dir) / f"{wid}.sqlite"
    assert path.exists()
    conn = sqlite3.connect(str(path))
    conn.row_factory = sqlite3.Row
    return conn


def _one(conn, sql, params=()):
    return conn.execute(sql, params).fetchone()[0]


def _titles(conn):
    sheets = [r[0] for r in conn.execute("SELECT title FROM sheets ORDER BY rowid")]
    ideas = [r[0] for r in conn.execute("SELECT title FROM ideas ORDER BY rowid")]
    return sheets, ideas


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo")
    out = demo.build(data_dir)
    conn = _db(data_dir, out["workshop"])
    yield data_dir, out, conn
    conn.close()


def test_returns_the_urls_and_password(built):
    _, out, conn = built
    assert set(out) == KEYS
    code = _one(conn, "SELECT code FROM workshop")
    assert out["code"] == code
    assert out["join_url"] == f"http://127.0.0.1:5000/j/{code}"
    assert out["organiser_url"] == f"http://127.0.0.1:5000/w/{code}/organiser"
    assert out["organiser_password"] == demo.PASSWORD == "demo-atelier"
    info = conn.execute("SELECT * FROM workshop").fetchone()
    assert info["id"] == out["workshop"]
    assert info["name"].startswith("Atelier de détection de synergies")
    assert info["date"] and info["venue"] and json.loads(info["zones"])


def test_organiser_password_works(built):
    data_dir, out, _ = built
    reg = Registry(data_dir)
    try:
        ws = reg.get(out["workshop"])
        assert workshops.check_organiser(ws, "demo-atelier")
        assert not workshops.check_organiser(ws, "wrong-password")
        assert reg.by_code(out["code"]).id == out["workshop"]
    finally:
        reg.close()


def test_organisations_and_facilitators(built):
    _, _, conn = built
    assert _one(conn, "SELECT COUNT(*) FROM organisations") == 36
    assert _one(conn, "SELECT COUNT(*) FROM organisations WHERE presence = 'represented'") == 2
    assert _one(conn, "SELECT COUNT(*) FROM organisations WHERE presence = 'present'") == 34
    assert _one(conn, "SELECT COUNT(DISTINCT name) FROM organisations") == 36
    kinds = {r[0] for r in conn.execute("SELECT DISTINCT kind FROM organisations")}
    assert kinds <= set(vocab.ORG_KINDS) and len(kinds) >= 4
    consent = _one(conn, "SELECT SUM(consent) FROM organisations")
    assert 0.6 * 36 <= consent <= 0.8 * 36
    assert _one(conn, "SELECT COUNT(*) FROM organisations WHERE email NOT LIKE '%@example.fr'") == 0
    assert _one(conn, "SELECT COUNT(*) FROM facilitators") == 12
    assert [r[0] for r in conn.execute("SELECT table_no FROM facilitators ORDER BY table_no")] == list(range(1, 13))
    tables = {r[0] for r in conn.execute("SELECT DISTINCT table_no FROM organisations")}
    assert tables == set(range(1, 13))


def test_sheets(built):
    _, _, conn = built
    assert _one(conn, "SELECT COUNT(*) FROM sheets") == 278
    assert _one(conn, "SELECT COUNT(*) FROM sheets WHERE kind = 'offer'") > 100
    assert _one(conn, "SELECT COUNT(*) FROM sheets WHERE kind = 'need'") > 100
    pairs = {(r[0], r[1]) for r in conn.execute("SELECT DISTINCT category, subcategory FROM sheets")}
    for cat, subs in vocab.CATEGORIES.items():
        if subs:
            for sub in subs:
                assert (cat, sub) in pairs, (cat, sub)
        else:
            assert (cat, None) in pairs, cat
    assert _one(conn, "SELECT COUNT(*) FROM sheets WHERE quantity IS NULL OR unit IS NULL OR frequency IS NULL "
                      "OR terms IS NULL") == 0
    assert _one(conn, "SELECT COUNT(*) FROM sheets WHERE visibility = 'facilitators'") > 0
    assert _one(conn, "SELECT COUNT(*) FROM sheets WHERE anonymous = 1") > 0
    # Every sheet of a represented organisation was typed in from paper.
    assert _one(conn, "SELECT COUNT(*) FROM sheets s JOIN organisations o ON o.id = s.organisation_id "
                      "WHERE o.presence = 'represented' AND s.paper_no IS NULL") == 0
    assert _one(conn, "SELECT COUNT(*) FROM sheets s JOIN organisations o ON o.id = s.organisation_id "
                      "WHERE o.presence = 'represented'") > 0
    # Sheets take their organisation's table.
    assert _one(conn, "SELECT COUNT(*) FROM sheets s JOIN organisations o ON o.id = s.organisation_id "
                      "WHERE s.table_no IS NOT o.table_no") == 0


def test_ideas_and_statuses(built):
    _, _, conn = built
    assert _one(conn, "SELECT COUNT(*) FROM ideas") == 510
    assert _one(conn, "SELECT COUNT(*) FROM ideas WHERE b2b = 1") == 87
    by_status = {r[0]: r[1] for r in conn.execute("SELECT status, COUNT(*) FROM ideas GROUP BY status")}
    assert by_status == {"abandoned": 9, "soon": 14, "explore": 64, "new": 423}
    # The B2B ideas are exactly the sorted ones.
    assert _one(conn, "SELECT COUNT(*) FROM ideas WHERE (b2b = 1) != (status != 'new')") == 0
    assert _one(conn, "SELECT COUNT(*) FROM ideas WHERE status = 'abandoned' "
                      "AND (abandon_reason IS NULL OR abandon_reason = '')") == 0
    reasons = {r[0] for r in conn.execute("SELECT abandon_reason FROM ideas WHERE status = 'abandoned'")}
    assert reasons <= set(vocab.ABANDON_REASONS)
    assert _one(conn, "SELECT COUNT(*) FROM ideas WHERE status != 'abandoned' AND abandon_reason IS NOT NULL") == 0
    assert _one(conn, "SELECT COUNT(*) FROM ideas WHERE kind = 'pooling'") > 0
    assert _one(conn, "SELECT COUNT(*) FROM ideas WHERE kind = 'pooling' AND json_array_length(org_ids) < 3") == 0
    assert _one(conn, "SELECT COUNT(*) FROM ideas WHERE json_array_length(org_ids) < 2") == 0
    assert _one(conn, "SELECT COUNT(*) FROM ideas WHERE title IS NULL OR title = '' "
                      "OR title = 'idea.auto_title'") == 0
    origins = {r[0] for r in conn.execute("SELECT DISTINCT origin FROM ideas")}
    assert origins == {"participant", "facilitator"}


def test_journal_records_every_write(built):
    _, _, conn = built
    ev = {(r[0], r[1]): r[2] for r in conn.execute("SELECT entity, action, COUNT(*) FROM events GROUP BY 1, 2")}
    assert ev[("organisation", "create")] == 36
    assert ev[("facilitator", "create")] == 12
    assert ev[("sheet", "create")] == 278
    assert ev[("idea", "create")] == 510
    assert ev[("idea", "b2b")] == 87
    assert ev[("idea", "move")] >= 87 + 9
    moved = _one(conn, "SELECT COUNT(DISTINCT entity_id) FROM events WHERE entity = 'idea' AND action = 'move'")
    assert moved >= 87
    seqs = [r[0] for r in conn.execute("SELECT seq FROM events ORDER BY seq")]
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_new_workshop_each_time(built):
    data_dir, out, conn = built
    again = demo.build(data_dir)
    assert again["workshop"] != out["workshop"] and again["code"] != out["code"]
    assert len(list(Path(data_dir).glob("*.sqlite"))) == 2
    conn2 = _db(data_dir, again["workshop"])
    try:
        assert _titles(conn2) == _titles(conn)
        # Record ids are derived from the workshop: no clash between two demos.
        ids = {r[0] for r in conn2.execute("SELECT id FROM sheets")}
        assert not ids & {r[0] for r in conn.execute("SELECT id FROM sheets")}
    finally:
        conn2.close()


def test_scale_two(tmp_path):
    out = demo.build(tmp_path, scale=2, base_url="http://192.168.1.20:5000")
    assert out["join_url"] == f"http://192.168.1.20:5000/j/{out['code']}"
    conn = _db(tmp_path, out["workshop"])
    try:
        assert _one(conn, "SELECT COUNT(*) FROM organisations") == 72
        assert _one(conn, "SELECT COUNT(DISTINCT name COLLATE NOCASE) FROM organisations") == 72
        assert _one(conn, "SELECT COUNT(*) FROM organisations WHERE presence = 'represented'") == 4
        assert _one(conn, "SELECT COUNT(*) FROM facilitators") == 24
        assert _one(conn, "SELECT COUNT(*) FROM sheets") == 556
        assert _one(conn, "SELECT COUNT(*) FROM ideas") == 1020
        assert _one(conn, "SELECT COUNT(*) FROM ideas WHERE b2b = 1") == 174
        by_status = {r[0]: r[1] for r in conn.execute("SELECT status, COUNT(*) FROM ideas GROUP BY status")}
        assert by_status == {"abandoned": 18, "soon": 28, "explore": 128, "new": 846}
    finally:
        conn.close()


def test_cli_json_and_determinism(built, tmp_path):
    """``python run.py demo --json`` in another folder: the same content as the in-process build."""
    data_dir = tmp_path / "sessions"
    proc = subprocess.run([sys.executable, "run.py", "demo", "--json", "--data-dir", str(data_dir)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert set(out) >= KEYS
    assert out["organiser_password"] == "demo-atelier"
    assert out["join_url"].endswith(f"/j/{out['code']}")
    assert out["organiser_url"].endswith(f"/w/{out['code']}/organiser")
    assert (data_dir / f"{out['workshop']}.sqlite").exists()

    _, _, conn = built
    conn2 = _db(data_dir, out["workshop"])
    try:
        sheets, ideas = _titles(conn2)
        assert (sheets, ideas) == _titles(conn)
        assert len(sheets) == 278 and len(ideas) == 510
        names = "SELECT name, commune, contact_name, email, table_no, presence FROM organisations ORDER BY rowid"
        assert [tuple(r) for r in conn.execute(names)] == [tuple(r) for r in conn2.execute(names)]
        status = "SELECT title, status, b2b, abandon_reason, meeting_slot FROM ideas ORDER BY rowid"
        assert [tuple(r) for r in conn.execute(status)] == [tuple(r) for r in conn2.execute(status)]
    finally:
        conn2.close()
