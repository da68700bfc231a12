"""A real server in a subprocess on 127.0.0.1, and real clients for it.

Used by integration, browser and crash tests. Every server gets its own
temporary data folder and a free port, so tests stay parallel-safe.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def uid() -> str:
    return str(uuid.uuid4())


def until(predicate, timeout=10.0, step=0.05) -> bool:
    """Wait for ``predicate()`` to be true, at most ``timeout`` seconds; its last value."""
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())


def stop_process(proc, timeout=10):
    """SIGTERM, then SIGKILL if it does not stop in ``timeout`` seconds."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)


class Server:
    def __init__(self, data_dir, *, rate_limits=False, async_mode="gevent", extra_args=(), port=None):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.rate_limits = rate_limits
        self.async_mode = async_mode
        self.extra_args = list(extra_args)
        self.proc = None
        self.log_path = self.data_dir.parent / f"server-{self.port}.log"

    def start(self, timeout=90):
        args = [sys.executable, "run.py", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--data-dir", str(self.data_dir), "--public-url", self.base, "--async-mode", self.async_mode,
                *self.extra_args]
        if not self.rate_limits:
            args.append("--no-rate-limits")
        env = {**os.environ, "ATELIER_QUIET": "1", "PYTHONUNBUFFERED": "1"}
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.base + "/favicon.ico", timeout=1).status_code == 204:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self):
        """SIGKILL: no clean shutdown, as in a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self):
        stop_process(self.proc)
        if getattr(self, "log", None):
            self.log.close()

    # -- helpers ----------------------------------------------------------
    def url(self, path):
        return self.base + path

    def new_workshop(self, name="Atelier de test", password="motdepasse"):
        """Create a workshop; returns (info dict, organiser requests.Session)."""
        s = requests.Session()
        r = s.post(self.url("/api/workshops"), json={"name": name, "password": password, "date": "2026-11-26"})
        r.raise_for_status()
        return r.json(), s

    def participant(self, ws, org_name=None, **org_fields):
        """A phone: opens the join page, creates its organisation. Returns (session, org record)."""
        s = requests.Session()
        s.get(self.url(f"/j/{ws['code']}")).raise_for_status()
        if org_name is None:
            return s, None
        r = s.post(self.url(f"/api/w/{ws['workshop']}/organisations"), json={"id": uid(), "name": org_name,
                                                                               **org_fields})
        r.raise_for_status()
        return s, r.json()["record"]

    def facilitator(self, ws, organiser, name="Anne", table_no=1):
        r = organiser.post(self.url(f"/api/w/{ws['workshop']}/facilitators"),
                           json={"id": uid(), "name": name, "table_no": table_no})
        r.raise_for_status()
        fac = r.json()["record"]
        s = requests.Session()
        s.post(self.url(f"/api/w/{ws['workshop']}/login/facilitator"), json={"code": fac["code"]}).raise_for_status()
        return s, fac

    def socket(self, session, ws, record=None, **kw):
        """A real python-socketio client authenticated by the session's cookie."""
        client = Recorder(**kw)
        cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
        client.connect(self.base, headers={"Cookie": cookie}, auth={"workshop": ws["workshop"]},
                       transports=["websocket"], wait_timeout=10)
        return client


class Recorder(socketio.Client):
    """Keeps every message it receives."""

    def __init__(self, **kw):
        super().__init__(reconnection=kw.pop("reconnection", False), **kw)
        self.changes: list[dict] = []  # every change, in arrival order (batches flattened)
        self.batches: list[list[dict]] = []  # the ``changes`` messages as they came
        self.stats: list[dict] = []
        self.hello = None
        self.on("changes", self._batch)
        self.on("stats", lambda m: self.stats.append(m))
        self.on("hello", self._hello)

    def close(self):
        """Disconnect without waiting: python-socketio's own disconnect blocks ~3 s on its reader."""
        import threading

        threading.Thread(target=self.disconnect, daemon=True).start()

    def _batch(self, m):
        self.batches.append(m["changes"])
        self.changes.extend(m["changes"])

    def _hello(self, m):
        self.hello = m

    def wait_for(self, predicate, timeout=10.0):
        end = time.time() + timeout
        while time.time() < end:
            if predicate(self):
                return True
            time.sleep(0.02)
        return predicate(self)

    def records(self, entity):
        """Latest record per id, as the screen would hold it."""
        out = {}
        for m in self.changes:
            if m["entity"] != entity:
                continue
            if m["record"] is None:
                out.pop(m["id"], None)
            else:
                out[m["id"]] = m["record"]
        return out
