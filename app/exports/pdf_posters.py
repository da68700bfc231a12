"""Printed material for the room: the join poster (A4 or A3), a foldable table
tent per table (its QR pre-selects the table), facilitator code cards.

The QR codes are drawn as vector rectangles from ``qrcode``'s module matrix, so
they stay sharp at any print size. The caller passes ``base_url`` — the
address phones reach the server at (e.g. ``http://192.168.1.20:5000``); the
join URL is ``<base_url>/j/<CODE>`` as served by the participant blueprint,
``?t=<table>`` for a table.
"""
from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import cm

from . import data as D
from .pdf_common import (ACCENT, BOLD, FONT, INK, MUTED, RULE, RefCanvas, Text, clean, draw_logo, fill_rect, fit,
                         logo_size, wrap)

SIZES = {"A4": A4, "A3": A3}


def join_url(base_url: str, code: str, table=None) -> str:
    url = f"{(base_url or '').rstrip('/')}/j/{code}"
    return f"{url}?t={table}" if table else url


def facilitator_url(base_url: str, code: str, fac_code: str | None = None) -> str:
    url = f"{(base_url or '').rstrip('/')}/w/{code}/facilitator"
    return f"{url}?code={fac_code}" if fac_code else url


def short(url: str) -> str:
    """What people type: the URL without its scheme."""
    for p in ("https://", "http://"):
        if url.startswith(p):
            return url[len(p):]
    return url


def spaced(code: str) -> str:
    """"ABC123" -> "ABC 123", "ABCDEFGH" -> "ABCD EFGH": easier to read aloud and type."""
    code = code or ""
    half = (len(code) + 1) // 2
    return f"{code[:half]} {code[half:]}".strip() if len(code) >= 6 else code


