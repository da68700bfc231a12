"""Organisations (structures) and the participant devices (phones) bound to them.

Joining needs consent: the first phone of an organisation creates or claims
it; a later phone *asks* (a device row in state ``pending``) and is let in
when a phone already in the organisation, a facilitator or the organiser
accepts, or at once with the organisation's short code (shown on its
members' phones and in its report). Until then it reads what any
participant reads.
"""
from __future__ import annotations

import hmac
import secrets

from ..rules import validation as V
from ..store import new_id
from . import ServiceError, authorize, check, commit, require

CODE_DIGITS = 6


def new_join_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))


def normalise_code(code) -> str:
    return "".join(ch for ch in str(code or "") if ch.isdigit())[:CODE_DIGITS * 2]


def members(ws, org_id) -> int:
    """Phones in the organisation (not revoked, not waiting)."""
    return ws.store.scalar("SELECT COUNT(*) FROM devices WHERE organisation_id = ? AND COALESCE(revoked, 0) = 0 "
                           "AND COALESCE(state, 'member') = 'member'", [org_id]) or 0


def _leave_pending(tx, ws, actor):
    """A phone that was waiting for another organisation stops waiting (it chose otherwise)."""
    old = ws.store.get("device", actor.get("device")) if actor.get("device") else None
    if old and old.get("state") == "pending":
        tx.update("device", old["id"], {"state": "withdrawn"}, action="withdraw")


def _duplicate_name(reader, name, exclude_id=None):
    """``reader``: the store, or the write's ``tx`` (which sees the writes of its batch)."""
    rows = reader.rows("SELECT id FROM organisations WHERE name = ? COLLATE NOCASE AND id != ?",
                         [name, exclude_id or ""])
    return rows[0]["id"] if rows else None


def create(ws, actor, data):
    """Create an organisation; a participant's device is bound to it in the same transaction."""
    authorize(ws, actor, "organisation.create")
    clean = check(V.ORGANISATION_CREATE, data)
    existing = ws.store.get("organisation", clean["id"])
    if existing:
        return existing, ws.store.last_seq()
    row = {"kind": "company", "presence": "present", "consent": 0, **clean, "join_code": new_join_code()}
    row["consent"] = int(bool(row.get("consent")))
    previous = actor.get("device")
    if actor["role"] == "participant":
        row["presence"] = "present"
        if ws.store.get("device", actor["device"]):  # this phone already had an organisation: a new binding
            actor["device"] = new_id()

    def fn(tx):
        # Checked under the writer lock, so two phones typing the same name at once make one organisation.
        if _duplicate_name(tx, clean["name"]):
            raise ServiceError(409, "err.org_exists", fields={"name": ("err.org_exists", {})})
        if actor["role"] == "participant":
            _leave_pending(tx, ws, {"device": previous})
        org = tx.insert("organisation", row)
        if actor["role"] == "participant":
            tx.insert("device", {"id": actor["device"], "organisation_id": org["id"], "revoked": 0,
                                 "state": "member"})
        return org

    return commit(ws, actor, fn, request_id=clean["id"], entity="organisation")


def update(ws, actor, org_id, data):
    org = require(ws, "organisation", org_id)
    authorize(ws, actor, "organisation.update", own=actor.get("org") == org["id"])
    clean = check(V.ORGANISATION_UPDATE, data)
    if clean.get("name") and _duplicate_name(ws.store, clean["name"], org["id"]):
        raise ServiceError(409, "err.org_exists", fields={"name": ("err.org_exists", {})})
    version = clean.pop("version")
    request_id = clean.pop("request_id", None)
    if "consent" in clean:
        clean["consent"] = int(bool(clean["consent"]))
    return commit(ws, actor, lambda tx: tx.update("organisation", org["id"], clean, version),
                  request_id=request_id, entity="organisation")


