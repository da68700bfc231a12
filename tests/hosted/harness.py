"""Real Redis, real nginx and several real app processes, each on free ports in a test's own folder.

Used by the hosted tests and the ``--processes`` benchmark. Everything listens on 127.0.0.1 and is stopped
at the end (also on failure): these are the test's own instances, never the system's services.
"""
from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from tests.live import ROOT, Recorder, Server, free_port, stop_process, uid

REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def wait_port(port: int, timeout: float = 15.0, proc=None):
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


class Redis:
    """``redis-server`` without persistence, in its own folder; stop() and start() again on the same port."""

    def __init__(self, folder: Path, port: int | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self):
        log = open(self.folder / "redis.log", "ab")
        self.proc = subprocess.Popen([REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.folder), "--daemonize", "no",
                                      "--maxclients", "10000"], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        wait_port(self.port, proc=self.proc)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


class Nginx:
    """nginx from ``python run.py nginx-config --standalone``, with its pid, logs and temp files here."""

    def __init__(self, folder: Path, upstreams: list[str], port: int | None = None, workers: int = 1):
        self.folder = Path(folder)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.upstreams = upstreams
        self.workers = workers
        self.proc = None

    def config(self) -> str:
        out = subprocess.run([sys.executable, "run.py", "nginx-config", "--upstreams", ",".join(self.upstreams),
                              "--listen", f"127.0.0.1:{self.port}", "--standalone", str(self.folder),
                              "--workers", str(self.workers)],
                             cwd=ROOT, check=True, capture_output=True, text=True)
        return out.stdout

    def start(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        conf = self.folder / "nginx.conf"
        conf.write_text(self.config())
        self.proc = subprocess.Popen([NGINX, "-p", str(self.folder), "-c", str(conf), "-e",
                                      str(self.folder / "error.log"), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=open(self.folder / "stderr.log", "ab"))
        wait_port(self.port, proc=self.proc)
        return self

    def stop(self):
        stop_process(self.proc)


class Front(Server):
    """The helpers of tests.live.Server (workshops, phones, facilitators), through nginx."""

    def __init__(self, base: str):
        self.base = base


class Cluster:
    """Redis + N app processes on one data folder + nginx in front: one machine in hosted mode."""

    def __init__(self, tmp: Path, processes: int = 3, extra_args=(), machines: bool = False):
        """``machines``: each process with its own data folder (as on separate machines), sharing only the
        secret key, copied to each as the README says."""
        self.tmp = Path(tmp)
        self.redis = Redis(self.tmp / "redis")
        ports = [free_port() for _ in range(processes)]
        self.upstreams = [f"127.0.0.1:{p}" for p in ports]
        self.nginx = Nginx(self.tmp / "nginx", self.upstreams)
        args = ["--message-queue", self.redis.url, "--upstreams", ",".join(self.upstreams),
                "--public-url", self.nginx.base, "--backup-every", "0", *extra_args]
        self.data = {f"127.0.0.1:{p}": (self.tmp / f"machine-{p}" / "sessions") if machines else
                     (self.tmp / "sessions") for p in ports}
        if machines:
            from app.registry import load_secret_key

            key = load_secret_key(self.tmp / "key")
            for folder in self.data.values():
                folder.mkdir(parents=True)
                (folder / ".secret_key").write_bytes(key)
        self.servers = {name: Server(self.data[name], port=int(name.rsplit(":", 1)[1]), extra_args=args)
                        for name in self.data}
        self.base = self.nginx.base
        self.front = Front(self.base)

    def start(self):
        self.redis.start()
        starting = [threading.Thread(target=s.start) for s in self.servers.values()]
        for th in starting:
            th.start()
        for th in starting:
            th.join()
        for s in self.servers.values():
            if s.proc is None or s.proc.poll() is not None:
                raise RuntimeError(f"app process did not start: {s.log_path}")
        self.nginx.start()
        return self

    def stop(self):
        self.nginx.stop()
        for s in self.servers.values():
            s.stop()
        self.redis.stop()

    def url(self, path: str) -> str:
        return self.base + path

    def owner(self, key: str) -> str:
        from app.hosted.ring import Ring

        return Ring(self.upstreams).owner(key)

    def restart(self, name: str):
        srv = self.servers[name]
        srv.stop()
        srv.start()


class Screen(Recorder):
    """A screen as static/js/lib/live.js keeps one: the last ``seq`` and the records, resynced from the
    journal after a gap, a reconnect, a ``hello`` or a ``beat`` ahead of it (over the socket's ``sync``)."""

    def __init__(self, **kw):
        super().__init__(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1.0,
                         reconnection_attempts=0, **kw)
        self.workshop = None
        self.seq = 0
        self.state: dict[tuple, dict] = {}
        self.connects = 0
        self._lock = threading.Lock()
        self._syncing = False
        self.on("connect", self._on_connect)
        self.on("beat", self._ahead)
        self.on("hello", self._hello_ahead)

    def _hello_ahead(self, m):
        self.hello = m
        self._ahead(m)

    def _on_connect(self):
        self.connects += 1
        threading.Thread(target=self.resync, daemon=True).start()

    def _ahead(self, m):
        if isinstance(m, dict) and m.get("seq", 0) > self.seq:
            threading.Thread(target=self.resync, daemon=True).start()

    def _apply(self, m):
        key = (m["entity"], m["id"])
        if m["record"] is None:
            self.state.pop(key, None)
        else:
            self.state[key] = m["record"]

    def on_change(self, m):
        with self._lock:
            self.changes.append(m)
            self._apply(m)
            gap = m["seq"] > self.seq + 1
            if not gap:  # after a gap the seq stays where it was until the resync (a beat tries again)
                self.seq = max(self.seq, m["seq"])
        if gap:
            threading.Thread(target=self.resync, daemon=True).start()

    def on_changes(self, batch):
        """One message per batch of commits, its changes in ``seq`` order: applied one by one, as a page does."""
        for m in batch.get("changes") or []:
            self.on_change(m)

    def resync(self):
        with self._lock:
            if self._syncing:
                return
            self._syncing = True
            since = self.seq
        try:
            res = self.call("sync", {"workshop": self.workshop, "since": since}, timeout=8)
        except Exception:  # disconnected or timed out: the next connect, beat or gap tries again
            res = None
        finally:
            with self._lock:
                self._syncing = False
        if not res or res.get("error") or res.get("reset"):
            return
        with self._lock:
            for ev in res["events"]:
                self._apply(ev)
            self.seq = max(self.seq, res["last_seq"])

    def ids(self, entity: str) -> set[str]:
        with self._lock:
            return {i for (e, i) in self.state if e == entity}


def open_screen(base: str, session: requests.Session, workshop: str, client: str | None = None,
                transports=("websocket",)) -> Screen:
    """A screen through nginx: the workshop and the screen's id in the Socket.IO URL, as the pages do."""
    screen = Screen()
    screen.workshop = workshop
    screen.on("changes", screen.on_changes)
    screen.client_id = client or uid()
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    screen.connect(f"{base}/?workshop={workshop}&client={screen.client_id}", headers={"Cookie": cookie},
                   auth={"workshop": workshop}, transports=list(transports), wait_timeout=10)
    return screen


__all__ = ["Cluster", "Nginx", "Redis", "Screen", "open_screen"]
