"""The authorization matrix, as data.

Enforced in one place for each channel: :func:`app.services.authorize` for
every HTTP route (it calls :func:`decide`), the Socket.IO ``connect`` handler
for rooms (``room.*``) and the ``sync`` handler (``workshop.read``, through the
service). ``ROUTES`` and ``SOCKET_EVENTS`` say which action each route and each
socket event needs; the README table is :func:`markdown_table`, and
``tests/security/test_matrix.py`` is generated from ``MATRIX`` cell by cell.

Cell values: ``True`` allowed, ``False`` refused, ``"own"`` allowed on the
participant's own organisation's records only, ``"consent"`` (reads only)
allowed for the participant's own organisation or where the organisation
consented to share.

Phases come on top of the cells (see :func:`decide`): in ``closed`` and when
intake is closed participants add nothing new; ``locked`` is read-only for all
but the organiser; in ``followup`` facilitators keep sorting ideas, nobody else
but the organiser writes.
"""
from __future__ import annotations

ROLES = ["organiser", "facilitator", "participant", "projector", "anonymous"]

ROLE_LABELS = {"organiser": "organiser", "facilitator": "facilitator", "participant": "participant",
               "projector": "projector", "anonymous": "anyone else"}

MATRIX = {
    # action:                    organiser facilitator participant projector anonymous
    # -- session and workshop
    "workshop.create":           (True,  True,  True,  True,  True),
    "session.sign_in":           (True,  True,  True,  True,  True),
    "session.sign_out":          (True,  True,  True,  True,  True),
    "workshop.read":             (True,  True,  True,  True,  False),
    "workshop.phase":            (True,  False, False, False, False),
    "workshop.manage":           (True,  False, False, False, False),
    "server.network":            (True,  False, False, False, False),
    "wifi.check":                (True,  True,  True,  True,  True),
    "intake.set":                (True,  False, False, False, False),
    "export":                    (True,  False, False, False, False),
    "facilitator.manage":        (True,  False, False, False, False),
    "device.revoke":             (True,  False, False, False, False),
    # -- organisations
    "organisation.create":       (True,  True,  True,  False, False),
    "organisation.join":         (False, False, True,  False, False),
    "organisation.update":       (True,  True,  "own", False, False),
    "organisation.suggest":      (True,  True,  True,  False, False),
    "organisation.admit":        (True,  True,  "own", False, False),
    "organisation.merge":        (True,  True,  False, False, False),
    "organisation.delete":       (True,  True,  False, False, False),
    # -- sheets (withdraw = update with state "withdrawn")
    "sheet.create":              (True,  True,  "own", False, False),
    "sheet.update":              (True,  True,  "own", False, False),
    "sheet.hide":                (True,  True,  False, False, False),
    # -- ideas
    "idea.create":               (True,  True,  "own", False, False),
    "idea.update":               (True,  True,  False, False, False),
    "idea.move":                 (True,  True,  False, False, False),
    "idea.b2b":                  (True,  True,  False, False, False),
    "idea.hide":                 (True,  True,  False, False, False),
    "idea.merge":                (True,  True,  False, False, False),
    "idea.history":              (True,  True,  False, False, False),
    "b2b.contacts":              (True,  True,  False, False, False),
    # -- suggested synergies (app/services/suggestions.py)
    "suggestion.read":           (True,  True,  True,  False, False),
    "suggestion.decide":         (True,  True,  False, False, False),
    # -- B2B meetings (app/services/meetings.py)
    "b2b.read":                  (True,  True,  True,  True,  False),
    "b2b.setup":                 (True,  False, False, False, False),
    "b2b.attendance":            (True,  True,  "own", False, False),
    "meeting.request":           (True,  True,  "own", False, False),
    "meeting.answer":            (True,  True,  "own", False, False),
    "meeting.plan":              (True,  False, False, False, False),
    "meeting.status":            (True,  True,  False, False, False),
    "meeting.outcome":           (True,  True,  "own", False, False),
    "meeting.agenda":            (True,  True,  "own", False, False),
    # -- follow-up after the afternoon (app/followup); facilitators' "own": the ideas they are in charge of
    "followup.board":            (True,  True,  False, False, False),
    "followup.mine":             (False, False, True,  False, False),
    "followup.read":             (True,  True,  "own", False, False),
    "followup.update":           (True,  "own", False, False, False),
    "followup.contact":          (True,  "own", False, False, False),
    "followup.impact":           (True,  "own", False, False, False),
    "followup.outcome":          (False, False, "own", False, False),
    "followup.relances":         (True,  "own", False, False, False),
    "followup.settings":         (True,  False, False, False, False),
    "followup.remind":           (True,  False, False, False, False),
    "factors.manage":            (True,  False, False, False, False),
    # -- flow studies: sheets from a company visit (app/flowstudy)
    "visit.create":              (True,  True,  False, False, False),
    "visit.read":                (True,  True,  False, False, False),
    "flowstudy.create":          (True,  False, False, False, False),
    # -- what leaves the server (applied by app.rules.visibility to every payload)
    "read.organisation":         (True,  True,  True,  True,  False),
    "read.organisation.contact": (True,  True,  "consent", False, False),
    "read.sheet":                (True,  True,  True,  True,  False),
    "read.sheet.confidential":   (True,  True,  "own", False, False),
    "read.sheet.author":         (True,  True,  False, False, False),
    "read.idea":                 (True,  True,  "own", True,  False),
    "read.idea.private":         (True,  True,  False, False, False),
    "read.hidden":               (True,  True,  False, False, False),
    "read.facilitator":          (True,  True,  False, False, False),
    "read.facilitator.code":     (True,  False, False, False, False),
    "read.device":               (True,  False, False, False, False),
    "read.join_request":         (True,  True,  "own", False, False),
    "read.workshop.projector_token": (True, False, False, False, False),
    "read.stats":                (True,  True,  False, True,  False),
    "read.suggestion":           (True,  True,  "own", False, False),
    "read.suggestion.decision":  (True,  True,  False, False, False),
    "read.meeting":              (True,  True,  "own", True,  False),
    "read.meeting.outcome":      (True,  True,  "own", False, False),
    "read.meeting.plan":         (True,  True,  False, False, False),
    "read.attendance":           (True,  True,  "own", False, False),
    "read.contact":              (True,  True,  False, False, False),
    "read.impact":               (True,  True,  "own", False, False),
    "read.outcome":              (True,  True,  "own", False, False),
    "read.factor":               (True,  True,  False, False, False),
    "read.visit":                (True,  True,  False, False, False),
    # -- Socket.IO rooms: joining one is an action too
    "room.staff":                (True,  True,  False, False, False),
    "room.participant":          (False, False, True,  False, False),
    "room.projector":            (True,  True,  False, True,  False),
}

