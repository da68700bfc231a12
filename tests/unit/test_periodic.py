"""The one background-loop helper (app/periodic.py): it runs, survives an exception, stops at once,
and under a gevent server it is a greenlet on the server's own thread."""
from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import time

import pytest

from app import periodic, realtime
from tests.live import ROOT, until


@pytest.fixture
def no_server(monkeypatch):
    monkeypatch.setattr(realtime.socketio, "server", None)  # a command or a test: a plain daemon thread


def test_a_loop_runs_again_and_again_and_an_exception_does_not_end_it(no_server, caplog):
    calls = []

    def work():
        calls.append(time.monotonic())
        if len(calls) == 2:
            raise RuntimeError("disque plein")

    with caplog.at_level(logging.ERROR, logger="atelier"):
        loop = periodic.every("essai", 0.02, work)
        try:
            assert until(lambda: len(calls) >= 5), calls
        finally:
            loop.stop()
    assert loop.join(3) and not loop.alive
    assert loop.runs >= 5
    failed = [r for r in caplog.records if "background task essai" in r.getMessage()]
    assert len(failed) == 1 and failed[0].exc_info[1].args == ("disque plein",)
    done = len(calls)
    time.sleep(0.1)
    assert len(calls) == done, "nothing runs after stop()"


def test_the_first_run_waits_for_after_then_every(no_server):
    calls = []
    start = time.monotonic()
    loop = periodic.every("lent", 0.3, lambda: calls.append(time.monotonic() - start), after=0.0)
    try:
        assert until(lambda: len(calls) >= 2)
    finally:
        loop.stop()
    assert calls[0] < 0.25, "the first call at once"
    assert calls[1] - calls[0] >= 0.29, "then every 0.3 s"


def test_stop_ends_a_long_wait_within_a_second(no_server):
    loop = periodic.every("rare", 3600, lambda: None)
    time.sleep(0.05)
    t0 = time.monotonic()
    loop.stop()
    assert loop.join(3), "stopped in the middle of an hour's wait"
    assert time.monotonic() - t0 < periodic.STEP + 0.5
    assert loop.runs == 0


def test_once_runs_once_after_its_delay_and_stop_before_cancels_it(no_server):
    calls = []
    loop = periodic.once("démarrage", 0.05, lambda: calls.append(1))
    assert loop.join(5) and calls == [1] and loop.runs == 1
    cancelled = periodic.once("annulé", 0.5, lambda: calls.append(2))
    cancelled.stop()
    assert cancelled.join(3) and calls == [1]


def test_with_a_threading_server_it_is_one_of_the_servers_background_tasks(tmp_path):
    from app import create_app

    app = create_app({"DATA_DIR": str(tmp_path / "d"), "ASYNC_MODE": "threading"})
    try:
        assert realtime.socketio.server is not None
        calls = []
        loop = periodic.every("avec-serveur", 0.02, lambda: calls.append(1))
        try:
            assert until(lambda: len(calls) >= 3)
        finally:
            loop.stop()
        assert loop.join(3)
    finally:
        app.extensions["registry"].close()


def test_under_gevent_the_loop_is_a_greenlet_on_the_servers_thread(tmp_path):
    """The loop must not take a native thread of its own (nor block the event loop while it waits)."""
    script = textwrap.dedent(f"""
        from gevent import monkey; monkey.patch_all()
        import gevent, time
        from app import create_app, periodic, workers
        app = create_app({{"DATA_DIR": {str(tmp_path / 'd')!r}, "ASYNC_MODE": "gevent"}})
        seen, ticks = [], []
        loop = periodic.every("vert", 0.05, lambda: seen.append(workers.native_thread_id()))
        slow = periodic.every("attente", 3600, lambda: None)
        end = time.monotonic() + 0.6
        while time.monotonic() < end:  # the main greenlet keeps running meanwhile
            ticks.append(1)
            gevent.sleep(0.01)
        loop.stop(); slow.stop()
        t0 = time.monotonic()
        assert loop.join(3) and slow.join(3), "stopped"
        print(len(seen), len(set(seen)), seen[0] == workers.native_thread_id(), len(ticks) > 20,
              round(time.monotonic() - t0, 2))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    runs, threads, same, main_ran, stop_s = out.stdout.split()
    assert int(runs) >= 5 and threads == "1" and same == "True" and main_ran == "True"
    assert float(stop_s) < periodic.STEP + 0.5


def test_stop_all_stops_every_loop_started(no_server):
    loops = [periodic.every("a", 3600, lambda: None), periodic.once("b", 3600, lambda: None)]
    periodic.stop_all()
    assert all(loop.join(3) for loop in loops)
