"""The authorization matrix, as data. Enforced in one place
(``app.auth.require``) for HTTP and Socket.IO alike, documented in the README
and tested cell by cell from this same table.

Cell values: ``True`` allowed, ``False`` refused, ``"own"`` allowed on the
participant's own organisation's records only.
"""
from __future__ import annotations

ROLES = ["organiser", "facilitator", "participant", "projector", "anonymous"]

MATRIX = {
    # action:                organiser facilitator participant projector anonymous
    "workshop.read":         (True,  True,  True,  True,  False),
    "workshop.manage":       (True,  False, False, False, False),
    "organisation.create":   (True,  True,  True,  False, False),
    "organisation.update":   (True,  True,  "own", False, False),
    "sheet.create":          (True,  True,  "own", False, False),
    "sheet.update":          (True,  True,  "own", False, False),
    "sheet.hide":            (True,  True,  False, False, False),
    "idea.create":           (True,  True,  "own", False, False),
    "idea.update":           (True,  True,  False, False, False),
    "idea.move":             (True,  True,  False, False, False),
    "idea.b2b":              (True,  True,  False, False, False),
    "idea.hide":             (True,  True,  False, False, False),
    "idea.merge":            (True,  True,  False, False, False),
    "idea.history":          (True,  True,  False, False, False),
    "facilitator.manage":    (True,  False, False, False, False),
    "device.revoke":         (True,  False, False, False, False),
    "intake.set":            (True,  False, False, False, False),
    "export":                (True,  False, False, False, False),
    "b2b.contacts":          (True,  True,  False, False, False),
    "room.staff":            (True,  True,  False, False, False),
    "room.participant":      (False, False, True,  False, False),
    "room.projector":        (True,  True,  False, True,  False),
}

# Actions that add new content: a participant may do them only while intake is open.
INTAKE_ACTIONS = {"organisation.create", "sheet.create", "idea.create"}
# After the event: "locked" is read-only for all but the organiser; in "followup"
# facilitators may keep sorting ideas.
FOLLOWUP_ACTIONS = {"idea.update", "idea.move", "idea.b2b", "idea.hide", "idea.merge"}
READ_ACTIONS = {"workshop.read", "idea.history", "b2b.contacts", "room.staff", "room.participant",
                "room.projector", "export"}


def cell(role: str, action: str):
    return MATRIX[action][ROLES.index(role)]


def decide(role: str, action: str, *, phase: str = "live", intake_open: bool = True,
           own: bool | None = None) -> str | None:
    """``None`` if allowed, else the translation key of the refusal."""
    if action not in MATRIX:
        return "err.forbidden"
    c = cell(role, action)
    if c is False:
        return "err.forbidden" if role != "anonymous" else "err.not_signed_in"
    if c == "own" and own is False:
        return "err.not_yours"
    if action in READ_ACTIONS or role == "organiser":
        return None
    if phase == "locked":
        return "err.locked"
    if phase == "followup" and not (role == "facilitator" and action in FOLLOWUP_ACTIONS):
        return "err.locked"
    if role == "participant" and action in INTAKE_ACTIONS and (not intake_open or phase == "closed"):
        return "err.intake_closed"
    return None