DESCRIPTIONS = {
    "workshop.create": "create a workshop (rate-limited per address)",
    "session.sign_in": "sign in with the organiser password or a facilitator code (guessing is locked out)",
    "session.sign_out": "sign out of a workshop",
    "workshop.read": "the role-filtered state and the journal since a seq",
    "workshop.phase": "set the phase: before, live, closed, locked, followup",
    "intake.set": "open or close intake",
    "workshop.manage": "organiser tools: back up now, restore",
    "server.network": "choose the address phones are given, the second backup folder (USB stick)",
    "wifi.check": "report a phone's result on the wifi check page (before joining; rate-limited)",
    "export": "documents and data exports",
    "facilitator.manage": "create, revoke and reinstate facilitator codes; their QR codes",
    "device.revoke": "revoke a participant's phone",
    "organisation.create": "create an organisation (a phone is bound to it)",
    "organisation.join": "bind this phone to an existing organisation",
    "organisation.update": "edit an organisation",
    "organisation.suggest": "existing organisations close to a typed name (before creating one)",
    "organisation.admit": "let a phone that asked into the organisation, or turn it away",
    "organisation.merge": "merge an organisation created by mistake into another (its sheets, ideas, phones move)",
    "organisation.delete": "delete an organisation created by mistake (its sheets are removed, journaled)",
    "sheet.create": "write an offer or need sheet",
    "sheet.update": "edit or withdraw a sheet",
    "sheet.hide": "hide or restore a sheet (moderation)",
    "idea.create": "propose a synergy idea",
    "idea.update": "edit an idea's details, notes, next step, impact",
    "idea.move": "move an idea between status columns; undo one's last move",
    "idea.b2b": "select an idea for B2B",
    "idea.hide": "hide or restore an idea (moderation)",
    "idea.merge": "merge a duplicate idea",
    "idea.history": "an idea's dated history",
    "b2b.contacts": "the B2B list with every party's contact details",
    "suggestion.read": "suggested synergies (participants: for their organisation's sheets, and the room list's "
                       "relevance to them)",
    "suggestion.decide": "accept a suggestion (creates the idea) or dismiss it; restore a dismissed one",
    "b2b.read": "B2B meetings, slots, places and the server clock, as the role may see them",
    "b2b.setup": "meeting sessions, slot length, pause and meeting places",
    "b2b.attendance": "how many people an organisation brought, when it arrives and leaves",
    "meeting.request": "ask for a meeting (participants: with their own organisation in it)",
    "meeting.answer": "accept, decline or cancel a meeting request (organiser: on behalf of a side)",
    "meeting.plan": "plan the meetings; pin one to a slot and place (planning grid)",
    "meeting.status": "mark a meeting held, no-show or cancelled",
    "meeting.outcome": "record a side's outcome and next step (feeds the idea)",
    "meeting.agenda": "an organisation's agenda as PDF and .ics (participants: their own)",
    "followup.board": "the follow-up board: ideas followed, due dates, last contacts, figures, factor table",
    "followup.mine": "a participant's own organisation's ideas in follow-up and its reported outcomes",
    "followup.read": "one idea's follow-up: contacts (staff), impact, outcomes, history (staff)",
    "followup.update": "follow-up status, next step, due date (in charge of it; organiser: also who is in charge)",
    "followup.contact": "log a contact (date, who, channel, what was said, next step)",
    "followup.impact": "enter an idea's estimated or actual impact figures",
    "followup.outcome": "a participant reports their own organisation's outcome from the phone",
    "followup.relances": "the weekly follow-up reminders document (PDF, CSV) of a facilitator",
    "followup.settings": "the workshop's time zone, the weekly reminder e-mails (day, hour), facilitators' e-mail "
                         "addresses, the SMTP server (settings page)",
    "followup.remind": "send the reminder e-mails now (only with an SMTP server configured)",
    "factors.manage": "edit or add an emission factor",
    "visit.create": "record a company visit (flow study: date, who visited, source) and its offer and need sheets",
    "visit.read": "the visits recorded in this file, with their sheets",
    "flowstudy.create": "create the territory's book of flow studies (a workshop file of visits, same password)",
    "read.visit": "company visits (who was visited, when, by whom, source)",
    "read.contact": "the contact log of an idea",
    "read.impact": "an idea's impact figures (participants: their organisation's ideas)",
    "read.outcome": "the outcomes reported by participants (participants: their own)",
    "read.factor": "the emission-factor table",
    "read.organisation": "organisations (not hidden ones)",
    "read.organisation.contact": "contact person, email, phone",
    "read.sheet": "sheets visible to everyone",
    "read.sheet.confidential": "sheets marked facilitators only, withdrawn sheets",
    "read.sheet.author": "who typed a sheet",
    "read.idea": "ideas (participants: their organisation's)",
    "read.idea.private": "facilitator notes, abandon reason, author, merged ideas",
    "read.hidden": "hidden (moderated) items",
    "read.facilitator": "facilitators' names and tables",
    "read.facilitator.code": "facilitators' personal codes",
    "read.device": "participants' devices",
    "read.join_request": "phones asking to join an organisation (participants: their own organisation's)",
    "read.workshop.projector_token": "the projector link's token",
    "read.stats": "the live counters pushed on the socket",
    "read.suggestion": "a suggested pair (participants: on their own sheets, never with a sheet they may not see)",
    "read.suggestion.decision": "who accepted or dismissed which suggestion",
    "read.meeting": "B2B meetings (participants: their organisation's; projector: planned ones, no outcomes)",
    "read.meeting.outcome": "the outcomes recorded by each side (participants: their own side's)",
    "read.meeting.plan": "the planner's figures and unplaced meetings",
    "read.attendance": "people and arrival/leaving times of organisations",
    "room.staff": "socket room with staff payloads",
    "room.participant": "socket room with participant payloads",
    "room.projector": "socket room with projector payloads",
}

