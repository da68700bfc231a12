"""The room's network on a real server: switching the address phones get, the wifi check, the USB folder."""
from __future__ import annotations

import json
import subprocess
import time

import pytest
import requests

from tests.live import Server, uid


@pytest.fixture
def own_server(tmp_path):
    """Its own server: the address is server-wide state."""
    srv = Server(tmp_path / "sessions").start()
    yield srv
    srv.stop()


def _wait(pred, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


def _decode(png: bytes, tmp_path) -> str:
    path = tmp_path / f"qr-{uid()[:8]}.png"
    path.write_bytes(png)
    return subprocess.run(["zbarimg", "--raw", "-q", str(path)], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_switching_the_address_changes_every_qr_and_tells_the_wall_at_once(own_server, tmp_path):
    srv = own_server
    ws, organiser = srv.new_workshop()
    wall_token = organiser.get(srv.url(f"/api/w/{ws['workshop']}/state")).json()["workshop"]["projector_token"]
    wall = requests.Session()
    assert wall.get(srv.url(f"/w/{ws['code']}/wall?t={wall_token}")).status_code == 200
    wall_socket = srv.socket(wall, ws)
    got = []
    wall_socket.on("address", lambda m: got.append(m))
    state = organiser.get(srv.url(f"/api/w/{ws['workshop']}/network")).json()
    assert state["current"] == srv.base
    r = organiser.post(srv.url(f"/api/w/{ws['workshop']}/network/address"), json={"url": "http://10.42.0.1:5000/"})
    assert r.status_code == 200, r.text
    assert r.json()["join_url"] == f"http://10.42.0.1:5000/j/{ws['code']}"
    assert _wait(lambda: got), "the wall hears of the new address without a reload"
    assert got[0]["join_url"] == f"http://10.42.0.1:5000/j/{ws['code']}"
    assert _decode(requests.get(srv.url(f"/w/{ws['code']}/qr.png")).content, tmp_path) == got[0]["join_url"]
    page = organiser.get(srv.url(f"/w/{ws['code']}/organiser/network")).text
    assert "http://10.42.0.1:5000" in page
    wall_socket.close()


@pytest.mark.parametrize("bad", ["192.168.1.20", "ftp://x:21", "http://x/some/path", "http://", "http://h:99999",
                                 "javascript:alert(1)", "http://bad address", "http://a_b<c>", 42, None])
def test_a_bad_address_is_refused_in_french_and_changes_nothing(server, bad):
    ws, organiser = server.new_workshop()
    r = organiser.post(server.url(f"/api/w/{ws['workshop']}/network/address"), json={"url": bad})
    assert r.status_code == 422
    assert "url" in r.json()["fields"]
    assert organiser.get(server.url(f"/api/w/{ws['workshop']}/network")).json()["current"] == server.base


def test_phones_wifi_checks_are_counted_live_on_the_organiser_page(server):
    ws, organiser = server.new_workshop()
    sock = server.socket(organiser, ws)
    seen = []
    sock.on("wifi_check", lambda m: seen.append(m))
    phone = requests.Session()  # a phone from the poster, not joined: anyone may check
    page = phone.get(server.url(f"/w/{ws['code']}/check"))
    assert page.status_code == 200 and "Testez votre connexion" in page.text
    assert phone.get(server.url(f"/w/{ws['code']}/check/ping")).status_code == 204
    ok = phone.post(server.url(f"/api/w/{ws['workshop']}/wifi-check"),
                    json={"phone": uid(), "median_ms": 14.2, "worst_ms": 30, "lost": 0, "websocket": True})
    assert ok.status_code == 200 and ok.json()["slow"] is False
    slow = requests.post(server.url(f"/api/w/{ws['workshop']}/wifi-check"),
                         json={"phone": uid(), "median_ms": 850, "worst_ms": 2400, "lost": 2, "websocket": False})
    assert slow.json()["slow"] is True
    assert _wait(lambda: len(seen) >= 2)
    assert seen[-1]["phones"] == 2 and seen[-1]["slow"] == 1 and seen[-1]["dropped"] == 1
    counts = organiser.get(server.url(f"/api/w/{ws['workshop']}/network")).json()["checks"]
    assert counts["phones"] == 2 and counts["no_websocket"] == 1
    bad = phone.post(server.url(f"/api/w/{ws['workshop']}/wifi-check"),
                     json={"phone": "not-a-uuid", "median_ms": -3, "worst_ms": "x", "lost": True, "websocket": 1})
    assert bad.status_code == 422 and set(bad.json()["fields"]) >= {"phone", "median_ms", "worst_ms", "lost"}
    assert organiser.get(server.url(f"/api/w/{ws['workshop']}/network")).json()["checks"]["phones"] == 2
    sock.close()


def test_the_usb_folder_gets_a_copy_now_and_after_a_restart(tmp_path):
    srv = Server(tmp_path / "sessions", extra_args=["--backup-every", "0.01"]).start()
    usb = tmp_path / "USB"
    usb.mkdir()
    try:
        ws, organiser = srv.new_workshop()
        missing = organiser.post(srv.url(f"/api/w/{ws['workshop']}/network/backup-folder"),
                                 json={"folder": str(tmp_path / "no-stick")})
        assert missing.status_code == 422 and "clé est-elle branchée" in missing.json()["fields"]["folder"]
        r = organiser.post(srv.url(f"/api/w/{ws['workshop']}/network/backup-folder"), json={"folder": str(usb)})
        assert r.status_code == 200, r.text
        copies = usb / "atelier-backups" / ws["workshop"]
        assert r.json()["copied"] and list(copies.glob("*.sqlite"))
        assert json.loads((tmp_path / "sessions" / "settings.json").read_text(encoding="utf-8"))["backup_copy_to"]
    finally:
        srv.stop()
    srv = Server(tmp_path / "sessions", extra_args=["--backup-every", "0.01"], port=srv.port).start()
    try:
        before = len(list(copies.glob("*.sqlite")))
        srv.participant(ws, "Menuiserie après redémarrage")
        assert _wait(lambda: len(list(copies.glob("*.sqlite"))) > before, timeout=30), \
            "after a restart the periodic backups still reach the stick"
    finally:
        srv.stop()
