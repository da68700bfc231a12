"""Helpers for the security tests: a "world" per workshop (one of each role, two organisations,
a pool of devices), direct reads of the SQLite file to prove refusals
changed nothing, and the French catalogue to check refusal messages."""
from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
import requests

from app.i18n import catalogue

FR = catalogue("fr")
EN = catalogue("en")
PASSWORD = "motdepasse-secret"


def uid() -> str:
    return str(uuid.uuid4())


def clone(session: requests.Session) -> requests.Session:
    """A copy of a browser: same cookies, so the role's own session is never changed by a test."""
    s = requests.Session()
    s.cookies.update(session.cookies)
    return s


class World:
    """One workshop with every role signed in, built while live, then set to ``phase`` / ``intake``."""

    def __init__(self, srv, phase="live", intake=True, devices=8, name=None):
        self.srv = srv
        r = requests.Session()
        resp = r.post(srv.url("/api/workshops"), json={"name": name or f"Atelier {phase}", "password": PASSWORD,
                                                        "date": "2026-11-26", "venue": "Salle des fêtes"})
        resp.raise_for_status()
        self.ws = resp.json()
        self.wid, self.code = self.ws["workshop"], self.ws["code"]
        self.org = r
        self.fac_session, self.fac = srv.facilitator(self.ws, r, name="Anne Animatrice", table_no=1)
        tag = uid()[:6]
        self.pa, self.org_a = srv.participant(self.ws, f"Structure A {tag}", contact_name="Alice Secret",
                                              email="alice@a.example", phone="0102030405")
        self.pb, self.org_b = srv.participant(self.ws, f"Structure B {tag}", contact_name="Bob Secret",
                                              email="bob@b.example", phone="0607080910")
        self.visitor = requests.Session()
        self.visitor.get(srv.url(f"/j/{self.code}")).raise_for_status()
        token = self.state(r)["workshop"]["projector_token"]
        self.proj = requests.Session()
        self.proj.get(srv.url(f"/w/{self.code}/wall"), params={"t": token}).raise_for_status()
        self.projector_token = token
        self.anon = requests.Session()
        self.device_pool = []
        for _ in range(devices):
            s = requests.Session()
            s.get(srv.url(f"/j/{self.code}")).raise_for_status()
            s.post(self.api("/join"), json={"organisation_id": self.org_b["id"]}).raise_for_status()
        own = {self._device_of(self.pa), self._device_of(self.pb)}
        self.device_pool = [d["id"] for d in self.rows("devices") if d["id"] not in own]
        self.phase, self.intake = phase, intake
        if phase != "live":
            r.post(self.api("/phase"), json={"phase": phase}).raise_for_status()
        if not intake:
            r.post(self.api("/intake"), json={"open": False}).raise_for_status()
        self.intake = bool(self.rows("workshop")[0]["intake_open"])

    # -- roles --------------------------------------------------------------
    def session(self, role: str) -> requests.Session:
        return {"organiser": self.org, "facilitator": self.fac_session, "participant": self.pa,
                "projector": self.proj, "anonymous": self.anon, "visitor": self.visitor}[role]

    def _device_of(self, session):
        st = self.state(session)
        return st["me"]["id"]

    # -- HTTP ---------------------------------------------------------------
    def api(self, path: str) -> str:
        return self.srv.url(f"/api/w/{self.wid}{path}")

    def state(self, session) -> dict:
        r = session.get(self.api("/state"))
        r.raise_for_status()
        return r.json()

    # -- fresh targets, made by the organiser (allowed in every phase) -----
    def fresh_sheet(self, org_id=None, **kw) -> dict:
        body = {"id": uid(), "organisation_id": org_id or self.org_a["id"], "kind": "offer", "category": "other",
                "title": "Palettes bois", **kw}
        r = self.org.post(self.api("/sheets"), json=body)
        r.raise_for_status()
        return r.json()["record"]

    def fresh_idea(self, **kw) -> dict:
        body = {"id": uid(), "title": "Échange de palettes", "org_ids": [self.org_a["id"], self.org_b["id"]], **kw}
        r = self.org.post(self.api("/ideas"), json=body)
        r.raise_for_status()
        return r.json()["record"]

    def fresh_facilitator(self) -> dict:
        r = self.org.post(self.api("/facilitators"), json={"id": uid(), "name": "Bruno", "table_no": 2})
        r.raise_for_status()
        return r.json()["record"]

    def fresh_device(self) -> str:
        return self.device_pool.pop()

    # -- the database itself --------------------------------------------------
    @property
    def db_path(self):
        return self.srv.data_dir / f"{self.wid}.sqlite"

    def rows(self, table: str) -> list[dict]:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in conn.execute(f"SELECT * FROM [{table}] ORDER BY rowid")]
        finally:
            conn.close()

    def snapshot(self) -> dict:
        return snapshot_db(self.db_path)

    def version(self, table: str, id_: str) -> int:
        return next(r["version"] for r in self.rows(table) if r["id"] == id_)


def snapshot_db(path) -> dict:
    """Every row of every table (journal included), as plain data."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: conn.execute(f"SELECT * FROM [{t}] ORDER BY rowid").fetchall() for t in tables}
    finally:
        conn.close()


def assert_refused(resp, key: str | None = None):
    """401/403 with the refusal in French (the default language)."""
    assert resp.status_code in (401, 403), (resp.status_code, resp.text[:300])
    if resp.headers.get("Content-Type", "").startswith("application/json"):
        body = resp.json()
        assert body["error"] == FR[body["code"]], body
        assert body["error"] != EN[body["code"]]
        if key:
            assert body["code"] == key, body
    else:
        assert key is None or FR[key] in resp.text, resp.text[:500]


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
