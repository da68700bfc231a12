"""A stopping server does not wait for its worker process: a long job under way is ended, the waiting caller
is told the server is stopping, no new worker is started, and the process exits at once."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from tests.live import ROOT


def test_shutdown_without_waiting_ends_a_long_job_at_once():
    script = textwrap.dedent("""
        import os, threading, time
        from app import workers
        worker = workers.run_in_worker(workers.ping)  # the worker process is up
        got = []
        def long_job():
            try:
                got.append(workers.run_in_worker(time.sleep, 120))
            except workers.Stopping as exc:
                got.append("stopping")
        t = threading.Thread(target=long_job)
        t.start()
        time.sleep(0.5)
        t0 = time.monotonic()
        workers.shutdown(wait=False)
        t.join(30)
        try:
            workers.run_in_worker(workers.ping)
            after = "started again"
        except workers.Stopping:
            after = "refused"
        import psutil
        end = time.monotonic() + 5
        while True:
            try:
                alive = psutil.Process(worker).status() != psutil.STATUS_ZOMBIE
            except psutil.NoSuchProcess:
                alive = False
            if not alive or time.monotonic() > end:
                break
            time.sleep(0.05)
        print(got, after, alive, round(time.monotonic() - t0, 2))
    """)
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=90)
    took = time.monotonic() - t0
    assert out.returncode == 0, out.stderr[-3000:]
    got, after, alive, stop_s = out.stdout.rsplit(" ", 3)
    assert got == "['stopping']" and after == "refused" and alive == "False", out.stdout
    assert float(stop_s) < 10, "the caller is answered without waiting for the job"
    assert took < 60, "the process exits without waiting for the two-minute job"
