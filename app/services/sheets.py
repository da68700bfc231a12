"""Resource sheets (fiches ressources): offers and needs."""
from __future__ import annotations

from ..rules import validation as V, vocab
from . import ServiceError, authorize, check, commit, require


def create(ws, actor, data):
    clean = check(V.SHEET_CREATE, data)
    if actor["role"] == "participant":
        if clean.get("organisation_id") not in (None, actor.get("org")):
            authorize(ws, actor, "sheet.create", own=False)
        clean["organisation_id"] = actor.get("org")
        authorize(ws, actor, "sheet.create", own=bool(actor.get("org")))
    else:
        authorize(ws, actor, "sheet.create")
    existing = ws.store.get("sheet", clean["id"])
    if existing:  # replay of a create, after the rights check: same answer, nothing written
        if clean.get("organisation_id") and existing["organisation_id"] != clean["organisation_id"]:
            raise ServiceError(409, "err.id_taken")
        return existing, ws.store.last_seq()
    if not clean.get("organisation_id"):
        raise ServiceError(422, "err.invalid", fields={"organisation_id": ("err.required", {})})
    org = require(ws, "organisation", clean["organisation_id"])
    _check_dates(clean)
    row = {"visibility": "all", "anonymous": 0, "state": "open", "hidden": 0, **clean}
    row["anonymous"] = int(bool(row.get("anonymous")))
    row["author"] = actor.get("label")
    row["table_no"] = org.get("table_no")
    return commit(ws, actor, lambda tx: tx.insert("sheet", row), request_id=clean["id"], entity="sheet")


def _check_dates(clean):
    """Cross-field rules: the period is in order, the sub-category belongs to the category."""
    sub, cat = clean.get("subcategory"), clean.get("category")
    if sub and cat and sub not in vocab.CATEGORIES.get(cat, []):
        raise ServiceError(422, "err.invalid", fields={"subcategory": ("err.choice", {})})
    a, b = clean.get("available_from"), clean.get("available_until")
    if a and b and b < a:
        raise ServiceError(422, "err.invalid", fields={"available_until": ("err.date_order", {})})


def update(ws, actor, sheet_id, data):
    sheet = require(ws, "sheet", sheet_id)
    own = actor.get("org") == sheet["organisation_id"]
    authorize(ws, actor, "sheet.update", own=own)
    if sheet.get("hidden") and actor["role"] == "participant":
        raise ServiceError(404, "err.not_found")
    clean = check(V.SHEET_UPDATE, data)
    version = clean.pop("version")
    request_id = clean.pop("request_id", None)
    merged = {**sheet, **clean}
    _check_dates(merged)
    if "anonymous" in clean:
        clean["anonymous"] = int(bool(clean["anonymous"]))
    action = "withdraw" if clean.get("state") == "withdrawn" and sheet["state"] != "withdrawn" else "update"
    return commit(ws, actor, lambda tx: tx.update("sheet", sheet["id"], clean, version, action=action),
                  request_id=request_id,
                  entity="sheet")


def set_hidden(ws, actor, sheet_id, data):
    sheet = require(ws, "sheet", sheet_id)
    authorize(ws, actor, "sheet.hide")
    clean = check(V.HIDE, data)
    return commit(ws, actor, lambda tx: tx.update("sheet", sheet["id"], {"hidden": int(clean["hidden"])},
                                                  clean["version"], action="hide" if clean["hidden"] else "restore"),
                  request_id=clean.get("request_id"), entity="sheet")
