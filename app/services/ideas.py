"""Synergy ideas: creation from sheets, moves between status columns, B2B,
details, moderation (hide, merge), undo and history."""
from __future__ import annotations

import json

from ..rules import statuses, validation as V, visibility
from ..store import now_iso
from . import ServiceError, authorize, check, commit, require


def _title(offer, need, orgs_by_id, lang="fr"):
    """Built from the sheets; what each reader gets of it is recomputed by the visibility rules."""
    return visibility.auto_title(offer, need, lambda oid: (orgs_by_id.get(oid) or {}).get("name"), lang=lang)


def create(ws, actor, data, origin: str | None = None):
    clean = check(V.IDEA_CREATE, data)
    role = actor["role"]
    authorize(ws, actor, "idea.create", own=bool(actor.get("org")) if role == "participant" else None)
    existing = ws.store.get("idea", clean["id"])
    if existing:  # a replay, answered only after the rights check
        if role == "participant" and actor.get("org") not in (existing.get("org_ids") or []):
            raise ServiceError(409, "err.id_taken")
        return existing, ws.store.last_seq()
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
    title_auto = not clean.get("title")
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
        "origin": origin or ("participant" if role == "participant" else "facilitator"),
        "interest": {}, "status": "new", "status_at": now_iso(), "b2b": 0, "hidden": 0,
        "author": actor.get("id"), "author_label": actor.get("label"), "title_auto": int(title_auto),
        "table_no": actor.get("table") if role == "facilitator" else (orgs_by_id[org_ids[0]] or {}).get("table_no"),
    }
    return commit(ws, actor, lambda tx: tx.insert("idea", row), request_id=clean["id"], entity="idea")


def _live(ws, idea_id):
    idea = require(ws, "idea", idea_id)
    if idea.get("merged_into"):
        raise ServiceError(404, "err.merged")
    return idea


def _load(tx, idea_id, version=None, *, allow_hidden=False):
    """Read the card inside the write's transaction (under the store lock),
    so checks and write see the same row: two racing moves cannot both pass."""
    idea = tx.get("idea", idea_id) if isinstance(idea_id, str) else None
    if idea is None:
        raise ServiceError(404, "err.not_found")
    if idea.get("merged_into"):
        raise ServiceError(404, "err.merged")
    if version is not None and int(version) != idea["version"]:
        raise ServiceError(409, "err.conflict", current=idea, entity="idea")
    if idea.get("hidden") and not allow_hidden:
        raise ServiceError(404, "err.not_found")
    return idea


def _original(ws, seq):
    """What a request returned the first time: the record as its journal event left it."""
    rows = ws.store.rows("SELECT entity, entity_id, after FROM events WHERE seq = ?", [seq])
    if rows and rows[0]["after"]:
        return json.loads(rows[0]["after"])
    return ws.store.get(rows[0]["entity"], rows[0]["entity_id"]) if rows else None


def move(ws, actor, idea_id, data):
    """Move a card to another status column (``reason`` required for *abandoned*)."""
    info = authorize(ws, actor, "idea.move")
    clean = check(V.IDEA_MOVE, data)

    def fn(tx):
        idea = _load(tx, idea_id, clean["version"])
        try:
            changes = statuses.check_move(idea["status"], clean["status"], clean.get("reason"), info["phase"])
        except statuses.MoveError as exc:
            field = "reason" if exc.key == "err.reason_required" else "status"
            raise ServiceError(422, exc.key, fields={field: (exc.key, {})}) from None
        changes["status_at"] = now_iso()
        return tx.update("idea", idea["id"], changes, idea["version"], action="move")

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="idea",
                  on_replay=lambda seq: _original(ws, seq))


def set_b2b(ws, actor, idea_id, data):
    """Select (or unselect) a card for a B2B meeting."""
    authorize(ws, actor, "idea.b2b")
    clean = check(V.IDEA_B2B, data)

    def fn(tx):
        idea = _load(tx, idea_id, clean["version"])
        return tx.update("idea", idea["id"], {"b2b": int(clean["b2b"])}, idea["version"], action="b2b")

    out = commit(ws, actor, fn, request_id=clean.get("request_id"), entity="idea",
                 on_replay=lambda seq: _original(ws, seq))
    from . import meetings  # every idea selected for B2B becomes a meeting of its organisations

    meetings.follow_ideas(ws, actor, [idea_id])
    return out


def update(ws, actor, idea_id, data):
    """Details of a card: description, interest, facilitator in charge, next step, notes…"""
    authorize(ws, actor, "idea.update")
    clean = check(V.IDEA_UPDATE, data)
    version = clean.pop("version")
    request_id = clean.pop("request_id", None)
    if clean.get("facilitator_id"):
        require(ws, "facilitator", clean["facilitator_id"])
    if clean.get("title"):
        clean["title_auto"] = 0  # typed by a person from now on

    def fn(tx):
        idea = _load(tx, idea_id, version)
        if "interest" in clean and clean["interest"] is not None:
            bad = [k for k in clean["interest"] if k not in (idea.get("org_ids") or [])]
            if bad:
                raise ServiceError(422, "err.invalid", fields={"interest": ("err.interest", {})})
        return tx.update("idea", idea["id"], clean, version)

    return commit(ws, actor, fn, request_id=request_id, entity="idea", on_replay=lambda seq: _original(ws, seq))