# Which action each HTTP route and socket event needs.
ROUTES = {
    ("POST", "/api/workshops"): "workshop.create",
    ("POST", "/api/w/{wid}/login/organiser"): "session.sign_in",
    ("POST", "/api/w/{wid}/login/facilitator"): "session.sign_in",
    ("POST", "/api/w/{wid}/logout"): "session.sign_out",
    ("GET", "/api/w/{wid}/state"): "workshop.read",
    ("GET", "/api/w/{wid}/events"): "workshop.read",
    ("POST", "/api/w/{wid}/organisations"): "organisation.create",
    ("PATCH", "/api/w/{wid}/organisations/{oid}"): "organisation.update",
    ("GET", "/api/w/{wid}/organisations/suggest"): "organisation.suggest",
    ("POST", "/api/w/{wid}/join"): "organisation.join",
    ("POST", "/api/w/{wid}/join-requests/{did}"): "organisation.admit",
    ("POST", "/api/w/{wid}/organisations/{oid}/merge"): "organisation.merge",
    ("POST", "/api/w/{wid}/organisations/{oid}/delete"): "organisation.delete",
    ("POST", "/api/w/{wid}/sheets"): "sheet.create",
    ("PATCH", "/api/w/{wid}/sheets/{sid}"): "sheet.update",
    ("POST", "/api/w/{wid}/sheets/{sid}/hide"): "sheet.hide",
    ("POST", "/api/w/{wid}/ideas"): "idea.create",
    ("PATCH", "/api/w/{wid}/ideas/{iid}"): "idea.update",
    ("POST", "/api/w/{wid}/ideas/{iid}/move"): "idea.move",
    ("POST", "/api/w/{wid}/undo"): "idea.move",
    ("POST", "/api/w/{wid}/ideas/{iid}/b2b"): "idea.b2b",
    ("POST", "/api/w/{wid}/ideas/{iid}/hide"): "idea.hide",
    ("POST", "/api/w/{wid}/ideas/{iid}/merge"): "idea.merge",
    ("GET", "/api/w/{wid}/ideas/{iid}/history"): "idea.history",
    ("GET", "/api/w/{wid}/b2b"): "b2b.contacts",
    ("GET", "/api/w/{wid}/suggestions"): "suggestion.read",
    ("GET", "/api/w/{wid}/suggestions/relevance"): "suggestion.read",
    ("POST", "/api/w/{wid}/suggestions/accept"): "suggestion.decide",
    ("POST", "/api/w/{wid}/suggestions/dismiss"): "suggestion.decide",
    ("POST", "/api/w/{wid}/suggestions/restore"): "suggestion.decide",
    ("GET", "/api/w/{wid}/meetings"): "b2b.read",
    ("POST", "/api/w/{wid}/meetings/setup"): "b2b.setup",
    ("POST", "/api/w/{wid}/organisations/{oid}/attendance"): "b2b.attendance",
    ("POST", "/api/w/{wid}/meetings"): "meeting.request",
    ("POST", "/api/w/{wid}/meetings/{mid}/answer"): "meeting.answer",
    ("POST", "/api/w/{wid}/meetings/plan"): "meeting.plan",
    ("POST", "/api/w/{wid}/meetings/{mid}/place"): "meeting.plan",
    ("POST", "/api/w/{wid}/meetings/{mid}/status"): "meeting.status",
    ("POST", "/api/w/{wid}/meetings/{mid}/outcome"): "meeting.outcome",
    ("GET", "/w/{code}/meetings/{oid}/agenda.{fmt}"): "meeting.agenda",
    ("POST", "/api/w/{wid}/facilitators"): "facilitator.manage",
    ("POST", "/api/w/{wid}/facilitators/{fid}/revoke"): "facilitator.manage",
    ("POST", "/api/w/{wid}/devices/{did}/revoke"): "device.revoke",
    ("POST", "/api/w/{wid}/intake"): "intake.set",
    ("POST", "/api/w/{wid}/phase"): "workshop.phase",
    ("POST", "/api/w/{wid}/backup"): "workshop.manage",
    ("GET", "/api/w/{wid}/network"): "server.network",
    ("POST", "/api/w/{wid}/network/address"): "server.network",
    ("POST", "/api/w/{wid}/network/backup-folder"): "server.network",
    ("POST", "/api/w/{wid}/wifi-check"): "wifi.check",
    ("GET", "/w/{code}/export/{fmt}"): "export",
    ("GET", "/w/{code}/facilitators/{fid}/qr.png"): "facilitator.manage",
    ("GET", "/api/w/{wid}/followup"): "followup.board",
    ("GET", "/api/w/{wid}/followup/mine"): "followup.mine",
    ("GET", "/api/w/{wid}/followup/ideas/{iid}"): "followup.read",
    ("PATCH", "/api/w/{wid}/followup/ideas/{iid}"): "followup.update",
    ("POST", "/api/w/{wid}/followup/ideas/{iid}/contacts"): "followup.contact",
    ("PUT", "/api/w/{wid}/followup/ideas/{iid}/impact/{stage}"): "followup.impact",
    ("POST", "/api/w/{wid}/followup/ideas/{iid}/outcome"): "followup.outcome",
    ("PUT", "/api/w/{wid}/followup/factors/{key}"): "factors.manage",
    ("PATCH", "/api/w/{wid}/followup/settings"): "followup.settings",
    ("PATCH", "/api/w/{wid}/followup/facilitators/{fid}"): "followup.settings",
    ("POST", "/api/w/{wid}/followup/reminders"): "followup.remind",
    ("GET", "/w/{code}/followup/relances/{fid}.{ext}"): "followup.relances",
    ("GET", "/w/{code}/followup/report.pdf"): "export",
    ("GET", "/api/w/{wid}/visits"): "visit.read",
    ("POST", "/api/w/{wid}/visits"): "visit.create",
    ("POST", "/api/w/{wid}/visits/{vid}/sheets"): "visit.create",
    ("POST", "/api/w/{wid}/flow-studies"): "flowstudy.create",
}
SOCKET_EVENTS = {
    "connect": "room.staff | room.participant | room.projector (the room asked for, default: the role's own)",
    "sync": "workshop.read",
}

