"""JSON routes of the follow-up (app/followup): thin handlers over ``app.followup.service``."""
from __future__ import annotations

from flask import Blueprint

from ..followup import service
from .common import endpoint

bp = Blueprint("api_followup", __name__, url_prefix="/api")


@bp.get("/w/<wid>/followup")
@endpoint()
def board(ws, actor, data):
    return service.board(ws, actor)


@bp.get("/w/<wid>/followup/mine")
@endpoint()
def mine(ws, actor, data):
    return service.mine(ws, actor)


@bp.get("/w/<wid>/followup/ideas/<iid>")
@endpoint()
def detail(ws, actor, data, iid):
    return service.detail(ws, actor, iid)


@bp.patch("/w/<wid>/followup/ideas/<iid>")
@endpoint("idea", rate="write")
def update(ws, actor, data, iid):
    return service.update(ws, actor, iid, data)


@bp.post("/w/<wid>/followup/ideas/<iid>/contacts")
@endpoint("contact", rate="write")
def add_contact(ws, actor, data, iid):
    return service.add_contact(ws, actor, iid, data)


@bp.put("/w/<wid>/followup/ideas/<iid>/impact/<stage>")
@endpoint("impact", rate="write")
def set_impact(ws, actor, data, iid, stage):
    return service.set_impact(ws, actor, iid, stage, data)


@bp.post("/w/<wid>/followup/ideas/<iid>/outcome")
@endpoint("outcome", rate="write")
def set_outcome(ws, actor, data, iid):
    return service.set_outcome(ws, actor, iid, data)


@bp.put("/w/<wid>/followup/factors/<key>")
@endpoint("factor")
def set_factor(ws, actor, data, key):
    return service.set_factor(ws, actor, key, data)


@bp.patch("/w/<wid>/followup/settings")
@endpoint("workshop")
def settings(ws, actor, data):
    return service.set_settings(ws, actor, data)


@bp.patch("/w/<wid>/followup/facilitators/<fid>")
@endpoint("facilitator")
def facilitator_email(ws, actor, data, fid):
    return service.set_facilitator_email(ws, actor, fid, data)


@bp.post("/w/<wid>/followup/reminders")
@endpoint()
def reminders(ws, actor, data):
    from flask import current_app

    from ..followup import mail

    return mail.send_reminders(ws, actor, data, current_app.config)