def suggest(ws, actor, name):
    """Existing organisations whose name is close to ``name`` (before creating a new one), as the caller may
    see them: the same rules (``app.rules.names``) serve paper entry, the phone and imports."""
    from ..rules import names, visibility

    authorize(ws, actor, "organisation.suggest")
    if not isinstance(name, str):
        raise ServiceError(422, "err.invalid", fields={"name": ("err.required", {})})
    if len(name) > 120:
        raise ServiceError(422, "err.too_long", {"max": 120}, fields={"name": ("err.too_long", {"max": 120})})
    cands = []
    for org in ws.store.rows("SELECT id, name, commune, presence, hidden FROM organisations"):
        seen = visibility.for_role("organisation", org, actor["role"], actor.get("org"))
        if seen:
            cands.append({k: seen.get(k) for k in ("id", "name", "commune", "presence")})
    return [{k: m[k] for k in ("id", "name", "commune", "presence", "score", "exact")}
            for m in names.close_matches(name, cands, limit=5)]


def join(ws, actor, clean):
    """Claim an organisation nobody's phone is in yet, enter with its short code, or ask to join.

    Returns ``(device, seq)``; the device's ``state`` says ``member`` or ``pending``."""
    authorize(ws, actor, "organisation.join")
    org = require(ws, "organisation", clean["organisation_id"])
    if org.get("hidden"):
        raise ServiceError(404, "err.not_found")
    mine = ws.store.get("device", actor.get("device")) if actor.get("device") else None
    if actor.get("org") == org["id"] and mine:
        return mine, ws.store.last_seq()  # already in: nothing to do
    code = clean.get("code")
    if code is not None and not hmac.compare_digest(normalise_code(code), org.get("join_code") or "-"):
        raise ServiceError(403, "err.bad_org_code", fields={"code": ("err.bad_org_code", {})})
    if mine and mine.get("state") == "pending" and mine["organisation_id"] == org["id"] and code is None:
        label = clean.get("label")  # blank is no name (None), never an empty one over a name given before
        if label is None or label == mine.get("label"):
            return mine, ws.store.last_seq()  # asked already: still waiting
        # the phone says who it is while it waits: members and staff see the name on the request, live
        return commit(ws, actor, lambda tx: tx.update("device", mine["id"], {"label": label}, action="ask"))
    device_id = actor.get("device") or new_id()
    if mine or ws.store.get("device", device_id):
        device_id = new_id()

    def fn(tx):
        # Counted under the writer lock: of two phones claiming an empty organisation at once, one asks.
        state = "member" if code is not None or members(ws, org["id"]) == 0 else "pending"
        _leave_pending(tx, ws, actor)
        return tx.insert("device", {"id": device_id, "organisation_id": org["id"], "revoked": 0, "state": state,
                                    "label": clean.get("label")}, action="join" if state == "member" else "ask")

    return commit(ws, actor, fn)


def admit(ws, actor, device_id, data):
    """A member phone, a facilitator or the organiser lets a waiting phone in (or turns it away)."""
    clean = check(V.ADMIT, data)
    dev = require(ws, "device", device_id)
    authorize(ws, actor, "organisation.admit", own=actor.get("org") == dev["organisation_id"])
    if dev.get("state") != "pending" or dev.get("revoked"):
        raise ServiceError(409, "err.request_answered")
    accept = bool(clean["accept"])

    def fn(tx):
        cur = tx.get("device", dev["id"])
        if cur.get("state") != "pending":
            raise ServiceError(409, "err.request_answered")
        return tx.update("device", dev["id"], {"state": "member" if accept else "refused"},
                         action="admit" if accept else "refuse")

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="device")


def pending(ws) -> list[dict]:
    return ws.store.all("device", "state = 'pending' AND COALESCE(revoked, 0) = 0")


