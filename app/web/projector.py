"""The projector wall: read-only, opened with its link token."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from .. import auth
from ..i18n import t
from ..services import workshops
from . import urls
from .common import page, workshop_or_404

bp = Blueprint("projector", __name__)


@bp.get("/w/<code>/wall")
def wall(code):
    ws = workshop_or_404(code)
    role = auth.actor(ws)["role"]
    if role not in ("organiser", "facilitator", "projector"):
        if not workshops.check_projector(ws, request.args.get("t")):
            return render_template("error.html", message=t("err.wall_link"), status=403), 403
        auth.sign_in(ws, "projector")
    return page("projector/wall.html", ws, join_url=urls.join_url(ws))