def set_hidden(ws, actor, idea_id, data):
    """Moderation: hide a card (a joke, a duplicate) or restore it."""
    authorize(ws, actor, "idea.hide")
    clean = check(V.HIDE, data)

    def fn(tx):
        idea = _load(tx, idea_id, clean["version"], allow_hidden=True)
        return tx.update("idea", idea["id"], {"hidden": int(clean["hidden"])}, idea["version"],
                         action="hide" if clean["hidden"] else "restore")

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="idea",
                  on_replay=lambda seq: _original(ws, seq))


def merge(ws, actor, idea_id, data):
    """Fold a duplicate into another idea: links and organisations are kept,
    the duplicate stays in the journal with ``merged_into`` set, and the
    target's history shows the duplicate's events too."""
    authorize(ws, actor, "idea.merge")
    clean = check(V.MERGE, data)

    def fn(tx):
        dup = _load(tx, idea_id, clean["version"], allow_hidden=True)
        target = _load(tx, clean["into_id"])
        if dup["id"] == target["id"]:
            raise ServiceError(422, "err.invalid", fields={"into_id": ("err.merge_self", {})})
        orgs = list(dict.fromkeys((target.get("org_ids") or []) + (dup.get("org_ids") or [])))
        changes = {"org_ids": orgs,
                   "offer_sheet_id": target.get("offer_sheet_id") or dup.get("offer_sheet_id"),
                   "need_sheet_id": target.get("need_sheet_id") or dup.get("need_sheet_id"),
                   "b2b": int(bool(target.get("b2b") or dup.get("b2b"))),
                   "description": "\n\n".join(x for x in (target.get("description"), dup.get("description"))
                                               if x) or None,
                   "interest": {**(dup.get("interest") or {}), **(target.get("interest") or {})}}
        if len(orgs) > 2 and target["kind"] == "exchange":
            changes["kind"] = "pooling"
            changes["provider_id"] = changes["receiver_id"] = None
        tx.update("idea", dup["id"], {"merged_into": target["id"]}, dup["version"], action="merge")
        return tx.update("idea", target["id"], changes, action="absorb")

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="idea",
                  on_replay=lambda seq: _original(ws, seq + 1))


def undo(ws, actor, data):
    """Undo this facilitator's last move (status change), if nobody changed the card since."""
    authorize(ws, actor, "idea.move")
    clean = check(V.UNDO, data or {})

    def fn(tx):
        rows = tx.conn.execute(
            "SELECT seq, action, entity_id, before, after FROM events WHERE entity='idea' "
            "AND action IN ('move','undo') AND actor_id = ? ORDER BY seq DESC LIMIT 1",
            [actor.get("id") or ""]).fetchall()
        if not rows or rows[0]["action"] == "undo":
            raise ServiceError(404, "err.nothing_to_undo")
        last = rows[0]
        before, after = json.loads(last["before"]), json.loads(last["after"])
        idea = tx.get("idea", last["entity_id"])
        if idea is None or idea.get("merged_into") or idea.get("hidden"):
            raise ServiceError(404, "err.nothing_to_undo")
        if idea["version"] != after["version"]:
            raise ServiceError(409, "err.undo_stale", current=idea, entity="idea")
        changes = {"status": before["status"], "abandon_reason": before.get("abandon_reason"),
                   "status_at": now_iso()}
        return tx.update("idea", idea["id"], changes, idea["version"], action="undo")

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="idea",
                  on_replay=lambda seq: _original(ws, seq))


HISTORY_SKIP = ("updated_at", "version", "status_at", "created_at")


def _family(ws, idea_id) -> list[str]:
    """The idea and every duplicate merged into it (at any depth)."""
    ids, frontier = [idea_id], [idea_id]
    while frontier:
        marks = ",".join("?" for _ in frontier)
        frontier = [r["id"] for r in ws.store.rows(f"SELECT id FROM ideas WHERE merged_into IN ({marks})", frontier)
                    if r["id"] not in ids]
        ids.extend(frontier)
    return ids


def history(ws, actor, idea_id):
    """Every change of the card, read from the journal: who, when, what, from → to."""
    authorize(ws, actor, "idea.history")
    require(ws, "idea", idea_id)
    ids = _family(ws, idea_id)
    marks = ",".join("?" for _ in ids)
    rows = ws.store.rows(f"SELECT * FROM events WHERE entity = 'idea' AND entity_id IN ({marks}) ORDER BY seq", ids)
    out = []
    for ev in rows:
        b = json.loads(ev["before"]) if ev["before"] else {}
        a = json.loads(ev["after"]) if ev["after"] else {}
        if b:
            changes = {k: [b.get(k), a.get(k)] for k in a if k not in HISTORY_SKIP and b.get(k) != a.get(k)}
        else:
            changes = {"status": [None, a.get("status")]}
        out.append({"seq": ev["seq"], "at": ev["at"], "who": ev["actor_label"], "role": ev["actor_role"],
                    "action": ev["action"], "idea_id": ev["entity_id"], "merged": ev["entity_id"] != idea_id,
                    "title": a.get("title"), "changes": changes})
    return out
