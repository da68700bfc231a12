"""Who is asking: the role of this browser in this workshop.

The Flask session cookie (signed, HttpOnly, SameSite=Lax) holds, per
workshop, the role and the id of the facilitator or device. Every request
and every socket connection re-reads the row, so a revoked code or device
loses its rights at once.
"""
from __future__ import annotations

from flask import session

from .i18n import t
from .store import new_id

ANON = {"role": "anonymous", "id": None, "label": None, "org": None}


def _entries() -> dict:
    w = session.get("w")
    return w if isinstance(w, dict) else {}


def sign_in(ws, role: str, ident: str | None = None):
    entries = dict(_entries())
    old = entries.get(ws.id) if isinstance(entries.get(ws.id), dict) else {}
    entry = {"r": role, "i": ident}
    if role == "participant":  # the phone keeps one key across its devices (rate limits per phone)
        entry["p"] = (old.get("p") or old.get("i")) if old.get("r") == "participant" else ident
    entries[ws.id] = entry
    session["w"] = entries
    session.permanent = True


def sign_out(ws):
    entries = dict(_entries())
    entries.pop(ws.id, None)
    session["w"] = entries


def ensure_visitor(ws):
    """A phone that opened the join page becomes a participant without an organisation yet."""
    entry = _entries().get(ws.id)
    if not entry:
        sign_in(ws, "participant", new_id())


def actor(ws) -> dict:
    entry = _entries().get(ws.id)
    if not isinstance(entry, dict):
        return dict(ANON)
    role, ident = entry.get("r"), entry.get("i")
    if role == "organiser":
        return {"role": "organiser", "id": "organiser", "label": t("role.organiser"), "org": None}
    if role == "projector":
        return {"role": "projector", "id": None, "label": None, "org": None}
    if role == "facilitator":
        fac = ws.store.get("facilitator", ident) if ident else None
        if not fac or fac.get("revoked"):
            return dict(ANON)
        return {"role": "facilitator", "id": fac["id"], "label": fac["name"], "org": None,
                "table": fac.get("table_no")}
    if role == "participant":
        out = _participant(ws, ident)
        if out["role"] == "participant":
            out["phone"] = entry.get("p") or ident
        return out
    return dict(ANON)


def _participant(ws, ident) -> dict:
    dev = ws.store.get("device", ident) if ident else None
    if dev and dev.get("revoked"):
        return dict(ANON)
    if dev and dev.get("state") not in (None, "member"):
        # Asked to join and not let in (yet): it reads what any participant reads.
        return {"role": "participant", "id": ident, "device": ident, "org": None, "label": dev.get("label"),
                "asking": dev["organisation_id"] if dev.get("state") == "pending" else None,
                "join_state": dev.get("state")}
    org = ws.store.get("organisation", dev["organisation_id"]) if dev else None
    if dev and (org is None or org.get("hidden")):
        return dict(ANON)
    return {"role": "participant", "id": ident, "device": ident, "org": org["id"] if org else None,
            "label": org["name"] if org else None}
