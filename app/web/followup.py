"""Pages of the follow-up: the board (organiser, facilitators), the relances documents, the year's
report page and the territory view across workshops."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, make_response, render_template, request

from .. import auth, i18n
from . import followup_settings
from .common import page, require_action, workshop_or_404

bp = Blueprint("followup", __name__)


@bp.app_context_processor
def _home_list():
    """``followup_due(ws, actor)`` for the homes' reminder list (templates/followup/_home.html)."""
    def followup_due(ws, actor):
        from ..followup import service

        if actor.get("role") not in ("organiser", "facilitator"):
            return []
        return service.due_list(ws, actor.get("id") if actor["role"] == "facilitator" else None)

    return {"followup_due": followup_due}


def _as_of():
    raw = request.args.get("as_of") or ""
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(make_response(render_template("error.html", message=i18n.t("err.date"), status=400), 400))


@bp.get("/w/<code>/followup")
def board(code):
    ws = workshop_or_404(code)
    require_action(ws, "followup.board")
    from ..rules import statuses, vocab

    phase = ws.info()["phase"]
    return page("followup/board.html", ws, boot_extra={
        "channels": vocab.CONTACT_CHANNELS,
        "transitions": {s: statuses.allowed_targets(s, phase) for s in vocab.STATUSES}, "followup_i18n": i18n.subset(("fu.", "followup.", "channel.",
                                                                          "stage.", "family.", "status.", "reason.",
                                                                          "err."))})


@bp.get("/w/<code>/followup/relances/<fid>.<ext>")
def relances(code, fid, ext):
    ws = workshop_or_404(code)
    actor = auth.actor(ws)
    require_action(ws, "followup.relances", own=(actor.get("id") == fid) if actor["role"] == "facilitator" else None)
    fac = ws.store.get("facilitator", fid)
    if fac is None or ext not in ("pdf", "csv"):
        abort(404)
    from ..exports.data import slug
    from ..followup import relances as R

    lang = i18n.pick_lang()
    body = R.as_pdf(ws, fid, lang) if ext == "pdf" else R.as_csv(ws, fid, lang)
    name = f"relances-{slug(fac['name'], 30)}-{date.today().isoformat()}.{ext}"
    mime = "application/pdf" if ext == "pdf" else "text/csv; charset=utf-8"
    return Response(body, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"',
                                                  "Cache-Control": "no-store"})


def _workshops(ws):
    """This workshop and the others of this laptop the browser is the organiser of (``?with=CODE,CODE``)."""
    from .common import registry

    out = [ws]
    for code in (request.args.get("with") or "").split(","):
        other = registry().by_code(code.strip()) if code.strip() else None
        if other and other.id != ws.id and auth.actor(other)["role"] == "organiser" and other not in out:
            out.append(other)
    return out


def _organised(ws):
    from .common import registry

    return [w for w in registry().all() if auth.actor(w)["role"] == "organiser"]


@bp.get("/w/<code>/followup/report")
def report(code):
    ws = workshop_or_404(code)
    require_action(ws, "export")
    from ..followup import charts_svg, report as R, service

    as_of, lang = _as_of(), i18n.pick_lang()
    chosen = _workshops(ws)
    f = R.for_workshops(chosen, as_of)
    factors = service.factor_table(ws)
    charts = {"funnel": charts_svg.funnel(f, lang), "series": charts_svg.series(f, lang),
              "categories": charts_svg.categories(f, lang), "impact": charts_svg.impact(f, lang, factors)}
    others = [w for w in _organised(ws) if w.id != ws.id]
    return page("followup/report.html", ws, f=f, charts=charts, as_of=as_of, chosen=chosen, others=others,
                with_codes=",".join(w.code for w in chosen[1:]))


@bp.get("/w/<code>/followup/report.pdf")
def report_pdf(code):
    ws = workshop_or_404(code)
    require_action(ws, "export")
    from ..exports import export as build

    as_of = _as_of()
    out = build(ws, "report", lang=i18n.pick_lang(), as_of=as_of, others=_workshops(ws)[1:])
    return Response(out.data, mimetype=out.content_type, headers={
        "Content-Disposition": f'attachment; filename="{out.filename}"', "Cache-Control": "no-store"})


@bp.get("/w/<code>/territory")
def territory(code):
    ws = workshop_or_404(code)
    require_action(ws, "export")
    return territory_page(ws)


def territory_page(ws, *, book_errors=None, book_name="", status=200):
    """The territory view; with the flow-study form's errors when a book could not be created."""
    from ..followup import territory as T

    view = T.view(_organised(ws))
    return page("followup/territory.html", ws, view=view, book_errors=book_errors or {}, book_name=book_name), status


followup_settings.routes.register(bp)  # the settings page: same blueprint, its own module
