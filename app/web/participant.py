"""Participants' phones: /j/<CODE> joins, then the same page is their space."""
from __future__ import annotations

from flask import Blueprint, request

from .. import auth
from .common import page, workshop_or_404

bp = Blueprint("participant", __name__)


@bp.get("/j/<code>")
def join(code):
    ws = workshop_or_404(code)
    auth.ensure_visitor(ws)
    table = request.args.get("t", "")
    return page("participant/space.html", ws, boot_extra={"table": int(table) if table.isdigit() else None})
