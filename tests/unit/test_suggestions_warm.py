"""At start-up the server builds the suggestion engines of its most recently written workshops, so
that the first write after a restart does not pay for a full run."""
from __future__ import annotations

import os
import time

from app import realtime
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
    built = {ws.id for ws in made if suggestions._states.get(ws.id) and suggestions._states[ws.id].engine}
    assert built == {made[1].id, made[2].id}
    assert suggestions.warm(registry, limit=2) == 0  # already built: nothing to do
