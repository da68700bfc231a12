"""Participants' phones: /j/<CODE> joins, then the same page is their space."""
from __future__ import annotations

from flask import Blueprint, request

from .. import auth
from ..rules import validation as V
from .common import page, workshop_or_404

bp = Blueprint("participant", __name__)


@bp.get("/j/<code>")
def join(code):
    ws = workshop_or_404(code)
    auth.ensure_visitor(ws)
    table = request.args.get("t", "")
    return page("participant/space.html", ws, boot_extra={
        "table": int(table) if table.isdigit() else None,
        # The server's own rules, so the phone refuses a bad field before calling the sheet saved.
        "schemas": V.schemas_json(V.SHEET_CREATE, V.SHEET_UPDATE, V.ORGANISATION_CREATE, V.IDEA_CREATE)})