# Adding new content: a participant may do it only while intake is open and the phase is not closed.
INTAKE_ACTIONS = {"organisation.create", "sheet.create", "idea.create"}
# In "followup" facilitators may keep sorting ideas.
FOLLOWUP_ACTIONS = {"idea.update", "idea.move", "idea.b2b", "idea.hide", "idea.merge",
                    "followup.update", "followup.contact", "followup.impact"} | {"meeting.status", "meeting.outcome"} | {
    "visit.create"}
# ... and participants report their own organisation's outcome.
PARTICIPANT_FOLLOWUP_ACTIONS = {"followup.outcome"}
# Not writes: allowed in every phase to whoever the cell allows.
PHASE_FREE = {a for a in MATRIX if a.startswith(("read.", "room."))} | {
    "workshop.read", "organisation.suggest", "idea.history", "b2b.contacts", "export", "session.sign_in",
    "session.sign_out", "workshop.create", "wifi.check", "followup.board", "followup.mine", "followup.read", "followup.relances"} | {
    "b2b.read", "meeting.agenda", "suggestion.read", "visit.read"}
READ_ACTIONS = PHASE_FREE  # older name
PHASES = ["before", "live", "closed", "locked", "followup"]


def cell(role: str, action: str):
    if role not in ROLES:
        role = "anonymous"
    return MATRIX[action][ROLES.index(role)]


