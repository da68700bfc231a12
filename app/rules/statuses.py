"""Idea status transitions: which moves are legal, and what a move changes."""
from __future__ import annotations

# From -> allowed targets. "done" (Réalisée) only once the event is over.
TRANSITIONS = {
    "new": {"explore", "soon", "abandoned"},
    "explore": {"new", "soon", "abandoned", "done"},
    "soon": {"new", "explore", "abandoned", "done"},
    "abandoned": {"new", "explore", "soon"},
    "done": {"explore", "soon"},
}
AFTER_EVENT_PHASES = {"closed", "locked", "followup"}


class MoveError(ValueError):
    """Carries a translation key for the user."""

    def __init__(self, key):
        super().__init__(key)
        self.key = key


def check_move(current: str, target: str, reason: str | None, phase: str) -> dict:
    """Return the changes a move makes, or raise :class:`MoveError`."""
    if target == current:
        raise MoveError("err.same_status")
    if target not in TRANSITIONS.get(current, set()):
        raise MoveError("err.transition")
    if target == "done" and phase not in AFTER_EVENT_PHASES:
        raise MoveError("err.done_too_early")
    if target == "abandoned" and not reason:
        raise MoveError("err.reason_required")
    return {"status": target, "abandon_reason": reason if target == "abandoned" else None}


def visible_columns(phase: str) -> list[str]:
    cols = ["new", "explore", "soon", "abandoned"]
    return cols + ["done"] if phase in AFTER_EVENT_PHASES else cols
