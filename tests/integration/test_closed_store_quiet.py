"""A workshop whose store is closed (deleted, or its app shut down) is skipped by the background
loops — the send task, the counters, the suggestions — without an error in the log. A closed store's
error every 250 ms used to fill the log of every later test in the process, and a traceback formatted
in a background thread while the main thread parses Python (pytest's rewriting) trips a CPython 3.11.7
bug (gh-106905)."""
from __future__ import annotations

import logging
import time

from app import create_app, realtime
from app.services import organisations, workshops
from tests.conftest import ORGANISER, uid


def test_a_closed_store_is_skipped_not_logged(tmp_path, caplog):
    app = create_app({"DATA_DIR": str(tmp_path / "sessions"), "ASYNC_MODE": "threading"})
    reg = app.extensions["registry"]
    ws = workshops.create(reg, {"name": "Atelier des Mauges", "password": "motdepasse"})
    with caplog.at_level(logging.ERROR, logger="atelier.realtime"):
        for n in range(3):
            organisations.create(ws, ORGANISER, {"id": uid(), "name": f"Menuiserie {n}"})
        reg.close()
        assert ws.store.closed
        time.sleep(4 * realtime.DERIVED_EVERY)  # the loops have had their turns since
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and ws.id in r.getMessage()]
    assert errors == []
