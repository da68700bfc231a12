"""Home: create a workshop, or type a join code."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from .. import auth
from ..i18n import t
from ..services import ServiceError, workshops
from .common import check_csrf, field_messages, registry

bp = Blueprint("home", __name__)


def _local_request() -> bool:
    return request.remote_addr in ("127.0.0.1", "::1")


@bp.get("/")
def index():
    listed = [ws.info() | {"code": ws.code} for ws in registry().all()] if _local_request() else []
    listed.sort(key=lambda w: w.get("created_at") or "", reverse=True)
    return render_template("home/index.html", workshops=listed, errors={}, form={})


@bp.post("/workshops")
def create():
    check_csrf()
    form = {k: request.form.get(k, "") for k in ("name", "date", "venue", "zones", "password",
                                                  *workshops.CONTACT_FIELDS)}
    try:
        ws = workshops.create(registry(), {k: v for k, v in form.items() if v != ""})
    except ServiceError as exc:
        errors = field_messages(exc)
        form.pop("password", None)
        return render_template("home/index.html", workshops=[], errors=errors, form=form), exc.status
    auth.sign_in(ws, "organiser")
    return redirect(url_for("organiser.page", code=ws.code))


@bp.get("/favicon.ico")
def favicon():
    return "", 204


@bp.get("/join")
def join_by_code():
    code = request.args.get("code", "")
    ws = registry().by_code(code)
    if ws is None:
        return render_template("error.html", message=t("err.bad_join_code"), status=404), 404
    return redirect(url_for("participant.join", code=ws.code))