def merge(ws, actor, org_id, data):
    """An organisation created by mistake folds into the right one: its sheets, ideas and phones move."""
    authorize(ws, actor, "organisation.merge")
    clean = check(V.ORG_MERGE, data)
    src, dst = require(ws, "organisation", org_id), require(ws, "organisation", clean["into_id"])
    if src["id"] == dst["id"]:
        raise ServiceError(422, "err.invalid", fields={"into_id": ("err.merge_self", {})})

    def fn(tx):
        cur = tx.get("organisation", src["id"])
        if cur is None:
            raise ServiceError(404, "err.not_found")
        if cur["version"] != clean["version"]:
            raise ServiceError(409, "err.conflict", current=cur, entity="organisation")
        for sheet in ws.store.all("sheet", "organisation_id = ?", [src["id"]]):
            tx.update("sheet", sheet["id"], {"organisation_id": dst["id"], "table_no": dst.get("table_no")},
                      action="move_org")
        for idea in _ideas_of(ws, src["id"]):
            orgs = list(dict.fromkeys(dst["id"] if o == src["id"] else o for o in idea.get("org_ids") or []))
            changes = {"org_ids": orgs}
            for k in ("provider_id", "receiver_id"):
                if idea.get(k) == src["id"]:
                    changes[k] = dst["id"]
            tx.update("idea", idea["id"], changes, action="move_org")
        for dev in ws.store.all("device", "organisation_id = ?", [src["id"]]):
            tx.update("device", dev["id"], {"organisation_id": dst["id"]}, action="move_org")
        for meeting in _meetings_of(ws, src["id"]):
            orgs = list(dict.fromkeys(dst["id"] if o == src["id"] else o for o in meeting.get("org_ids") or []))
            tx.update("meeting", meeting["id"], {"org_ids": orgs}, action="move_org")
        tx.delete("organisation", src["id"], action="merge")
        return tx.get("organisation", dst["id"])

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="organisation")


def delete(ws, actor, org_id, data):
    """Delete an organisation created by mistake, with its sheets (the journal keeps them)."""
    authorize(ws, actor, "organisation.delete")
    clean = check(V.ORG_DELETE, data)
    org = require(ws, "organisation", org_id)
    if _ideas_of(ws, org["id"]) or _meetings_of(ws, org["id"]):
        raise ServiceError(409, "err.org_has_ideas")
    devices = ws.store.all("device", "organisation_id = ?", [org["id"]])

    def fn(tx):
        cur = tx.get("organisation", org["id"])
        if cur is None:
            raise ServiceError(404, "err.not_found")
        if cur["version"] != clean["version"]:
            raise ServiceError(409, "err.conflict", current=cur, entity="organisation")
        for sheet in ws.store.all("sheet", "organisation_id = ?", [org["id"]]):
            tx.delete("sheet", sheet["id"])
        for dev in devices:
            tx.delete("device", dev["id"])
        return tx.delete("organisation", org["id"])

    result = commit(ws, actor, fn, request_id=clean.get("request_id"), entity="organisation")
    from .. import realtime

    for dev in devices:  # its phones go back to the join screen
        realtime.disconnect_device(ws, dev["id"])
    return None, result[1]


def _meetings_of(ws, org_id) -> list[dict]:
    return [m for m in ws.store.rows("SELECT * FROM meetings WHERE org_ids LIKE ?", [f"%{org_id}%"])
            if org_id in (m.get("org_ids") or [])]


def _ideas_of(ws, org_id) -> list[dict]:
    return [i for i in ws.store.rows("SELECT * FROM ideas WHERE org_ids LIKE ?", [f"%{org_id}%"])
            if org_id in (i.get("org_ids") or [])]


def revoke_device(ws, actor, device_id):
    authorize(ws, actor, "device.revoke")
    dev = require(ws, "device", device_id)
    rec, seq = commit(ws, actor, lambda tx: tx.update("device", dev["id"], {"revoked": 1}, action="revoke"))
    from .. import realtime
    realtime.disconnect_device(ws, dev["id"])
    return rec, seq
