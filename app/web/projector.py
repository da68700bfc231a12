"""The projector wall: read-only, opened with its link token."""
from __future__ import annotations

from flask import Blueprint

from . import urls
from .common import page, wall_refusal, workshop_or_404

bp = Blueprint("projector", __name__)


@bp.get("/w/<code>/wall")
def wall(code):
    ws = workshop_or_404(code)
    refused = wall_refusal(ws)
    if refused:
        return refused
    return page("projector/wall.html", ws, join_url=urls.join_url(ws))
