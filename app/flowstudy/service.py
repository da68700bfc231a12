"""Visits and their sheets: rules in, store + journal through ``commit``, out through the broadcast point."""
from __future__ import annotations

from ..rules import validation as V, visibility
from ..services import ServiceError, authorize, check, commit, require, sheets as sheet_rules
from ..store import new_id

KIND = "flow_study"
ORG_KEYS = ("kind", "sector", "commune", "postcode", "zone", "contact_name")


def is_book(ws) -> bool:
    return (ws.store.workshop() or {}).get("kind") == KIND


def _sheet_rows(ws, actor, visit_id, org, bodies):
    """Each sheet body checked as the sheet form is (same schema, same cross-field rules); all or nothing."""
    rows, errors = [], {}
    for n, body in enumerate(bodies):
        try:
            clean = check(V.VISIT_SHEET, body)
            sheet_rules._check_dates(clean)
        except ServiceError as exc:
            errors.update({f"sheets.{n}.{k}": v for k, v in exc.fields.items()})
            continue
        rows.append({"visibility": "all", "state": "open", "hidden": 0, **clean,
                     "anonymous": int(bool(clean.get("anonymous"))), "organisation_id": org["id"],
                     "visit_id": visit_id, "author": actor.get("label"), "table_no": org.get("table_no")})
    if errors:
        raise ServiceError(422, "err.invalid", fields=errors)
    return rows


def record(ws, actor, data, sheets=()):
    """A visit, the organisation if it is new, and its sheets, in one transaction (all or nothing)."""
    authorize(ws, actor, "visit.create")
    clean = check(V.VISIT_CREATE, data)
    existing = ws.store.get("visit", clean["id"])
    if existing:  # a retried form or request: the same answer, nothing written
        return existing, ws.store.last_seq()
    if clean.get("organisation_id") and clean.get("organisation_name"):
        raise ServiceError(422, "err.invalid", fields={"organisation_name": ("err.visit_one_org", {})})
    if clean.get("organisation_id"):
        org = require(ws, "organisation", clean["organisation_id"], hidden_ok=False)
        new_org = None
    elif clean.get("organisation_name"):
        org = new_org = {"id": new_id(), "name": clean["organisation_name"], "presence": "represented",
                         "hidden": 0, **{k: clean.get(k) for k in ORG_KEYS}}
    else:
        raise ServiceError(422, "err.invalid", fields={"organisation_id": ("err.visit_org", {})})
    rows = _sheet_rows(ws, actor, clean["id"], org, list(sheets))
    visit = {"id": clean["id"], "organisation_id": org["id"], "date": clean["date"],
             "visited_by": clean["visited_by"], "source": clean["source"], "note": clean.get("note"),
             "author": actor.get("label")}

    def fn(tx):
        if new_org:
            tx.insert("organisation", new_org)
        rec = tx.insert("visit", visit)
        for r in rows:
            tx.insert("sheet", r)
        return rec

    return commit(ws, actor, fn, request_id=clean["id"], entity="visit")


def add_sheet(ws, actor, visit_id, data):
    """One more sheet from a visit already recorded."""
    authorize(ws, actor, "visit.create")
    visit = require(ws, "visit", visit_id)
    org = require(ws, "organisation", visit["organisation_id"])
    body = dict(data) if isinstance(data, dict) else data
    sid = body.get("id") if isinstance(body, dict) else None
    existing = ws.store.get("sheet", sid) if isinstance(sid, str) else None
    if existing:
        if existing.get("visit_id") != visit_id:
            raise ServiceError(409, "err.id_taken")
        return existing, ws.store.last_seq()
    try:
        [row] = _sheet_rows(ws, actor, visit_id, org, [data])
    except ServiceError as exc:
        raise ServiceError(422, "err.invalid", fields={k.split(".", 2)[2]: v for k, v in exc.fields.items()}) \
            from None
    return commit(ws, actor, lambda tx: tx.insert("sheet", row), request_id=row["id"], entity="sheet")


def listing(ws, actor) -> dict:
    """The visits of this file, newest first, each with its organisation's name and its sheets."""
    authorize(ws, actor, "visit.read")
    role, org = actor["role"], actor.get("org")
    s = ws.store
    orgs = {o["id"]: o for o in s.all("organisation")}
    by_visit: dict[str, list] = {}
    for sh in s.all("sheet", "visit_id IS NOT NULL", order="rowid"):  # in the order they were typed
        v = visibility.for_role("sheet", sh, role, org)
        if v is not None:
            by_visit.setdefault(sh["visit_id"], []).append(v)
    out = []
    for v in s.all("visit", order="date DESC, created_at DESC"):
        seen = visibility.for_role("visit", v, role, org)
        if seen is None:
            continue
        out.append({**seen, "organisation_name": (orgs.get(v["organisation_id"]) or {}).get("name"),
                    "sheets": by_visit.get(v["id"], [])})
    return {"visits": out, "seq": s.last_seq(), "book": is_book(ws)}


def create_book(registry, ws, actor, data):
    """A territory's book of flow studies: a new workshop file of kind ``flow_study``, opened with the
    same organiser password, zones and time zone as the workshop it is created from."""
    authorize(ws, actor, "flowstudy.create")
    clean = check(V.FLOWSTUDY_CREATE, data)
    from ..services import workshops

    info = ws.store.workshop()
    wid = new_id()
    store = registry.open_new(wid)
    row = {"id": wid, "code": registry.unused_code(), "name": clean["name"], "date": None, "venue": None,
           "zones": info.get("zones") or [], "password_hash": info["password_hash"], "intake_open": 0,
           "phase": "live", "projector_token": __import__("secrets").token_urlsafe(16), "categories_extra": [],
           "timezone": info.get("timezone"), "kind": KIND,
           **{k: info.get(k) for k in workshops.CONTACT_FIELDS}}
    try:
        with store.tx(actor, None) as tx:
            tx.insert("workshop", row)
    except BaseException:
        workshops.discard(store)
        raise
    return registry.register(store)
