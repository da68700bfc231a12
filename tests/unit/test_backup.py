"""Backups: consistent copies taken while writing, rotation, changed-only periodic runs, restore, CLI."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from app import backup
from app.registry import Registry
from app.services import organisations, sheets, workshops
from tests.conftest import ORGANISER, uid
from tests.live import ROOT, Server


@pytest.fixture(autouse=True)
def _fresh_memory():
    backup._last_seq.clear()
    yield
    backup._last_seq.clear()


def add_org(ws, name):
    return organisations.create(ws, ORGANISER, {"id": uid(), "name": name})[0]


def add_sheet(ws, org, title):
    return sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": org["id"], "kind": "offer",
                                         "category": "packaging", "title": title})[0]


def snapshot(path) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f"SELECT * FROM [{t}] ORDER BY 1").fetchall()
                for t in ("workshop", "organisations", "sheets", "ideas", "events")}
    finally:
        conn.close()


def check_consistent(path):
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        seqs = [r[0] for r in conn.execute("SELECT seq FROM events ORDER BY seq")]
        assert seqs == list(range(1, len(seqs) + 1))
        # every row has its creation event and every creation event its row: one snapshot, not a mix
        for table, entity in (("organisations", "organisation"), ("sheets", "sheet")):
            rows = {r[0] for r in conn.execute(f"SELECT id FROM {table}")}
            created = {r[0] for r in conn.execute("SELECT entity_id FROM events WHERE entity=? AND action='create'",
                                                  [entity])}
            assert rows == created
        return len(seqs)
    finally:
        conn.close()


def test_backup_now_makes_a_consistent_copy_in_the_workshop_folder(ws):
    org = add_org(ws, "Menuiserie")
    add_sheet(ws, org, "Palettes")
    path = backup.backup_now(ws)
    assert path.parent == Path(ws.store.path).parent / "backups" / ws.id
    assert path.name.endswith(".sqlite") and not list(path.parent.glob("*.partial"))
    check_consistent(path)
    assert snapshot(path) == snapshot(ws.store.path)
    [b] = backup.list_backups(Path(ws.store.path).parent, ws.id)
    assert b.path == path and b.size > 0


def test_backup_taken_while_writing_is_consistent(ws):
    org = add_org(ws, "Menuiserie")
    stop = threading.Event()
    written = []

    def writer():
        i = 0
        while not stop.is_set():
            written.append(add_sheet(ws, org, f"Fiche {i}")["id"])
            i += 1

    t = threading.Thread(target=writer)
    t.start()
    try:
        paths = []
        for _ in range(8):
            time.sleep(0.05)
            paths.append(backup.backup_now(ws, keep=100))
    finally:
        stop.set()
        t.join()
    sizes = [check_consistent(p) for p in paths]
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]  # the writes went on during the backups
    assert len(written) > 20


def _touch(dir_: Path, at: datetime):
    p = dir_ / (at.strftime(backup.STAMP) + backup.SUFFIX)
    p.write_bytes(b"x")
    return p


def test_rotation_keeps_newest_twelve_and_one_per_hour(tmp_path):
    start = datetime(2026, 11, 26, 9, 2, tzinfo=timezone.utc)
    files = [_touch(tmp_path, start + timedelta(minutes=5 * i)) for i in range(60)]  # 09:02 .. 13:57
    (tmp_path / "notes.txt").write_text("not a backup")
    deleted = backup.rotate(tmp_path, keep=12)
    kept = sorted(p for p in tmp_path.glob("*.sqlite"))
    newest = files[-12:]
    hourly = []
    for hour in (9, 10, 11, 12, 13):
        in_hour = [p for p, i in zip(files, range(60)) if (start + timedelta(minutes=5 * i)).hour == hour]
        hourly.append(in_hour[-1])
    assert set(kept) == set(newest) | set(hourly)
    assert len(kept) == 12 + 4  # 13h's newest is among the newest twelve
    assert len(deleted) == 60 - len(kept)
    assert (tmp_path / "notes.txt").exists()
    # idempotent
    assert backup.rotate(tmp_path, keep=12) == []


def test_backup_now_rotates(ws):
    for i in range(5):
        add_org(ws, f"Structure {i}")
        backup.backup_now(ws, keep=3)
    # all in the same hour: the three newest stay
    assert len(backup.list_backups(Path(ws.store.path).parent, ws.id)) == 3


def test_periodic_pass_backs_up_only_changed_workshops(registry):
    a = workshops.create(registry, {"name": "Atelier A", "password": "motdepasse"})
    b = workshops.create(registry, {"name": "Atelier B", "password": "motdepasse"})
    made = backup.backup_changed(registry)
    assert len(made) == 2
    assert backup.backup_changed(registry) == []  # nothing moved
    add_org(a, "Menuiserie")
    made = backup.backup_changed(registry)
    assert [p.parent.name for p in made] == [a.id]
    # after a restart (memory lost) the newest backup file tells what was saved
    backup._last_seq.clear()
    assert backup.backup_changed(registry) == []
    assert len(backup.list_backups(registry.data_dir, b.id)) == 1


def test_start_periodic_in_a_thread(registry, monkeypatch):
    from app import realtime

    monkeypatch.setattr(realtime.socketio, "server", None)  # no Socket.IO server: plain daemon thread

    class App:
        extensions = {}

    ws = workshops.create(registry, {"name": "Atelier", "password": "motdepasse"})
    loop = backup.start_periodic(App, registry, minutes=0.005)
    assert App.extensions["backup_loop"] is loop
    try:
        end = time.time() + 10
        while time.time() < end and not backup.list_backups(registry.data_dir, ws.id):
            time.sleep(0.05)
        assert backup.list_backups(registry.data_dir, ws.id)
    finally:
        App.extensions["backup_loop"].stop()
    assert loop.join(5) and not loop.alive


def test_restore_brings_the_state_back_and_keeps_the_replaced_file(tmp_path):
    data = tmp_path / "sessions"
    reg = Registry(data)
    ws = workshops.create(reg, {"name": "Atelier", "password": "motdepasse"})
    org = add_org(ws, "Menuiserie")
    add_sheet(ws, org, "Palettes")
    path = backup.backup_now(ws)
    saved = snapshot(path)
    add_sheet(ws, org, "Cartons")  # after the backup: lost by the restore, kept aside
    with pytest.raises(backup.BackupError) as info:  # the file is still open
        backup.restore(path, data)
    assert info.value.key == "backup.server_running"
    reg.close()
    out = backup.restore(path, data)
    assert out["workshop"] == ws.id and Path(out["live"]) == data / f"{ws.id}.sqlite"
    kept = Path(out["kept"])
    assert kept.name.startswith(f"{ws.id}.sqlite.before-restore-")
    assert {r[0] for r in sqlite3.connect(kept).execute("SELECT title FROM sheets")} == {"Palettes", "Cartons"}
    reg2 = Registry(data)
    try:
        ws2 = reg2.get(ws.id)
        assert ws2 is not None and ws2.code == ws.code
        assert snapshot(ws2.store.path) == saved
        # and it is a working live file: writes go on from the restored journal
        rec, seq = organisations.create(ws2, ORGANISER, {"id": uid(), "name": "Maraîcher"})
        assert seq == saved["events"][-1][0] + 1
    finally:
        reg2.close()


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(backup.BackupError) as info:
        backup.restore(bad, tmp_path / "sessions")
    assert info.value.key == "backup.bad_file"
    assert "sauvegarde" in info.value.message("fr")


def test_on_demand_is_for_the_organiser(ws):
    from app.services import ServiceError

    out = backup.on_demand(ws, ORGANISER)
    assert out["count"] == 1 and out["file"].endswith(".sqlite") and out["size"] > 0
    assert "Sauvegarde enregistrée" in out["message"]
    with pytest.raises(ServiceError) as info:
        backup.on_demand(ws, {"role": "participant", "id": "d", "org": None, "label": "x"})
    assert info.value.status == 403


def test_translations_have_the_same_keys():
    import json

    base = ROOT / "app" / "translations"
    fr = json.loads((base / "backup.fr.json").read_text(encoding="utf-8"))
    en = json.loads((base / "backup.en.json").read_text(encoding="utf-8"))
    assert fr.keys() == en.keys()


# -- real processes -------------------------------------------------------------
def run_cli(*args):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("mode", ["gevent", "threading"])
def test_periodic_backups_in_the_real_server(tmp_path, mode):
    srv = Server(tmp_path / "sessions", async_mode=mode, extra_args=["--backup-every", "0.01"]).start()
    try:
        ws, organiser = srv.new_workshop()
        folder = backup.folder(srv.data_dir, ws["workshop"])
        end = time.time() + 15
        while time.time() < end and not backup.list_backups(srv.data_dir, ws["workshop"]):
            time.sleep(0.1)
        first = backup.list_backups(srv.data_dir, ws["workshop"])
        assert first, srv.log_path.read_text()[-2000:]
        time.sleep(1.5)  # nothing changed: no new file
        assert len(backup.list_backups(srv.data_dir, ws["workshop"])) == 1
        r = organiser.post(srv.url(f"/api/w/{ws['workshop']}/organisations"), json={"id": uid(), "name": "Menuiserie"})
        assert r.status_code == 200
        end = time.time() + 15
        while time.time() < end and len(backup.list_backups(srv.data_dir, ws["workshop"])) < 2:
            time.sleep(0.1)
        newest = backup.list_backups(srv.data_dir, ws["workshop"])[0]
        names = [r[0] for r in sqlite3.connect(newest.path).execute("SELECT name FROM organisations")]
        assert names == ["Menuiserie"]
        assert folder.is_dir()
        assert requests.get(srv.url(f"/api/w/{ws['workshop']}/state"), cookies=organiser.cookies).ok
    finally:
        srv.stop()


def test_cli_backup_list_and_restore(tmp_path):
    data = tmp_path / "sessions"
    srv = Server(data, extra_args=["--backup-every", "0"]).start()
    try:
        ws, organiser = srv.new_workshop()
        organiser.post(srv.url(f"/api/w/{ws['workshop']}/organisations"), json={"id": uid(), "name": "Menuiserie"})
        r = run_cli("backup", ws["code"].lower(), "--data-dir", str(data))  # by join code, while serving
        assert r.returncode == 0, r.stderr
        [b] = backup.list_backups(data, ws["workshop"])
        assert str(b.path) in r.stdout
        organiser.post(srv.url(f"/api/w/{ws['workshop']}/organisations"), json={"id": uid(), "name": "Plus tard"})
        r = run_cli("restore", str(b.path), "--data-dir", str(data))
        assert r.returncode == 1 and "arrêtez le serveur" in r.stderr  # refused while serving
        r = run_cli("restore", "--list", ws["code"], "--data-dir", str(data))
        assert r.returncode == 0 and str(b.path) in r.stdout
    finally:
        srv.stop()
    r = run_cli("restore", str(b.path), "--data-dir", str(data))
    assert r.returncode == 0, r.stderr
    assert "restauré" in r.stdout and "before-restore" in r.stdout
    srv = Server(data, port=srv.port, extra_args=["--backup-every", "0"]).start()
    try:
        names = {o["name"] for o in requests.get(srv.url(f"/api/w/{ws['workshop']}/state"),
                                                  cookies=organiser.cookies).json()["organisations"]}
        assert names == {"Menuiserie"}
    finally:
        srv.stop()
    assert run_cli("backup", "NOPE99", "--data-dir", str(data)).returncode == 2
    for cmd in ("backup", "restore"):
        h = run_cli(cmd, "--help")
        assert h.returncode == 0 and "--data-dir" in h.stdout


def test_each_backup_also_goes_to_the_second_folder(registry, tmp_path):
    """The organiser's USB stick: the same checked copy, in <folder>/atelier-backups/<id>/, rotated too."""
    ws = workshops.create(registry, {"name": "Atelier", "password": "motdepasse"})
    add_org(ws, "Menuiserie Durand")
    usb = tmp_path / "USB"
    usb.mkdir()
    made = backup.backup_changed(registry, copy_to=usb)
    first, second = made
    assert second == usb / "atelier-backups" / ws.id / first.name
    assert snapshot(second) == snapshot(first)
    assert not list(second.parent.glob("*.part"))


def test_a_missing_second_folder_never_loses_the_first_backup(registry, tmp_path):
    ws = workshops.create(registry, {"name": "Atelier", "password": "motdepasse"})
    gone = tmp_path / "not-a-folder"
    gone.write_text("a file where the USB stick was", encoding="utf-8")
    backup.backup_changed(registry, copy_to=gone)
    assert backup.list_backups(registry.data_dir, ws.id), "the backup beside the workshop is made all the same"