def draw_qr(canv, url: str, x: float, y: float, size: float, *, quiet: int = 4):
    """A QR code for ``url`` as one vector path, lower-left corner at (x, y), ``size`` points wide
    (quiet zone included, painted white)."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(url)
    qr.make(fit=True)
    m = qr.get_matrix()
    n = len(m)
    mod = size / (n + 2 * quiet)
    fill_rect(canv, x, y, size, size, colors.white)
    ops = ["0 0 0 rg"]
    ox, oy = x + quiet * mod, y + quiet * mod
    eps = mod * 0.02  # overlap rows a hair so renderers leave no seams
    for r, row in enumerate(m):
        yy = oy + (n - 1 - r) * mod
        c0 = None
        for col in range(n + 1):
            dark = col < n and row[col]
            if dark and c0 is None:
                c0 = col
            elif not dark and c0 is not None:
                ops.append(f"{ox + c0 * mod:.3f} {yy - eps:.3f} {(col - c0) * mod + eps:.3f} {mod + 2 * eps:.3f} re")
                c0 = None
    ops.append("f")
    canv._code.append(" ".join(ops))


def _lines(t: Text, text, font, size, cx, y, max_w, color=INK, max_lines=3, leading=1.2) -> float:
    """Centred wrapped text from baseline ``y`` downwards; returns the y below the last line."""
    for ln in wrap(clean(text), font, size, max_w, max_lines):
        t.centre(cx, y, ln, font, size, color)
        y -= size * leading
    return y


def _poster_page(canv, d: D.Data, base_url: str, pw: float, ph: float):
    """One poster, drawn for an A4 portrait page (scaled by the caller for A3)."""
    w = d.workshop
    url = join_url(base_url, w.get("code") or "")
    cx = pw / 2
    mw = pw - 3 * cm
    fill_rect(canv, 0, ph - 1.2 * cm, pw, 1.2 * cm, ACCENT)
    png = d.logo()
    lh = 0.0
    if png:  # centred under the band; the rest moves down by its height
        lw, _ = logo_size(png, 5 * cm, 1.8 * cm)
        lh = draw_logo(canv, png, cx + lw / 2, ph - 1.6 * cm, 5 * cm, 1.8 * cm) + 0.3 * cm
    t = Text(canv)
    y = ph - 3.2 * cm - lh
    y = _lines(t, w.get("name"), BOLD, 26, cx, y, mw, ACCENT, 3)
    when = " · ".join(x for x in (d.date(w.get("date")), w.get("venue") or "") if x)
    y = _lines(t, when, FONT, 13, cx, y - 2, mw, MUTED, 2)
    y = _lines(t, d.typo(d.t("exp.poster.instruction")), BOLD, 15, cx, y - 14, mw, INK, 3)
    t.close()
    qr_size = min(pw - 6 * cm, y - 5.2 * cm)
    draw_qr(canv, url, cx - qr_size / 2, y - 8 - qr_size, qr_size)
    y = y - 8 - qr_size - 0.9 * cm
    t = Text(canv)
    y = _lines(t, d.typo(d.t("exp.poster.or", url=short(url))), FONT, 14, cx, y, mw, INK, 2)
    y = _lines(t, d.typo(d.t("exp.poster.code", code=spaced(w.get("code") or ""))), BOLD, 24, cx, y - 12, mw,
               ACCENT, 1)
    check = f"{(base_url or '').rstrip('/')}/w/{w.get('code') or ''}/check"
    y = _lines(t, d.typo(d.t("exp.poster.check", url=short(check))), FONT, 11, cx, y - 10, mw, MUTED, 2)
    contact = d.organiser_contact()
    if contact:
        _lines(t, d.typo(d.t("exp.poster.contact", contact=contact)), FONT, 11, cx, y - 4, mw, MUTED, 3)
    t.close()


def _poster(canv, d, base_url, size):
    pw, ph = A4
    if size == "A3":
        canv.saveState()
        k = A3[0] / A4[0]
        canv.scale(k, k)
        _poster_page(canv, d, base_url, pw, ph)
        canv.restoreState()
    else:
        _poster_page(canv, d, base_url, pw, ph)
    canv.showPage()


def _tent_half(canv, d: D.Data, base_url: str, table, pw: float, hh: float):
    """One face of a table tent, in a pw × hh box with origin at its lower-left corner."""
    w = d.workshop
    url = join_url(base_url, w.get("code") or "", table)
    qr = hh - 2.4 * cm
    draw_qr(canv, url, pw - qr - 1.4 * cm, 1.2 * cm, qr)
    t = Text(canv)
    left = 1.6 * cm
    tw = pw - qr - 4 * cm
    t.draw(left, hh - 4.2 * cm, fit(clean(d.t("exp.table", n=table)), BOLD, 64, tw), BOLD, 64, ACCENT)
    y = hh - 5.6 * cm
    for ln in wrap(clean(d.typo(d.t("exp.tent.instruction"))), BOLD, 15, tw, 3):
        t.draw(left, y, ln, BOLD, 15, INK)
        y -= 19
    y -= 6
    for ln in wrap(clean(short(url)), FONT, 12, tw, 2):
        t.draw(left, y, ln, FONT, 12, MUTED)
        y -= 15
    name = wrap(clean(w.get("name")), FONT, 10, tw)  # whole, on as many lines as it takes
    for k, ln in enumerate(name):
        t.draw(left, 1.4 * cm + (len(name) - 1 - k) * 12.5, ln, FONT, 10, MUTED)
    t.close()


def _tent(canv, d, base_url, table):
    pw, ph = landscape(A4)
    hh = ph / 2
    _tent_half(canv, d, base_url, table, pw, hh)
    canv.saveState()  # the other face, upside down, so it reads right once folded
    canv.translate(pw, ph)
    canv.rotate(180)
    _tent_half(canv, d, base_url, table, pw, hh)
    canv.restoreState()
    canv.saveState()
    canv.setStrokeColor(RULE)
    canv.setDash(4, 4)
    canv.line(0.5 * cm, hh, pw - 0.5 * cm, hh)
    canv.restoreState()
    canv.showPage()


def _cards(canv, d: D.Data, base_url: str, facs):
    pw, ph = A4
    cols, rows = 2, 4
    mx, my = 1.2 * cm, 1.2 * cm
    cw, chh = (pw - 2 * mx) / cols, (ph - 2 * my) / rows
    code = d.workshop.get("code") or ""
    for start in range(0, len(facs), cols * rows):
        canv.saveState()
        canv.setStrokeColor(RULE)
        canv.setDash(3, 3)
        for k in range(cols + 1):
            canv.line(mx + k * cw, my, mx + k * cw, ph - my)
        for k in range(rows + 1):
            canv.line(mx, my + k * chh, pw - mx, my + k * chh)
        canv.restoreState()
        for k, f in enumerate(facs[start:start + cols * rows]):
            r, col = divmod(k, cols)
            x0, y0 = mx + col * cw, ph - my - (r + 1) * chh
            url = facilitator_url(base_url, code, f.get("code"))
            qr = 3.3 * cm
            draw_qr(canv, url, x0 + cw - qr - 0.4 * cm, y0 + chh - qr - 0.4 * cm, qr)
            t = Text(canv)
            tw = cw - qr - 1.2 * cm
            x = x0 + 0.5 * cm
            y = y0 + chh - 0.9 * cm
            t.draw(x, y, fit(clean(d.t("exp.card.title")), BOLD, 9, tw), BOLD, 9, MUTED)
            y -= 18
            for ln in wrap(clean(f.get("name")), BOLD, 13, tw, 2):
                t.draw(x, y, ln, BOLD, 13, INK)
                y -= 15
            if f.get("table_no"):
                t.draw(x, y, clean(d.t("exp.table", n=f["table_no"])), FONT, 10, INK)
            t.draw(x, y0 + 2.1 * cm, fit(spaced(f.get("code") or ""), BOLD, 22, cw - 1 * cm), BOLD, 22, ACCENT)
            yy = y0 + 1.35 * cm
            for ln in wrap(clean(d.typo(d.t("exp.card.instruction", url=short(facilitator_url(base_url, code))))),
                           FONT, 7, cw - 1 * cm, 2):
                t.draw(x, yy, ln, FONT, 7, MUTED)
                yy -= 8.5
            t.draw(x, y0 + 0.35 * cm, fit(clean(d.t("exp.card.personal")), BOLD, 7, cw - 1 * cm), BOLD, 7,
                   colors.HexColor("#b42318"))
            t.close()
        canv.showPage()


def tables_of(d: D.Data) -> list:
    """The table numbers in use: organisations' and facilitators' tables."""
    nums = {o.get("table_no") for o in d.organisations if not o.get("hidden")} | \
        {f.get("table_no") for f in d.facilitators if not f.get("revoked")}
    return sorted(n for n in nums if isinstance(n, int) and n > 0)


def _canvas(d: D.Data, title: str, pagesize):
    buf = io.BytesIO()
    canv = RefCanvas(buf, pagesize=pagesize, invariant=0, lang=d.lang)
    canv.setTitle(clean(title))
    canv.setAuthor(clean(d.workshop.get("name") or ""))
    canv.setCreator("Atelier de détection de synergies")
    return buf, canv


def printables(source, base_url: str, *, lang: str = "fr", size: str = "A4", poster: bool = True,
               tents: bool = True, cards: bool = True, tables=None) -> bytes:
    """Poster, table tents and facilitator cards in one PDF (``application/pdf``), in that order.

    ``size`` is the poster's ("A4" or "A3"); tents are A4 landscape, cards A4.
    ``tables`` overrides the table numbers (default: every table in use)."""
    if size not in SIZES:
        raise ValueError("size must be A4 or A3")
    d = D.ensure(source, lang)
    first = SIZES[size] if poster else (landscape(A4) if tents else A4)
    buf, canv = _canvas(d, f"{d.workshop.get('name') or ''} — QR", first)
    if poster:
        canv.setPageSize(SIZES[size])
        _poster(canv, d, base_url, size)
    if tents:
        canv.setPageSize(landscape(A4))
        for n in (tables if tables is not None else tables_of(d)) or [1]:
            _tent(canv, d, base_url, n)
    facs = [f for f in d.facilitators if not f.get("revoked")]
    if cards and facs:
        canv.setPageSize(A4)
        _cards(canv, d, base_url, facs)
    if canv.getPageNumber() == 1:  # nothing to print: one page that says so
        t = Text(canv)
        t.draw(2 * cm, first[1] - 3 * cm, clean(d.workshop.get("name")), BOLD, 14, INK)
        t.close()
        canv.showPage()
    with _no_a85():
        canv.save()
    return buf.getvalue()


class _no_a85:
    def __enter__(self):
        from reportlab import rl_config

        self.old = rl_config.useA85
        rl_config.useA85 = 0

    def __exit__(self, *exc):
        from reportlab import rl_config

        rl_config.useA85 = self.old


def poster(source, base_url: str, *, lang: str = "fr", size: str = "A4") -> bytes:
    """The join poster alone (one page, A4 or A3)."""
    return printables(source, base_url, lang=lang, size=size, tents=False, cards=False)


def table_tents(source, base_url: str, *, lang: str = "fr", tables=None) -> bytes:
    """One foldable A4-landscape tent per table; its QR opens the join page with the table chosen."""
    return printables(source, base_url, lang=lang, poster=False, cards=False, tables=tables)


def facilitator_cards(source, base_url: str, *, lang: str = "fr") -> bytes:
    """Eight facilitator code cards per A4 page (revoked codes left out)."""
    return printables(source, base_url, lang=lang, poster=False, tents=False)
