"""JSON routes of the B2B meetings (thin: the work is in app/services/meetings.py)."""
from __future__ import annotations

from flask import Blueprint

from ..rules import b2b as R
from ..services import meetings
from .common import endpoint

bp = Blueprint("api_b2b", __name__, url_prefix="/api")


@bp.get("/w/<wid>/meetings")
@endpoint()
def board(ws, actor, data):
    return meetings.board(ws, actor)


@bp.post("/w/<wid>/meetings/setup")
@endpoint(entity="b2b_setup")
def setup(ws, actor, data):
    return meetings.set_setup(ws, actor, data)


@bp.post("/w/<wid>/organisations/<oid>/attendance")
@endpoint(entity="b2b_attendance")
def attendance(ws, actor, data, oid):
    return meetings.set_attendance(ws, actor, oid, data)


@bp.post("/w/<wid>/meetings")
@endpoint(entity="meeting", rate="write")
def request_meeting(ws, actor, data):
    return meetings.request(ws, actor, data)


@bp.post("/w/<wid>/meetings/<mid>/answer")
@endpoint(entity="meeting")
def answer(ws, actor, data, mid):
    return meetings.answer(ws, actor, mid, data)


@bp.post("/w/<wid>/meetings/plan")
@endpoint()
def plan(ws, actor, data):
    return meetings.plan(ws, actor, data)


@bp.post("/w/<wid>/meetings/<mid>/place")
@endpoint(entity="meeting")
def place(ws, actor, data, mid):
    return meetings.place(ws, actor, mid, data)


@bp.post("/w/<wid>/meetings/<mid>/status")
@endpoint(entity="meeting")
def status(ws, actor, data, mid):
    return meetings.set_status(ws, actor, mid, data)


@bp.post("/w/<wid>/meetings/<mid>/outcome")
@endpoint(entity="meeting")
def outcome(ws, actor, data, mid):
    return meetings.record_outcome(ws, actor, mid, data)


def openapi_paths(op, _id, any_ok) -> dict:
    """This module's part of /api/openapi.json (the building blocks come from app/api/openapi.py)."""
    setup_op = op("B2B set-up: sessions, slot length, pause, meeting places (the list replaces the old one)",
                  R.SETUP)
    setup_op["requestBody"]["content"]["application/json"]["schema"] = {"$ref": "#/components/schemas/MeetingSetupFull"}
    return {
        "/api/w/{wid}/meetings": {
            "get": op("B2B meetings, slots, places and the server clock, filtered for the caller", ok=any_ok,
                      tag="read"),
            "post": op("Ask for a meeting (a participant's own organisation is always in it)", R.REQUEST)},
        "/api/w/{wid}/meetings/setup": {"post": setup_op},
        "/api/w/{wid}/organisations/{oid}/attendance": {
            "post": op("People an organisation brought, when it arrives and leaves", R.ATTENDANCE, [_id("oid")])},
        "/api/w/{wid}/meetings/{mid}/answer": {
            "post": op("Accept, decline or cancel a meeting request", R.ANSWER, [_id("mid")])},
        "/api/w/{wid}/meetings/plan": {"post": op("Plan every accepted meeting (fewest moves of announced ones)",
                                                   R.PLAN, ok=any_ok)},
        "/api/w/{wid}/meetings/{mid}/place": {
            "post": op("Pin a meeting to a slot and place, or unpin it", R.PLACE, [_id("mid")])},
        "/api/w/{wid}/meetings/{mid}/status": {
            "post": op("Mark a meeting held, no-show or cancelled", R.STATUS, [_id("mid")])},
        "/api/w/{wid}/meetings/{mid}/outcome": {
            "post": op("Record one side's outcome and next step", R.OUTCOME, [_id("mid")])},
    }


def openapi_schemas(schema_object) -> dict:
    out = {s.name: schema_object(s) for s in R.SCHEMAS}
    full = schema_object(R.SETUP)
    full["properties"] = {**full["properties"], "sessions": R.SESSION_JSON, "places": R.PLACES_JSON}
    out["MeetingSetupFull"] = full
    return out
