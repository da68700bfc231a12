"""The demo workshop (the real event's size) behind a real server, for layout tests.

``python run.py demo --data-dir D --json`` is deterministic, so one build per test
module is enough: ``demo_server(tmp_path_factory)`` builds it, starts a server on
a free port and yields ``(server, info)`` where info has the demo's code,
workshop id, organiser password and projector token.
"""
from __future__ import annotations

import contextlib
import json
import subprocess
import sys

import requests

from tests.live import ROOT, Server

SIZES = [(1024, 768), (1280, 720), (1280, 800), (1366, 768), (1920, 1080), (3840, 2160)]


def build_demo(data_dir, scale: int = 1) -> dict:
    out = subprocess.run([sys.executable, "run.py", "demo", "--data-dir", str(data_dir), "--json",
                          "--scale", str(scale)], cwd=ROOT, capture_output=True, text=True, check=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def demo_server(tmp_path_factory, scale: int = 1):
    base = tmp_path_factory.mktemp("demo")
    info = build_demo(base / "sessions", scale)
    srv = Server(base / "sessions").start()
    try:
        s = requests.Session()
        s.post(srv.url(f"/api/w/{info['workshop']}/login/organiser"),
               json={"password": info["organiser_password"]}).raise_for_status()
        state = s.get(srv.url(f"/api/w/{info['workshop']}/state")).json()
        info = {**info, "projector_token": state["workshop"]["projector_token"], "session": s,
                "wall_url": srv.url(f"/w/{info['code']}/wall?t={state['workshop']['projector_token']}"),
                "organiser_url": srv.url(f"/w/{info['code']}/organiser"), "stats": state["stats"]}
        yield srv, info
    finally:
        srv.stop()


def sign_in_organiser(page, srv, info):
    """The organiser signs in through the login form, as a person does."""
    page.goto(info["organiser_url"])
    page.fill("#password", info["organiser_password"])
    page.click("form button[type=submit]")
    page.wait_for_selector("body.organiser[data-ready='1']")
