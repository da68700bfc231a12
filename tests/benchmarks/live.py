"""Load benchmark of the live loop: the app against a bare python-socketio server.

    python -m tests.benchmarks.live [--screens N] [--rate W] [--seconds S]
                                    [--async-mode gevent|threading] [--find-limit] [--export-during]

N screens (default 600: a projector, 12 facilitators, the rest participants,
each participant with its own organisation) hold real Socket.IO connections
(websocket transport, session cookie, ``auth={"workshop": id}``) to the real
server (``python run.py serve --no-rate-limits``, see ``tests/live.py``) on
127.0.0.1. Participants then create sheets with visibility "all" through
the real HTTP API at a steady, open-loop rate (default 20/s for 30 s after
a 2 s warm-up; each write from one of up to 200 participants of different
organisations), so every screen must receive every write. The same run
then does the same against ``tests/benchmarks/bare_server.py`` (same async
mode, same web server, one SQLite commit with WAL + synchronous=FULL per
write, one broadcast to everyone, no app logic) with the same clients and
load, and prints the app/bare ratios.

Measured at the receiving clients: for each delivery, the time from the
write's submission (just before the HTTP request is written) to its arrival
at the screen; all processes read Linux's system-wide ``CLOCK_MONOTONIC``
(``time.monotonic``). Also: writes/s acknowledged, deliveries/s, missing
and duplicate deliveries, server CPU (psutil, user + system, in % of one
core over the measured window, and per write) and peak RSS (VmHWM).

Keeping the clients' cost out of the server's figures:
- the screens live in 2-4 client processes, apart from the writer, each an
  asyncio loop holding many connections;
- by default each screen is ``LightSocketIO``: the real Engine.IO 4 /
  Socket.IO 5 protocol on a plain websocket, decoding every event's JSON,
  at less than half the CPU per message of python-socketio's
  ``AsyncClient`` (which starts a task per message); the arrival time is
  read when the bytes reach the process. They run on uvloop and decode
  with orjson when installed (the header says which): with the stdlib's
  json, decoding was 57 % of a screen process's samples at 600 screens
  and 100 writes/s, CPU that phones spend on their own processors
  (``--client light-stdlib`` runs them so, to compare). ``--client
  python-socketio`` uses ``AsyncClient`` instead (needs ``aiohttp``), to
  cross-check;
- arrivals are only appended to arrays; joining them to submissions and the
  percentiles are computed after the run;
- each client process runs a loop-lag probe and the clients' CPU is shown,
  as are the other processes' CPU and the kernel's CPU pressure (PSI): the
  output says when the machine, not the server, was the limit;
- the client side is identical for the app and the bare server, so the
  ratios are the fair figures; "first screen" (each write's earliest
  arrival) is the write path with the least client queueing.

Every server, client process and the writer run in their own session (their
own Linux autogroup), as on a real laptop. ``--priority N`` also gives them
nice -N (root): only to measure on a machine shared with other work.

``--export-during`` (app only) runs the same load a second time while the
organiser downloads the workshop book and the XLSX of the demo workshop at
``--export-scale`` (default 10x) in a loop, and compares p95 with the run
without exports (the exports run in a worker process: the screens should not
notice).

The app sends each room one ``changes`` message per batch of changes; the bare
server one ``change`` per write: the clients count every change either way.

``--find-limit`` raises the rate step by step (steps of 7 s, 1 s of which
warm-up) and reports, for the app and the bare server, the highest rate at
which every screen still gets every write with p95 <= 250 ms, and their
ratio. One bisection step refines it if the time budget allows.

The last line printed is one JSON object with the figures. Everything talks
only to 127.0.0.1; every loop is bounded in count and time, and the servers
and client processes are stopped at the end, also on error or SIGTERM.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import math
import multiprocessing as mp
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from array import array
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import requests

from tests.live import ROOT, Server, free_port

monotonic = time.monotonic

P95_LIMIT_MS = 250.0
DEFAULT_LADDER = (10, 20, 30, 40, 60, 80, 110, 150, 200, 270, 360, 480)
TARGETS = {  # from the issues ("Load benchmark", then "Ahead of the bare server"), for the 2-core machine
    "p95_72_ms": 15.0, "ratio_p95_72": 1.0, "ratio_p95_600": 0.8, "p95_600_fast_ms": 250.0,
    "ratio_saturation": 2.0, "ratio_export_during": 1.3, "rss_600_mb": 150.0,
}
CATEGORIES = ("materials", "waste", "packaging", "energy", "water", "equipment", "skills", "logistics", "services")
UNITS = ("t", "kg", "pallets", "m3", "pieces")


# ---------------------------------------------------------------------------
# Scheduling: Linux groups processes by session ("autogroup") and shares the
# CPU fairly between groups, whatever their nice value. Each server, each
# client process and the writer get their own session, as they would on a
# real laptop (the server is not in the same terminal as 600 phones), so none
# of them is squeezed into one group with the others. ``--priority N`` also
# gives those groups nice -N: only for a machine shared with other work.

def set_group_nice(pid: int | str, priority: int, behind: int = 0):
    """nice -priority (+ behind) for the process and its autogroup."""
    value = -abs(priority) + behind
    if value:
        try:
            Path(f"/proc/{pid}/autogroup").write_text(str(value))
        except OSError:
            pass
        try:
            os.setpriority(os.PRIO_PROCESS, 0 if pid == "self" else int(pid), value)
        except (OSError, ValueError):
            pass


def die_with_parent(sig=signal.SIGTERM):
    """Linux: this process gets ``sig`` when its parent dies, so nothing outlives the benchmark."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(sig))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def own_session(priority: int = 0, behind: int = 0):
    try:
        os.setsid()
    except OSError:
        pass
    set_group_nice("self", priority, behind)


def server_preexec():
    die_with_parent(signal.SIGTERM)


