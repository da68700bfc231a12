"""Facilitators' tablets: sign in with a personal code, then the board and
the paper-sheet entry form."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from .. import auth
from ..i18n import t
from ..rules import statuses
from ..rules import validation as V
from ..services import workshops
from .common import check_csrf, page, workshop_or_404

bp = Blueprint("facilitator", __name__)
STAFF = ("facilitator", "organiser")
NEXT_PAGES = {"board": "facilitator.board", "paper": "facilitator.paper"}


def _login_page(ws, error=None, status=200, code="", next_page="board"):
    return render_template("facilitator/login.html", ws=ws, info=ws.info(), error=error, code=code,
                           next_page=next_page if next_page in NEXT_PAGES else "board"), status


def _boot_extra(ws):
    return {"transitions": statuses.transitions_json(), "after_event": sorted(statuses.AFTER_EVENT_PHASES),
            "board_url": url_for("facilitator.board", code=ws.code),
            "paper_url": url_for("facilitator.paper", code=ws.code),
            "schemas": V.schemas_json(V.SHEET_CREATE, V.ORGANISATION_CREATE)}


@bp.get("/w/<code>/facilitator")
def board(code):
    ws = workshop_or_404(code)
    if auth.actor(ws)["role"] not in STAFF:
        return _login_page(ws, code=request.args.get("code", ""))
    return page("facilitator/board.html", ws, boot_extra=_boot_extra(ws))


@bp.get("/w/<code>/facilitator/paper")
def paper(code):
    ws = workshop_or_404(code)
    if auth.actor(ws)["role"] not in STAFF:
        return _login_page(ws, code=request.args.get("code", ""), next_page="paper")
    return page("facilitator/paper.html", ws, boot_extra=_boot_extra(ws))


@bp.post("/w/<code>/facilitator/login")
def login(code):
    ws = workshop_or_404(code)
    check_csrf()
    from ..api import ratelimit
    from ..services import ServiceError

    next_page = request.form.get("next", "board")
    try:
        ratelimit.check("login", ws.id, request.remote_addr)
    except ServiceError as exc:
        return _login_page(ws, t(exc.key, **exc.params), 429, next_page=next_page)
    fac = workshops.facilitator_by_code(ws, request.form.get("code", ""))
    if not fac or fac.get("revoked"):
        key = "err.code_revoked" if fac else "err.bad_code"
        return _login_page(ws, t(key), 403, next_page=next_page)
    ratelimit.success("login", ws.id, request.remote_addr)
    auth.sign_in(ws, "facilitator", fac["id"])
    return redirect(url_for(NEXT_PAGES.get(next_page, "facilitator.board"), code=ws.code))
