"""Organisations (structures) and the participant devices bound to them."""
from __future__ import annotations

from ..rules import validation as V
from ..store import new_id
from . import ServiceError, authorize, check, commit, require


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
    row = {"kind": "company", "presence": "present", "consent": 0, **clean}
    row["consent"] = int(bool(row.get("consent")))
    if actor["role"] == "participant":
        row["presence"] = "present"
        if ws.store.get("device", actor["device"]):  # this phone already had an organisation: a new binding
            actor["device"] = new_id()

    def fn(tx):
        # Checked under the writer lock, so two phones typing the same name at once make one organisation.
        if _duplicate_name(tx, clean["name"]):
            raise ServiceError(409, "err.org_exists", fields={"name": ("err.org_exists", {})})
        org = tx.insert("organisation", row)
        if actor["role"] == "participant":
            tx.insert("device", {"id": actor["device"], "organisation_id": org["id"], "revoked": 0})
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


def join(ws, actor, org_id):
    """A participant's phone picks its organisation: a new device row binds them."""
    authorize(ws, actor, "organisation.join")
    org = require(ws, "organisation", org_id)
    if org.get("hidden"):
        raise ServiceError(404, "err.not_found")
    device_id = actor.get("device") or new_id()
    if ws.store.get("device", device_id):
        device_id = new_id()
    rec, seq = commit(ws, actor, lambda tx: tx.insert("device", {"id": device_id, "organisation_id": org["id"],
                                                                 "revoked": 0}))
    return rec, seq


def revoke_device(ws, actor, device_id):
    authorize(ws, actor, "device.revoke")
    dev = require(ws, "device", device_id)
    rec, seq = commit(ws, actor, lambda tx: tx.update("device", dev["id"], {"revoked": 1}, action="revoke"))
    from .. import realtime
    realtime.disconnect_device(ws, dev["id"])
    return rec, seq
