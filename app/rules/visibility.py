"""What each role may see of a record: applied to every payload that leaves
the server (HTTP responses, socket broadcasts, resync), never to pages only."""
from __future__ import annotations

CONTACT_FIELDS = ("contact_name", "email", "phone")
IDEA_PRIVATE = ("notes", "abandon_reason", "hidden", "merged_into", "author")
SHEET_PRIVATE = ("author",)
STAFF = ("organiser", "facilitator")


def organisation(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None:
        return None
    if role in STAFF:
        return rec
    if rec.get("hidden"):
        return None
    out = dict(rec)
    if not rec.get("consent") and rec.get("id") != viewer_org:
        for k in CONTACT_FIELDS:
            out[k] = None
    out.pop("hidden", None)
    if role == "projector":
        for k in CONTACT_FIELDS:
            out[k] = None
    return out


def sheet(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None:
        return None
    if role in STAFF:
        return rec
    own = viewer_org is not None and rec.get("organisation_id") == viewer_org
    if rec.get("hidden"):
        return None
    if not own and (rec.get("visibility") == "facilitators" or rec.get("state") == "withdrawn"):
        return None
    out = {k: v for k, v in rec.items() if k not in SHEET_PRIVATE and k != "hidden"}
    if role == "projector":
        out.pop("paper_no", None)
    return out


def idea(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None:
        return None
    if role in STAFF:
        return rec
    if rec.get("hidden") or rec.get("merged_into"):
        return None
    if role == "participant" and viewer_org not in (rec.get("org_ids") or []):
        return None
    return {k: v for k, v in rec.items() if k not in IDEA_PRIVATE}


def facilitator(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None:
        return None
    if role == "organiser":
        return rec
    if role == "facilitator":
        return {k: v for k, v in rec.items() if k != "code"}
    return None


def workshop(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    if rec is None:
        return None
    return {k: v for k, v in rec.items() if k not in ("password_hash", "projector_token")} \
        if role != "organiser" else {k: v for k, v in rec.items() if k != "password_hash"}


def device(rec, role, viewer_org=None):
    return rec if role == "organiser" else None


FILTERS = {"organisation": organisation, "sheet": sheet, "idea": idea, "facilitator": facilitator,
           "workshop": workshop, "device": device}


def for_role(entity: str, rec: dict, role: str, viewer_org: str | None = None):
    return FILTERS[entity](rec, role, viewer_org)
