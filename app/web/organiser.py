"""The organiser's page: QR, counters, facilitators, intake, exports."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from .. import auth, qr, workers
from ..i18n import t
from ..services import workshops
from . import imports, organiser_sections, urls
from .common import check_csrf, field_messages, page, require_action, workshop_or_404

bp = Blueprint("organiser", __name__)


def _require_organiser(ws):
    if auth.actor(ws)["role"] != "organiser":
        abort(redirect(url_for("organiser.page", code=ws.code)))


# Exports by purpose: (group id, title key, [(export id, format, url options, label key, description key)]).
EXPORT_GROUPS = [
    ("send", "org.eg_send", [
        ("pdf-public", "pdf", {"edition": "public"}, "org.ex_book_public", "org.exd_book_public"),
        ("org-reports", "org-reports", {}, "org.ex_reports", "org.exd_reports"),
        ("letter", "letter", {}, "org.ex_letter", "org.exd_letter"),
    ]),
    ("team", "org.eg_team", [
        ("pdf", "pdf", {}, "org.ex_book", "org.exd_book"),
        ("pdf-category", "pdf", {"group": "category"}, "org.ex_book_category", "org.exd_book_category"),
        ("xlsx", "xlsx", {}, "org.ex_xlsx", "org.exd_xlsx"),
    ]),
    ("print", "org.eg_print", [
        ("posters", "posters", {}, "org.ex_posters", "org.exd_posters"),
    ]),
]
EXPORT_ADVANCED = [
    ("csv", "csv", {}, "org.ex_csv", "org.exd_csv"),
    ("json", "json", {}, "org.ex_json", "org.exd_json"),
]


def _export_links(ws, items):
    return [{"id": eid, "label": label, "desc": desc, "mark": "posters" if fmt == "posters" else "export",
             "href": url_for("organiser.export", code=ws.code, fmt=fmt, **opts)}
            for eid, fmt, opts, label, desc in items]


def dashboard(ws, *, notice=None, settings_form=None, settings_errors=None, section=None, status=200):
    info = ws.info()
    wall = url_for("projector.wall", code=ws.code, t=info["projector_token"])
    groups = [{"id": gid, "title": title, "links": _export_links(ws, items)} for gid, title, items in EXPORT_GROUPS]
    if notice is None and request.args.get("saved"):
        notice = t("org.saved")
    form = settings_form if settings_form is not None else {k: info.get(k) or "" for k in workshops.CONTACT_FIELDS}
    html = page("organiser/dashboard.html", ws, wall_url=wall, join_url=urls.join_url(ws),
                sections=organiser_sections.SECTIONS, section=organiser_sections.pick(section or request.args.get("s")),
                export_groups=groups, export_advanced=_export_links(ws, EXPORT_ADVANCED), notice=notice,
                settings_form=form, settings_errors=settings_errors or {},
                boot_extra={"wall_url": wall, "sections": [s.id for s in organiser_sections.SECTIONS if s.template]})
    return html, status


def page_(code):
    ws = workshop_or_404(code)
    if auth.actor(ws)["role"] != "organiser":
        return render_template("organiser/login.html", ws=ws, info=ws.info(), error=None)
    return dashboard(ws)


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
    except workers.Stopping:
        raise  # the server is stopping (a 503 from the app's handler): nothing to log
    except Exception:  # the worker died or the file could not be read: say so, never a bare 500
        current_app.logger.exception("export %s of %s", fmt, ws.id)
        return render_template("error.html", message=t("err.export_failed"), status=503), 503
    data, mimetype, filename = out.data, out.content_type, out.filename
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
                             "X-Atelier-Seq": str(seq)})


@bp.post("/w/<code>/organiser/settings")
def settings(code):
    """The organiser's contact and logo, used in the letter, the reports and the posters."""
    ws = workshop_or_404(code)
    require_action(ws, "workshop.manage")
    request.max_content_length = workshops.LOGO_MAX_BYTES + 64 * 1024  # this form carries an image
    check_csrf()
    from ..services import ServiceError

    form = {k: request.form.get(k, "") for k in workshops.CONTACT_FIELDS}
    upload = request.files.get("logo")
    logo = upload.read(workshops.LOGO_MAX_BYTES + 1) if upload is not None and upload.filename else None
    try:
        workshops.update_contact(ws, auth.actor(ws), form, logo=logo, remove_logo=request.form.get("logo_remove") == "1")
    except ServiceError as exc:
        return dashboard(ws, settings_form=form, settings_errors=field_messages(exc, whole="logo"), section="workshop",
                         status=exc.status)
    return redirect(url_for("organiser.page", code=ws.code, s="workshop", saved=1))


@bp.get("/w/<code>/organiser/logo")
def logo(code):
    ws = workshop_or_404(code)
    require_action(ws, "workshop.manage")
    found = workshops.logo(ws)
    if not found:
        abort(404)
    data, ctype = found
    return Response(data, mimetype=ctype, headers={"Cache-Control": "private, max-age=3600"})


imports.routes.register(bp)  # the import wizard: same blueprint, its own module