def detach(priority: int):
    """Run the benchmark in a child process that has its own session; the parent waits for it.

    Returns None in the child, the exit code in the parent. The child dies with the parent.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        own_session(priority)
        die_with_parent(signal.SIGTERM)
        return None

    def forward(sig, _frame):
        try:
            os.kill(pid, sig)
        except OSError:
            pass

    signal.signal(signal.SIGINT, forward)
    signal.signal(signal.SIGTERM, forward)
    while True:
        try:
            _, status = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(status)
        except InterruptedError:
            continue
        except ChildProcessError:
            return 1


class BenchServer(Server):
    """tests.live.Server, started in its own session (see above); same arguments."""

    priority = 0
    env: dict = {}

    def start(self, timeout=40):
        args = [sys.executable, "run.py", "serve", "--host", "127.0.0.1", "--port", str(self.port),
                "--data-dir", str(self.data_dir), "--public-url", self.base, "--async-mode", self.async_mode,
                *self.extra_args]
        if not self.rate_limits:
            args.append("--no-rate-limits")
        env = {**os.environ, "ATELIER_QUIET": "1", "PYTHONUNBUFFERED": "1", **self.env}
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True, preexec_fn=server_preexec)
        set_group_nice(self.proc.pid, self.priority)
        end = monotonic() + timeout
        while monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(self.base + "/favicon.ico", timeout=1).status_code == 204:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not start")


# ---------------------------------------------------------------------------
# Write ids carry their index: a valid UUID whose last 12 hex digits are it.

def id_prefix() -> str:
    return str(uuid.uuid4())[:24]


def write_id(prefix: str, index: int) -> str:
    return f"{prefix}{index:012x}"


def sheet_body(prefix: str, index: int) -> dict:
    """A realistic participant sheet, visible to every screen."""
    cat = CATEGORIES[index % len(CATEGORIES)]
    return {
        "id": write_id(prefix, index),
        "kind": "offer" if index % 2 else "need",
        "category": cat,
        "title": f"Palettes bois et cartons de réemploi n°{index}",
        "description": ("Lot disponible chaque semaine au quai de chargement, à enlever sur place ; "
                        "conditionnement sur palettes Europe, contact à l'accueil de la structure."),
        "quantity": 12 + index % 40,
        "unit": UNITS[index % len(UNITS)],
        "visibility": "all",
    }


# ---------------------------------------------------------------------------
# Client processes: many AsyncClients on one asyncio loop each.

def client_main(conn, base: str, specs: list[dict], concurrency: int, priority: int = 0, kind: str = "light",
                behind: int = 0):
    own_session(priority, behind)
    die_with_parent(signal.SIGKILL)
    factory, loads, _ = screen_stack(kind)
    try:
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(_client_async(conn, base, specs, concurrency, "light" if kind == "light-stdlib" else kind,
                                     loads))
    except KeyboardInterrupt:
        pass


def screen_stack(kind: str):
    """``(event-loop factory or None, JSON decoder, name)`` the screens' processes run on, the same for both
    servers: uvloop and orjson (test requirements) when installed, else asyncio and the stdlib's json, which
    ``light-stdlib`` asks for, to compare. python-socketio's client decodes with its own json."""
    factory, loads = None, json.loads
    if kind != "light-stdlib":
        try:
            import uvloop

            factory = uvloop.new_event_loop
        except ImportError:
            pass
        if kind == "light":
            try:
                from orjson import loads
            except ImportError:
                pass
    decoder = "python-socketio" if kind == "python-socketio" else "orjson" if loads is not json.loads else "json"
    return factory, loads, ("uvloop" if factory else "asyncio") + " + " + decoder


def _mask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    k = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(k, "big")).to_bytes(n, "big")


