"""Synergy ideas: creation from sheets, moves between status columns, B2B,
details, moderation (hide, merge), undo and history."""
from __future__ import annotations

from .. import journal
from ..rules import statuses, validation as V
from ..store import now_iso
from . import ServiceError, authorize, check, commit, require


def _title(offer, need, orgs_by_id, lang="fr"):
    from ..i18n import t

    if offer and need:
        to = orgs_by_id.get(need["organisation_id"], {}).get("name", "?")
        return t("idea.auto_title", lang, what=offer["title"], to=to)[:200]
    sheet = offer or need
    return sheet["title"][:200] if sheet else ""


def create(ws, actor, data):
    clean = check(V.IDEA_CREATE, data)
    existing = ws.store.get("idea", clean["id"])
    if existing:
        return existing, ws.store.last_seq()
    role = actor["role"]
    authorize(ws, actor, "idea.create", own=bool(actor.get("org")) if role == "participant" else None)
    offer = need = None
    org_ids = list(clean.get("org_ids") or [])
    if role == "participant":
        me = actor["org"]
        if clean.get("sheet_id"):
            sheet = require(ws, "sheet", clean["sheet_id"])
            if sheet.get("hidden") or sheet["state"] == "withdrawn" or sheet.get("visibility") == "facilitators":
                raise ServiceError(404, "err.not_found")
            if sheet["organisation_id"] == me:
                raise ServiceError(422, "err.invalid", fields={"sheet_id": ("err.own_sheet", {})})
            offer, need = (sheet, None) if sheet["kind"] == "offer" else (None, sheet)
            org_ids = [sheet["organisation_id"], me] if sheet["kind"] == "offer" else [me, sheet["organisation_id"]]
        else:
            org_ids = [me] + [o for o in org_ids if o != me]
        clean.pop("offer_sheet_id", None)
        clean.pop("need_sheet_id", None)
    else:
        if clean.get("offer_sheet_id"):
            offer = require(ws, "sheet", clean["offer_sheet_id"])
            if offer["kind"] != "offer":
                raise ServiceError(422, "err.invalid", fields={"offer_sheet_id": ("err.not_offer", {})})
        if clean.get("need_sheet_id"):
            need = require(ws, "sheet", clean["need_sheet_id"])
            if need["kind"] != "need":
                raise ServiceError(422, "err.invalid", fields={"need_sheet_id": ("err.not_need", {})})
        if offer and need and offer["organisation_id"] == need["organisation_id"]:
            raise ServiceError(422, "err.invalid", fields={"need_sheet_id": ("err.same_org", {})})
        if offer or need:
            pair = [offer["organisation_id"] if offer else None, need["organisation_id"] if need else None]
            org_ids = [o for o in pair if o] + [o for o in org_ids if o not in pair]
    for oid in org_ids:
        require(ws, "organisation", oid)
    if len(org_ids) < 2:
        raise ServiceError(422, "err.invalid", fields={"org_ids": ("err.two_orgs", {})})
    kind = clean.get("kind") or ("exchange" if (offer or need) and len(org_ids) == 2 else "pooling")
    orgs_by_id = {o: ws.store.get("organisation", o) for o in org_ids}
    title = clean.get("title") or _title(offer, need, orgs_by_id)
    if not title:
        raise ServiceError(422, "err.invalid", fields={"title": ("err.required", {})})
    sheet = offer or need
    row = {
        "id": clean["id"], "title": title, "description": clean.get("description"),
        "comment": clean.get("comment"), "kind": kind,
        "provider_id": org_ids[0] if kind == "exchange" else None,
        "receiver_id": org_ids[1] if kind == "exchange" else None,
        "org_ids": org_ids, "category": clean.get("category") or (sheet["category"] if sheet else "other"),
        "offer_sheet_id": offer["id"] if offer else None, "need_sheet_id": need["id"] if need else None,
        "origin": "participant" if role == "participant" else "facilitator",
        "interest": {}, "status": "new", "status_at": now_iso(), "b2b": 0, "hidden": 0,
        "author": actor.get("id"), "author_label": actor.get("label"),
        "table_no": actor.get("table") if role == "facilitator" else (orgs_by_id[org_ids[0]] or {}).get("table_no"),
    }
    return commit(ws, actor, lambda tx: tx.insert("idea", row), request_id=clean["id"], entity="idea")


def _live(ws, idea_id):
    idea = require(ws, "idea", idea_id)
    if idea.get("merged_into"):
        raise ServiceError(404, "err.merged")
    return idea


def move(ws, actor, idea_id, data):
    info = authorize(ws, actor, "idea.move")
    clean = check(V.IDEA_MOVE, data)
    if clean.get("request_id") and _replayed(ws, clean["request_id"]):
        return commit(ws, actor, None, request_id=clean["request_id"], entity="idea")
    idea = _live(ws, idea_id)
    if idea.get("hidden"):
        raise ServiceError(404, "err.not_found")
    if clean["version"] != idea["version"]:
        raise ServiceError(409, "err.conflict", current=idea, entity="idea")
    try:
        changes = statuses.check_move(idea["status"], clean["status"], clean.get("reason"), info["phase"])
    except statuses.MoveError as exc:
        raise ServiceError(422, exc.key, fields={"status": (exc.key, {})}) from None
    changes["status_at"] = now_iso()
    return commit(ws, actor, lambda tx: tx.update("idea", idea["id"], changes, clean["version"], action="move"),
                  request_id=clean.get("request_id"), entity="idea")


