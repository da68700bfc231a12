"""Facilitators' tablets: sign in with a personal code, then the board."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from .. import auth
from ..i18n import t
from ..services import workshops
from .common import check_csrf, page, workshop_or_404

bp = Blueprint("facilitator", __name__)


@bp.get("/w/<code>/facilitator")
def board(code):
    ws = workshop_or_404(code)
    role = auth.actor(ws)["role"]
    if role not in ("facilitator", "organiser"):
        return render_template("facilitator/login.html", ws=ws, info=ws.info(), error=None,
                               code=request.args.get("code", ""))
    return page("facilitator/board.html", ws)


@bp.post("/w/<code>/facilitator/login")
def login(code):
    ws = workshop_or_404(code)
    check_csrf()
    from ..api import ratelimit
    from ..services import ServiceError

    try:
        ratelimit.check("login", ws.id, request.remote_addr)
    except ServiceError as exc:
        return render_template("facilitator/login.html", ws=ws, info=ws.info(), error=t(exc.key, **exc.params),
                               code=""), 429
    fac = workshops.facilitator_by_code(ws, request.form.get("code", ""))
    if not fac or fac.get("revoked"):
        key = "err.code_revoked" if fac else "err.bad_code"
        return render_template("facilitator/login.html", ws=ws, info=ws.info(), error=t(key), code=""), 403
    ratelimit.success("login", ws.id, request.remote_addr)
    auth.sign_in(ws, "facilitator", fac["id"])
    return redirect(url_for("facilitator.board", code=ws.code))