class LightSocketIO(asyncio.Protocol):
    """A minimal Socket.IO 5 / Engine.IO 4 client over a plain RFC 6455 websocket.

    It speaks the real protocol to the real server (upgrade with the session
    cookie, Engine.IO open, Socket.IO CONNECT with ``auth``, answers pings,
    decodes every event's JSON), but costs a fraction of python-socketio's
    ``AsyncClient`` per message (which starts an asyncio task per message and
    one ``wait_for`` per frame): with 600 screens on 2 cores the clients'
    CPU would otherwise be measured as server latency. The arrival time is
    read when the bytes reach the process (``data_received``).
    """

    def __init__(self, k, auth, on_event, on_close, loads=json.loads):
        self.k, self.auth, self.on_event, self.on_close, self.loads = k, auth, on_event, on_close, loads
        self.buf = bytearray()
        self.upgraded = False
        self.fragments: list[bytes] | None = None
        self.transport = None
        self.closed = False
        self.connected = asyncio.get_running_loop().create_future()

    # -- asyncio.Protocol
    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        if not self.connected.done():
            self.connected.set_exception(ConnectionError(f"connection lost: {exc}"))
        if not self.closed:
            self.closed = True
            self.on_close()

    def data_received(self, data):
        t = monotonic()
        buf = self.buf
        buf += data
        if not self.upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end])
            del buf[:end + 4]
            if not head.startswith(b"HTTP/1.1 101"):
                return self._fail(head.split(b"\r\n", 1)[0].decode("latin-1"))
            self.upgraded = True
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            size, pos = b1 & 0x7F, 2
            if size == 126:
                if len(buf) < 4:
                    return
                size, pos = int.from_bytes(buf[2:4], "big"), 4
            elif size == 127:
                if len(buf) < 10:
                    return
                size, pos = int.from_bytes(buf[2:10], "big"), 10
            if b1 & 0x80:
                return self._fail("masked frame from the server")
            if len(buf) < pos + size:
                return
            payload = bytes(buf[pos:pos + size])
            del buf[:pos + size]
            op = b0 & 0x0F
            if op == 0 and self.fragments is not None:
                self.fragments.append(payload)
                if b0 & 0x80:
                    payload, op, self.fragments = b"".join(self.fragments), self.opcode, None
                else:
                    continue
            elif op in (1, 2) and not b0 & 0x80:
                self.fragments, self.opcode = [payload], op
                continue
            if op == 1:
                self._engineio(payload.decode("utf-8"), t)
            elif op == 8:
                self.close()
            elif op == 9:
                self._send_frame(0xA, payload)

    # -- protocol layers
    def _engineio(self, text: str, t: float):
        kind = text[:1]
        if kind == "4":  # message: a Socket.IO packet
            sio = text[1:]
            if sio[:1] == "2":  # EVENT on "/" (no ack id on broadcasts)
                data = self.loads(sio[sio.index("["):])
                self.on_event(self.k, data[0], data[1] if len(data) > 1 else None, t)
            elif sio[:1] == "0":
                if not self.connected.done():
                    self.connected.set_result(True)
            elif sio[:1] == "4":
                self._fail(f"connect refused: {sio[1:200]}")
            elif sio[:1] == "1":
                self.close()
        elif kind == "2":  # ping -> pong
            self.send_text("3" + text[1:])
        elif kind == "0":  # open -> Socket.IO CONNECT with auth
            self.send_text("40" + (json.dumps(self.auth) if self.auth else ""))
        elif kind == "1":
            self.close()

    def send_text(self, text: str):
        self._send_frame(0x1, text.encode("utf-8"))

    def _send_frame(self, op: int, payload: bytes):
        if self.closed or self.transport is None:
            return
        n = len(payload)
        if n < 126:
            head = bytes((0x80 | op, 0x80 | n))
        elif n < 65536:
            head = bytes((0x80 | op, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            head = bytes((0x80 | op, 0x80 | 127)) + n.to_bytes(8, "big")
        key = os.urandom(4)
        self.transport.write(head + key + _mask(payload, key))

    def _fail(self, why: str):
        if not self.connected.done():
            self.connected.set_exception(ConnectionError(why))
        self.close()

    def close(self):
        if self.transport is not None and not self.transport.is_closing():
            try:
                if self.upgraded:
                    self.send_text("41")
                    self._send_frame(0x8, b"\x03\xe8")
            finally:
                self.transport.close()


async def light_connect(base: str, spec: dict, on_event, on_close, timeout: float, loads=json.loads):
    host, port = base.split("//", 1)[1].rsplit(":", 1)
    loop = asyncio.get_running_loop()
    _, proto = await asyncio.wait_for(loop.create_connection(
        lambda: LightSocketIO(spec["k"], spec.get("auth"), on_event, on_close, loads), host, int(port)), timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    # (spec["query"]: the workshop and the screen's id, as the pages send them; nginx routes by them)
    lines = [f"GET /socket.io/?EIO=4&transport=websocket{spec.get('query', '')} HTTP/1.1", f"Host: {host}:{port}",
             "Upgrade: websocket",
             "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    lines += [f"{k}: {v}" for k, v in (spec.get("headers") or {}).items()]
    proto.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    try:
        await asyncio.wait_for(asyncio.shield(proto.connected), timeout)
    except BaseException:
        proto.close()
        raise
    return proto


async def _client_async(conn, base, specs, concurrency, kind, loads=json.loads):
    import logging

    for name in ("engineio.client", "socketio.client"):  # disconnects are counted, not logged
        logging.getLogger(name).setLevel(logging.CRITICAL)

    screens, idxs, times = array("i"), array("q"), array("d")
    lags = array("d")
    sizes: list[int] = []
    state = {"disconnected": 0, "measure_lag": False}
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def record(k, msg, t):
        try:
            i = int(msg["id"][-12:], 16)
        except (KeyError, TypeError, ValueError):
            i = -1
        screens.append(k)
        idxs.append(i)
        times.append(t)
        if not sizes:
            sizes.append(len(json.dumps(msg, ensure_ascii=False).encode()))

    def on_event(k, name, msg, t):  # light client
        if name == "change":  # one change per message (the bare server)
            record(k, msg, t)
        elif name == "changes":  # several changes per message, in seq order (the app)
            for one in msg["changes"]:
                record(k, one, t)

    def handler(k):  # python-socketio client
        def on_change(msg):
            record(k, msg, monotonic())
        return on_change

    def batch_handler(k):
        def on_changes(msg):
            t = monotonic()
            for one in msg["changes"]:
                record(k, one, t)
        return on_changes

    def on_disconnect(*_):
        state["disconnected"] += 1

    clients = []
    errors: list[str] = []
    sem = asyncio.Semaphore(concurrency)

    async def connect(spec):
        async with sem:
            try:
                if kind == "light":
                    clients.append(await light_connect(base, spec, on_event, on_disconnect, 30, loads))
                    return
                import socketio

                c = socketio.AsyncClient(reconnection=False, handle_sigint=False)
                c.on("change", handler(spec["k"]))
                c.on("changes", batch_handler(spec["k"]))
                c.on("disconnect", on_disconnect)
                await asyncio.wait_for(
                    c.connect(base, headers=spec.get("headers") or {}, auth=spec.get("auth"),
                              transports=["websocket"], wait_timeout=20), 30)
                clients.append(c)
            except Exception as exc:  # reported, never retried in a loop
                errors.append(f"{type(exc).__name__}: {exc}"[:200])

    t0 = monotonic()
    await asyncio.gather(*(connect(s) for s in specs))
    state["disconnected"] = 0

    async def lag_probe():
        while not stop.is_set():
            t = monotonic()
            await asyncio.sleep(0.005)
            if state["measure_lag"]:
                lags.append(monotonic() - t - 0.005)

    probe = asyncio.create_task(lag_probe())

    def on_command():
        while conn.poll():
            cmd = conn.recv()
            if cmd == "count":
                conn.send(("count", len(times), state["disconnected"]))
            elif cmd == "lag_on":
                del lags[:]
                state["measure_lag"] = True
                conn.send(("ok",))
            elif cmd == "collect":
                state["measure_lag"] = False
                conn.send(("data", screens.tobytes(), idxs.tobytes(), times.tobytes(), lags.tobytes(),
                           sizes[:1], state["disconnected"]))
                del screens[:], idxs[:], times[:], lags[:]
            elif cmd == "stop":
                stop.set()
                return

    loop.add_reader(conn.fileno(), on_command)
    os.set_blocking(conn.fileno(), True)  # uvloop made it non-blocking: a large "collect" answer must go whole
    conn.send(("ready", len(clients), errors[:5], len(errors), monotonic() - t0))
    try:
        await asyncio.wait_for(stop.wait(), 3600)
    except asyncio.TimeoutError:
        pass
    loop.remove_reader(conn.fileno())
    probe.cancel()

    async def bye(c):
        try:
            if kind == "light":
                c.close()
            else:
                await asyncio.wait_for(c.disconnect(), 5)
        except Exception:
            pass

    await asyncio.wait_for(asyncio.gather(*(bye(c) for c in clients), return_exceptions=True), 20)
    await asyncio.sleep(0.2)
    conn.send(("bye",))


class Clients:
    """The client processes of one target; each message to them is answered within a deadline."""

    def __init__(self, base: str, specs: list[dict], procs: int, concurrency: int = 25, priority: int = 0,
                 kind: str = "light", behind: int = 0):
        ctx = mp.get_context("spawn")
        self.procs, self.conns = [], []
        for j in range(procs):
            a, b = ctx.Pipe()
            p = ctx.Process(target=client_main, args=(b, base, specs[j::procs], concurrency, priority, kind,
                                                      behind), daemon=True)
            p.start()
            self.procs.append(p)
            self.conns.append(a)
        self.ps = [psutil.Process(p.pid) for p in self.procs]

    def _ask(self, cmd, timeout=30.0):
        for c in self.conns:
            c.send(cmd)
        return [self._recv(c, timeout) for c in self.conns]

    @staticmethod
    def _recv(c, timeout):
        if not c.poll(timeout):
            raise RuntimeError("a client process did not answer in time")
        return c.recv()

    def wait_ready(self, timeout=120.0):
        end = monotonic() + timeout
        out = []
        for c in self.conns:
            out.append(self._recv(c, max(0.1, end - monotonic())))
        connected = sum(m[1] for m in out)
        errors = [e for m in out for e in m[2]]
        n_errors = sum(m[3] for m in out)
        return connected, n_errors, errors, max(m[4] for m in out)

    def count(self):
        out = self._ask("count", 10)
        return sum(m[1] for m in out), sum(m[2] for m in out)

    def lag_on(self):
        self._ask("lag_on", 10)

    def collect(self):
        screens, idxs, times, lags = array("i"), array("q"), array("d"), array("d")
        sizes, disconnected = [], 0
        for m in self._ask("collect", 60):
            screens.frombytes(m[1])
            idxs.frombytes(m[2])
            times.frombytes(m[3])
            lags.frombytes(m[4])
            sizes += m[5]
            disconnected += m[6]
        return screens, idxs, times, lags, sizes, disconnected

    def cpu_seconds(self):
        return cpu_seconds_of(self.ps)

    def stop(self):
        for c in self.conns:
            try:
                c.send("stop")
            except (OSError, ValueError):
                pass
        end = monotonic() + 25
        for p in self.procs:
            p.join(max(0.1, end - monotonic()))
        for p in self.procs:
            if p.is_alive():
                p.terminate()
                p.join(5)
            if p.is_alive():
                p.kill()
                p.join(5)


# ---------------------------------------------------------------------------
# Servers under test.

def role_mix(n: int, facilitators: int) -> list[str]:
    fac = min(facilitators, max(0, n - 2))
    return ["projector"] + ["facilitator"] * fac + ["participant"] * (n - 1 - fac)


class AppTarget:
    name = "app"

    def __init__(self, tmp: Path, async_mode: str, priority: int = 0, demo_scale: int = 0, matcher: str = "process"):
        self.server = BenchServer(tmp / "app-data", async_mode=async_mode, extra_args=["--backup-every", "0"])
        self.server.priority = priority
        self.server.env = {"ATELIER_MATCHER": matcher}
        self.prefix = id_prefix()
        self.demo = prepare_demo(tmp / "app-data", demo_scale) if demo_scale else None

    def start(self):
        self.server.start(timeout=40)
        self.pid = self.server.proc.pid
        self.base = self.server.base
        return self

    def setup(self, roles: list[str]):
        srv = self.server
        ws, organiser = srv.new_workshop(name="Atelier de charge")
        wid = ws["workshop"]
        st = organiser.get(srv.url(f"/api/w/{wid}/state"))
        st.raise_for_status()
        token = st.json()["workshop"]["projector_token"]

        def cookie(session):
            return "; ".join(f"{c.name}={c.value}" for c in session.cookies)

        def make(k_role):
            k, role = k_role
            if role == "projector":
                s = requests.Session()
                s.get(srv.url(f"/w/{ws['code']}/wall"), params={"t": token}).raise_for_status()
            elif role == "facilitator":
                s, _ = srv.facilitator(ws, organiser, name=f"Animateur {k}", table_no=1 + k % 40)
            else:
                s, _ = srv.participant(ws, org_name=f"Structure {k:04d}", table_no=1 + k % 40, consent=True,
                                       commune="Saint-Nazaire")
            return {"k": k, "role": role, "headers": {"Cookie": cookie(s)}, "auth": {"workshop": wid}}

        with ThreadPoolExecutor(6) as ex:
            specs = list(ex.map(make, enumerate(roles)))
        self.post_url = srv.url(f"/api/w/{wid}/sheets")
        writers = [s["headers"] for s in specs if s["role"] == "participant"][:200]
        self.writer_headers = [{**h, "Content-Type": "application/json"} for h in writers]
        return specs

    def stop(self):
        self.server.stop()


def prepare_demo(data_dir: Path, scale: int) -> dict:
    """The demo workshop at ``scale`` in the app's data folder (built once, then copied from a cache in the
    temporary folder: it is deterministic, and building the 10x one takes minutes on a loaded machine)."""
    cache = Path(tempfile.gettempdir()) / f"atelier-bench-demo-x{scale}"
    info_path = cache / "demo.json"
    if not info_path.exists():
        print(f"  building the demo workshop x{scale} once (cached in {cache})", flush=True)
        shutil.rmtree(cache, ignore_errors=True)
        out = subprocess.run([sys.executable, "run.py", "demo", "--scale", str(scale), "--data-dir", str(cache),
                              "--json"], cwd=ROOT, capture_output=True, text=True, timeout=1800, check=True)
        info_path.write_text(out.stdout.strip().splitlines()[-1])
    info = json.loads(info_path.read_text())
    data_dir.mkdir(parents=True, exist_ok=True)
    for f in cache.glob("*.sqlite"):
        shutil.copy2(f, data_dir / f.name)
    return info


class ExportLoop(threading.Thread):
    """The organiser downloading documents of a workshop, one after the other, until stopped."""

    def __init__(self, base: str, demo: dict, formats=("pdf", "xlsx")):
        super().__init__(daemon=True)
        self.base, self.demo, self.formats = base, demo, formats
        self.done: list[dict] = []
        self.halt = threading.Event()

    def run(self):
        s = requests.Session()
        r = s.post(f"{self.base}/api/w/{self.demo['workshop']}/login/organiser",
                   json={"password": self.demo["organiser_password"]}, timeout=30)
        r.raise_for_status()
        while not self.halt.is_set():
            for fmt in self.formats:
                if self.halt.is_set():
                    break
                t = monotonic()
                try:
                    r = s.get(f"{self.base}/w/{self.demo['code']}/export/{fmt}", timeout=300)
                    self.done.append({"format": fmt, "status": r.status_code, "seconds": round(monotonic() - t, 2),
                                      "bytes": len(r.content), "seq": r.headers.get("X-Atelier-Seq")})
                except requests.RequestException as exc:
                    self.done.append({"format": fmt, "status": type(exc).__name__, "seconds": monotonic() - t})

    def stop(self):
        self.halt.set()
        self.join(300)


class BareTarget:
    name = "bare"

    def __init__(self, tmp: Path, async_mode: str, nodelay: bool = False, priority: int = 0):
        self.tmp, self.async_mode, self.nodelay, self.priority = tmp, async_mode, nodelay, priority
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = None
        self.prefix = id_prefix()

    def start(self):
        self.log = open(self.tmp / "bare.log", "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.benchmarks.bare_server", "--port", str(self.port),
             "--async-mode", self.async_mode, "--db", str(self.tmp / "bare.sqlite"),
             *(["--nodelay"] if self.nodelay else [])],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True, preexec_fn=server_preexec)
        self.pid = self.proc.pid
        set_group_nice(self.pid, self.priority)
        end = monotonic() + 30
        while monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("bare server exited: " + (self.tmp / "bare.log").read_text()[-2000:])
            try:
                if requests.get(self.base + "/health", timeout=1).status_code == 204:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("bare server did not start")

    def setup(self, roles: list[str]):
        self.post_url = self.base + "/write"
        self.writer_headers = [{"Content-Type": "application/json"}]
        return [{"k": k, "role": r, "headers": None, "auth": None} for k, r in enumerate(roles)]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if getattr(self, "log", None):
            self.log.close()


# ---------------------------------------------------------------------------
# One load phase: steady open-loop writes, then drain, then the figures.

class RssWatch(threading.Thread):
    """Peak RSS of the server process, and of its worker processes (the matcher, exports) together."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.workers_peak, self._stop = pid, 0, 0, threading.Event()

    def run(self):
        try:
            p = psutil.Process(self.pid)
            while not self._stop.wait(0.25):
                self.peak = max(self.peak, p.memory_info().rss)
                self.workers_peak = max(self.workers_peak, sum(_rss(c) for c in p.children(recursive=True)))
        except psutil.Error:
            pass

    def stop(self):
        self._stop.set()


def _rss(proc) -> int:
    try:
        return proc.memory_info().rss
    except psutil.Error:
        return 0


def workers_cpu_seconds(pid) -> float:
    """CPU seconds of a server's live worker processes (its children: the matcher, the export worker)."""
    try:
        return cpu_seconds_of(psutil.Process(pid).children(recursive=True))
    except psutil.Error:
        return 0.0


def cpu_seconds_of(procs) -> float:
    """User + system CPU seconds of these processes (those gone meanwhile count for nothing)."""
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            pass
    return total


def busy_seconds() -> float:
    """CPU seconds used by the whole machine (all cores), to see other load."""
    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "guest", 0.0) - getattr(t, "guest_nice", 0.0)


def cpu_pressure_us() -> int:
    """Linux PSI: microseconds during which some runnable task waited for a CPU (0 if unavailable)."""
    try:
        for line in Path("/proc/pressure/cpu").read_text().splitlines():
            if line.startswith("some"):
                return int(line.rsplit("total=", 1)[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def self_seconds() -> float:
    t = psutil.Process().cpu_times()
    return t.user + t.system


def vm_hwm(pid) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class HttpPool:
    """A small keep-alive HTTP/1.1 client on asyncio streams, for the writer (no extra dependency)."""

    def __init__(self, base: str):
        host, port = base.split("//", 1)[1].rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.idle: list = []

    async def post(self, path: str, body: bytes, headers: dict, timeout: float) -> int:
        return await asyncio.wait_for(self._post(path, body, headers), timeout)

    async def _post(self, path, body, headers):
        conn = self.idle.pop() if self.idle else await asyncio.open_connection(self.host, self.port)
        reader, writer = conn
        ok = False
        try:
            head = [f"POST {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
            head += [f"{k}: {v}" for k, v in headers.items()]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
            status_line = await reader.readline()
            status = int(status_line.split(b" ", 2)[1])
            length, close = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value.strip())
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            if length:
                await reader.readexactly(length)
            ok = not close
            return status
        finally:
            if ok:
                self.idle.append(conn)
            else:
                writer.close()

    def close(self):
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def write_phase(target, rate: float, n_total: int, n_warm: int, idx_base: int, max_inflight: int,
                      hard_deadline: float, marks: dict, on_warm_end):
    submit = [0.0] * n_total
    ack = [0.0] * n_total
    status: list = [None] * n_total
    sem = asyncio.Semaphore(max_inflight)
    pool = HttpPool(target.base)
    path = target.post_url.split(target.base, 1)[1]

    async def one(i):
        try:
            data = json.dumps(sheet_body(target.prefix, idx_base + i), ensure_ascii=False).encode()
            headers = target.writer_headers[(idx_base + i) % len(target.writer_headers)]
            submit[i] = monotonic()
            status[i] = await pool.post(path, data, headers, timeout=10)
            ack[i] = monotonic()
        except Exception as exc:
            status[i] = f"{type(exc).__name__}"
        finally:
            sem.release()

    tasks = []
    t0 = monotonic() + 0.05
    late = 0.0
    try:
        for i in range(n_total):
            if i == n_warm:
                on_warm_end()
            due = t0 + i / rate
            delay = due - monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            if monotonic() > hard_deadline:
                break
            try:
                await asyncio.wait_for(sem.acquire(), max(0.01, hard_deadline - monotonic()))
            except asyncio.TimeoutError:
                break
            late = max(late, monotonic() - due)
            tasks.append(asyncio.create_task(one(i)))
        marks["submitted"] = len(tasks)
        marks["max_schedule_lag_s"] = late
        if tasks:
            await asyncio.wait(tasks, timeout=12)
    finally:
        for t in tasks:
            t.cancel()
        pool.close()
    return submit, ack, status


def pct(sorted_vals, p):
    if not sorted_vals:
        return None
    k = min(len(sorted_vals) - 1, max(0, math.ceil(p / 100.0 * len(sorted_vals)) - 1))
    return sorted_vals[k]


def run_load(target, clients: Clients, n_screens: int, rate: float, seconds: float, warmup: float,
             drain_timeout: float, idx_base: int, max_inflight: int = 64, dump: str | None = None) -> dict:
    n_warm = int(round(rate * warmup))
    n_total = n_warm + max(1, int(round(rate * seconds)))
    clients.collect()  # start from empty buffers
    srv = getattr(target, "cpu_source", None) or psutil.Process(target.pid)  # several processes: their sum
    marks: dict = {}
    rss = RssWatch(target.pid)
    rss.start()

    def on_warm_end():
        t = srv.cpu_times()
        marks["cpu0"] = t.user + t.system
        marks["wcpu0"] = workers_cpu_seconds(target.pid)
        marks["ccpu0"] = clients.cpu_seconds()
        marks["sys0"] = busy_seconds()
        marks["self0"] = self_seconds()
        marks["psi0"] = cpu_pressure_us()
        marks["w0"] = monotonic()
        clients.lag_on()

    if n_warm == 0:
        on_warm_end()
    hard_deadline = monotonic() + warmup + seconds + 5
    submit, ack, status = asyncio.run(write_phase(target, rate, n_total, n_warm, idx_base, max_inflight,
                                                  hard_deadline, marks, on_warm_end))
    if "w0" not in marks:
        on_warm_end()
    acked = [i for i in range(n_total) if status[i] == 200]
    expected_all = len(acked) * n_screens
    end = monotonic() + drain_timeout
    got, disc = clients.count()
    while got < expected_all and monotonic() < end:
        time.sleep(0.05)
        got, disc = clients.count()
    w1 = monotonic()
    t = srv.cpu_times()
    cpu1, ccpu1 = t.user + t.system, clients.cpu_seconds()
    wcpu = workers_cpu_seconds(target.pid) - marks["wcpu0"]
    sys1, self1, psi1 = busy_seconds(), self_seconds(), cpu_pressure_us()
    rss.stop()
    screens, idxs, times, lags, sizes, disconnected = clients.collect()

    measured = set(i for i in acked if i >= n_warm)
    lat, per_write_first, per_write_last = [], {}, {}
    seen = set()
    dup = 0
    stray = 0
    for s, ix, ta in zip(screens, idxs, times):
        i = ix - idx_base
        if i not in measured:
            if not (0 <= i < n_total):
                stray += 1
            continue
        key = (s, i)
        if key in seen:
            dup += 1
            continue
        seen.add(key)
        d = ta - submit[i]
        lat.append(d)
        if d < per_write_first.get(i, 1e9):
            per_write_first[i] = d
        if d > per_write_last.get(i, -1.0):
            per_write_last[i] = d
    counts: dict[int, int] = {}
    for _, i in seen:
        counts[i] = counts.get(i, 0) + 1
    complete = [per_write_last[i] for i in measured if counts.get(i) == n_screens]
    lat.sort()
    complete.sort()
    firsts = sorted(per_write_first.values())
    http = sorted(ack[i] - submit[i] for i in measured)
    expected = len(measured) * n_screens
    lost = expected - len(seen)
    w0 = marks["w0"]
    ms = lambda v: None if v is None else round(v * 1000, 2)  # noqa: E731
    m_sub = [submit[i] for i in measured]
    m_ack = [ack[i] for i in measured]
    span = (max(m_ack) - min(m_sub)) if measured else 0.0
    arrival_span = (max(times) - min(m_sub)) if measured and len(times) else 0.0
    lags = sorted(lags)
    errors: dict[str, int] = {}
    for i in range(n_warm, n_total):
        if status[i] != 200:
            errors[str(status[i])] = errors.get(str(status[i]), 0) + 1
    if dump:
        with open(dump, "a") as fh:
            for i in sorted(measured):
                fh.write(json.dumps({"target": target.name, "rate": rate, "index": idx_base + i, "submit": submit[i],
                                     "ack": ack[i], "first": per_write_first.get(i), "last": per_write_last.get(i),
                                     "screens": counts.get(i, 0)}) + "\n")
    return {
        "target": target.name, "rate": rate, "writes_offered": n_total - n_warm, "writes_acked": len(measured),
        "http_errors": sum(errors.values()), "http_error_kinds": errors,
        "p50_ms": ms(pct(lat, 50)), "p95_ms": ms(pct(lat, 95)), "p99_ms": ms(pct(lat, 99)),
        "max_ms": ms(lat[-1] if lat else None),
        "all_screens_p50_ms": ms(pct(complete, 50)), "all_screens_p95_ms": ms(pct(complete, 95)),
        "first_screen_p50_ms": ms(pct(firsts, 50)), "first_screen_p95_ms": ms(pct(firsts, 95)),
        "http_p50_ms": ms(pct(http, 50)), "http_p95_ms": ms(pct(http, 95)),
        "writes_per_s": round(len(measured) / span, 2) if span > 0 else 0.0,
        "deliveries": len(seen), "deliveries_expected": expected,
        "deliveries_per_s": round(len(seen) / arrival_span, 1) if arrival_span > 0 else 0.0,
        "lost": lost, "duplicates": dup, "stray": stray, "disconnected": max(disconnected, disc),
        "cpu_percent": round(100.0 * (cpu1 - marks["cpu0"]) / (w1 - w0), 1) if w1 > w0 else None,
        "cpu_ms_per_write": round(1000.0 * (cpu1 - marks["cpu0"]) / len(measured), 2) if measured else None,
        "client_cpu_percent": round(100.0 * (ccpu1 - marks["ccpu0"]) / (w1 - w0), 1) if w1 > w0 else None,
        "workers_cpu_percent": round(100.0 * wcpu / (w1 - w0), 1) if w1 > w0 else None,
        "workers_cpu_ms_per_write": round(1000.0 * wcpu / len(measured), 2) if measured else None,
        "other_cpu_percent": round(100.0 * ((sys1 - marks["sys0"]) - (cpu1 - marks["cpu0"]) - (ccpu1 - marks["ccpu0"])
                                            - wcpu - (self1 - marks["self0"])) / (w1 - w0), 1) if w1 > w0 else None,
        "cpu_pressure_percent": round((psi1 - marks["psi0"]) / 1e4 / (w1 - w0), 1) if w1 > w0 else None,
        "client_lag_p95_ms": ms(pct(lags, 95)), "client_lag_max_ms": ms(lags[-1] if lags else None),
        "rss_mb": round(max(rss.peak, vm_hwm(target.pid)) / 2 ** 20, 1),
        "workers_rss_mb": round(rss.workers_peak / 2 ** 20, 1),
        "message_bytes": sizes[0] if sizes else None,
        "schedule_lag_max_ms": ms(marks.get("max_schedule_lag_s")),
        "window_s": round(w1 - w0, 2),
    }


# ---------------------------------------------------------------------------
# Orchestration.

def bring_up(kind, tmp: Path, args, roles, procs):
    """Start one server, its screens and their client processes; returns (target, clients, info)."""
    if kind == "app":
        target = AppTarget(tmp / kind, args.async_mode, priority=args.priority,
                           demo_scale=args.export_scale if getattr(args, "export_during", False) else 0,
                           matcher=getattr(args, "matcher", "process"))
    else:
        target = BareTarget(tmp / kind, args.async_mode, nodelay=args.bare_nodelay, priority=args.priority)
    (tmp / kind).mkdir(parents=True, exist_ok=True)
    target.start()
    t = monotonic()
    specs = target.setup(roles)
    setup_s = monotonic() - t
    clients = Clients(target.base, specs, procs, priority=args.priority, kind=args.client,
                      behind=getattr(args, "screens_behind", 0))
    connected, n_err, errors, connect_s = clients.wait_ready(timeout=150)
    info = {"setup_s": round(setup_s, 1), "connect_s": round(connect_s, 1), "connected": connected,
            "connect_errors": n_err}
    if connected < len(roles):
        info["connect_error_samples"] = errors
    print(f"  {kind}: server pid {target.pid}; setup {setup_s:.1f} s; {connected}/{len(roles)} screens "
          f"connected in {connect_s:.1f} s" + (f"; {n_err} failed: {errors[:2]}" if n_err else ""), flush=True)
    return target, clients, info


def tear_down(target, clients):
    if clients is not None:
        try:
            clients.stop()
        except Exception as exc:  # keep going: the server must stop too
            print(f"  (client stop: {exc})", file=sys.stderr)
    if target is not None:
        target.stop()


def fmt(v, nd=1):
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    return str(v)


def ratio(a, b):
    if a is None or b in (None, 0):
        return None
    return round(a / b, 2)


ROWS = [
    ("latency p50 (ms)", "p50_ms"), ("latency p95 (ms)", "p95_ms"), ("latency p99 (ms)", "p99_ms"),
    ("latency max (ms)", "max_ms"), ("on all screens p95 (ms)", "all_screens_p95_ms"),
    ("first screen p50 (ms)", "first_screen_p50_ms"), ("HTTP ack p50 (ms)", "http_p50_ms"),
    ("HTTP ack p95 (ms)", "http_p95_ms"), ("writes/s acknowledged", "writes_per_s"),
    ("deliveries/s", "deliveries_per_s"), ("deliveries received", "deliveries"),
    ("missing deliveries", "lost"), ("duplicate deliveries", "duplicates"), ("HTTP errors", "http_errors"),
    ("disconnects", "disconnected"), ("server CPU (% of a core)", "cpu_percent"),
    ("server CPU ms per write", "cpu_ms_per_write"), ("server peak RSS (MB)", "rss_mb"),
    ("worker processes CPU (%)", "workers_cpu_percent"), ("workers CPU ms per write", "workers_cpu_ms_per_write"),
    ("workers peak RSS (MB)", "workers_rss_mb"),
    ("clients CPU (% of a core)", "client_cpu_percent"), ("other processes CPU (%)", "other_cpu_percent"),
    ("CPU pressure (% of time)", "cpu_pressure_percent"), ("client loop lag p95 (ms)", "client_lag_p95_ms"),
    ("message size (bytes)", "message_bytes"),
]


def print_table(app: dict, bare: dict):
    print(f"  {'':28}{'app':>11}{'bare':>11}{'app/bare':>10}")
    for label, key in ROWS:
        a, b = app.get(key), bare.get(key)
        r = ratio(a, b) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and key not in (
            "lost", "duplicates", "http_errors", "disconnected") else None
        print(f"  {label:28}{fmt(a):>11}{fmt(b):>11}{fmt(r, 2) if r is not None else '':>10}")


def check_targets(n_screens, app, bare, rss_mb, sat_ratio=None):
    out = {}
    r = ratio(app["p95_ms"], bare["p95_ms"]) if bare else None
    if n_screens <= 72:
        out["p95_le_15ms_at_72"] = app["p95_ms"] is not None and app["p95_ms"] <= TARGETS["p95_72_ms"]
        out["p95_le_bare_at_72"] = r is not None and r <= TARGETS["ratio_p95_72"]
    if n_screens >= 600 and app["rate"] <= 50:
        out["p95_le_0.8x_bare"] = r is not None and r <= TARGETS["ratio_p95_600"]
    if n_screens >= 600 and app["rate"] >= 100:
        out["p95_le_250ms"] = app["p95_ms"] is not None and app["p95_ms"] <= TARGETS["p95_600_fast_ms"]
    if n_screens >= 600:
        out["rss_le_150mb"] = rss_mb <= TARGETS["rss_600_mb"]
    if sat_ratio is not None:
        out["saturation_ge_2x_bare"] = sat_ratio >= TARGETS["ratio_saturation"]
    out["every_write_on_every_screen"] = app["lost"] == 0 and app["http_errors"] == 0
    return out


def steady(args, tmp, roles, procs):
    results, infos, exports = {}, {}, []
    for kind in ("app", "bare"):
        target = clients = None
        try:
            target, clients, infos[kind] = bring_up(kind, tmp, args, roles, procs)
            res = run_load(target, clients, infos[kind]["connected"], args.rate, args.seconds, args.warmup,
                           drain_timeout=8, idx_base=0, dump=args.dump)
            results[kind] = res
            print(f"  {kind}: p50 {fmt(res['p50_ms'])} ms, p95 {fmt(res['p95_ms'])} ms, p99 {fmt(res['p99_ms'])} ms,"
                  f" {res['writes_per_s']} writes/s, {res['deliveries_per_s']} deliveries/s, "
                  f"{res['lost']} missing, CPU {res['cpu_percent']} %, RSS {res['rss_mb']} MB", flush=True)
            if kind == "app" and args.export_during:
                loop = ExportLoop(target.base, target.demo)
                loop.start()
                time.sleep(1.0)  # the first download is under way
                n_first = int(round(args.rate * args.warmup)) + max(1, int(round(args.rate * args.seconds))) + 1
                try:
                    res = run_load(target, clients, infos[kind]["connected"], args.rate, args.seconds, args.warmup,
                                   drain_timeout=8, idx_base=n_first, dump=args.dump)
                finally:
                    loop.stop()
                exports = loop.done
                results["app_export"] = res
                ok = [e for e in exports if e["status"] == 200]
                print(f"  app while exporting: p50 {fmt(res['p50_ms'])} ms, p95 {fmt(res['p95_ms'])} ms, "
                      f"p99 {fmt(res['p99_ms'])} ms, {res['lost']} missing, CPU {res['cpu_percent']} %; "
                      f"{len(ok)}/{len(exports)} downloads " + ", ".join(
                          f"{e['format']} {e['seconds']} s" for e in exports[:6]), flush=True)
        finally:
            tear_down(target, clients)
    app, bare = results["app"], results["bare"]
    print()
    print(f"Results: {len(roles)} screens, {args.rate:g} writes/s for {args.seconds:g} s, async mode "
          f"{args.async_mode}, {procs} client processes")
    print_table(app, bare)
    summary = {
        "mode": "steady", "screens": len(roles), "rate": args.rate, "seconds": args.seconds,
        "async_mode": args.async_mode, "client_processes": procs,
        "p50_ms": app["p50_ms"], "p95_ms": app["p95_ms"], "p99_ms": app["p99_ms"], "max_ms": app["max_ms"],
        "all_screens_p95_ms": app["all_screens_p95_ms"], "first_screen_p50_ms": app["first_screen_p50_ms"],
        "http_p95_ms": app["http_p95_ms"],
        "writes_per_s": app["writes_per_s"], "deliveries_per_s": app["deliveries_per_s"], "lost": app["lost"],
        "duplicates": app["duplicates"], "http_errors": app["http_errors"],
        "cpu_percent": app["cpu_percent"], "cpu_ms_per_write": app["cpu_ms_per_write"], "rss_mb": app["rss_mb"],
        "matcher": args.matcher, "workers_cpu_ms_per_write": app["workers_cpu_ms_per_write"],
        "workers_rss_mb": app["workers_rss_mb"],
        "client_cpu_percent": app["client_cpu_percent"], "client_lag_p95_ms": app["client_lag_p95_ms"],
        "bare_p50_ms": bare["p50_ms"], "bare_p95_ms": bare["p95_ms"], "bare_p99_ms": bare["p99_ms"],
        "bare_writes_per_s": bare["writes_per_s"], "bare_deliveries_per_s": bare["deliveries_per_s"],
        "bare_lost": bare["lost"], "bare_cpu_percent": bare["cpu_percent"],
        "bare_cpu_ms_per_write": bare["cpu_ms_per_write"], "bare_rss_mb": bare["rss_mb"],
        "bare_client_lag_p95_ms": bare["client_lag_p95_ms"],
        "ratio_p50": ratio(app["p50_ms"], bare["p50_ms"]), "ratio_p95": ratio(app["p95_ms"], bare["p95_ms"]),
        "ratio_throughput": ratio(app["writes_per_s"], bare["writes_per_s"]),
        "ratio_cpu_per_write": ratio(app["cpu_ms_per_write"], bare["cpu_ms_per_write"]),
        "setup": infos,
    }
    summary["other_cpu_percent"] = app["other_cpu_percent"]
    summary["bare_other_cpu_percent"] = bare["other_cpu_percent"]
    summary["targets_met"] = check_targets(len(roles), app, bare, app["rss_mb"])
    if "app_export" in results:
        ex = results["app_export"]
        print(f"  with exports running:       p50 {fmt(ex['p50_ms'])} / p95 {fmt(ex['p95_ms'])} / p99 "
              f"{fmt(ex['p99_ms'])} ms, {ex['lost']} missing (same run without exports: p95 {fmt(app['p95_ms'])} ms)")
        summary.update({
            "export_p50_ms": ex["p50_ms"], "export_p95_ms": ex["p95_ms"], "export_p99_ms": ex["p99_ms"],
            "export_lost": ex["lost"], "export_http_errors": ex["http_errors"], "export_cpu_percent": ex["cpu_percent"],
            "export_rss_mb": ex["rss_mb"], "ratio_export_p95": ratio(ex["p95_ms"], app["p95_ms"]),
            "downloads": exports, "export_scale": args.export_scale,
        })
        r = summary["ratio_export_p95"]
        summary["targets_met"]["export_p95_within_1.3x"] = r is not None and r <= TARGETS["ratio_export_during"]
        summary["targets_met"]["every_write_on_every_screen_while_exporting"] = ex["lost"] == 0 and not ex["http_errors"]
        summary["targets_met"]["downloads_ok"] = bool(exports) and all(e["status"] == 200 for e in exports)
    busy = max(app["other_cpu_percent"] or 0, bare["other_cpu_percent"] or 0)
    if busy > 15:
        print(f"WARNING: other processes used up to {busy:.0f} % of a core during the measurement: "
              "the machine was not quiet, the figures are pessimistic.")
    return summary


def passes(res, rate):
    return (res["lost"] == 0 and res["http_errors"] == 0 and res["disconnected"] == 0
            and res["p95_ms"] is not None and res["p95_ms"] <= P95_LIMIT_MS and res["writes_per_s"] >= 0.9 * rate)


def find_limit(args, tmp, roles, procs, started):
    ladder = [float(r) for r in args.rates.split(",")] if args.rates else list(DEFAULT_LADDER)
    warm = 1.0
    step = max(2.0, args.step_seconds - warm)
    out = {}
    for n, kind in enumerate(("app", "bare")):
        # Each target gets half of what is left of the budget.
        deadline = started + args.budget * (0.5 if kind == "app" else 1.0)
        target = clients = None
        steps, best, best_res, first_fail, note = [], None, None, None, ""
        try:
            target, clients, _info = bring_up(kind, tmp, args, roles, procs)
            n_screens = _info["connected"]
            idx_base = 0

            def one(rate):
                nonlocal idx_base
                res = run_load(target, clients, n_screens, rate, step, warm, drain_timeout=4, idx_base=idx_base,
                               dump=args.dump)
                idx_base += int(round(rate * warm)) + max(1, int(round(rate * step))) + 1
                ok = passes(res, rate)
                steps.append({k: res[k] for k in ("rate", "p50_ms", "p95_ms", "p99_ms", "writes_per_s",
                                                  "deliveries_per_s", "lost", "http_errors", "disconnected",
                                                  "cpu_percent", "rss_mb", "client_lag_p95_ms")} | {"pass": ok})
                print(f"  {kind} @ {rate:g}/s: p95 {fmt(res['p95_ms'])} ms, {res['writes_per_s']} writes/s, "
                      f"{res['lost']} missing, CPU {res['cpu_percent']} % -> {'pass' if ok else 'FAIL'}", flush=True)
                return ok, res

            for rate in ladder:
                if monotonic() + warm + step + 8 > deadline:
                    note = "time budget reached"
                    break
                ok, res = one(rate)
                if not ok:
                    first_fail = rate
                    break
                best, best_res = rate, res
            if first_fail and best and monotonic() + warm + step + 20 < deadline:
                # Let the failed step's backlog drain, then one bisection step.
                end = monotonic() + 10
                while monotonic() < end:
                    got, disc = clients.count()
                    if disc:
                        break
                    time.sleep(0.5)
                    if clients.count()[0] == got:
                        break
                mid = round((best + first_fail) / 2)
                if best < mid < first_fail:
                    ok, res = one(mid)
                    if ok:
                        best, best_res = mid, res
        finally:
            tear_down(target, clients)
        out[kind] = {"limit": best or 0.0, "first_fail": first_fail, "steps": steps, "note": note,
                     "at_limit": best_res}
    app, bare = out["app"], out["bare"]
    sat = ratio(app["limit"], bare["limit"])
    print()
    print(f"Saturation (every screen gets every write, p95 <= {P95_LIMIT_MS:g} ms): {len(roles)} screens, "
          f"async mode {args.async_mode}")
    for kind in ("app", "bare"):
        o = out[kind]
        more = f" (first failing rate {o['first_fail']:g}/s)" if o["first_fail"] else f" ({o['note'] or 'ladder end'})"
        print(f"  {kind:5} {o['limit']:g} writes/s{more}")
    print(f"  app/bare: {fmt(sat, 2)}")
    a = app["at_limit"] or {}
    b = bare["at_limit"] or {}
    summary = {
        "mode": "find-limit", "screens": len(roles), "async_mode": args.async_mode, "client_processes": procs,
        "limit_writes_per_s": app["limit"], "bare_limit_writes_per_s": bare["limit"], "ratio_saturation": sat,
        "first_fail": app["first_fail"], "bare_first_fail": bare["first_fail"],
        # figures of the highest passing step of each
        "p50_ms": a.get("p50_ms"), "p95_ms": a.get("p95_ms"), "p99_ms": a.get("p99_ms"),
        "writes_per_s": a.get("writes_per_s"), "rss_mb": max([s["rss_mb"] for s in app["steps"]] or [0]),
        "cpu_percent": a.get("cpu_percent"),
        "bare_p95_ms": b.get("p95_ms"), "bare_writes_per_s": b.get("writes_per_s"),
        "bare_rss_mb": max([s["rss_mb"] for s in bare["steps"]] or [0]),
        "ratio_p95": ratio(a.get("p95_ms"), b.get("p95_ms")) if app["limit"] == bare["limit"] else None,
        "ratio_throughput": sat,
        "steps": {"app": app["steps"], "bare": bare["steps"]},
    }
    summary["targets_met"] = {"saturation_ge_2x_bare": sat is not None and sat >= TARGETS["ratio_saturation"]}
    return summary


def parse(argv=None):
    p = argparse.ArgumentParser(prog="python -m tests.benchmarks.live",
                                description="Live-loop load benchmark: the app against a bare python-socketio "
                                            "server, same clients, same load, 127.0.0.1 only.")
    p.add_argument("--screens", type=int, default=600, help="connected screens (default 600; the real event: 72)")
    p.add_argument("--rate", type=float, default=20.0, help="writes per second (default 20)")
    p.add_argument("--seconds", type=float, default=30.0, help="measured seconds of writes (default 30)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of writes before measuring (default 2)")
    p.add_argument("--async-mode", default="gevent", choices=["gevent", "threading"])
    p.add_argument("--facilitators", type=int, default=12, help="facilitator screens (default 12)")
    p.add_argument("--client-procs", type=int, default=None,
                   help="client processes (default: 2 up to 150 screens, then one per 150, at most 4)")
    p.add_argument("--client", default="light", choices=["light", "light-stdlib", "python-socketio"],
                   help="screen client: a minimal Socket.IO client on uvloop with orjson (default; asyncio and json "
                        "if they are missing), the same on asyncio and the stdlib's json (light-stdlib), or "
                        "python-socketio's AsyncClient (needs aiohttp; 2-3x the CPU per message)")
    p.add_argument("--find-limit", action="store_true", help="raise the rate step by step to the saturation point")
    p.add_argument("--rates", default=None, help="--find-limit ladder, e.g. 10,20,40 (default %s)"
                   % ",".join(str(r) for r in DEFAULT_LADDER))
    p.add_argument("--step-seconds", type=float, default=7.0, help="--find-limit step length (default 7)")
    p.add_argument("--budget", type=float, default=170.0, help="--find-limit time budget in seconds (default 170)")
    p.add_argument("--bare-nodelay", action="store_true",
                   help="give the bare server TCP_NODELAY (compare with an app that sets it)")
    p.add_argument("--priority", type=int, default=0, metavar="N",
                   help="nice -N for the servers, clients and writer (root; only on a machine shared with other "
                        "work, which it slows down; default 0)")
    p.add_argument("--export-during", action="store_true",
                   help="app only: the same run again while the organiser downloads the book and the XLSX of the "
                        "demo workshop (see --export-scale) in a loop; p95 compared with the run without")
    p.add_argument("--export-scale", type=int, default=10, help="--export-during: demo scale (default 10)")
    p.add_argument("--processes", default=None, metavar="N[,N…]",
                   help="hosted mode: N app processes behind nginx on Redis (e.g. 1,2,3), against the single "
                        "process without them (see tests/benchmarks/live_hosted.py)")
    p.add_argument("--screens-behind", type=int, default=0, metavar="K",
                   help="the screens' client processes run at nice K above the servers, app and bare alike: at a "
                        "real event the phones are other devices, not competing for the laptop's two cores "
                        "(a diagnostic beside the standard run, which shares the cores evenly; default 0)")
    p.add_argument("--matcher", default="process", choices=["process", "inline"],
                   help="where the app runs its suggestion matcher: its own worker process (default, as served) "
                        "or inline in the server's process (as before; to compare)")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (server logs)")
    p.add_argument("--dump", default=None, help="append one JSON line per measured write (submit, ack, first and "
                                                "last arrival, monotonic seconds) to this file")
    a = p.parse_args(argv)
    if not 2 <= a.screens <= 2000:
        p.error("--screens must be between 2 and 2000")
    if not 0.5 <= a.rate <= 2000 or not 1 <= a.seconds <= 600 or not 0 <= a.warmup <= 30:
        p.error("--rate, --seconds or --warmup out of range")
    return a


def _stop_on_sigterm(_sig, _frame):
    raise KeyboardInterrupt("SIGTERM")


def main(argv=None) -> int:
    args = parse(argv)
    rc = detach(args.priority)
    if rc is not None:
        return rc
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # so that the finally blocks stop servers and clients
    if args.client == "python-socketio":
        try:
            import aiohttp  # noqa: F401
        except ImportError:
            print("--client python-socketio needs aiohttp (python-socketio's AsyncClient uses it for websockets): "
                  "pip install aiohttp", file=sys.stderr)
            return 2
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    procs = args.client_procs or max(2, min(4, math.ceil(args.screens / 150)))
    roles = role_mix(args.screens, args.facilitators)
    started = monotonic()
    load0 = round(os.getloadavg()[0], 2)
    tmp = Path(tempfile.mkdtemp(prefix="bench-live-"))
    print(f"Live-loop benchmark: {len(roles)} screens ({roles.count('participant')} participants, "
          f"{roles.count('facilitator')} facilitators, {roles.count('projector')} projector), async mode "
          f"{args.async_mode}, {procs} client processes ({screen_stack(args.client)[2]}), {psutil.cpu_count()} CPUs", flush=True)
    if not args.find_limit and not args.processes:
        print(f"Load: {args.rate:g} sheet writes/s for {args.seconds:g} s after {args.warmup:g} s of warm-up; "
              "app first, then the bare server", flush=True)
    try:
        if args.processes:
            from .live_hosted import hosted

            summary = hosted(args, tmp, roles, procs)
        else:
            summary = find_limit(args, tmp, roles, procs, started) if args.find_limit else steady(args, tmp, roles,
                                                                                                   procs)
    finally:
        if args.keep:
            print(f"(logs kept in {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    summary["elapsed_s"] = round(monotonic() - started, 1)
    summary["client_stack"] = screen_stack(args.client)[2]
    summary["load_avg_1m_at_start"] = load0
    print("Targets: " + ", ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in summary["targets_met"].items()))
    print(f"(took {summary['elapsed_s']} s)")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
