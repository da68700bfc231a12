"""B2B meeting pages: the planning grid (organiser; facilitators read it and mark meetings),
the wall's round view, and each organisation's agenda as PDF and .ics."""
from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for

from .. import auth
from ..i18n import t
from .common import page, require_action, wall_refusal, workshop_or_404

bp = Blueprint("b2b", __name__)


@bp.get("/w/<code>/meetings")
def planning(code):
    ws = workshop_or_404(code)
    role = auth.actor(ws)["role"]
    if role == "anonymous":
        return redirect(url_for("organiser.page", code=ws.code))
    require_action(ws, "read.meeting.plan")
    info = ws.info()
    return page("b2b/plan.html", ws, wall_b2b_url=url_for("b2b.wall", code=ws.code, t=info["projector_token"])
                if role == "organiser" else None)


@bp.get("/w/<code>/wall/b2b")
def wall(code):
    ws = workshop_or_404(code)
    return wall_refusal(ws) or page("b2b/wall.html", ws)


@bp.get("/w/<code>/meetings/<oid>/agenda.<fmt>")
def agenda(code, oid, fmt):
    """An organisation's agenda as PDF or .ics: staff for anyone, a phone for its own organisation."""
    from ..exports import b2b_docs
    from ..exports.data import slug
    from ..i18n import pick_lang
    from ..rules import permissions

    ws = workshop_or_404(code)
    actor = auth.actor(ws)
    own = actor.get("org") == oid if actor["role"] == "participant" else None
    key = permissions.decide(actor["role"], "meeting.agenda", phase=ws.info()["phase"], own=own)
    if key:
        status = 401 if key == "err.not_signed_in" else 403
        return render_template("error.html", message=t(key), status=status), status
    org = ws.store.get("organisation", oid)
    if org is None or org.get("hidden") or fmt not in ("pdf", "ics"):
        return render_template("error.html", message=t("err.not_found"), status=404), 404
    lang = pick_lang()
    if fmt == "pdf":
        body, mime = b2b_docs.agenda_pdf(ws, oid, lang=lang), "application/pdf"
    else:
        body, mime = b2b_docs.agenda_ics(ws, oid, lang=lang), "text/calendar; charset=utf-8"
    name = f"rendez-vous-{slug(org.get('name'), 40)}.{fmt}"
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                  "Cache-Control": "no-store"})
