"""The workshop as tables: XLSX (one worksheet per table, typed cells, frozen
header, filters) and CSV (UTF-8 with BOM, ``;`` by default so French Excel
opens it right, ``,`` on request; several tables come zipped).

Tables: organisations, sheets, ideas (with a status history summary read
from the journal), b2b, events. Enum values are written as their labels in
the chosen language; the importers accept labels as well as codes, so an
exported organisations or sheets table can be imported back.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile

from . import data as D

TABLES = ("organisations", "sheets", "ideas", "b2b", "meetings", "suggestions", "events")
TEXT, INT, FLOAT, DATE, DATETIME, BOOL = "text", "int", "float", "date", "datetime", "bool"
MAX_CELL = 32000  # Excel refuses cells over 32,767 characters
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_HIDDEN_FIELDS = {"updated_at", "version", "status_at", "created_at"}
_SECRETS = {"password_hash", "projector_token"}


def _org(d: D.Data):
    cols = [("id", TEXT), ("name", TEXT), ("kind", TEXT), ("kind_label", TEXT), ("sector", TEXT), ("commune", TEXT), ("postcode", TEXT),
            ("zone", TEXT), ("contact", TEXT), ("email", TEXT), ("phone", TEXT), ("consent", BOOL),
            ("presence", TEXT), ("table", INT), ("hidden", BOOL), ("n_sheets", INT), ("n_ideas", INT),
            ("created_at", DATETIME), ("updated_at", DATETIME), ("version", INT)]
    rows = []
    for o in d.organisations:
        rows.append([o["id"], o.get("name"), d.label("org_kind", o.get("kind")), o.get("kind_label"), o.get("sector"), o.get("commune"),
                     o.get("postcode"), o.get("zone"), o.get("contact_name"), o.get("email"), o.get("phone"),
                     bool(o.get("consent")), d.label("presence", o.get("presence")), o.get("table_no"),
                     bool(o.get("hidden")), len(d.sheets_by_org.get(o["id"], [])),
                     len(d.ideas_by_org.get(o["id"], [])), o.get("created_at"), o.get("updated_at"),
                     o.get("version")])
    return cols, rows


def _sheet_ref(d: D.Data, sid) -> str:
    s = d.sheets_by_id.get(sid)
    if not s:
        return ""
    return f"{s.get('title') or ''} ({d.t('exp.ref', n=s['ref'])})"


def _sheets(d: D.Data):
    cols = [("ref", INT), ("id", TEXT), ("organisation", TEXT), ("sheet_kind", TEXT), ("paper_no", TEXT),
            ("category", TEXT), ("category_label", TEXT), ("subcategory", TEXT), ("title", TEXT),
            ("description", TEXT), ("quantity", FLOAT), ("unit", TEXT), ("unit_label", TEXT), ("frequency", TEXT),
            ("frequency_label", TEXT), ("available_from", DATE), ("available_until", DATE), ("condition", TEXT),
            ("condition_label", TEXT), ("waste_code", TEXT), ("logistics", TEXT), ("terms", TEXT),
            ("terms_label", TEXT), ("visibility", TEXT),
            ("anonymous", BOOL), ("state", TEXT), ("table", INT), ("author", TEXT), ("hidden", BOOL),
            ("created_at", DATETIME), ("updated_at", DATETIME), ("version", INT)]
    rows = []
    for s in d.sheets:
        rows.append([s["ref"], s["id"], d.org_name(s.get("organisation_id")), d.t(f"exp.kind.{s.get('kind')}"),
                     s.get("paper_no"), d.label("cat", s.get("category")), s.get("category_label"),
                     d.label("sub", s.get("subcategory")), s.get("title"), s.get("description"), s.get("quantity"),
                     d.label("unit", s.get("unit")), s.get("unit_label"), d.label("freq", s.get("frequency")),
                     s.get("frequency_label"), s.get("available_from"), s.get("available_until"),
                     d.label("cond", s.get("condition")), s.get("condition_label"), s.get("waste_code"),
                     s.get("logistics"), d.label("terms", s.get("terms")), s.get("terms_label"),
                     d.label("visibility", s.get("visibility")),
                     bool(s.get("anonymous")), d.label("sheet_state", s.get("state")), s.get("table_no"),
                     s.get("author"), bool(s.get("hidden")), s.get("created_at"), s.get("updated_at"),
                     s.get("version")])
    return cols, rows


def _ideas(d: D.Data):
    cols = [("ref", INT), ("id", TEXT), ("title", TEXT), ("description", TEXT), ("idea_kind", TEXT),
            ("status", TEXT), ("status_at", DATETIME), ("history", TEXT), ("abandon_reason", TEXT), ("b2b", BOOL),
            ("meeting_slot", TEXT), ("organisations", TEXT), ("provider", TEXT), ("receiver", TEXT),
            ("category", TEXT), ("offer_sheet", TEXT), ("need_sheet", TEXT), ("origin", TEXT), ("interest", TEXT),
            ("facilitator", TEXT), ("next_step", TEXT), ("due_date", DATE), ("notes", TEXT), ("comment", TEXT),
            ("impact_tonnes", FLOAT), ("impact_euros", FLOAT), ("impact_co2", FLOAT), ("co2_factor", FLOAT),
            ("impact_jobs", FLOAT), ("table", INT), ("hidden", BOOL), ("merged_into", INT), ("author", TEXT),
            ("created_at", DATETIME), ("updated_at", DATETIME), ("version", INT)]
    rows = []
    for i in d.ideas:
        merged = d.ideas_by_id.get(i.get("merged_into"))
        interest = "; ".join(f"{d.org_name(k)}: {v}" for k, v in (i.get("interest") or {}).items())
        rows.append([i["ref"], i["id"], i.get("title"), i.get("description"), d.label("idea_kind", i.get("kind")),
                     d.label("status", i.get("status")), i.get("status_at"), d.history_summary(i["id"]),
                     d.label("reason", i.get("abandon_reason")), bool(i.get("b2b")), i.get("meeting_slot"),
                     " | ".join(d.org_name(o) for o in i.get("org_ids") or []), d.org_name(i.get("provider_id")),
                     d.org_name(i.get("receiver_id")), d.label("cat", i.get("category")),
                     _sheet_ref(d, i.get("offer_sheet_id")), _sheet_ref(d, i.get("need_sheet_id")),
                     d.label("origin", i.get("origin")), interest, d.fac_name(i.get("facilitator_id")),
                     i.get("next_step"), i.get("due_date"), i.get("notes"), i.get("comment"), i.get("impact_tonnes"),
                     i.get("impact_euros"), i.get("impact_co2"), i.get("co2_factor"), i.get("impact_jobs"),
                     i.get("table_no"), bool(i.get("hidden")), merged["ref"] if merged else None,
                     i.get("author_label"), i.get("created_at"), i.get("updated_at"), i.get("version")])
    return cols, rows


def _b2b(d: D.Data):
    cols = [("ref", INT), ("idea", TEXT), ("status", TEXT), ("meeting_slot", TEXT), ("facilitator", TEXT),
            ("next_step", TEXT), ("due_date", DATE), ("organisations", TEXT), ("contacts", TEXT)]
    rows = []
    for i in d.live_ideas():
        if not i.get("b2b"):
            continue
        contacts = []
        for oid in i.get("org_ids") or []:
            o = d.orgs_by_id.get(oid) or {}
            extra = ", ".join(x for x in (o.get("contact_name"), o.get("email"), o.get("phone")) if x)
            contacts.append(f"{o.get('name') or '?'}" + (f" — {extra}" if extra else ""))
        rows.append([i["ref"], i.get("title"), d.label("status", i.get("status")), i.get("meeting_slot"),
                     d.fac_name(i.get("facilitator_id")), i.get("next_step"), i.get("due_date"),
                     " | ".join(d.org_name(o) for o in i.get("org_ids") or []), "\n".join(contacts)])
    return cols, rows


def _suggestions(d: D.Data):
    """Accepted and dismissed suggestions: which pair, why, who decided, the idea it became."""
    cols = [("sugg_state", TEXT), ("sugg_offer", TEXT), ("sugg_offer_org", TEXT), ("sugg_need", TEXT),
            ("sugg_need_org", TEXT), ("sugg_reasons", TEXT), ("sugg_score", FLOAT), ("sugg_idea", TEXT),
            ("sugg_by", TEXT), ("sugg_at", DATETIME)]
    rows = []
    for s in d.suggestions:
        idea = d.ideas_by_id.get(s.get("idea_id") or "")
        reasons = "; ".join((r.get(d.lang) or r.get("fr") or "") for r in (s.get("reasons") or [])
                            if isinstance(r, dict))
        rows.append([d.t(f"exp.sugg.{s.get('state')}"), _sheet_ref(d, s.get("offer_sheet_id")),
                     d.org_name(s.get("offer_org")), _sheet_ref(d, s.get("need_sheet_id")),
                     d.org_name(s.get("need_org")), reasons, s.get("score"),
                     f"{idea.get('title')} ({d.t('exp.ref', n=idea['ref'])})" if idea else "",
                     s.get("decided_by"), s.get("updated_at")])
    return cols, rows


def _short(v) -> str:
    if v is None:
        return "∅"
    s = v if isinstance(v, str) else D.dumps(v)
    return s if len(s) <= 80 else s[:79] + "…"


def _events(d: D.Data):
    cols = [("seq", INT), ("at", DATETIME), ("role", TEXT), ("actor_id", TEXT), ("actor", TEXT), ("action", TEXT),
            ("entity", TEXT), ("entity_id", TEXT), ("label", TEXT), ("changes", TEXT), ("request_id", TEXT)]
    rows = []
    for ev in d.events():
        b, a = ev.get("before") or {}, ev.get("after") or {}
        rec = a or b
        lab = rec.get("title") or rec.get("name") or "" if isinstance(rec, dict) else ""
        changes = ""
        if b and a:
            changes = "; ".join(f"{k}: {_short(b.get(k))} → {_short(a.get(k))}" for k in a
                                if k not in _HIDDEN_FIELDS and k not in _SECRETS and b.get(k) != a.get(k))
        rows.append([ev["seq"], ev.get("at"), ev.get("actor_role"), ev.get("actor_id"), ev.get("actor_label"),
                     ev.get("action"), ev.get("entity"), ev.get("entity_id"), lab, changes, ev.get("request_id")])
    return cols, rows


def _meetings(d: D.Data):
    from .b2b_docs import _from_data, table_rows

    return table_rows(_from_data(d), d.lang)


BUILDERS = {"organisations": _org, "sheets": _sheets, "ideas": _ideas, "b2b": _b2b, "meetings": _meetings,
            "suggestions": _suggestions,
            "events": _events}


def table(source, name: str, *, lang: str = "fr"):
    """``(headers, types, rows)`` of one table, values typed (int, float, date, datetime, bool, str)."""
    _, headers, types, rows = _table(D.ensure(source, lang), name)
    return headers, types, rows


def _table(d: D.Data, name: str):
    cols, rows = BUILDERS[name](d)
    types = [t for _, t in cols]
    conv = []
    for t in types:
        conv.append({DATE: D.parse_date, DATETIME: D.parse_dt, INT: _int, FLOAT: _float}.get(t))
    out = []
    for r in rows:
        out.append([(f(v) if (f and v not in (None, "")) else (None if v in (None, "") else v))
                    for f, v in zip(conv, r)])
    headers = [d.t(f"exp.h.{k}") for k, _ in cols]
    return [k for k, _ in cols], headers, types, out


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _float(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def sheet_title(name: str, lang: str) -> str:
    return D.t(f"exp.sheet.{name}", lang)


# -- XLSX -------------------------------------------------------------------------

def _xl_text(v) -> str:
    s = v if isinstance(v, str) else str(v)
    s = _ILLEGAL.sub("", s)
    return s if len(s) <= MAX_CELL else s[:MAX_CELL - 1] + "…"


WIDTHS = {TEXT: 22, INT: 9, FLOAT: 12, DATE: 12, DATETIME: 17, BOOL: 8}
WIDE = {"title": 40, "description": 50, "history": 60, "changes": 60, "contacts": 50, "organisations": 40,
        "notes": 40, "name": 30, "idea": 40, "id": 12, "entity_id": 12, "actor_id": 12, "request_id": 12}


def xlsx(source, *, lang: str = "fr", tables=TABLES) -> bytes:
    """The workbook as bytes
    (``application/vnd.openxmlformats-officedocument.spreadsheetml.sheet``)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    d = D.ensure(source, lang)
    wb = Workbook(write_only=True)
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1B6E53")
    date_fmt = "DD/MM/YYYY" if d.lang == "fr" else "YYYY-MM-DD"
    dt_fmt = "DD/MM/YYYY HH:MM" if d.lang == "fr" else "YYYY-MM-DD HH:MM"
    for name in tables:
        keys, headers, types, rows = _table(d, name)
        ws = wb.create_sheet(sheet_title(name, d.lang))
        for k, (key, t) in enumerate(zip(keys, types), 1):
            ws.column_dimensions[get_column_letter(k)].width = WIDE.get(key) or WIDTHS.get(t, 16)
        ws.freeze_panes = "A2"
        last = get_column_letter(len(headers))
        ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
        head = []
        for h in headers:
            cell = WriteOnlyCell(ws, value=h)
            cell.font, cell.fill = bold, fill
            head.append(cell)
        ws.append(head)
        for r in rows:
            out = []
            for t, v in zip(types, r):
                if v is None:
                    out.append(None)
                elif t == DATE:
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = date_fmt
                    out.append(cell)
                elif t == DATETIME:
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = dt_fmt
                    out.append(cell)
                elif t == TEXT:
                    s = _xl_text(v)
                    if s.startswith("="):  # text, never a formula
                        cell = WriteOnlyCell(ws, value=s)
                        cell.data_type = "s"
                        out.append(cell)
                    else:
                        out.append(s)
                else:
                    out.append(v)
            ws.append(out)
    wb.properties.title = d.workshop.get("name") or None
    wb.properties.description = d.t("exp.snapshot_seq", seq=d.seq)  # which journal state the data shows
    wb.properties.keywords = f"seq={d.seq}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- CSV --------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# "+33 6 12 34 56 78" and "-12,5" are read as text or a number, never run: no apostrophe for them.
