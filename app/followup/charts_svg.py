"""Server-side SVG charts for the report page: the same figures as the PDF, drawn as plain
SVG (no script, no library to load: the page works offline, prints, and is readable without JS).
Text goes through :func:`html.escape` (the template marks the result safe); every chart has a <title> and a table next to it."""
from __future__ import annotations

from html import escape

from ..i18n import label, number, t
from ..rules.vocab import STATUSES
from .report_pdf import FUNNEL, STATUS_COLORS, funnel_labels, impact_rows


def _svg(w, h, title, body, cls) -> str:
    return (f'<svg class="chart {cls}" viewBox="0 0 {w} {h}" role="img" aria-label="{escape(title)}" '
                  f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>{body}</svg>')


def hbars(values, labels, title, *, color="#0b5d3b", cls="hbars", fmt=lambda v: f"{v:g}") -> str:
    w, left, row = 720, 300, 30
    h = 10 + row * len(values)
    top = max([float(v) for v in values] + [1])
    parts = []
    for n, (v, lab) in enumerate(zip(values, labels)):
        y = 6 + n * row
        bw = (w - left - 70) * float(v) / top
        short = lab if len(lab) <= 34 else lab[:33].rstrip() + "…"
        parts.append(f'<text x="{left - 8}" y="{y + 18}" text-anchor="end" class="lab"><title>{escape(lab)}</title>'
                     f'{escape(short)}</text>'
                     f'<rect x="{left}" y="{y + 3}" width="{bw:.1f}" height="{row - 8}" fill="{color}" '
                     f'data-value="{v}"/><text x="{left + bw + 6:.1f}" y="{y + 18}" class="val">{escape(fmt(v))}'
                     f'</text>')
    return _svg(w, h, title, "".join(parts), cls)


def funnel(f, lang) -> str:
    return hbars([f["funnel"].get(k, 0) for k in FUNNEL], funnel_labels(lang), t("fu.chart_funnel", lang),
                 cls="funnel", fmt=lambda v: number(v, 0, lang))


def categories(f, lang) -> str:
    rows = sorted(f["by_category"].items(), key=lambda kv: -kv[1]["ideas"])[:12]
    return hbars([r["ideas"] for _, r in rows], [label("cat", k, lang) for k, _ in rows],
                 t("fu.chart_categories", lang), color="#1d4f91", cls="categories", fmt=lambda v: number(v, 0, lang))


def impact(f, lang, factors) -> str | None:
    stage, rows = impact_rows(f)
    if not rows:
        return None
    names = [(factors.get(k) or {}).get("label_en" if lang == "en" else "label_fr") or k for k, _ in rows]
    return hbars([v for _, v in rows], names, t("fu.chart_impact", lang, stage=label("stage", stage, lang)),
                 color="#5a2d82", cls="impact",
                 fmt=lambda v: f"{v:.2f}".replace(".", ",") if lang == "fr" else f"{v:.2f}")


def series(f, lang) -> str | None:
    pts = f.get("series") or []
    if len(pts) < 2:
        return None
    w, h, left, bottom, right = 720, 260, 40, 30, 170
    shown = [s for s in STATUSES if any(p["by_status"].get(s) for p in pts)]
    top = max([p["by_status"].get(s, 0) for p in pts for s in shown] + [1])
    x = lambda n: left + (w - left - right) * n / (len(pts) - 1)  # noqa: E731
    y = lambda v: 10 + (h - bottom - 10) * (1 - v / top)  # noqa: E731
    parts = [f'<line x1="{left}" y1="{y(0):.1f}" x2="{w - right}" y2="{y(0):.1f}" class="axis"/>',
             f'<text x="{left - 6}" y="{y(top) + 4:.1f}" text-anchor="end" class="val">{top}</text>',
             f'<text x="{left - 6}" y="{y(0) + 4:.1f}" text-anchor="end" class="val">0</text>']
    step = max(1, len(pts) // 6)
    for n in range(0, len(pts), step):
        parts.append(f'<text x="{x(n):.1f}" y="{h - 8}" text-anchor="middle" class="val">{escape(pts[n]["day"])}</text>')
    for k, s in enumerate(shown):
        d = " ".join(f"{x(n):.1f},{y(p['by_status'].get(s, 0)):.1f}" for n, p in enumerate(pts))
        parts.append(f'<polyline points="{d}" fill="none" stroke="{STATUS_COLORS[s]}" stroke-width="3" '
                     f'data-status="{s}"/>')
        parts.append(f'<rect x="{w - right + 12}" y="{12 + 22 * k}" width="14" height="14" fill="{STATUS_COLORS[s]}"/>'
                     f'<text x="{w - right + 32}" y="{24 + 22 * k}" class="lab">{escape(label("status", s, lang))}'
                     f'</text>')
    return _svg(w, h, t("fu.chart_series", lang), "".join(parts), "series")
