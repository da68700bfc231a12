"""The organiser's page: QR, counters, facilitators, intake, exports."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from .. import auth, qr
from ..i18n import t
from ..services import workshops
from . import urls
from .common import check_csrf, page, require_action, workshop_or_404

bp = Blueprint("organiser", __name__)


def _require_organiser(ws):
    if auth.actor(ws)["role"] != "organiser":
        abort(redirect(url_for("organiser.page", code=ws.code)))


def page_(code):
    ws = workshop_or_404(code)
    if auth.actor(ws)["role"] != "organiser":
        return render_template("organiser/login.html", ws=ws, info=ws.info(), error=None)
    info = ws.info()
    wall = url_for("projector.wall", code=ws.code, t=info["projector_token"])
    return page("organiser/dashboard.html", ws, wall_url=wall, join_url=urls.join_url(ws),
                boot_extra={"wall_url": wall})


bp.add_url_rule("/w/<code>/organiser", "page", page_)


@bp.post("/w/<code>/organiser/login")
def login(code):
    ws = workshop_or_404(code)
    check_csrf()
    from ..api import ratelimit
    from ..services import ServiceError

    try:
        ratelimit.check("login", ws.id, request.remote_addr)
    except ServiceError as exc:
        return render_template("organiser/login.html", ws=ws, info=ws.info(), error=t(exc.key, **exc.params)), 429
    if not workshops.check_organiser(ws, request.form.get("password", "")):
        return render_template("organiser/login.html", ws=ws, info=ws.info(), error=t("err.bad_password")), 403
    ratelimit.success("login", ws.id, request.remote_addr)
    auth.sign_in(ws, "organiser")
    return redirect(url_for("organiser.page", code=ws.code))


@bp.get("/w/<code>/qr.png")
def join_qr(code):
    """The join QR is public: it is printed on posters anyway."""
    ws = workshop_or_404(code)
    table = request.args.get("t", "")
    url = urls.join_url(ws, int(table) if table.isdigit() else None)
    return Response(qr.png_bytes(url), mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.get("/w/<code>/facilitators/<fid>/qr.png")
def facilitator_qr(code, fid):
    ws = workshop_or_404(code)
    require_action(ws, "facilitator.manage")
    fac = ws.store.get("facilitator", fid)
    if not fac:
        abort(404)
    url = f"{urls.base_url()}{url_for('facilitator.board', code=ws.code)}?code={fac['code']}"
    return Response(qr.png_bytes(url, box_size=8), mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.get("/w/<code>/export/<fmt>")
def export(code, fmt):
    """Documents and data out, for the organiser only."""
    ws = workshop_or_404(code)
    require_action(ws, "export")
    from ..exports import FORMATS, export_in_worker as build
    from ..i18n import pick_lang

    if fmt not in FORMATS:
        abort(404)
    opts = {"edition": request.args.get("edition", "organiser"), "group_by": request.args.get("group", "organisation"),
            "size": request.args.get("size", "A4"), "delimiter": "," if request.args.get("sep") == "comma" else ";"}
    try:  # in a worker process, from the file as of one seq: screens keep their pace meanwhile
        out, seq = build(ws, fmt, lang=pick_lang(), base_url=urls.base_url(), **opts)
    except ValueError:
        abort(404)
    except Exception:  # the worker died or the file could not be read: say so, never a bare 500
        current_app.logger.exception("export %s of %s", fmt, ws.id)
        return render_template("error.html", message=t("err.export_failed"), status=503), 503
    data, mimetype, filename = out.data, out.content_type, out.filename
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
                             "X-Atelier-Seq": str(seq)})


from . import imports as _imports  # noqa: E402,F401 - the import wizard's routes hang on this blueprint
