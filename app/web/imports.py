"""The organiser's import wizard: upload → columns → values → preview → confirm.

Server-rendered steps (each a plain form, so it works without script); the
page's module (static/js/import.js) only adds conveniences. The uploaded file
waits in the data folder (app/imports/pending.py) until confirmed or cancelled;
uploads left for a day are swept whenever the page is used. The routes hang on
the organiser blueprint so the page keeps its address and link.
"""
from __future__ import annotations

from flask import Response, abort, current_app, redirect, request, url_for

from .. import imports
from ..i18n import pick_lang, t
from ..imports import pending, spec, template as tpl, values as X
from .common import Routes, check_csrf, page, require_action, workshop_or_404

routes = Routes()  # on the organiser's blueprint (app/web/organiser.py)

STEPS = ("columns", "values", "preview")


def _base(ws):
    base = pending.folder(current_app.config["DATA_DIR"], ws.id)
    base.mkdir(parents=True, exist_ok=True)
    pending.sweep(base)
    return base


def _render(ws, status=200, **ctx):
    ctx.setdefault("error", None)
    ctx.setdefault("plan", None)
    ctx.setdefault("step", "upload")
    ctx.setdefault("kind", "organisations")
    return page("organiser/import.html", ws, steps=STEPS, **ctx), status


@routes.route("/w/<code>/organiser/import", ("GET", "POST"), endpoint="import_page")
def start(code):
    """Step 0: choose what the file holds and send it."""
    ws = workshop_or_404(code)
    require_action(ws, "workshop.manage")
    base = _base(ws)
    if request.method == "GET":
        return _render(ws)
    request.max_content_length = X_MAX + 64 * 1024  # a spreadsheet is bigger than the app's usual 256 KB posts
    check_csrf()
    kind = request.form.get("kind", "organisations")
    if kind not in spec.KINDS:
        return _render(ws, 400, error=t("imp.err.kind"))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render(ws, 400, error=t("import.no_file"), kind=kind)
    content = upload.read(X_MAX + 1)
    if len(content) > X_MAX:
        return _render(ws, 413, error=t("imp.err.too_big", max=X_MAX // (1024 * 1024)), kind=kind)
    try:
        plan = imports.analyse(ws, content, upload.filename, kind, lang=pick_lang())
    except imports.PlanError as exc:
        return _render(ws, 422, error=str(exc), kind=kind)
    token = pending.save(base, content, upload.filename, kind)
    # Every column and value known (our own exports, the template, a file seen before): straight to the preview.
    first = "preview" if imports.ready(plan) else "columns"
    return redirect(url_for("organiser.import_step", code=ws.code, token=token, step=first))


X_MAX = 20 * 1024 * 1024


def _choices_from_form(meta, plan):
    cols = dict(meta.get("columns") or {})
    for c in plan["columns"]:
        v = request.form.get(f"col:{c['key']}")
        if v is not None and (v == "" or v in spec.FIELDS[meta["kind"]]):
            cols[c["key"]] = v
    vals = {f: dict(m) for f, m in (meta.get("values") or {}).items()}
    for v in plan["values"]:
        got = request.form.get(f"val:{v['field']}:{v['key']}")
        if got is not None:
            vals.setdefault(v["field"], {})[v["key"]] = got
    return cols, vals


def _value_options(ws, plan, lang):
    """For each value group in the plan, the options of its select."""
    out = {}
    orgs = None
    for v in plan["values"]:
        g = v["group"]
        if g in out:
            continue
        if g == "organisation":
            if orgs is None:
                orgs = sorted(ws.store.all("organisation"), key=lambda o: X.key_words(o["name"]))
            out[g] = [(spec.CREATE, t("imp.v.create")), (spec.REJECT, t("imp.v.reject"))] + \
                [(o["id"], o["name"]) for o in orgs]
        else:
            keeps = bool(v["label_field"])
            out[g] = X.choices(g, lang, with_other=keeps) + ([] if keeps else [(spec.REJECT, t("imp.v.reject"))])
    return out


@routes.route("/w/<code>/organiser/import/<token>", ("GET", "POST"), endpoint="import_step")
def step(code, token):
    ws = workshop_or_404(code)
    require_action(ws, "workshop.manage")
    base = _base(ws)
    got = pending.load(base, token)
    if got is None:
        return _render(ws, 400, error=t("import.expired"))
    content, meta = got
    lang = pick_lang()
    step_ = request.form.get("step") or request.args.get("step") or "columns"
    if step_ not in STEPS:
        step_ = "columns"

    def plan_for(m):
        return imports.analyse(ws, content, meta["filename"], m["kind"], tab=m.get("tab"), columns=m.get("columns"),
                               values=m.get("values"), lang=lang)

    try:
        plan = plan_for(meta)
        notice = None
        if request.method == "POST":
            check_csrf()
            action = request.form.get("action", "next")
            if action == "cancel":
                pending.drop(base, token)
                return redirect(url_for("organiser.import_page", code=ws.code))
            if request.form.get("tab") and request.form["tab"] != (meta.get("tab") or plan["file"]["tab"]):
                meta["tab"], meta["columns"] = request.form["tab"], {}
                pending.write_meta(base, token, meta)
                return redirect(url_for("organiser.import_step", code=ws.code, token=token, step="columns"))
            meta["columns"], meta["values"] = _choices_from_form(meta, plan)
            pending.write_meta(base, token, meta)
            plan = plan_for(meta)
            if action == "confirm":
                if plan["problems"]:
                    step_ = "columns"
                elif request.form.get("digest") != plan["digest"]:
                    step_, notice = "preview", t("imp.stale")
                else:
                    res = imports.apply(ws, plan)
                    pending.drop(base, token)
                    return _render(ws, step="done", plan=plan, result=res, kind=meta["kind"])
            else:
                nxt = {"columns": "values", "values": "preview", "preview": "preview"}[step_]
                back = {"columns": "columns", "values": "columns", "preview": "values"}[step_]
                target = back if action == "back" else nxt
                if plan["problems"] and target != "columns":
                    target = "columns"
                return redirect(url_for("organiser.import_step", code=ws.code, token=token, step=target))
    except imports.PlanError as exc:
        pending.drop(base, token)
        return _render(ws, 422, error=str(exc))
    if plan["problems"] and step_ != "columns":
        step_ = "columns"
    return _render(ws, step=step_, plan=plan, token=token, kind=meta["kind"], notice=notice,
                   value_options=_value_options(ws, plan, lang), filename=meta["filename"])


@routes.get("/w/<code>/organiser/import-template/<kind>.xlsx", endpoint="import_template")
def template_file(code, kind):
    ws = workshop_or_404(code)
    require_action(ws, "workshop.manage")
    if kind not in spec.KINDS:
        abort(404)
    lang = pick_lang()
    return Response(tpl.xlsx(kind, lang), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{tpl.filename(kind, lang)}"',
                             "Cache-Control": "no-store"})
