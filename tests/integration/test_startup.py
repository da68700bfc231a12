"""The real server on a busy laptop: a taken port, a loopback-only host, a SIGTERM."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import requests

from tests.live import ROOT


def _start(args, tmp_path):
    env = {**os.environ, "ATELIER_QUIET": "1", "PYTHONUNBUFFERED": "1", "WAKEPY_FAKE_SUCCESS": "1"}
    log = tmp_path / "server.log"
    proc = subprocess.Popen([sys.executable, "run.py", *args, "--data-dir", str(tmp_path / "d")], cwd=ROOT, env=env,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    return proc, log


def _wait_for(log, text, proc, timeout=90):
    end = time.time() + timeout
    while time.time() < end:
        out = log.read_text(encoding="utf-8", errors="replace")
        if text in out:
            return out
        if proc.poll() is not None:
            raise AssertionError(out)
        time.sleep(0.1)
    raise AssertionError(log.read_text(encoding="utf-8", errors="replace"))


def test_taken_port_moves_on_and_says_so_before_any_address(tmp_path):
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    taken = blocker.getsockname()[1]
    proc, log = _start(["serve", "--host", "127.0.0.1", "--port", str(taken)], tmp_path)
    try:
        out = _wait_for(log, "Ctrl+C", proc)
        assert "Traceback" not in out and "Address already in use" not in out
        lines = out.splitlines()
        moved = next(i for i, line in enumerate(lines) if f"Le port {taken} est déjà utilisé" in line)
        local = next(i for i, line in enumerate(lines) if "sur cet ordinateur : http://localhost:" in line)
        assert moved < local, "the move is said before the address"
        port = int(lines[local].rsplit(":", 1)[1].strip("/ "))
        assert port != taken
        end = time.time() + 60
        while True:
            try:
                assert requests.get(f"http://127.0.0.1:{port}/favicon.ico", timeout=2).status_code == 204
                break
            except requests.RequestException:
                assert time.time() < end
                time.sleep(0.2)
        assert "pour les téléphones" not in out, "127.0.0.1: no LAN address that cannot work"
        assert "maintenu éveillé" in out
        proc.terminate()  # SIGTERM: a clean stop, keep-awake released
        proc.wait(15)  # well under 3 s, even mid start-up work (tests/integration/test_stop.py)
        assert "Serveur arrêté" in log.read_text(encoding="utf-8")
    finally:
        blocker.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_every_port_taken_is_a_french_message_not_a_traceback(tmp_path):
    blockers = []
    base = None
    # 20 consecutive taken ports: find a free run first, then hold it.
    for start in range(42000, 60000, 37):
        socks = []
        try:
            for p in range(start, start + 20):
                s = socket.socket()
                s.bind(("127.0.0.1", p))
                s.listen()
                socks.append(s)
            blockers, base = socks, start
            break
        except OSError:
            for s in socks:
                s.close()
    assert base is not None
    try:
        r = subprocess.run([sys.executable, "run.py", "serve", "--host", "127.0.0.1", "--port", str(base),
                            "--data-dir", str(tmp_path / "d")], cwd=ROOT, capture_output=True, text=True,
                           timeout=120, env={**os.environ, "ATELIER_QUIET": "1"})
        assert r.returncode == 2
        assert f"Impossible de démarrer : le port {base} et les 19 suivants sont déjà utilisés" in r.stderr
        assert "Traceback" not in r.stderr + r.stdout and "pour les téléphones" not in r.stdout
    finally:
        for s in blockers:
            s.close()
