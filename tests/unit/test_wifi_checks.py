"""The wifi check's memory stays bounded on a server that runs for days: old results are
forgotten, and no more than ``MAX_CHECKS`` phones are kept per workshop."""
from __future__ import annotations

from app.services import network
from tests.conftest import uid

ANYONE = {"role": "participant", "id": "x", "device": "x", "org": None, "label": None}


def _check(ws, ms=20.0):
    return network.record_check(ws, ANYONE, {"phone": uid(), "median_ms": ms, "worst_ms": ms, "lost": 0,
                                             "websocket": True})


def test_old_checks_are_forgotten_and_the_count_is_bounded(ws, monkeypatch):
    network.forget_checks(ws.id)
    clock = [1_000_000.0]
    monkeypatch.setattr(network.time, "time", lambda: clock[0])
    monkeypatch.setattr(network, "MAX_CHECKS", 5)
    for _ in range(3):
        _check(ws)
    assert network.check_summary(ws)["phones"] == 3
    clock[0] += network.CHECK_WINDOW_S + 1  # an hour later: the room has changed
    _check(ws, 400)
    assert network.check_summary(ws)["phones"] == 1 and len(network._checks[ws.id]) == 1
    for i in range(10):
        clock[0] += 1
        _check(ws)
    assert len(network._checks[ws.id]) == 5  # the newest five
    assert network.check_summary(ws)["slow"] == 0  # the slow one, oldest, went first
    network.forget_checks(ws.id)
