"""The server's worker processes (the matcher, the exports) end with it: a server killed outright (a
crash, kill -9) leaves none of them behind holding memory, and a new server starts its own."""
from __future__ import annotations

import psutil
import pytest

from tests.live import Server, until

pytestmark = pytest.mark.timeout(180)


def _workers(pid):
    try:
        return [c for c in psutil.Process(pid).children(recursive=True)
                if "spawn_main" in " ".join(c.cmdline()) and "resource_tracker" not in " ".join(c.cmdline())]
    except psutil.Error:
        return []


def test_a_killed_server_leaves_no_worker_process_behind(tmp_path):
    srv = Server(tmp_path / "sessions").start()
    try:
        ws, organiser = srv.new_workshop()
        r = organiser.get(srv.url(f"/api/w/{ws['workshop']}/suggestions"))  # the matcher's process answers
        assert r.status_code == 200, r.text
        assert until(lambda: len(_workers(srv.proc.pid)) >= 2, timeout=60)  # the matcher's and the exports'
        kids = _workers(srv.proc.pid)
        srv.kill()
        assert until(lambda: not any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kids),
                     timeout=15), [k.pid for k in kids if k.is_running()]
    finally:
        srv.stop()


def test_the_matcher_runs_at_the_servers_priority_the_exports_below(tmp_path):
    """The screens wait for the matcher (a new sheet's suggestions), not for an export: at nice +10, as the
    exports, two busy cores kept the first suggestion 20 s away after a start."""
    srv = Server(tmp_path / "sessions").start()
    try:
        ws, organiser = srv.new_workshop()
        r = organiser.get(srv.url(f"/api/w/{ws['workshop']}/suggestions"))  # the matcher's process answers
        assert r.status_code == 200, r.text
        assert until(lambda: len(_workers(srv.proc.pid)) >= 2, timeout=60)
        server = psutil.Process(srv.proc.pid).nice()
        want = [server, min(server + 10, 19)]

        def nices():
            try:
                return sorted(k.nice() for k in _workers(srv.proc.pid))
            except psutil.Error:
                return []
        # a worker sets its priority once started, after its imports: a few seconds on a busy machine
        assert until(lambda: nices() == want, timeout=60), nices()
    finally:
        srv.stop()