_HARMLESS = re.compile(r"^(\+[\d\s().]+|-[\d\s.,]+)$")


def _needs_protection(s: str) -> bool:
    """Would a spreadsheet read this cell as a formula?"""
    return s.startswith(_FORMULA_START) and not _HARMLESS.match(s)


def _csv_value(v, t, lang, delimiter):
    if v is None:
        return ""
    if t == BOOL:
        return D.t("exp.yes" if v else "exp.no", lang)
    if t == FLOAT:
        s = repr(float(v)) if v != int(v) else str(int(v))
        return s.replace(".", ",") if delimiter == ";" else s
    if t == INT:
        return str(v)
    if t == DATE:
        return v.isoformat()
    if t == DATETIME:
        return v.isoformat(sep=" ", timespec="seconds")
    s = str(v)
    if _needs_protection(s):  # a spreadsheet must not run it as a formula
        s = "'" + s
    return s


def csv_table(source, name: str, *, lang: str = "fr", delimiter: str = ";") -> bytes:
    """One table as CSV bytes: UTF-8 with BOM, ``delimiter`` ``;`` (decimal comma) or ``,``
    (decimal point); ``text/csv; charset=utf-8``."""
    if delimiter not in (";", ","):
        raise ValueError("delimiter must be ';' or ','")
    d = D.ensure(source, lang)
    _, headers, types, rows = _table(d, name)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(headers)
    for r in rows:
        w.writerow([_csv_value(v, t, d.lang, delimiter) for v, t in zip(r, types)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def csv_filename(name: str, lang: str) -> str:
    return f"{sheet_title(name, lang)}.csv"


def csv_zip(source, *, lang: str = "fr", delimiter: str = ";", tables=TABLES) -> bytes:
    """Every table as CSV, zipped (``application/zip``)."""
    d = D.ensure(source, lang)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name in tables:
            z.writestr(csv_filename(name, d.lang), csv_table(d, name, delimiter=delimiter))
    return buf.getvalue()
