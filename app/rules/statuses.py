"""Idea status transitions: which moves are legal, and what a move changes.

Plain data and functions (no Flask, no SQLite): the service layer applies
them, the board receives ``TRANSITIONS`` in its boot data so it offers only
the legal targets, and the unit tests check every pair.
"""
from __future__ import annotations

from .vocab import ABANDON_REASONS, STATUSES

# From -> allowed targets. "done" (Réalisée), "discussion" (En discussion) and
# "standby" (En veille) only once the event is over (the follow-up months):
# À approfondir -> En discussion -> Sur le point de se concrétiser -> Réalisée,
# Abandonnée (with a reason) and En veille from anywhere on the way.
TRANSITIONS = {
    "new": {"explore", "soon", "abandoned"},
    "explore": {"new", "discussion", "soon", "abandoned", "standby", "done"},
    "discussion": {"explore", "soon", "abandoned", "standby", "done"},
    "soon": {"new", "explore", "discussion", "abandoned", "standby", "done"},
    "abandoned": {"new", "explore", "discussion", "soon", "standby"},
    "standby": {"explore", "discussion", "soon", "abandoned"},
    "done": {"explore", "discussion", "soon"},
}
AFTER_EVENT_PHASES = {"closed", "locked", "followup"}
AFTER_EVENT_STATUSES = ("discussion", "standby", "done")
BOARD_COLUMNS = ["new", "explore", "soon", "abandoned"]


class MoveError(ValueError):
    """Carries a translation key for the user."""

    def __init__(self, key):
        super().__init__(key)
        self.key = key


def allowed_targets(current: str, phase: str) -> list[str]:
    """The columns a card in ``current`` may go to now, in board order."""
    ok = TRANSITIONS.get(current, set())
    return [s for s in STATUSES if s in ok and (s not in AFTER_EVENT_STATUSES or phase in AFTER_EVENT_PHASES)]


def check_move(current: str, target: str, reason: str | None, phase: str) -> dict:
    """Return the changes a move makes, or raise :class:`MoveError`."""
    if target not in STATUSES:
        raise MoveError("err.choice")
    if target == current:
        raise MoveError("err.same_status")
    if target not in TRANSITIONS.get(current, set()):
        raise MoveError("err.transition")
    if target in AFTER_EVENT_STATUSES and phase not in AFTER_EVENT_PHASES:
        raise MoveError("err.done_too_early" if target == "done" else "err.after_event")
    if target == "abandoned":
        if not reason:
            raise MoveError("err.reason_required")
        if reason not in ABANDON_REASONS:
            raise MoveError("err.choice")
    return {"status": target, "abandon_reason": reason if target == "abandoned" else None}


def visible_columns(phase: str) -> list[str]:
    cols = list(BOARD_COLUMNS)
    return [s for s in STATUSES if s in cols or s in AFTER_EVENT_STATUSES] if phase in AFTER_EVENT_PHASES else cols


def transitions_json() -> dict:
    """``TRANSITIONS`` as JSON-friendly lists (for the board's boot data)."""
    return {k: sorted(v, key=STATUSES.index) for k, v in TRANSITIONS.items()}
