"""At start-up the server builds the suggestion engines of its most recently written workshops, so
that the first write after a restart does not pay for a full run."""
from __future__ import annotations

import os
import time
import uuid

from app import realtime
from app.matching import tracker
from app.services import organisations, sheets, suggestions, workshops
from tests.conftest import ORGANISER, uid


def test_warm_builds_the_most_recent_workshops_engines_first(registry, monkeypatch):
    # No Socket.IO server in this process (an earlier test's app may have left one): nothing is broadcast,
    # so the broadcast's own background matcher run cannot build an engine behind the test's back.
    monkeypatch.setattr(realtime.socketio, "server", None)
    made = []
    for i in range(3):
        ws = workshops.create(registry, {"name": f"Atelier {i}", "password": "motdepasse"})
        org, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": f"Scierie {i}"})
        sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": org["id"], "kind": "offer", "category": "waste",
                                      "title": "Palettes bois"})
        suggestions.forget(ws)
        made.append(ws)
    old = time.time() - 86400
    for p in registry.data_dir.glob(f"{made[0].id}.sqlite*"):
        os.utime(p, (old, old))  # the first one was written yesterday
    paused = []
    assert suggestions.warm(registry, limit=2, pause=paused.append) == 2
    assert len(paused) == 2
    built = {ws.id for ws in made if tracker.built(ws.id)}
    assert built == {made[1].id, made[2].id}
    assert suggestions.warm(registry, limit=2) == 0  # already built: nothing to do


def test_the_first_look_at_a_workshop_sends_the_pairs_of_the_sheets_that_came_in(registry):
    """Sheets written together before the matcher first looked (one batch of commits): their pair
    is still news to the screens, not taken as already sent."""
    from app import journal

    ws = workshops.create(registry, {"name": "Atelier", "password": "motdepasse"})
    a, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Domaine Ogereau"})
    b, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Chaufferie de Montrevault"})
    suggestions.forget(ws)
    seq = ws.store.last_seq()
    offer, _ = sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": a["id"], "kind": "offer",
                                             "category": "waste", "subcategory": "wood", "title": "Sarments de vigne"})
    need, _ = sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": b["id"], "kind": "need",
                                            "category": "energy", "title": "Combustible bois pour chaudière"})
    events = journal.since(ws.store, seq, 100)
    upserts, removed, _ = suggestions.changes(ws, events)
    assert [(r["offer_sheet_id"], r["need_sheet_id"]) for r in upserts] == [(offer["id"], need["id"])]
    assert removed == []
    assert suggestions.changes(ws, events)[0] == []  # sent once


def test_a_burst_of_sheets_gives_the_loop_turns_and_the_same_pairs(registry, monkeypatch):
    """The matcher's catch-up after many writes pauses every few events and pairs (the screens and the
    requests are served meanwhile), and finds the same pairs as without pauses."""
    from app import journal

    monkeypatch.setattr(realtime.socketio, "server", None)
    found = []
    for pause in (None, "count"):
        ws = workshops.create(registry, {"name": "Atelier", "password": "motdepasse"})
        orgs = [organisations.create(ws, ORGANISER, {"id": uid(), "name": f"Structure {i}"})[0] for i in range(6)]
        suggestions.changes(ws, journal.since(ws.store, 0, 100))  # the engine is built, caught up
        seq = ws.store.last_seq()
        title = {}
        for i in range(40):
            rec, _ = sheets.create(ws, ORGANISER, {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"lot-{i}")),
                                                   "organisation_id": orgs[i % 6]["id"],
                                                   "kind": "offer" if i % 2 else "need", "category": "waste",
                                                   "subcategory": "wood", "title": f"Palettes bois lot {i}"})
            title[rec["id"]] = rec["title"]
        paused = []
        upserts, removed, _ = suggestions.changes(ws, journal.since(ws.store, seq, 100),
                                                  pause=paused.append if pause else None)
        found.append(sorted((title[r["offer_sheet_id"]], title[r["need_sheet_id"]], r["score"]) for r in upserts))
        if pause:
            assert len(paused) >= 40 // tracker.YIELD_EVERY and set(paused) == {0}
    assert found[0] and found[0] == found[1]
