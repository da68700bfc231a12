"""The weekly "relances" document of one facilitator: what is overdue, due this week, or has no next
date yet, among the ideas in follow-up they are in charge of. PDF to print, CSV to sort."""
from __future__ import annotations

import csv
import io

from ..i18n import label, t
from . import dates, figures, service

ORDER = {"overdue": 0, "week": 1, "later": 2, None: 3}


def rows(ws, fac_id: str) -> tuple[list[dict], dict]:
    tz = service.timezone(ws)
    day = dates.today(tz)
    st = service.current_state(ws)
    orgs = st["organisation"]
    last: dict[str, dict] = {}
    for c in st["contact"].values():
        if c["idea_id"] not in last or c["date"] > last[c["idea_id"]]["date"]:
            last[c["idea_id"]] = c
    out = []
    for i in figures.live_ideas(st):
        if not figures.in_followup(i) or i.get("facilitator_id") != fac_id or i.get("status") in dates.CLOSED:
            continue
        state = dates.due_state(i.get("due_date"), i.get("status"), day)
        if state == "later":
            continue
        lc = last.get(i["id"])
        out.append({"due_state": state, "due_date": i.get("due_date") or "", "title": i["title"],
                    "status": i["status"], "next_step": i.get("next_step") or "",
                    "organisations": ", ".join((orgs.get(o) or {}).get("name") or "?" for o in i.get("org_ids") or []),
                    "contacts": "; ".join(filter(None, [(orgs.get(o) or {}).get("contact_name") for o in
                                                        i.get("org_ids") or []])),
                    "last_contact": f"{lc['date']} ({lc['channel']})" if lc else ""})
    out.sort(key=lambda r: (ORDER[r["due_state"]], r["due_date"] or "9999", r["title"]))
    fac = st["facilitator"].get(fac_id) or {}
    return out, {"facilitator": fac.get("name") or "", "today": day.isoformat(),
                 "week_end": dates.week_end(day).isoformat(), "workshop": (ws.store.workshop() or {}).get("name")}


COLUMNS = ("due_state", "due_date", "title", "status", "next_step", "organisations", "contacts", "last_contact")


def as_csv(ws, fac_id: str, lang: str = "fr") -> bytes:
    data, _ = rows(ws, fac_id)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";")
    w.writerow([t(f"followup.col_{c}", lang) for c in COLUMNS])
    for r in data:
        w.writerow([t(f"followup.due_{r['due_state'] or 'none'}", lang) if c == "due_state" else
                    label("status", r[c], lang) if c == "status" else r[c] for c in COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def as_pdf(ws, fac_id: str, lang: str = "fr") -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from ..exports.pdf_common import ACCENT, BOLD, FONT, WARN, WARN_LIGHT, clean, register_fonts

    register_fonts()
    data, meta = rows(ws, fac_id)
    body = ParagraphStyle("b", fontName=FONT, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("h", fontName=BOLD, fontSize=16, leading=20, textColor=ACCENT)
    esc = lambda s: clean(str(s)).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    story = [Paragraph(esc(t("followup.relances_title", lang, name=meta["facilitator"])), head),
             Paragraph(esc(t("followup.relances_sub", lang, workshop=meta["workshop"], today=meta["today"],
                             week_end=meta["week_end"], n=len(data))), body), Spacer(1, 0.4 * cm)]
    if not data:
        story.append(Paragraph(esc(t("followup.relances_none", lang)), body))
    else:
        cols = ("due_state", "due_date", "title", "status", "next_step", "organisations", "last_contact")
        table = [[Paragraph(f"<b>{esc(t(f'followup.col_{c}', lang))}</b>", body) for c in cols]]
        for r in data:
            vals = {**r, "due_state": t(f"followup.due_{r['due_state'] or 'none'}", lang),
                    "status": label("status", r["status"], lang)}
            table.append([Paragraph(esc(vals[c]), body) for c in cols])
        tbl = Table(table, colWidths=[2.2 * cm, 2.2 * cm, 6 * cm, 3 * cm, 5.5 * cm, 5 * cm, 3 * cm], repeatRows=1)
        style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cbd2d9"))]
        for n, r in enumerate(data, start=1):
            if r["due_state"] == "overdue":
                style += [("BACKGROUND", (0, n), (1, n), WARN_LIGHT), ("TEXTCOLOR", (0, n), (1, n), WARN)]
        tbl.setStyle(TableStyle(style))
        story.append(tbl)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=1.2 * cm, rightMargin=1.2 * cm,
                            topMargin=1.2 * cm, bottomMargin=1.2 * cm,
                            title=clean(t("followup.relances_title", lang, name=meta["facilitator"])))
    doc.build(story)
    return buf.getvalue()
