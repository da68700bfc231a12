"""JSON API: every write of every screen goes through here.

Handlers stay thin: find the workshop and the actor, call a service, answer
``{record, seq}`` with the record filtered for the caller's role. Errors
come back as ``{error, code, fields, current}`` in the caller's language.
Writes must be ``application/json`` (a cross-site form cannot send that
without a CORS preflight, which we never allow): that is our CSRF guard.
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import auth
from ..rules import visibility
from ..rules import validation as V
from ..services import ServiceError, authorize, check, facilitators, ideas, organisations, sheets, workshops
from . import ratelimit
from .common import endpoint, error_response, json_body, registry

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/workshops")
def create_workshop():
    try:
        ratelimit.check("workshop", "-", request.remote_addr)
        data = json_body()
        ws = workshops.create(registry(), data)
    except ServiceError as exc:
        return error_response(exc)
    auth.sign_in(ws, "organiser")
    from ..web import urls

    return jsonify({"workshop": ws.id, "code": ws.code, "join_url": urls.join_url(ws),
                    "organiser_url": urls.organiser_url(ws)}), 201


@bp.post("/w/<wid>/login/organiser")
@endpoint(rate="login")
def login_organiser(ws, actor, data):
    authorize(ws, actor, "session.sign_in")
    if not isinstance(data, dict) or not workshops.check_organiser(ws, data.get("password")):
        raise ServiceError(403, "err.bad_password")
    ratelimit.success("login", ws.id, request.remote_addr)
    auth.sign_in(ws, "organiser")
    return {"ok": True, "role": "organiser"}


@bp.post("/w/<wid>/login/facilitator")
@endpoint(rate="login")
def login_facilitator(ws, actor, data):
    authorize(ws, actor, "session.sign_in")
    fac = workshops.facilitator_by_code(ws, data.get("code") if isinstance(data, dict) else None)
    if not fac:
        raise ServiceError(403, "err.bad_code")
    if fac.get("revoked"):
        raise ServiceError(403, "err.code_revoked")
    ratelimit.success("login", ws.id, request.remote_addr)
    auth.sign_in(ws, "facilitator", fac["id"])
    return {"ok": True, "role": "facilitator", "name": fac["name"], "table_no": fac["table_no"]}


@bp.post("/w/<wid>/logout")
@endpoint()
def logout(ws, actor, data):
    authorize(ws, actor, "session.sign_out")
    check(V.EMPTY, data)
    auth.sign_out(ws)
    return {"ok": True}


@bp.get("/w/<wid>/state")
@endpoint()
def state(ws, actor, data):
    return workshops.state(ws, actor)


@bp.get("/w/<wid>/events")
@endpoint()
def events(ws, actor, data):
    try:
        since = int(request.args.get("since", "0"))
    except ValueError:
        raise ServiceError(422, "err.number")
    if since < 0:
        raise ServiceError(422, "err.min", {"min": 0})
    return workshops.events_since(ws, actor, since)


@bp.post("/w/<wid>/organisations")
@endpoint("organisation", rate="write")
def create_organisation(ws, actor, data):
    if not (isinstance(data, dict) and isinstance(data.get("id"), str) and ws.store.get("organisation", data["id"])):
        ratelimit.check_org_create(ws.id, actor)  # a retried create is not a new one
    rec, seq = organisations.create(ws, actor, data)
    if actor["role"] == "participant":
        auth.sign_in(ws, "participant", actor["device"])
    return rec, seq


@bp.get("/w/<wid>/organisations/suggest")
@endpoint()
def suggest_organisations(ws, actor, data):
    return {"matches": organisations.suggest(ws, actor, request.args.get("name"))}


@bp.patch("/w/<wid>/organisations/<oid>")
@endpoint("organisation", rate="write")
def update_organisation(ws, actor, data, oid):
    return organisations.update(ws, actor, oid, data)


@bp.post("/w/<wid>/join")
@endpoint("organisation", rate="write")
def join(ws, actor, data):
    """200 with the organisation when the phone is in; 202 with ``request`` while it waits for consent."""
    authorize(ws, actor, "organisation.join")
    clean = check(V.JOIN, data)
    if clean.get("code") is not None:
        ratelimit.check_join_code(ws.id, actor)
    dev, seq = organisations.join(ws, actor, clean)
    auth.sign_in(ws, "participant", dev["id"])
    org = ws.store.get("organisation", dev["organisation_id"])
    if dev.get("state") == "pending":
        request_view = visibility.for_role("device", dev, "participant", dev["organisation_id"])
        return jsonify({"record": visibility.for_role("organisation", org, "participant", None),
                        "request": request_view, "seq": seq}), 202
    return org, seq


@bp.post("/w/<wid>/join-requests/<did>")
@endpoint("device")
def answer_join(ws, actor, data, did):
    return organisations.admit(ws, actor, did, data)


@bp.post("/w/<wid>/organisations/<oid>/merge")
@endpoint("organisation")
def merge_organisation(ws, actor, data, oid):
    return organisations.merge(ws, actor, oid, data)


@bp.post("/w/<wid>/organisations/<oid>/delete")
@endpoint("organisation")
def delete_organisation(ws, actor, data, oid):
    return organisations.delete(ws, actor, oid, data)


@bp.post("/w/<wid>/sheets")
@endpoint("sheet", rate="write")
def create_sheet(ws, actor, data):
    return sheets.create(ws, actor, data)


@bp.patch("/w/<wid>/sheets/<sid>")
@endpoint("sheet", rate="write")
def update_sheet(ws, actor, data, sid):
    return sheets.update(ws, actor, sid, data)


@bp.post("/w/<wid>/sheets/<sid>/hide")
@endpoint("sheet")
def hide_sheet(ws, actor, data, sid):
    return sheets.set_hidden(ws, actor, sid, data)


@bp.post("/w/<wid>/ideas")
@endpoint("idea", rate="write")
def create_idea(ws, actor, data):
    return ideas.create(ws, actor, data)


@bp.patch("/w/<wid>/ideas/<iid>")
@endpoint("idea")
def update_idea(ws, actor, data, iid):
    return ideas.update(ws, actor, iid, data)


@bp.post("/w/<wid>/ideas/<iid>/move")
@endpoint("idea")
def move_idea(ws, actor, data, iid):
    return ideas.move(ws, actor, iid, data)


@bp.post("/w/<wid>/ideas/<iid>/b2b")
@endpoint("idea")
def b2b_idea(ws, actor, data, iid):
    return ideas.set_b2b(ws, actor, iid, data)


@bp.post("/w/<wid>/ideas/<iid>/hide")
@endpoint("idea")
def hide_idea(ws, actor, data, iid):
    return ideas.set_hidden(ws, actor, iid, data)


@bp.post("/w/<wid>/ideas/<iid>/merge")
@endpoint("idea")
def merge_idea(ws, actor, data, iid):
    return ideas.merge(ws, actor, iid, data)


@bp.post("/w/<wid>/undo")
@endpoint("idea")
def undo(ws, actor, data):
    return ideas.undo(ws, actor, data)


@bp.get("/w/<wid>/ideas/<iid>/history")
@endpoint()
def idea_history(ws, actor, data, iid):
    return {"history": ideas.history(ws, actor, iid)}


@bp.get("/w/<wid>/b2b")
@endpoint()
def b2b_list(ws, actor, data):
    from ..services import b2b

    return {"ideas": b2b.selected(ws, actor)}


@bp.post("/w/<wid>/facilitators")
@endpoint("facilitator")
def create_facilitator(ws, actor, data):
    return facilitators.create(ws, actor, data)


@bp.post("/w/<wid>/facilitators/<fid>/revoke")
@endpoint("facilitator")
def revoke_facilitator(ws, actor, data, fid):
    authorize(ws, actor, "facilitator.manage")
    revoked = check(V.REVOKE, data).get("revoked", True)
    return facilitators.set_revoked(ws, actor, fid, revoked)


@bp.post("/w/<wid>/devices/<did>/revoke")
@endpoint("device")
def revoke_device(ws, actor, data, did):
    authorize(ws, actor, "device.revoke")
    check(V.EMPTY, data)
    return organisations.revoke_device(ws, actor, did)


@bp.post("/w/<wid>/intake")
@endpoint("workshop")
def intake(ws, actor, data):
    return workshops.set_intake(ws, actor, data)


@bp.post("/w/<wid>/phase")
@endpoint("workshop")
def phase(ws, actor, data):
    rec, seq = workshops.set_phase(ws, actor, data)
    return rec, seq


@bp.post("/w/<wid>/backup")
@endpoint()
def backup_now(ws, actor, data):
    from ..backup import on_demand

    check(V.EMPTY, data)
    return on_demand(ws, actor)


@bp.get("/openapi.json")
def openapi():
    from .openapi import document

    return jsonify(document())
