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


FILTERS = {"organisation": organisation, "sheet": sheet, "idea": idea, "facilitator": facilitator,
           "workshop": workshop, "device": device,
           "contact": contact, "impact": impact, "outcome": outcome, "factor": factor}


def for_role(entity: str, rec: dict, role: str, viewer_org: str | None = None):
    f = FILTERS.get(entity)
    return f(rec, role, viewer_org) if f else None
