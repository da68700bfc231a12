"""Crash test: the real server is SIGKILLed while clients write; nothing acknowledged is lost.

Four phones (participants) and two tablets (facilitators) write at the same
time through the real HTTP API: sheets (some confidential), sheet edits
with their version, ideas proposed by phones, ideas made by facilitators
and moves of those ideas with their version. Each client records exactly
which writes got a 2xx answer. At a random moment (seeded, 0.3 s to
1.5 s after the 25th acknowledgement) the server gets SIGKILL — no clean shutdown. Clients keep every
unacknowledged write, as the phone outbox does, and resend it with the
SAME uuid / request_id once the server is back on the same data and port.

Then: every acknowledged write is in the file exactly once, the retries
made no duplicate, the journal has no hole and agrees with the rows, and
three screens (organiser, facilitator, participant) that were connected
before the crash reconnect by themselves, resync from their last ``seq``
and hold exactly what the database says their role may see.

Reproduce a run with ``CRASH_SEED=<seed> python -m pytest tests/integration/test_crash.py``.
"""
from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time

import requests

from app.rules import visibility
from app.store import decode
from tests.live import Recorder, Server, uid

SEED = int(os.environ.get("CRASH_SEED") or random.SystemRandom().randrange(1, 1 << 30))
MOVE_CYCLE = {"new": "explore", "explore": "soon", "soon": "new"}


