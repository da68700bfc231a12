"""JSON routes of the flow studies (app/flowstudy): thin handlers over ``app.flowstudy.service``."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .. import auth
from ..flowstudy import service
from ..rules import validation as V
from . import ratelimit
from .common import endpoint, registry

bp = Blueprint("api_flowstudy", __name__, url_prefix="/api")


@bp.get("/w/<wid>/visits")
@endpoint()
def visits(ws, actor, data):
    return service.listing(ws, actor)


@bp.post("/w/<wid>/visits")
@endpoint("visit", rate="write")
def record(ws, actor, data):
    return service.record(ws, actor, data)


@bp.post("/w/<wid>/visits/<vid>/sheets")
@endpoint("sheet", rate="write")
def add_sheet(ws, actor, data, vid):
    return service.add_sheet(ws, actor, vid, data)


@bp.post("/w/<wid>/flow-studies")
@endpoint()
def create_book(ws, actor, data):
    """201 with the new file's id and code; the organiser is signed in to it."""
    ratelimit.check("workshop", "-", request.remote_addr)
    book = service.create_book(registry(), ws, actor, data)
    auth.sign_in(book, "organiser")
    return jsonify({"workshop": book.id, "code": book.code, "name": book.info()["name"],
                    "url": f"/w/{book.code}/visits"}), 201


def openapi_paths(op, _id, any_ok) -> dict:
    return {
        "/api/w/{wid}/visits": {
            "get": op("Company visits (flow studies) of this file, with their sheets", ok=any_ok, tag="read"),
            "post": op("Record a company visit (and the organisation, if new)", V.VISIT_CREATE)},
        "/api/w/{wid}/visits/{vid}/sheets": {"post": op("Add an offer or need sheet to a visit", V.VISIT_SHEET,
                                                        [_id("vid")])},
        "/api/w/{wid}/flow-studies": {"post": op("Create the territory's book of flow studies (a new file)",
                                                 V.FLOWSTUDY_CREATE, ok=any_ok, status="201")},
    }
