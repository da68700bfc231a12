"""The nginx configuration: real nginx sends each workshop where the app thinks its owner is."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from app.hosted.nginx import render
from app.hosted.ring import Ring
from app.registry import new_code
from tests.hosted.harness import NGINX, Nginx
from tests.live import ROOT, uid


class _Echo(BaseHTTPRequestHandler):
    """An upstream that says which one it is, what it was asked and with which headers."""

    def do_GET(self):
        body = json.dumps({"me": f"127.0.0.1:{self.server.server_port}", "path": self.path,
                           "upgrade": self.headers.get("Upgrade"), "host": self.headers.get("Host")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *a):
        pass


@pytest.fixture(scope="module")
def fake_cluster(tmp_path_factory):
    servers = [ThreadingHTTPServer(("127.0.0.1", 0), _Echo) for _ in range(3)]
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    ups = [f"127.0.0.1:{s.server_port}" for s in servers]
    ngx = Nginx(tmp_path_factory.mktemp("nginx"), ups).start()
    yield ngx, servers
    ngx.stop()
    for s in servers:
        s.shutdown()


def test_workshop_routes_reach_the_owner_the_app_computes(fake_cluster):
    ngx, servers = fake_cluster
    ring = Ring(ngx.upstreams)
    seen = set()
    with requests.Session() as http:
        for _ in range(60):
            wid, code = uid(), new_code()
            for path, key in ((f"/api/w/{wid}/sheets", wid), (f"/j/{code}", code), (f"/w/{code}/wall", code)):
                got = http.get(ngx.base + path).json()
                assert got["me"] == ring.owner(key), path
                seen.add(got["me"])
    assert seen == set(ngx.upstreams)  # the keys spread over every process


def test_socketio_is_sticky_per_screen_with_upgrade_and_spread(fake_cluster):
    ngx, _ = fake_cluster
    ring = Ring(ngx.upstreams)
    seen = set()
    with requests.Session() as http:
        for _ in range(30):
            client = uid()
            first = http.get(f"{ngx.base}/socket.io/?EIO=4&transport=polling&workshop=W&client={client}").json()
            again = http.get(f"{ngx.base}/socket.io/?EIO=4&transport=polling&sid=x&workshop=W&client={client}",
                             headers={"Upgrade": "websocket", "Connection": "Upgrade"}).json()
            assert first["me"] == again["me"] == ring.owner(client)
            assert again["upgrade"] == "websocket"
            assert first["host"] == f"127.0.0.1:{ngx.port}"  # the public Host, for the app's origin check
            seen.add(first["me"])
    assert len(seen) == 3


def test_static_files_are_served_by_nginx_and_internal_routes_closed(fake_cluster):
    ngx, _ = fake_cluster
    r = requests.get(ngx.base + "/static/css/app.css")
    assert r.status_code == 200 and r.content == (ROOT / "static/css/app.css").read_bytes()
    assert "me" not in r.text[:20]
    assert requests.get(ngx.base + "/_hosted/w/x/socket").status_code == 404
    assert requests.get(ngx.base + "/").json()["path"] == "/"  # the rest: any process


def test_nobody_answering_is_a_clean_503_in_french(tmp_path):
    from app.i18n import t

    ngx = Nginx(tmp_path, [f"127.0.0.1:{p}" for p in (1, 2)]).start()  # nothing listens there
    try:
        r = requests.post(ngx.base + f"/api/w/{uid()}/sheets", json={})
        assert r.status_code == 503
        assert r.json() == {"error": t("hosted.owner_unavailable", "fr"), "code": "hosted.owner_unavailable"}
    finally:
        ngx.stop()


def test_printed_config_is_valid_for_nginx_and_lists_every_process(tmp_path):
    ups = ["10.0.0.1:5001", "10.0.0.1:5002", "10.0.0.2:5001"]
    out = subprocess.run([sys.executable, "run.py", "nginx-config", "--upstreams", *ups, "--listen", "8080"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    for u in ups:
        assert out.count(f"server {u} ") == 3  # owner, screens, any
    assert "hash $atelier_workshop consistent;" in out and "hash $atelier_screen consistent;" in out
    # An http-context file: checked by real nginx inside a minimal main config.
    (tmp_path / "tmp").mkdir()
    conf = render(ups, listen="127.0.0.1:8080", standalone=str(tmp_path))
    (tmp_path / "nginx.conf").write_text(conf)
    done = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e",
                           str(tmp_path / "error.log")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_nginx_config_without_upstreams_says_so():
    done = subprocess.run([sys.executable, "run.py", "nginx-config", "--upstreams", ","], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 2 and "no HOST:PORT" in done.stderr
