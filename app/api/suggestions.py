"""JSON routes of the suggested synergies (app/services/suggestions.py)."""
from __future__ import annotations

from flask import Blueprint, request

from ..services import ServiceError, suggestions
from .common import endpoint

bp = Blueprint("api_suggestions", __name__, url_prefix="/api")


@bp.get("/w/<wid>/suggestions")
@endpoint()
def suggestion_list(ws, actor, data):
    scope = request.args.get("scope", "all")
    if scope not in ("all", "table"):
        raise ServiceError(422, "err.choice")
    sheet = request.args.get("sheet") or None
    if sheet is not None and len(sheet) > 64:
        raise ServiceError(422, "err.uuid")
    return suggestions.listing(ws, actor, scope=scope, sheet_id=sheet)


@bp.get("/w/<wid>/suggestions/relevance")
@endpoint()
def suggestion_relevance(ws, actor, data):
    return suggestions.relevance(ws, actor)


@bp.post("/w/<wid>/suggestions/accept")
@endpoint(rate="write")
def suggestion_accept(ws, actor, data):
    return suggestions.accept(ws, actor, data)


@bp.post("/w/<wid>/suggestions/dismiss")
@endpoint("suggestion", rate="write")
def suggestion_dismiss(ws, actor, data):
    return suggestions.dismiss(ws, actor, data)


@bp.post("/w/<wid>/suggestions/restore")
@endpoint("suggestion", rate="write")
def suggestion_restore(ws, actor, data):
    return suggestions.restore(ws, actor, data)
