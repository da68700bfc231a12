"""The B2B list: selected ideas with the organisations and their contacts."""
from __future__ import annotations

from . import authorize


def selected(ws, actor) -> list[dict]:
    authorize(ws, actor, "b2b.contacts")
    orgs = {o["id"]: o for o in ws.store.all("organisation")}
    out = []
    for idea in ws.store.all("idea", "b2b = 1 AND COALESCE(hidden,0) = 0 AND merged_into IS NULL"):
        parties = []
        for oid in idea.get("org_ids") or []:
            o = orgs.get(oid) or {}
            parties.append({"id": oid, "name": o.get("name"), "contact_name": o.get("contact_name"),
                            "email": o.get("email"), "phone": o.get("phone"), "consent": o.get("consent")})
        out.append({"id": idea["id"], "title": idea["title"], "status": idea["status"],
                    "category": idea["category"], "meeting_slot": idea.get("meeting_slot"),
                    "organisations": parties})
    return out
