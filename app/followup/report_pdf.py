"""The year's report as a PDF: key figures, then real charts drawn with reportlab's graphics
(funnel, status over time, categories, impact by family) and the tables behind them."""
from __future__ import annotations

import io

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..exports.pdf_common import ACCENT, BOLD, FONT, MUTED, clean, register_fonts
from ..i18n import label, t
from ..rules.vocab import STATUSES

STATUS_COLORS = {"new": "#444444", "explore": "#1d4f91", "discussion": "#2f7fb8", "soon": "#0b5d3b",
                 "abandoned": "#a4161a", "standby": "#8a6d00", "done": "#5a2d82"}
FUNNEL = ("sheets", "ideas", "b2b", "explore", "soon", "done", "abandoned", "standby")
WIDTH = 17 * cm


def _esc(s) -> str:
    return clean(str(s if s is not None else "")).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def num(v, d=1, lang="fr") -> str:
    if v is None:
        return ""
    s = f"{v:,.{d}f}" if isinstance(v, float) and v != int(v) else f"{int(v):,}"
    return s.replace(",", "\u00a0") .replace(".", ",") if lang == "fr" else s


def funnel_labels(lang):
    names = {"sheets": t("fu.fig_sheets", lang), "ideas": t("fu.fig_ideas", lang), "b2b": t("fu.fig_b2b", lang)}
    return [names.get(k) or label("status", k, lang) for k in FUNNEL]


def _hbar(values, labels, *, color="#0b5d3b", height=None, title="") -> Drawing:
    h = height or (28 + 22 * len(values))
    d = Drawing(WIDTH, h)
    c = HorizontalBarChart()
    c.x, c.y, c.width, c.height = 5.2 * cm, 8, WIDTH - 6.4 * cm, h - 28
    c.data = [list(values)[::-1]]
    c.categoryAxis.categoryNames = [clean(x) for x in labels][::-1]
    c.categoryAxis.labels.fontName, c.categoryAxis.labels.fontSize = FONT, 8
    c.categoryAxis.labels.boxAnchor = "e"
    c.valueAxis.labels.fontName, c.valueAxis.labels.fontSize = FONT, 7
    c.valueAxis.valueMin = 0
    c.valueAxis.forceZero = True
    c.bars[0].fillColor = colors.HexColor(color)
    c.barLabelFormat = "%d" if all(float(v).is_integer() for v in values) else "%.1f"
    c.barLabels.fontName, c.barLabels.fontSize, c.barLabels.boxAnchor, c.barLabels.dx = FONT, 7.5, "w", 3
    d.add(c)
    if title:
        d.add(String(0, h - 10, clean(title), fontName=BOLD, fontSize=9))
    return d


def funnel_chart(f, lang) -> Drawing:
    fun = f["funnel"]
    return _hbar([fun.get(k, 0) for k in FUNNEL], funnel_labels(lang), title=t("fu.chart_funnel", lang))


def category_chart(f, lang) -> Drawing:
    rows = sorted(f["by_category"].items(), key=lambda kv: -kv[1]["ideas"])[:12]
    d = Drawing(WIDTH, 200)
    c = VerticalBarChart()
    c.x, c.y, c.width, c.height = 1.2 * cm, 60, WIDTH - 2.4 * cm, 120
    c.data = [[r["offers"] for _, r in rows] or [0], [r["needs"] for _, r in rows] or [0],
              [r["ideas"] for _, r in rows] or [0]]
    c.categoryAxis.categoryNames = [clean(label("cat", k, lang))[:22] for k, _ in rows] or [""]
    c.categoryAxis.labels.fontName, c.categoryAxis.labels.fontSize = FONT, 7
    c.categoryAxis.labels.angle, c.categoryAxis.labels.boxAnchor = 35, "ne"
    c.valueAxis.labels.fontName, c.valueAxis.labels.fontSize = FONT, 7
    c.valueAxis.valueMin = 0
    for n, col in enumerate(("#0b5d3b", "#1d4f91", "#f0a500")):
        c.bars[n].fillColor = colors.HexColor(col)
    d.add(c)
    lg = Legend()
    lg.x, lg.y, lg.fontName, lg.fontSize, lg.alignment, lg.columnMaximum = WIDTH - 5 * cm, 198, FONT, 7.5, "right", 3
    lg.colorNamePairs = [(colors.HexColor("#0b5d3b"), clean(t("fu.fig_offers", lang))),
                         (colors.HexColor("#1d4f91"), clean(t("fu.fig_needs", lang))),
                         (colors.HexColor("#f0a500"), clean(t("fu.fig_ideas", lang)))]
    d.add(lg)
    d.add(String(0, 190, clean(t("fu.chart_categories", lang)), fontName=BOLD, fontSize=9))
    return d