def decide(role: str, action: str, *, phase: str = "live", intake_open: bool = True,
           own: bool | None = None) -> str | None:
    """``None`` if allowed, else the translation key of the refusal.

    ``own``: for ``"own"`` cells, whether the record belongs to the
    participant's organisation (``None``: not applicable, allowed).
    """
    if action not in MATRIX:
        return "err.forbidden"
    c = cell(role, action)
    if c is False:
        return "err.not_signed_in" if role not in ROLES or role == "anonymous" else "err.forbidden"
    if c in ("own", "consent") and own is False:
        return "err.not_in_charge" if role == "facilitator" else "err.not_yours"
    if action in PHASE_FREE or role == "organiser":
        return None
    if phase == "locked":
        return "err.locked"
    if phase == "followup" and not ((role == "facilitator" and action in FOLLOWUP_ACTIONS)
                                    or (role == "participant" and action in PARTICIPANT_FOLLOWUP_ACTIONS)):
        return "err.followup"
    if role == "participant" and action in INTAKE_ACTIONS and (not intake_open or phase == "closed"):
        return "err.intake_closed"
    return None


def allowed(role: str, action: str, own: bool | None = None) -> bool:
    """For reads (visibility): the cell alone, no phase."""
    c = cell(role, action)
    if c is True:
        return True
    if c in ("own", "consent"):
        return bool(own)
    return False