class Shared:
    """What every client may pick from: acknowledged sheets."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sheets: list[dict] = []  # {id, kind, org, visibility}

    def add(self, s):
        with self.lock:
            self.sheets.append(s)

    def pick(self, rng, pred):
        with self.lock:
            c = [s for s in self.sheets if pred(s)]
        return rng.choice(c) if c else None


class Client(threading.Thread):
    """One phone or tablet: writes until the server stops answering, keeps the rest for later."""

    def __init__(self, name, srv, session, wid, shared, rng, org=None):
        super().__init__(name=name, daemon=True)
        self.srv, self.s, self.wid, self.shared, self.rng, self.org = srv, session, wid, shared, rng, org
        self.acked: list[tuple[dict, dict]] = []  # (op, response json)
        self.unacked: list[dict] = []
        self.refused: list[tuple[dict, int, str]] = []
        self.mine: dict[str, dict] = {}  # sheet or idea id -> {version, status}
        self.n = 0

    def url(self, path):
        return self.srv.url(f"/api/w/{self.wid}{path}")

    # -- what to write next -----------------------------------------------
    def next_op(self):
        raise NotImplementedError

    def send(self, op, timeout=5):
        r = self.s.request(op["method"], self.url(op["path"]), json=op["body"], timeout=timeout)
        return r.status_code, (r.json() if r.headers.get("content-type", "").startswith("application/json") else {})

    def on_ack(self, op, res):
        rec = res.get("record") or {}
        if op["kind"] in ("sheet.create", "sheet.update", "idea.create", "idea.move") and op.get("own"):
            self.mine[op["target"]] = {"version": rec.get("version"), "status": rec.get("status")}
        if op["kind"] == "sheet.create":
            self.shared.add({"id": op["body"]["id"], "kind": op["body"]["kind"], "org": self.org,
                             "visibility": op["body"].get("visibility", "all")})

    def run(self):
        while True:
            op = self.next_op()
            try:
                status, res = self.send(op)
            except requests.RequestException:
                self.unacked.append(op)  # no answer: keep it, like the outbox
                return
            if 200 <= status < 300:
                self.acked.append((op, res))
                self.on_ack(op, res)
            elif status >= 500:
                self.unacked.append(op)
                return
            else:
                self.refused.append((op, status, json.dumps(res, ensure_ascii=False)[:300]))
                return

    def retry(self):
        """After the restart: resend every unacknowledged write, same ids, in order."""
        for op in self.unacked:
            status, res = self.send(op, timeout=60)  # a restarted server on a busy machine may be slow to answer
            if 200 <= status < 300:
                self.acked.append(({**op, "retried": True}, res))
            else:
                self.refused.append((op, status, json.dumps(res, ensure_ascii=False)[:300]))


class Phone(Client):
    def next_op(self):
        self.n += 1
        mine = [k for k in self.mine]
        r = self.rng.random()
        if mine and r < 0.25:
            sid = self.rng.choice(mine)
            rid = uid()
            return {"kind": "sheet.update", "method": "PATCH", "path": f"/sheets/{sid}", "target": sid, "own": True,
                    "body": {"version": self.mine[sid]["version"], "request_id": rid,
                             "title": f"{self.name} fiche modifiée {self.n}"}}
        if r < 0.4:
            other = self.shared.pick(self.rng, lambda s: s["org"] != self.org and s["visibility"] == "all")
            if other:
                iid = uid()
                return {"kind": "idea.create", "method": "POST", "path": "/ideas", "target": iid,
                        "body": {"id": iid, "sheet_id": other["id"], "comment": f"{self.name} intéressé"}}
        sid = uid()
        body = {"id": sid, "kind": self.rng.choice(["offer", "need"]), "category": "packaging",
                "title": f"{self.name} fiche {self.n}"}
        if self.n % 5 == 0:
            body["visibility"] = "facilitators"
        return {"kind": "sheet.create", "method": "POST", "path": "/sheets", "target": sid, "own": True,
                "body": body}


class Tablet(Client):
    def next_op(self):
        self.n += 1
        ideas = list(self.mine)
        if ideas and self.rng.random() < 0.6:
            iid = self.rng.choice(ideas)
            cur = self.mine[iid]
            return {"kind": "idea.move", "method": "POST", "path": f"/ideas/{iid}/move", "target": iid, "own": True,
                    "body": {"version": cur["version"], "status": MOVE_CYCLE[cur["status"]], "request_id": uid()}}
        offer = self.shared.pick(self.rng, lambda s: s["kind"] == "offer")
        need = offer and self.shared.pick(self.rng, lambda s: s["kind"] == "need" and s["org"] != offer["org"])
        iid = uid()
        body = {"id": iid, "title": f"{self.name} idée {self.n}"}
        if offer and need:
            body.update(offer_sheet_id=offer["id"], need_sheet_id=need["id"])
        else:
            body.update(kind="pooling", org_ids=self.rng.sample(self.orgs, 2))
        return {"kind": "idea.create", "method": "POST", "path": "/ideas", "target": iid, "own": True, "body": body}


class Screen:
    """What live.js does: state once, apply changes in seq order, ``sync`` on a gap or a reconnect."""

    def __init__(self, srv, session, ws, role, org=None):
        self.srv, self.session, self.ws, self.role, self.org = srv, session, ws, role, org
        self.client = srv.socket(session, ws, reconnection=True, reconnection_delay=0.2,
                                 reconnection_delay_max=0.5)
        self.load()
        self.done = 0  # messages of client.changes already applied
        self.syncs = self.resets = 0

    def load(self):
        s = self.session.get(self.srv.url(f"/api/w/{self.ws['workshop']}/state"), timeout=10).json()
        self.maps = {k: {r["id"]: r for r in s[k]} for k in ("organisations", "sheets", "ideas")}
        self.seq = s["seq"]

    def apply(self, msg):
        key = {"organisation": "organisations", "sheet": "sheets", "idea": "ideas"}.get(msg["entity"])
        if not key:
            return
        m = self.maps[key]
        if msg["record"] is None:
            m.pop(msg["id"], None)
            return
        old = m.get(msg["id"])
        if old and old["version"] > msg["record"]["version"]:
            return
        m[msg["id"]] = msg["record"]

    def pump(self, online=True):
        """Apply what came; a gap asks ``sync``. ``online=False`` (the server is down): the gap is left for the
        ``sync`` after the reconnect, as live.js does, instead of asking a server that cannot answer."""
        msgs = self.client.changes[self.done:]
        self.done += len(msgs)
        gap = False
        for msg in msgs:
            if gap or msg["seq"] > self.seq + 1:
                self.apply(msg)
                if online:
                    self.sync()
                else:
                    gap = True  # ``seq`` stays before the gap: the next sync brings everything after it
                continue
            self.apply(msg)
            self.seq = max(self.seq, msg["seq"])

    def sync(self):
        self.syncs += 1
        res = self.client.call("sync", {"workshop": self.ws["workshop"], "since": self.seq}, timeout=10)
        assert "error" not in res, res
        if res["reset"]:
            self.resets += 1
            self.load()
            return
        for ev in res["events"]:
            self.apply(ev)
        self.seq = max(self.seq, res["last_seq"])


def truth(db_path, role, org=None):
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        out = {}
        tables = {key: (entity, [decode(r) for r in conn.execute(f"SELECT * FROM {key}")])
                  for key, entity in (("organisations", "organisation"), ("sheets", "sheet"), ("ideas", "idea"))}
        # derived fields (an idea's title, its sheets' ids) are built from the other rows
        src = visibility.Sources(records={(e, r["id"]): r for e, rows in tables.values() for r in rows})
        for key, (entity, rows) in tables.items():
            seen = {}
            for r in rows:
                v = visibility.for_role(entity, r, role, org, src)
                if v is not None:
                    seen[r["id"]] = v
            out[key] = seen
        return out
    finally:
        conn.close()


def test_sigkill_loses_no_acknowledged_write(tmp_path):
    crash_run(tmp_path, n_phones=4, n_tablets=2)


def test_sigkill_during_group_commits_under_many_writers(tmp_path):
    """Sixteen writers at once: their writes share commits (the screens get batches of several changes),
    and the kill lands in the middle of those batches."""
    batches = crash_run(tmp_path, n_phones=12, n_tablets=4, seed_offset=1)
    assert max(len(b) for b in batches) > 1, f"CRASH_SEED={SEED}: no write shared a commit"


def crash_run(tmp_path, *, n_phones, n_tablets, seed_offset=0):
    rng = random.Random(SEED + seed_offset)
    why = f"CRASH_SEED={SEED}"
    data = tmp_path / "sessions"
    srv = Server(data, extra_args=["--backup-every", "0"]).start()
    screens = []
    try:
        ws, organiser = srv.new_workshop()
        wid = ws["workshop"]
        db_path = data / f"{wid}.sqlite"
        shared = Shared()
        phones = []
        for i in range(n_phones):
            s, org = srv.participant(ws, f"Structure {i}")
            phones.append(Phone(f"tel{i}", srv, s, wid, shared, random.Random(rng.random()), org=org["id"]))
        tablets = []
        for j in range(n_tablets):
            s, fac = srv.facilitator(ws, organiser, name=f"Anim {j}", table_no=j + 1)
            t = Tablet(f"tab{j}", srv, s, wid, shared, random.Random(rng.random()))
            t.orgs = [p.org for p in phones]
            tablets.append(t)
        clients = phones + tablets
        fac_session = tablets[0].s
        screens = [Screen(srv, organiser, ws, "organiser"), Screen(srv, fac_session, ws, "facilitator"),
                   Screen(srv, phones[0].s, ws, "participant", phones[0].org)]

        kill_at = rng.uniform(0.3, 1.5)  # after the first 25 acknowledgements (a loaded machine is slow to get there)
        for c in clients:
            c.start()
        end = time.time() + 60
        while sum(len(c.acked) for c in clients) < 25 and time.time() < end:
            time.sleep(0.01)
        time.sleep(kill_at)
        srv.kill()
        for c in clients:
            c.join(15)
            assert not c.is_alive(), why
        for sc in screens:
            sc.pump(online=False)
        refused = [r for c in clients for r in c.refused]
        assert not refused, f"{why}: refused before the crash: {refused[:3]}"
        acked_before = sum(len(c.acked) for c in clients)
        pending = sum(len(c.unacked) for c in clients)
        assert acked_before > 20, f"{why}: too few writes before the kill ({acked_before})"

        # -- restart on the same data and port; screens reconnect on their own --------------
        srv = Server(data, port=srv.port, extra_args=["--backup-every", "0"]).start()
        for sc in screens:
            assert sc.client.wait_for(lambda c: c.connected, timeout=15), f"{why}: {sc.role} did not reconnect"
            sc.pump()
            sc.sync()  # what live.js does on 'connect'
        stored_unacked = 0  # in flight at the kill: committed, but the answer never left
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            for c in clients:
                for op in c.unacked:
                    key = op["body"].get("request_id") or op["body"]["id"]
                    stored_unacked += conn.execute("SELECT COUNT(*) FROM events WHERE request_id = ?",
                                                   [key]).fetchone()[0]
        finally:
            conn.close()
        for c in clients:
            c.retry()
        refused = [r for c in clients for r in c.refused]
        assert not refused, f"{why}: a retry was refused: {refused[:3]}"

        # -- every acknowledged write is there, exactly once ---------------------------------
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            events = [dict(r) for r in conn.execute("SELECT * FROM events ORDER BY seq")]
            seqs = [e["seq"] for e in events]
            assert seqs == list(range(1, len(seqs) + 1)), f"{why}: holes in the journal"
            by_seq = {e["seq"]: e for e in events}
            creates: dict[str, int] = {}
            for e in events:
                if e["action"] == "create":
                    creates[e["entity_id"]] = creates.get(e["entity_id"], 0) + 1
            assert all(n == 1 for n in creates.values()), f"{why}: a record was created twice"
            by_request = {e["request_id"]: e for e in events if e["request_id"]}
            acked = [(op, res) for c in clients for op, res in c.acked]
            for op, res in acked:
                body = op["body"]
                if op["kind"] in ("sheet.create", "idea.create"):
                    table = "sheets" if op["kind"] == "sheet.create" else "ideas"
                    n = conn.execute(f"SELECT COUNT(*) FROM {table} WHERE id = ?", [body["id"]]).fetchone()[0]
                    assert n == 1, f"{why}: acknowledged {op['kind']} {body['id']} found {n} times"
                    assert creates.get(body["id"]) == 1, why
                    if not op.get("retried"):  # the seq it was acknowledged with is its own event
                        ev = by_seq[res["seq"]]
                        assert ev["entity_id"] == body["id"] and ev["action"] == "create", why
                else:
                    ev = by_request.get(body["request_id"])
                    assert ev is not None, f"{why}: acknowledged {op['kind']} missing"
                    after = json.loads(ev["after"])
                    assert after["version"] == body["version"] + 1, why
                    assert ev["seq"] == res["seq"], why
                    if op["kind"] == "idea.move":
                        assert after["status"] == body["status"], why
                    else:
                        assert after["title"] == body["title"], why
            # the journal agrees with the rows: each row is its latest event's "after"
            for table, entity in (("organisations", "organisation"), ("sheets", "sheet"), ("ideas", "idea")):
                rows = {r["id"]: decode(r) for r in conn.execute(f"SELECT * FROM {table}")}
                latest = {}
                for e in events:
                    if e["entity"] == entity:
                        latest[e["entity_id"]] = json.loads(e["after"])
                assert rows == latest, f"{why}: {table} differ from their journal"
            total_writes = len(acked)
        finally:
            conn.close()

        # -- the screens converge to what the database holds for their role --------------------
        last = requests.get(srv.url(f"/api/w/{wid}/events?since=0"), cookies=organiser.cookies).json()
        for sc in screens:
            end = time.time() + 10
            while time.time() < end:
                sc.pump()
                if sc.seq >= last["last_seq"]:
                    break
                time.sleep(0.05)
            sc.sync()
            expected = truth(db_path, sc.role, sc.org)
            for key in ("organisations", "sheets", "ideas"):
                assert sc.maps[key] == expected[key], f"{why}: {sc.role} screen differs on {key}"
        secret = [s for s in screens[2].maps["sheets"].values()
                  if s["visibility"] == "facilitators" and s["organisation_id"] != phones[0].org]
        assert not secret, why
        print(f"\n{why}: killed at {kill_at:.2f}s; {acked_before} writes acknowledged before the kill, "
              f"{pending} in flight and resent ({stored_unacked} of them stored before the kill), {total_writes} acknowledged in all, all present once; "
              f"journal {len(seqs)} events without holes; screens resynced "
              f"{[(sc.role, sc.syncs, sc.resets) for sc in screens]}; largest batch "
              f"{max((len(b) for sc in screens for b in sc.client.batches), default=0)} changes")
        return [b for sc in screens for b in sc.client.batches]
    finally:
        for sc in screens:
            try:
                sc.client.disconnect()
            except Exception:
                pass
        srv.stop()