def _replayed(ws, request_id):
    return journal.find_request(ws.store.conn, request_id) is not None


def set_b2b(ws, actor, idea_id, data):
    authorize(ws, actor, "idea.b2b")
    clean = check(V.IDEA_B2B, data)
    if clean.get("request_id") and _replayed(ws, clean["request_id"]):
        return commit(ws, actor, None, request_id=clean["request_id"], entity="idea")
    idea = _live(ws, idea_id)
    return commit(ws, actor, lambda tx: tx.update("idea", idea["id"], {"b2b": int(clean["b2b"])}, clean["version"],
                                                  action="b2b"),
                  request_id=clean.get("request_id"), entity="idea")


def update(ws, actor, idea_id, data):
    authorize(ws, actor, "idea.update")
    clean = check(V.IDEA_UPDATE, data)
    idea = _live(ws, idea_id)
    version = clean.pop("version")
    request_id = clean.pop("request_id", None)
    if clean.get("facilitator_id"):
        require(ws, "facilitator", clean["facilitator_id"])
    if "interest" in clean and clean["interest"] is not None:
        bad = [k for k in clean["interest"] if k not in (idea.get("org_ids") or [])]
        if bad:
            raise ServiceError(422, "err.invalid", fields={"interest": ("err.interest", {})})
    return commit(ws, actor, lambda tx: tx.update("idea", idea["id"], clean, version),
                  request_id=request_id, entity="idea")


def set_hidden(ws, actor, idea_id, data):
    authorize(ws, actor, "idea.hide")
    clean = check(V.HIDE, data)
    idea = _live(ws, idea_id)
    return commit(ws, actor, lambda tx: tx.update("idea", idea["id"], {"hidden": int(clean["hidden"])},
                                                  clean["version"], action="hide" if clean["hidden"] else "restore"),
                  request_id=clean.get("request_id"), entity="idea")


def merge(ws, actor, idea_id, data):
    """Fold a duplicate into another idea: links and organisations are kept,
    the duplicate stays in the journal with ``merged_into`` set."""
    authorize(ws, actor, "idea.merge")
    clean = check(V.MERGE, data)
    dup = _live(ws, idea_id)
    target = _live(ws, clean["into_id"])
    if dup["id"] == target["id"]:
        raise ServiceError(422, "err.invalid", fields={"into_id": ("err.merge_self", {})})
    orgs = list(dict.fromkeys((target.get("org_ids") or []) + (dup.get("org_ids") or [])))
    changes = {"org_ids": orgs,
               "offer_sheet_id": target.get("offer_sheet_id") or dup.get("offer_sheet_id"),
               "need_sheet_id": target.get("need_sheet_id") or dup.get("need_sheet_id"),
               "b2b": int(bool(target.get("b2b") or dup.get("b2b"))),
               "description": "\n\n".join(x for x in (target.get("description"), dup.get("description")) if x) or None,
               "interest": {**(dup.get("interest") or {}), **(target.get("interest") or {})}}
    if len(orgs) > 2 and target["kind"] == "exchange":
        changes["kind"] = "pooling"

    def fn(tx):
        tx.update("idea", dup["id"], {"merged_into": target["id"]}, clean["version"], action="merge")
        return tx.update("idea", target["id"], changes, action="absorb")

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="idea")


def undo(ws, actor, data):
    """Undo this facilitator's last move (status change), if nobody changed the card since."""
    authorize(ws, actor, "idea.move")
    clean = check(V.UNDO, data or {})
    if clean.get("request_id") and _replayed(ws, clean["request_id"]):
        return commit(ws, actor, None, request_id=clean["request_id"], entity="idea")
    rows = ws.store.rows(
        "SELECT seq, action, entity_id, before, after FROM events WHERE entity='idea' AND action IN ('move','undo') "
        "AND actor_id = ? ORDER BY seq DESC LIMIT 1", [actor.get("id") or ""])
    if not rows or rows[0]["action"] == "undo":
        raise ServiceError(404, "err.nothing_to_undo")
    import json as _json

    last = rows[0]
    before, after = _json.loads(last["before"]), _json.loads(last["after"])
    idea = _live(ws, last["entity_id"])
    if idea["version"] != after["version"]:
        raise ServiceError(409, "err.undo_stale", current=idea, entity="idea")
    changes = {"status": before["status"], "abandon_reason": before.get("abandon_reason"), "status_at": now_iso()}
    return commit(ws, actor, lambda tx: tx.update("idea", idea["id"], changes, idea["version"], action="undo"),
                  request_id=clean.get("request_id"), entity="idea")


def history(ws, actor, idea_id):
    authorize(ws, actor, "idea.history")
    require(ws, "idea", idea_id)
    out = []
    for ev in journal.history(ws.store, idea_id):
        b, a = ev["before"] or {}, ev["after"] or {}
        changes = {k: [b.get(k), a.get(k)] for k in a
                   if k not in ("updated_at", "version", "status_at") and b.get(k) != a.get(k)} if b else {}
        out.append({"seq": ev["seq"], "at": ev["at"], "who": ev["actor_label"], "role": ev["actor_role"],
                    "action": ev["action"], "changes": changes})
    return out