def _mark(c) -> str:
    return {True: "✅", False: "—"}.get(c, f"{c}")


def markdown_table() -> str:
    """The matrix as a Markdown table (README / docs/authorization.md), generated from ``MATRIX``."""
    by_action: dict[str, list[str]] = {}
    for (method, path), action in ROUTES.items():
        by_action.setdefault(action, []).append(f"`{method} {path}`")
    for event, action in SOCKET_EVENTS.items():
        if action in MATRIX:
            by_action.setdefault(action, []).append(f"socket `{event}`")
    for a in MATRIX:
        if a.startswith("room."):
            by_action.setdefault(a, []).append("socket `connect`")
    head = "| action | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " | what | where |"
    lines = [head, "|" + "---|" * (len(ROLES) + 3)]
    for action, cells in MATRIX.items():
        where = ", ".join(by_action.get(action, [])) or ("every payload (`app/rules/visibility.py`)"
                                                          if action.startswith("read.") else "")
        lines.append(f"| `{action}` | " + " | ".join(_mark(c) for c in cells)
                     + f" | {DESCRIPTIONS.get(action, '')} | {where} |")
    notes = [
        "",
        "✅ allowed, — refused (401 for anyone else, 403 for a signed-in role), "
        "`own`: the participant's own organisation's records only, "
        "`consent`: own organisation, or organisations that consented to share their contact details.",
        "",
        "Phases, on top of the cells: while intake is closed or the workshop is `closed`, participants add "
        "nothing new (" + ", ".join(f"`{a}`" for a in sorted(INTAKE_ACTIONS)) + "); `locked` is read-only for "
        "everyone but the organiser; in `followup` facilitators keep "
        + ", ".join(f"`{a}`" for a in sorted(FOLLOWUP_ACTIONS)) + ", participants "
        + ", ".join(f"`{a}`" for a in sorted(PARTICIPANT_FOLLOWUP_ACTIONS))
        + ", and nobody else but the organiser writes. "
        "For facilitators, `own` in the `followup.*` rows means the ideas they are in charge of. "
        "Revoking a facilitator code or a device disconnects its open sockets at once; every request and "
        "socket message re-reads the code or device, so a revoked one is anyone else from then on.",
    ]
    return "\n".join(lines + notes) + "\n"


def document() -> str:
    """docs/authorization.md: ``python -m app.rules.permissions > docs/authorization.md``."""
    return ("# Authorization matrix\n\n"
            "Generated from `app/rules/permissions.py` (`MATRIX`, `ROUTES`, `SOCKET_EVENTS`) by "
            "`python -m app.rules.permissions > docs/authorization.md`; `tests/security/test_matrix.py` "
            "checks every cell over HTTP and Socket.IO on a real server, in every phase.\n\n"
            "Enforced in one place per channel: `app.services.authorize` (HTTP routes and the socket `sync`), "
            "the socket `connect` handler in `app/api/sockets.py` (rooms), and `app/rules/visibility.py` for "
            "every payload that leaves the server (the `read.*` rows).\n\n"
            + markdown_table())


if __name__ == "__main__":
    print(document(), end="")
