"""The flow-study pages: the visits of a file (a territory's book, or a workshop's) with the form that
records one visit and its sheets, and the creation of a territory's book from the territory view.

The form posts to the same service as the API (``app.flowstudy.service``): one transaction for the
visit, the organisation if new and every sheet; a refused form comes back with the typed values and a
message next to each wrong field, and nothing is saved."""
from __future__ import annotations

from flask import Blueprint, redirect, request, url_for

from .. import auth, i18n
from ..services import ServiceError
from ..store import new_id
from .common import check_csrf, field_messages, page, registry, require_action, workshop_or_404

bp = Blueprint("flowstudy", __name__)
ROWS = 4  # sheet rows of the form (blank rows are not sheets)
SHEET_KEYS = ("kind", "category", "title", "quantity", "unit", "frequency", "description")
VISIT_KEYS = ("organisation_id", "organisation_name", "commune", "postcode", "zone", "date", "visited_by",
              "source", "note")
SOURCES = ("fs.source_visit", "fs.source_study", "fs.source_phone", "fs.source_survey")


LABELS = {"title": "fs.sheet_title", "organisation_id": "fs.org_existing", "organisation_name": "fs.org_name",
          "zone": "fu.zone"}


def _link(key: str, message: str) -> tuple[str, str]:
    """The error summary's line: the field's id, and its name with the message."""
    if key.startswith("row."):
        _, n, name = key.split(".", 2)
        label = i18n.t("fs.row_field", field=i18n.t(LABELS.get(name, f"fs.{name}")), n=int(n) + 1)
        return f"s{n}-{name}", f"{label} : {message}"
    return key, f"{i18n.t(LABELS.get(key, f'fs.{key}'))} : {message}"


def _render(ws, *, form=None, errors=None, status=200):
    from ..flowstudy import service
    from ..services import suggestions

    actor = auth.actor(ws)
    data = service.listing(ws, actor)
    mine = {s["id"] for v in data["visits"] for s in v["sheets"]}
    sugg = [s for s in suggestions.listing(ws, actor)["suggestions"]
            if s["offer_sheet_id"] in mine or s["need_sheet_id"] in mine][:60]
    orgs = [o for o in ws.store.all("organisation", order="name COLLATE NOCASE") if not o.get("hidden")]
    rows = (form or {}).get("sheets") or [{} for _ in range(ROWS)]
    links = [_link(k, m) for k, m in (errors or {}).items() if k != "_"]
    return page("flowstudy/visits.html", ws, visits=data["visits"], book=data["book"], orgs=orgs,
                form=form or {}, rows=rows, errors=errors or {}, error_links=links, suggestions=sugg,
                zones=(ws.info().get("zones") or []), sources=[i18n.t(k) for k in SOURCES],
                saved=request.args.get("saved"), uuid=new_id), status


@bp.get("/w/<code>/visits")
def visits(code):
    ws = workshop_or_404(code)
    require_action(ws, "visit.read")
    return _render(ws)


def _typed(row: dict) -> bool:
    return any((row.get(k) or "").strip() for k in ("title", "quantity", "description"))


@bp.post("/w/<code>/visits")
def record(code):
    from ..flowstudy import service

    ws = workshop_or_404(code)
    require_action(ws, "visit.create")
    check_csrf()
    form = {k: request.form.get(k, "") for k in (*VISIT_KEYS, "id")}
    rows = [{k: request.form.get(f"s{n}-{k}", "") for k in (*SHEET_KEYS, "id")} for n in range(ROWS)]
    form["sheets"] = rows
    body = {k: (v.strip() or None) for k, v in form.items() if k in (*VISIT_KEYS, "id")}
    if body.get("organisation_id") == "-":
        body["organisation_id"] = None
    if body.get("organisation_id"):
        for k in ("organisation_name", "commune", "postcode", "zone"):
            body.pop(k, None)
    typed = [(n, r) for n, r in enumerate(rows) if _typed(r)]
    sheets = [{k: (r[k].strip() or None) for k in (*SHEET_KEYS, "id")} for _, r in typed]
    try:
        if not sheets:
            raise ServiceError(422, "err.invalid", fields={"sheets.0.title": ("err.visit_sheet", {})})
        visit, _ = service.record(ws, auth.actor(ws), body, sheets)
    except ServiceError as exc:
        errors = field_messages(exc)
        # a sheet's error names its place among the typed rows: show it on the row it was typed in
        for (n, _), m in zip(typed, range(len(typed))):
            for key in [k for k in errors if k.startswith(f"sheets.{m}.")]:
                errors[f"row.{n}.{key.split('.', 2)[2]}"] = errors.pop(key)
        if "sheets.0.title" in errors:
            errors["row.0.title"] = errors.pop("sheets.0.title")
        return _render(ws, form=form, errors=errors, status=exc.status)
    return redirect(url_for("flowstudy.visits", code=ws.code, saved=visit["id"], _anchor=f"visit-{visit['id']}"))


@bp.post("/w/<code>/flow-studies")
def create_book(code):
    """From the territory view: the territory's book of flow studies, then its visits page."""
    from ..flowstudy import service

    ws = workshop_or_404(code)
    require_action(ws, "flowstudy.create")
    check_csrf()
    try:
        book = service.create_book(registry(), ws, auth.actor(ws), {"name": request.form.get("name", "")})
    except ServiceError as exc:
        from .followup import territory_page

        return territory_page(ws, book_errors=field_messages(exc), book_name=request.form.get("name", ""),
                              status=exc.status)
    auth.sign_in(book, "organiser")
    return redirect(url_for("flowstudy.visits", code=book.code))
