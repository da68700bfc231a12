"""Rate limits and lock-outs, on a real server with rate limits on (small windows
through ATELIER_RATE_LIMITS so the tests stay fast; wide enough that a loaded
CI machine still makes its attempts inside them)."""
from __future__ import annotations

import json
import os
import time

import pytest
import requests

from tests.live import Server
from tests.security.world import FR, PASSWORD, World, snapshot_db, uid

WINDOW = 12
LIMITS = {"login": [5, WINDOW], "write": [20, WINDOW], "write_ip": [40, 20], "workshop": None,
          "socket": [10, 5]}


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    old = os.environ.get("ATELIER_RATE_LIMITS")
    os.environ["ATELIER_RATE_LIMITS"] = json.dumps(LIMITS)
    try:
        srv = Server(tmp_path_factory.mktemp("limited") / "sessions", rate_limits=True).start(timeout=90)
    finally:
        if old is None:
            os.environ.pop("ATELIER_RATE_LIMITS", None)
        else:
            os.environ["ATELIER_RATE_LIMITS"] = old
    yield srv
    srv.stop()


def _french_429(resp, key):
    assert resp.status_code == 429, (resp.status_code, resp.text[:200])
    body = resp.json()
    assert body["code"] == key
    prefix = FR[key].split("{")[0]
    assert body["error"].startswith(prefix) and body["error"] != FR[key], body  # seconds filled in


def test_organiser_password_guessing_is_locked_out(limited):
    ws, _ = limited.new_workshop(name="Mot de passe", password=PASSWORD)
    url = limited.url(f"/api/w/{ws['workshop']}/login/organiser")
    guesser = requests.Session()
    for i in range(LIMITS["login"][0]):
        r = guesser.post(url, json={"password": f"essai-{i}"})
        assert r.status_code == 403 and r.json()["code"] == "err.bad_password"
    _french_429(guesser.post(url, json={"password": "encore"}), "err.locked_out")
    # even the right password, from the same address, waits: the lock-out is per address, not per cookie
    _french_429(requests.post(url, json={"password": PASSWORD}), "err.locked_out")
    fresh_phone = requests.Session()
    fresh_phone.get(limited.url(f"/j/{ws['code']}"))
    _french_429(fresh_phone.post(url, json={"password": PASSWORD}), "err.locked_out")
    time.sleep(WINDOW + 1.2)
    good = requests.Session()
    r = good.post(url, json={"password": PASSWORD})
    assert r.status_code == 200, r.text
    assert good.get(limited.url(f"/api/w/{ws['workshop']}/b2b")).status_code == 200


def test_facilitator_code_guessing_is_locked_out_also_through_the_form(limited):
    ws, org = limited.new_workshop(name="Codes", password=PASSWORD)
    fac = org.post(limited.url(f"/api/w/{ws['workshop']}/facilitators"),
                   json={"id": uid(), "name": "Anne", "table_no": 1}).json()["record"]
    url = limited.url(f"/api/w/{ws['workshop']}/login/facilitator")
    for i in range(3):
        assert requests.post(url, json={"code": f"ZZZZ{i}AAA"}).status_code == 403
    # the form on the login page counts against the same address
    page = requests.Session()
    html = page.get(limited.url(f"/w/{ws['code']}/facilitator")).text
    import re

    token = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    for i in range(2):
        r = page.post(limited.url(f"/w/{ws['code']}/facilitator/login"), data={"csrf": token, "code": f"YY{i}"})
        assert r.status_code == 403
    r = page.post(limited.url(f"/w/{ws['code']}/facilitator/login"), data={"csrf": token, "code": fac["code"]})
    assert r.status_code == 429 and FR["err.locked_out"].split("{")[0] in r.text
    _french_429(requests.post(url, json={"code": fac["code"]}), "err.locked_out")
    time.sleep(WINDOW + 1.2)
    s = requests.Session()
    r = s.post(url, json={"code": fac["code"]})
    assert r.status_code == 200 and r.json()["role"] == "facilitator"


