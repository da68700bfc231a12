"""Which workshops a process opens and creates in hosted mode; laptop mode untouched."""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor

from app.hosted import Placement, placement, split_upstreams
from app.hosted.ring import Ring
from app.registry import Registry, load_secret_key
from app.services import workshops
from tests.live import ROOT

UPS = ["127.0.0.1:5001", "127.0.0.1:5002", "127.0.0.1:5003"]


def test_laptop_mode_has_no_placement_and_imports_no_redis(monkeypatch):
    monkeypatch.delenv("ATELIER_MESSAGE_QUEUE", raising=False)
    assert placement({"LISTEN_HOST": "0.0.0.0", "LISTEN_PORT": 5000}) is None
    # (python-socketio itself imports the redis package when it is installed; the laptop's kit has none.)
    code = ("import sys, tempfile; from app import create_app, realtime; create_app({'DATA_DIR': tempfile.mkdtemp()});"
            "print('app.hosted.queue' in sys.modules, type(realtime.socketio.server.manager).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={k: v for k, v in __import__("os").environ.items() if not k.startswith("ATELIER_")})
    assert out.stdout.split() == ["False", "Manager"]
    assert "redis" not in (ROOT / "requirements-app.txt").read_text()  # not in the laptop's install


def test_settings_from_the_environment(monkeypatch):
    monkeypatch.setenv("ATELIER_MESSAGE_QUEUE", "redis://127.0.0.1:1/0")
    monkeypatch.setenv("ATELIER_UPSTREAMS", " ".join(UPS))
    where = placement({"LISTEN_HOST": "127.0.0.1", "LISTEN_PORT": 5002})
    assert where.me == "127.0.0.1:5002" and where.ring.servers == UPS
    assert split_upstreams(["a:1,b:2", "c:3"]) == ["a:1", "b:2", "c:3"]


def test_a_process_opens_only_its_workshops_and_creates_workshops_it_owns(tmp_path):
    lone = Registry(tmp_path)
    made = [workshops.create(lone, {"name": f"Atelier {i}", "password": "motdepasse"}) for i in range(12)]
    lone.close()
    ring = Ring(UPS)
    for me in UPS:
        reg = Registry(tmp_path, placement=Placement(me, ring))
        assert {ws.id for ws in reg.all()} == {ws.id for ws in made if ring.owner(ws.id) == me}
        new = workshops.create(reg, {"name": "Atelier nouveau", "password": "motdepasse"})
        assert ring.owner(new.id) == ring.owner(new.code) == me  # nginx routes its pages and its API here
        reg.close()


def _key(folder):
    return load_secret_key(folder)


def test_processes_starting_together_share_one_secret_key(tmp_path):
    with ProcessPoolExecutor(4) as ex:
        keys = list(ex.map(_key, [tmp_path] * 8))
    assert len(set(keys)) == 1 and (tmp_path / ".secret_key").read_bytes() == keys[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".secret_key"]


def test_serve_takes_the_queue_from_the_environment(tmp_path, monkeypatch):
    """``ATELIER_MESSAGE_QUEUE`` alone (no option) puts a real server's broadcasts on Redis."""
    import json
    import time

    import redis

    from tests.hosted.harness import Redis
    from tests.live import Server

    red = Redis(tmp_path / "redis").start()
    monkeypatch.setenv("ATELIER_MESSAGE_QUEUE", red.url)
    srv = Server(tmp_path / "data")
    try:
        srv.start()
        bus = redis.Redis(port=red.port).pubsub(ignore_subscribe_messages=True)
        bus.subscribe("atelier")
        ws, organiser = srv.new_workshop()
        srv.participant(ws, "Structure par l'environnement")
        seen, end = [], time.time() + 10
        while time.time() < end and not any(m.get("event") == "changes" for m in seen):
            msg = bus.get_message(timeout=0.5)
            if msg and msg["type"] == "message":
                seen.append(json.loads(msg["data"]))
        batches = [m["data"][0] if isinstance(m["data"], list) else m["data"] for m in seen
                   if m.get("event") == "changes"]  # one broadcast per commit batch (see app/realtime.py)
        changes = [c for b in batches for c in b["changes"]]
        assert any(c["entity"] == "organisation" for c in changes), seen[:3]
        bus.close()
    finally:
        srv.stop()
        red.stop()
