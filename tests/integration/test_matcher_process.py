"""The matcher in a worker process of its own (what the live server runs) gives the screens what the
matcher in the server's own process gives: the same new pairs after each batch of commits, the same
lists, scores and reasons. A lost matcher process is replaced by the next call, which rebuilds its
engine from the workshop file; the server's own memory holds no engine."""
from __future__ import annotations

import os
import signal
import time

import pytest

from app import journal, realtime, workers
from app.matching import process, tracker
from app.services import organisations, sheets, workshops
from tests.conftest import ORGANISER, uid

pytestmark = pytest.mark.timeout(180)

SHEETS = [  # (organisation, kind, category, subcategory, title, commune)
    ("Domaine Ogereau", "offer", "waste", "wood", "Sarments de vigne", "Beaupréau"),
    ("Chaufferie de Montrevault", "need", "energy", None, "Combustible bois pour chaudière", "Cholet"),
    ("Imprimerie Cailleau", "offer", "waste", "cardboard", "Cartons vides", "Cholet"),
    ("Boutique Jamin", "need", "packaging", None, "Cartons pour nos expéditions", "Chemillé"),
    ("Menuiserie Dupont", "offer", "waste", "wood", "Chutes de bois et palettes", "Beaupréau"),
    ("Maraîcher Martin", "need", "packaging", None, "Caisses en bois pour les légumes", "Cholet"),
]


@pytest.fixture
def remote():
    r = process.Remote()
    yield r
    r.stop()


def _sheet(ws, org, kind, category, sub, title):
    return sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": org["id"], "kind": kind,
                                         "category": category, "subcategory": sub, "title": title})[0]


def _key(recs):
    return sorted((r["offer_sheet_id"], r["need_sheet_id"], r["score"], repr(r["reasons"]), r["offer_org_name"])
                  for r in recs)


def test_the_process_answers_what_the_server_itself_would(registry, remote, monkeypatch):
    monkeypatch.setattr(realtime.socketio, "server", None)  # nothing broadcast behind the test's back
    inline = process.Inline()
    ws = workshops.create(registry, {"name": "Atelier des Mauges", "password": "motdepasse"})
    orgs = {}
    for name, *_rest, commune in SHEETS:
        orgs[name] = organisations.create(ws, ORGANISER, {"id": uid(), "name": name, "commune": commune})[0]
    made = [_sheet(ws, orgs[name], kind, cat, sub, title) for name, kind, cat, sub, title, _ in SHEETS[:4]]
    first = journal.since(ws.store, 0, 1000)
    a, b = inline.changes(ws, first), remote.changes(ws, first)
    assert a[0] and _key(a[0]) == _key(b[0]) and a[1:] == b[1:]
    seq = ws.store.last_seq()
    made += [_sheet(ws, orgs[name], kind, cat, sub, title) for name, kind, cat, sub, title, _ in SHEETS[4:]]
    organisations.update(ws, ORGANISER, orgs["Boutique Jamin"]["id"],
                         {"version": orgs["Boutique Jamin"]["version"], "name": "Boutique Jamin & fils"})
    later = journal.since(ws.store, seq, 1000)
    a, b = inline.changes(ws, later), remote.changes(ws, later)
    assert a[0] and _key(a[0]) == _key(b[0]) and a[2] == b[2]
    assert "Boutique Jamin & fils" in {r["need_org_name"] for r in b[0]}
    assert remote.public_count(ws) == inline.public_count(ws) == a[2] > 0
    # reads: the lists each role may see, a participant's scores, a pair's reasons
    for role, org in (("facilitator", None), ("participant", orgs["Maraîcher Martin"]["id"])):
        assert inline.listing(ws, role, org, None, None, 300) == remote.listing(ws, role, org, None, None, 300)
    shown, total, at = remote.listing(ws, "facilitator", None, None, made[5]["id"], 1)
    assert len(shown) == 1 and total >= 1 and at == ws.store.last_seq()
    mine = orgs["Maraîcher Martin"]["id"]
    assert inline.candidates(ws, mine) == remote.candidates(ws, mine) != {}
    assert inline.explain(ws, made[4]["id"], made[5]["id"]) == remote.explain(ws, made[4]["id"], made[5]["id"])
    tracker.forget(ws.id)


def test_a_lost_matcher_process_is_replaced_and_rebuilds_from_the_file(registry, remote, monkeypatch):
    monkeypatch.setattr(realtime.socketio, "server", None)
    ws = workshops.create(registry, {"name": "Atelier", "password": "motdepasse"})
    vine = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Domaine Ogereau"})[0]
    boiler = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Chaufferie de Montrevault"})[0]
    offer = _sheet(ws, vine, "offer", "waste", "wood", "Sarments de vigne")
    remote.changes(ws, journal.since(ws.store, 0, 100))
    assert remote.worker.starts == 1
    pid = remote.worker.call(workers.ping)
    assert pid != os.getpid()  # the engine lives in another process
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    seq = ws.store.last_seq()
    need = _sheet(ws, boiler, "need", "energy", None, "Combustible bois pour chaudière")
    upserts, removed, public = remote.changes(ws, journal.since(ws.store, seq, 100))
    assert remote.worker.starts == 2 and remote.worker.call(workers.ping) != pid
    assert [(r["offer_sheet_id"], r["need_sheet_id"]) for r in upserts] == [(offer["id"], need["id"])]
    assert public == 1 and remote.public_count(ws) == 1
    assert not tracker.built(ws.id)  # nothing was built in this process


@pytest.mark.parametrize("where", ["inline", "process"])
def test_sheets_a_warm_up_took_in_are_still_news_to_the_screens(registry, monkeypatch, where):
    """The start-up warm-up can build a workshop's engine after the first writes were committed and
    before the broadcast point asked what they changed: their pairs are still sent, once."""
    monkeypatch.setattr(realtime.socketio, "server", None)
    matcher = process.Remote() if where == "process" else process.Inline()
    try:
        ws = workshops.create(registry, {"name": "Atelier", "password": "motdepasse"})
        seq0 = ws.store.last_seq()
        vine = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Domaine Ogereau", "commune": "Beaupréau"})[0]
        boiler = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Chaufferie", "commune": "Cholet"})[0]
        seq = ws.store.last_seq()
        offer = _sheet(ws, vine, "offer", "waste", "wood", "Sarments de vigne")
        need = _sheet(ws, boiler, "need", "energy", None, "Combustible bois pour chaudière")
        assert matcher.warm([ws]) == 1  # built with both sheets in it
        # the broadcast point asks in two goes: the organisations first (committed before), then the sheets
        assert matcher.changes(ws, journal.since(ws.store, seq0, 100)[:2])[0] == []
        events = journal.since(ws.store, seq, 100)
        upserts, removed, public = matcher.changes(ws, events)
        assert [(r["offer_sheet_id"], r["need_sheet_id"]) for r in upserts] == [(offer["id"], need["id"])]
        assert removed == [] and public == 1
        assert matcher.changes(ws, events)[0] == []  # sent once
    finally:
        matcher.stop()
        tracker.forget(ws.id)