def test_a_script_is_blocked_but_not_a_person(limited):
    w = World(limited, devices=0, name="Écritures")

    def sheet(session, n):
        return session.post(w.api("/sheets"), json={"id": uid(), "kind": "offer", "category": "other",
                                                    "title": f"Fiche {n}"})

    # a person: a handful of sheets, typed one after the other
    for n in range(8):
        assert sheet(w.pb, n).status_code == 200
    # a script on one phone: blocked after the per-device limit, with a French message, nothing written
    statuses = []
    for n in range(LIMITS["write"][0] + 5):
        before = snapshot_db(w.db_path)
        r = sheet(w.pa, n)
        statuses.append(r.status_code)
        if r.status_code == 429:
            _french_429(r, "err.rate")
            assert snapshot_db(w.db_path) == before
    # the phone's own organisation (made by World) counted too
    assert statuses[:LIMITS["write"][0] - 1] == [200] * (LIMITS["write"][0] - 1), statuses
    assert statuses[-4:] == [429] * 4, statuses
    time.sleep(WINDOW + 1.2)
    assert sheet(w.pa, 99).status_code == 200, "after the window the phone writes again"


def test_a_script_changing_cookies_hits_the_per_address_limit(limited):
    w = World(limited, devices=0, name="Cookies jetables")
    codes = []
    for n in range(LIMITS["write_ip"][0] + 3):
        phone = requests.Session()
        phone.get(limited.url(f"/j/{w.code}"))
        r = phone.post(w.api("/organisations"), json={"id": uid(), "name": f"Robot {n} {uid()[:6]}"})
        codes.append(r.status_code)
    assert 429 in codes and codes.count(200) <= LIMITS["write_ip"][0], codes


def test_socket_messages_are_limited_per_connection(limited):
    w = World(limited, devices=0, name="Socket")
    first = limited.socket(w.pa, w.ws)
    second = limited.socket(w.pb, w.ws)
    try:
        answers = [first.call("sync", {"workshop": w.wid, "since": 0}, timeout=10) for _ in range(15)]
        refused = [a for a in answers if a.get("code") == "err.socket_rate"]
        assert len(refused) == 15 - LIMITS["socket"][0]
        assert refused[0]["error"] == FR["err.socket_rate"]
        assert "events" in second.call("sync", {"workshop": w.wid, "since": 0}, timeout=10), \
            "another connection is not affected"
        time.sleep(LIMITS["socket"][1] + 0.5)
        assert "events" in first.call("sync", {"workshop": w.wid, "since": 0}, timeout=10)
    finally:
        first.disconnect()
        second.disconnect()


def test_request_body_size_is_limited(limited):
    w = World(limited, devices=0, name="Gros envois")
    before = snapshot_db(w.db_path)
    big = {"id": uid(), "kind": "offer", "category": "other", "title": "Gros", "description": "x" * 400_000}
    r = w.pa.post(w.api("/sheets"), json=big)
    assert r.status_code == 413
    assert r.json()["error"] == FR["err.too_large"]
    assert snapshot_db(w.db_path) == before


def test_workshop_creation_is_limited_per_address(tmp_path, monkeypatch):
    monkeypatch.setenv("ATELIER_RATE_LIMITS", json.dumps({"workshop": [3, 60]}))
    limited = Server(tmp_path / "sessions", rate_limits=True).start(timeout=90)
    try:
        _workshops(limited, 3)
    finally:
        limited.stop()


def _workshops(limited, limit):
    codes = []
    for n in range(limit + 2):
        r = requests.post(limited.url("/api/workshops"), json={"name": f"Atelier {n}", "password": PASSWORD})
        codes.append(r.status_code)
        if r.status_code == 429:
            assert r.json()["error"].startswith(FR["err.rate"].split("{")[0])
    assert 429 in codes
    assert codes == [201] * limit + [429, 429]