def series_chart(f, lang) -> Drawing | None:
    series = f.get("series") or []
    if len(series) < 2:
        return None
    d = Drawing(WIDTH, 210)
    p = LinePlot()
    p.x, p.y, p.width, p.height = 1.2 * cm, 40, WIDTH - 5.5 * cm, 140
    shown = [s for s in STATUSES if any(pt["by_status"].get(s) for pt in series)]
    p.data = [[(n, pt["by_status"].get(s, 0)) for n, pt in enumerate(series)] for s in shown] or [[(0, 0)]]
    for n, s in enumerate(shown):
        p.lines[n].strokeColor = colors.HexColor(STATUS_COLORS[s])
        p.lines[n].strokeWidth = 1.6
    p.xValueAxis.valueMin, p.xValueAxis.valueMax = 0, len(series) - 1
    step = max(1, len(series) // 6)
    p.xValueAxis.valueSteps = list(range(0, len(series), step))
    p.xValueAxis.labelTextFormat = lambda v: series[int(v)]["day"][5:] if 0 <= int(v) < len(series) else ""
    p.xValueAxis.labels.fontName = p.yValueAxis.labels.fontName = FONT
    p.xValueAxis.labels.fontSize = p.yValueAxis.labels.fontSize = 7
    p.yValueAxis.valueMin = 0
    d.add(p)
    lg = Legend()
    lg.x, lg.y, lg.fontName, lg.fontSize, lg.alignment = WIDTH - 3.8 * cm, 175, FONT, 7.5, "right"
    lg.colorNamePairs = [(colors.HexColor(STATUS_COLORS[s]), clean(label("status", s, lang))[:28]) for s in shown]
    d.add(lg)
    d.add(String(0, 198, clean(t("fu.chart_series", lang)), fontName=BOLD, fontSize=9))
    return d


def impact_rows(f):
    """tCO2e by factor: actual figures where there are some, else the estimates."""
    stage = "actual" if f["impact"]["actual"]["co2_by_factor"] else "estimated"
    return stage, list(f["impact"][stage]["co2_by_factor"].items())


def impact_chart(f, lang, factors) -> Drawing | None:
    stage, rows = impact_rows(f)
    if not rows:
        return None
    names = [(factors.get(k) or {}).get("label_en" if lang == "en" else "label_fr") or k for k, _ in rows]
    return _hbar([v for _, v in rows], [n[:40] for n in names], color="#5a2d82",
                 title=t("fu.chart_impact", lang, stage=label("stage", stage, lang)))


def build(f: dict, *, lang: str = "fr", factors: dict | None = None) -> bytes:
    register_fonts()
    factors = factors or {}
    body = ParagraphStyle("b", fontName=FONT, fontSize=9, leading=12)
    small = ParagraphStyle("s", fontName=FONT, fontSize=7.5, leading=9.5, textColor=MUTED)
    h1 = ParagraphStyle("h1", fontName=BOLD, fontSize=18, leading=22, textColor=ACCENT)
    h2 = ParagraphStyle("h2", fontName=BOLD, fontSize=12, leading=15, spaceBefore=10, spaceAfter=4, textColor=ACCENT)
    w = f["workshop"]
    asof = f.get("as_of")
    story = [Paragraph(_esc(t("fu.report_title", lang)), h1),
             Paragraph(_esc(" · ".join(x for x in (w.get("name"), w.get("date")) if x)), body),
             Paragraph(_esc(t("fu.as_of", lang, date=asof) if asof else t("fu.as_of_now", lang)), small),
             Spacer(1, 0.3 * cm)]
    key = [(t("fu.fig_organisations", lang), f["organisations"]), (t("fu.fig_present", lang), f["present"]),
           (t("fu.fig_represented", lang), f["represented"]), (t("fu.fig_facilitators", lang), f["facilitators"]),
           (t("fu.fig_sheets", lang), f["sheets"]), (t("fu.fig_offers", lang), f["offers"]),
           (t("fu.fig_needs", lang), f["needs"]), (t("fu.fig_ideas", lang), f["ideas"]),
           (t("fu.fig_b2b", lang), f["b2b"]), (t("fu.fig_followed", lang), f["followed"]),
           (t("fu.fig_contacts", lang), f["contacts"])]
    key += [(label("status", s, lang), f["by_status"].get(s, 0)) for s in STATUSES]
    half = (len(key) + 1) // 2
    cells = [[Paragraph(_esc(a[0]), body), Paragraph(f"<b>{num(a[1], lang=lang)}</b>", body),
              Paragraph(_esc(b[0]) if b else "", body), Paragraph(f"<b>{num(b[1], lang=lang)}</b>" if b else "", body)]
             for a, b in zip(key[:half], key[half:] + [None])]
    tbl = Table(cells, colWidths=[5.5 * cm, 3 * cm, 5.5 * cm, 3 * cm])
    tbl.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cbd2d9")),
                             ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("ALIGN", (3, 0), (3, -1), "RIGHT")]))
    story += [Paragraph(_esc(t("fu.key_figures", lang)), h2), tbl,
              Paragraph(_esc(t("fu.funnel_h", lang)), h2), funnel_chart(f, lang)]
    sc = series_chart(f, lang)
    if sc:
        story += [CondPageBreak(8 * cm), Paragraph(_esc(t("fu.series_h", lang)), h2), sc]
    story += [CondPageBreak(8 * cm), Paragraph(_esc(t("fu.categories_h", lang)), h2), category_chart(f, lang)]
    # impact
    story += [CondPageBreak(8 * cm), Paragraph(_esc(t("fu.impact_h", lang)), h2)]
    head = ["", label("stage", "estimated", lang), label("stage", "actual", lang)]
    rows = [[t(f"fu.imp_{k}", lang), num(f["impact"]["estimated"][k], 1, lang), num(f["impact"]["actual"][k], 1, lang)]
            for k in ("ideas", "tonnes", "water_m3", "mwh", "euros", "jobs", "co2_t")]
    it = Table([[Paragraph(f"<b>{_esc(c)}</b>", body) for c in head]] +
               [[Paragraph(_esc(c), body) for c in r] for r in rows], colWidths=[7 * cm, 4 * cm, 4 * cm])
    it.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cbd2d9")),
                            ("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
    story.append(it)
    ic = impact_chart(f, lang, factors)
    if ic:
        story += [Spacer(1, 0.3 * cm), ic]
    used = {}
    for st in ("estimated", "actual"):
        for k in f["impact"][st]["co2_by_factor"]:
            used[k] = factors.get(k) or {"key": k}
    if used:
        story.append(Paragraph(_esc(t("fu.factors_used", lang) + " " + " ; ".join(
            f"{(v.get('label_en') if lang == 'en' else v.get('label_fr')) or k}: {num(v.get('kg_co2e'), 2, lang)} "
            f"kg CO2e/{v.get('unit', '')} ({v.get('source', '')}, {v.get('year', '')})" for k, v in used.items())),
            small))
    # territory
    if f["by_zone"]:
        story += [CondPageBreak(5 * cm), Paragraph(_esc(t("fu.zones_h", lang)), h2)]
        zt = [[Paragraph(f"<b>{_esc(c)}</b>", body) for c in (t("fu.zone", lang), t("fu.fig_organisations", lang),
                                                               t("fu.fig_ideas", lang), t("fu.fig_followed", lang),
                                                               label("status", "done", lang))]]
        for z, r in f["by_zone"].items():
            zt.append([Paragraph(_esc(z or t("fu.no_zone", lang)), body)] +
                      [Paragraph(num(r[k], lang=lang), body) for k in ("organisations", "ideas", "followed", "done")])
        ztab = Table(zt, colWidths=[6 * cm, 2.7 * cm, 2.7 * cm, 2.7 * cm, 2.7 * cm])
        ztab.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#cbd2d9"))]))
        story.append(KeepTogether([ztab]))
    if f.get("parts"):
        story += [Paragraph(_esc(t("fu.workshops_h", lang)), h2)]
        for p in f["parts"]:
            story.append(Paragraph(_esc(f"{p['workshop'].get('name')} — {p['workshop'].get('date') or ''}: "
                                        f"{p['sheets']} / {p['ideas']} / {p['b2b']} / "
                                        f"{p['funnel'].get('done', 0)}"), body))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.6 * cm,
                            bottomMargin=1.6 * cm, title=clean(t("fu.report_title", lang)),
                            author=clean(w.get("name") or ""))
    doc.build(story)
    return buf.getvalue()
