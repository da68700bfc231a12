"""What each role may see of a record: applied to every payload that leaves
the server (HTTP responses, socket broadcasts, resync), never to pages only.

The rules are the ``read.*`` cells of :data:`app.rules.permissions.MATRIX`.
``None`` means "this role does not see this record at all".
"""
from __future__ import annotations

from .permissions import allowed

CONTACT_FIELDS = ("contact_name", "email", "phone")
IDEA_PRIVATE = ("notes", "abandon_reason", "hidden", "merged_into", "author")
SHEET_PRIVATE = ("author",)
STAFF = ("organiser", "facilitator")
NEVER = ("password_hash",)


def organisation(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None or not allowed(role, "read.organisation"):
        return None
    see_hidden = allowed(role, "read.hidden")
    if rec.get("hidden") and not see_hidden:
        return None
    own_or_consent = rec.get("id") == viewer_org or bool(rec.get("consent"))
    if see_hidden and allowed(role, "read.organisation.contact", own_or_consent):
        return rec
    out = dict(rec)
    if not allowed(role, "read.organisation.contact", own_or_consent):
        for k in CONTACT_FIELDS:
            out[k] = None
    if not see_hidden:
        out.pop("hidden", None)
    return out


def sheet(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None or not allowed(role, "read.sheet"):
        return None
    see_hidden = allowed(role, "read.hidden")
    if rec.get("hidden") and not see_hidden:
        return None
    own = viewer_org is not None and rec.get("organisation_id") == viewer_org
    if (rec.get("visibility") == "facilitators" or rec.get("state") == "withdrawn") \
            and not allowed(role, "read.sheet.confidential", own):
        return None
    if see_hidden and allowed(role, "read.sheet.author"):
        return rec
    out = {k: v for k, v in rec.items() if not (k in SHEET_PRIVATE and not allowed(role, "read.sheet.author"))}
    if not see_hidden:
        out.pop("hidden", None)
    if role == "projector":
        out.pop("paper_no", None)
    return out


def idea(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None:
        return None
    if not allowed(role, "read.idea", viewer_org is not None and viewer_org in (rec.get("org_ids") or [])):
        return None
    private = allowed(role, "read.idea.private")
    if (rec.get("hidden") and not allowed(role, "read.hidden")) or (rec.get("merged_into") and not private):
        return None
    if private:
        return rec
    return {k: v for k, v in rec.items() if k not in IDEA_PRIVATE}


def facilitator(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None or not allowed(role, "read.facilitator"):
        return None
    if allowed(role, "read.facilitator.code"):
        return rec
    return {k: v for k, v in rec.items() if k != "code"}


def workshop(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None:
        return None
    hide = NEVER if allowed(role, "read.workshop.projector_token") else NEVER + ("projector_token",)
    return {k: v for k, v in rec.items() if k not in hide}


def device(rec, role, viewer_org=None):
    return rec if rec is not None and allowed(role, "read.device") else None


MEETING_PROJECTED = ("id", "org_ids", "idea_id", "slot", "place_id", "status", "request_status", "version")
MEETING_PRIVATE = ("unplaced_reason",)


def meeting(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    """B2B meetings: staff everything; a participant its organisation's, with its own side's outcome
    only; the projector the planned ones, names and places but nothing said in them."""
    if rec is None:
        return None
    mine = viewer_org is not None and viewer_org in (rec.get("org_ids") or [])
    if not allowed(role, "read.meeting", mine):
        return None
    if role == "projector":
        if rec.get("request_status") != "accepted" or rec.get("slot") is None or rec.get("status") == "cancelled":
            return None
        return {k: rec.get(k) for k in MEETING_PROJECTED}
    if allowed(role, "read.meeting.plan"):
        return rec
    out = {k: v for k, v in rec.items() if k not in MEETING_PRIVATE}
    outcomes = rec.get("outcomes") or {}
    out["outcomes"] = {o: v for o, v in outcomes.items() if allowed(role, "read.meeting.outcome", o == viewer_org)}
    return out


def b2b_setup(rec, role, viewer_org=None):
    if rec is None or not allowed(role, "b2b.read"):
        return None
    if allowed(role, "read.meeting.plan"):
        return rec
    return {k: v for k, v in rec.items() if k not in ("plan_stats",)}


def b2b_place(rec, role, viewer_org=None):
    if rec is None or not allowed(role, "b2b.read") or (rec.get("hidden") and not allowed(role, "read.hidden")):
        return None
    return rec


def b2b_attendance(rec, role, viewer_org=None):
    if rec is None or not allowed(role, "read.attendance", rec.get("id") == viewer_org):
        return None
    return rec


def contact(rec, role, viewer_org=None):
    """The facilitator's notebook: staff only."""
    return rec if rec is not None and allowed(role, "read.contact") else None


def impact(rec, role, viewer_org=None):
    own = viewer_org is not None and rec is not None and viewer_org in (rec.get("org_ids") or [])
    if rec is None or not allowed(role, "read.impact", own):
        return None
    if role in STAFF:
        return rec
    return {k: v for k, v in rec.items() if k != "note"}


def outcome(rec, role, viewer_org=None):
    own = viewer_org is not None and rec is not None and rec.get("organisation_id") == viewer_org
    return rec if rec is not None and allowed(role, "read.outcome", own) else None


def factor(rec, role, viewer_org=None):
    return rec if rec is not None and allowed(role, "read.factor") else None


def suggestion(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    """A suggested pair: staff see every one; a participant only those on its own organisation's
    sheets whose other sheet it may see (never a facilitators-only sheet of another organisation)."""
    if rec is None:
        return None
    sides = {"offer": rec.get("offer_org"), "need": rec.get("need_org")}
    mine = [k for k, org in sides.items() if viewer_org is not None and org == viewer_org]
    if not allowed(role, "read.suggestion", bool(mine)):
        return None
    if allowed(role, "read.sheet.confidential"):
        return rec
    other = "need" if mine == ["offer"] else "offer"
    if rec.get(f"{other}_visibility") == "facilitators":
        return None
    return {k: v for k, v in rec.items() if k not in ("decided_by",)}


def suggestion_decision(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    """Accepted and dismissed suggestions (the journal's ``suggestion`` records): staff only."""
    return rec if rec is not None and allowed(role, "read.suggestion.decision") else None


FILTERS = {"organisation": organisation, "sheet": sheet, "idea": idea, "facilitator": facilitator,
           "workshop": workshop, "device": device,
           "contact": contact, "impact": impact, "outcome": outcome, "factor": factor,
           "meeting": meeting, "b2b_setup": b2b_setup, "b2b_place": b2b_place, "b2b_attendance": b2b_attendance,
           "suggestion": suggestion_decision}


def for_role(entity: str, rec: dict, role: str, viewer_org: str | None = None):
    f = FILTERS.get(entity)
    return f(rec, role, viewer_org) if f else None
