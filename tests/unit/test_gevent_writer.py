"""Under gevent (as the server runs): concurrent writes form group commits off the loop, and a worker
process builds an export while the loop keeps ticking. Run in a fresh interpreter, monkey-patched first,
as ``run.py serve`` does."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tests.live import ROOT

SCRIPT = textwrap.dedent('''
    from gevent import monkey
    monkey.patch_all()
    import json, os, sys, tempfile, time, uuid
    import gevent
    from app import journal, workers
    from app.registry import Registry
    from app.services import organisations, workshops
    from app.exports import export_in_worker

    ORG = {"role": "organiser", "id": "o", "label": "Org", "org": None}
    reg = Registry(tempfile.mkdtemp())
    ws = workshops.create(reg, {"name": "Atelier", "password": "motdepasse"})
    lags, stop = [], []

    def ticker():
        last = time.monotonic()
        while not stop:
            gevent.sleep(0.005)
            now = time.monotonic()
            lags.append(now - last - 0.005)
            last = now

    tick = gevent.spawn(ticker)
    gevent.sleep(0.05)
    before = ws.store.batches
    n = 200
    def one(i):
        return organisations.create(ws, ORG, {"id": str(uuid.uuid4()), "name": f"Structure {i}"})[1]
    seqs = [g.value for g in gevent.joinall([gevent.spawn(one, i) for i in range(n)], raise_error=True)]
    batches = ws.store.batches - before
    gapless = [e["seq"] for e in journal.all_events(ws.store)] == list(range(1, ws.store.last_seq() + 1))
    write_lag = max(lags)
    del lags[:]
    pid = workers.run_in_worker(workers.ping)
    # an export while writes go on: the document is consistent with one seq, given back with it
    writer = gevent.spawn(lambda: [one(n + i) for i in range(100)])
    out, seq = export_in_worker(ws, "json")
    writer.join()
    doc = json.loads(out.data)
    stop.append(1)
    tick.join()
    print(json.dumps({"batches": batches, "n": n, "distinct": len(set(seqs)), "gapless": gapless,
                      "worker_pid": pid, "my_pid": os.getpid(), "export_seq": seq, "doc_seq": doc["seq"],
                      "doc_events": len(doc["tables"]["events"]), "doc_orgs": len(doc["tables"]["organisations"]),
                      "last_seq": ws.store.last_seq(), "export_lag": max(lags), "write_lag": write_lag}))
    workers.shutdown()
''')


def test_group_commit_and_worker_export_under_gevent():
    r = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr[-3000:]
    res = json.loads(r.stdout.strip().splitlines()[-1])
    assert res["distinct"] == res["n"] and res["gapless"]
    assert res["batches"] < res["n"] / 2, res  # writes arriving together shared commits
    assert res["worker_pid"] != res["my_pid"]
    # the export is one state of the file: its journal ends at the seq it says, and holds what it had then
    assert res["doc_seq"] == res["export_seq"] == res["doc_events"]
    assert res["doc_orgs"] == res["export_seq"] - 1  # one event for the workshop, one per organisation
    assert res["last_seq"] == 1 + 300
    print(res)
