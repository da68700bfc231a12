"""Workshops: creation, sign-in of organiser and facilitators, intake and
phase, the counters, and the role-filtered state a screen starts from."""
from __future__ import annotations

import hmac
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from .. import journal
from ..rules import permissions, validation as V, visibility
from ..store import new_id
from . import ServiceError, authorize, check, commit

SYSTEM = {"role": "organiser", "id": None, "label": "system"}


def create(registry, data: dict, *, workshop_id: str | None = None, code: str | None = None):
    clean = check(V.WORKSHOP_CREATE, data)
    wid = workshop_id or new_id()
    store = registry.open_new(wid)
    zones = [z.strip() for z in (clean.get("zones") or "").split(",") if z.strip()]
    row = {
        "id": wid, "code": code or registry.unused_code(), "name": clean["name"], "date": clean.get("date"),
        "venue": clean.get("venue"), "zones": zones,
        "password_hash": generate_password_hash(clean["password"]),
        "intake_open": 1, "phase": "live", "projector_token": secrets.token_urlsafe(16),
        "categories_extra": [],
    }
    store.write(SYSTEM, lambda tx: tx.insert("workshop", row))
    return registry.register(store)


def check_organiser(ws, password) -> bool:
    info = ws.store.workshop()
    return isinstance(password, str) and check_password_hash(info["password_hash"], password)


def check_projector(ws, token) -> bool:
    info = ws.store.workshop()
    return isinstance(token, str) and hmac.compare_digest(info["projector_token"], token)


def facilitator_by_code(ws, code):
    if not isinstance(code, str) or not code.strip():
        return None
    code = code.strip().upper().replace(" ", "").replace("-", "")
    rows = ws.store.all("facilitator", "code = ?", [code])
    return rows[0] if rows else None


def set_intake(ws, actor, data):
    authorize(ws, actor, "intake.set")
    clean = check(V.INTAKE, data)
    info = ws.store.workshop()
    return commit(ws, actor, lambda tx: tx.update("workshop", info["id"], {"intake_open": int(clean["open"])},
                                                  action="intake"))


def set_phase(ws, actor, data):
    authorize(ws, actor, "workshop.phase")
    clean = check(V.PHASE, data)
    info = ws.store.workshop()
    changes = {"phase": clean["phase"]}
    if clean["phase"] in ("closed", "locked"):
        changes["intake_open"] = 0
    return commit(ws, actor, lambda tx: tx.update("workshop", info["id"], changes, action="phase"))


def stats(ws) -> dict:
    """The counters every screen shows; one pass of small COUNT queries."""
    s = ws.store
    orgs = s.rows("SELECT presence, COUNT(*) n FROM organisations WHERE COALESCE(hidden,0)=0 GROUP BY presence")
    sheets = s.rows("SELECT kind, category, COUNT(*) n FROM sheets WHERE COALESCE(hidden,0)=0 "
                    "AND state != 'withdrawn' GROUP BY kind, category")
    ideas = s.rows("SELECT status, category, SUM(b2b) b2b, COUNT(*) n FROM ideas WHERE COALESCE(hidden,0)=0 "
                   "AND merged_into IS NULL GROUP BY status, category")
    by_status = {k: 0 for k in ("new", "explore", "soon", "abandoned", "done")}
    by_category: dict[str, dict] = {}
    for r in ideas:
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["n"]
        c = by_category.setdefault(r["category"] or "other", {"sheets": 0, "ideas": 0})
        c["ideas"] += r["n"]
    for r in sheets:
        c = by_category.setdefault(r["category"] or "other", {"sheets": 0, "ideas": 0})
        c["sheets"] += r["n"]
    return {
        "organisations": sum(r["n"] for r in orgs),
        "represented": sum(r["n"] for r in orgs if r["presence"] == "represented"),
        "sheets": sum(r["n"] for r in sheets),
        "offers": sum(r["n"] for r in sheets if r["kind"] == "offer"),
        "needs": sum(r["n"] for r in sheets if r["kind"] == "need"),
        "ideas": sum(r["n"] for r in ideas),
        "b2b": sum(r["b2b"] or 0 for r in ideas),
        "by_status": by_status,
        "by_category": by_category,
        "facilitators": s.scalar("SELECT COUNT(*) FROM facilitators WHERE COALESCE(revoked,0)=0") or 0,
        "suggested": _suggested(ws),
    }


def _suggested(ws) -> int:
    """Open suggestions between sheets everyone may see (the wall's "rapprochements suggérés")."""
    from . import suggestions

    return suggestions.public_count(ws)


def state(ws, actor: dict) -> dict:
    """Everything a screen may see, with the ``seq`` it is consistent with."""
    authorize(ws, actor, "workshop.read")
    role, org = actor["role"], actor.get("org")
    s = ws.store
    with s.snapshot():
        seq = s.last_seq()
        info = s.workshop()
        orgs = s.all("organisation", order="name COLLATE NOCASE")
        sheets = s.all("sheet")
        if role == "participant":
            ideas = s.rows("SELECT * FROM ideas WHERE org_ids LIKE ? ORDER BY created_at", [f'%{org}%']) if org else []
        else:
            ideas = s.all("idea")
        facs = s.all("facilitator", order="table_no, name") if role in ("organiser", "facilitator") else []

    def keep(entity, rows):
        out = []
        for r in rows:
            v = visibility.for_role(entity, r, role, org)
            if v is not None:
                out.append(v)
        return out

    return {
        "seq": seq,
        "workshop": visibility.workshop(info, role),
        "organisations": keep("organisation", orgs),
        "sheets": keep("sheet", sheets),
        "ideas": keep("idea", ideas),
        "facilitators": keep("facilitator", facs),
        "stats": stats(ws) if permissions.allowed(role, "read.stats") else None,
        "me": {"role": role, "id": actor.get("id"), "org": org},
    }


RESYNC_LIMIT = 500


def events_since(ws, actor: dict, since: int) -> dict:
    """What a reconnecting screen missed, filtered for its role; ``reset`` if too far behind."""
    authorize(ws, actor, "workshop.read")
    last = ws.store.last_seq()
    if since < 0 or since > last:
        return {"reset": True, "last_seq": last, "events": []}
    if last - since > RESYNC_LIMIT:
        return {"reset": True, "last_seq": last, "events": []}
    out = []
    # Roles that do not see moderated items get each record as it is *now*: a sheet made confidential
    # or an idea hidden since is not replayed from the journal's older copy.
    current = None if permissions.allowed(actor["role"], "read.hidden") else {}
    for ev in journal.since(ws.store, since, RESYNC_LIMIT + 1):
        after = ev["after"]
        if current is not None and ev["entity"] in visibility.FILTERS:
            key = (ev["entity"], ev["entity_id"])
            if key not in current:
                current[key] = ws.store.get(ev["entity"], ev["entity_id"])
            after = current[key]
        rec = visibility.for_role(ev["entity"], after, actor["role"], actor.get("org"))
        out.append({"seq": ev["seq"], "entity": ev["entity"], "id": ev["entity_id"], "action": ev["action"],
                    "record": rec})
    return {"reset": False, "last_seq": last, "events": out,
            "stats": stats(ws) if permissions.allowed(actor["role"], "read.stats") else None}


def require_workshop(registry, wid):
    ws = registry.get(wid)
    if ws is None:
        raise ServiceError(404, "err.workshop_not_found")
    return ws
