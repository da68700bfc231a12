"""What every PDF shares: the font, safe text, fast line wrapping, a few
flowables and a single-pass document builder.

Speed: the book of a real event has ~280 sheets and ~510 ideas. Paragraph
markup parsing and Table re-splitting dominate reportlab's cost at that size,
so text is wrapped here once per width (with cached word widths) into plain
lines that are drawn with ``drawString``; tables are :class:`Grid` objects
that split in O(rows on the page). The table of contents and "page N / M"
footers are drawn in the same single pass with forward-referenced PDF form
XObjects whose content (the page number) is defined when the document is
saved — no second build.

Safety: every user string goes through :func:`clean`: NFC, bidi controls and
other format characters dropped, characters the font cannot draw replaced
(a close ASCII/Latin form when there is one, else ``PLACEHOLDER``), words
longer than a line split; so no participant text can crash or overflow a
layout.
"""
from __future__ import annotations

import io
import os
import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.flowables import Flowable

from .data import NBSP

FONT = "AtelierVera"
BOLD = "AtelierVera-Bold"
ITALIC = "AtelierVera-Italic"
BOLD_ITALIC = "AtelierVera-BoldItalic"
PLACEHOLDER = "?"

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#52606d")
ACCENT = colors.HexColor("#1b6e53")
ACCENT_LIGHT = colors.HexColor("#e3f1eb")
WARN = colors.HexColor("#b42318")
WARN_LIGHT = colors.HexColor("#fde8e6")
RULE = colors.HexColor("#cbd2d9")
ZEBRA = colors.HexColor("#f5f7fa")

_FONT_FILES = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}
_DRAWABLE: frozenset = frozenset()


def register_fonts() -> frozenset:
    """Register reportlab's own Bitstream Vera TTFs (shipped with every install) once;
    return the code points all four faces can draw."""
    global _DRAWABLE
    if _DRAWABLE:
        return _DRAWABLE
    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    cover = None
    for name, fn in _FONT_FILES.items():
        try:
            font = pdfmetrics.getFont(name)
        except KeyError:
            font = TTFont(name, os.path.join(folder, fn))
            pdfmetrics.registerFont(font)
        cps = set(font.face.charToGlyph)
        cover = cps if cover is None else cover & cps
    from reportlab.lib.fonts import addMapping

    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, BOLD)
    addMapping(FONT, 0, 1, ITALIC)
    addMapping(FONT, 1, 1, BOLD_ITALIC)
    _DRAWABLE = frozenset(cp for cp in cover if cp >= 0x20)
    return _DRAWABLE


register_fonts()


def _symbol_chars() -> frozenset:
    """Characters Vera lacks but the PDF standard Symbol font has (arrows, Greek, maths): drawn
    with Symbol, which every PDF reader has built in (nothing embedded, nothing to install)."""
    from reportlab.pdfbase.rl_codecs import RL_Codecs

    RL_Codecs.register()
    out = set()
    for cp in range(0x80, 0x2700):
        ch = chr(cp)
        if cp in _DRAWABLE:
            continue
        try:
            ch.encode("symbol")
        except (UnicodeError, LookupError):
            continue
        out.add(ch)
    return frozenset(out)


SYMBOL = "Symbol"
SYMBOL_CHARS = _symbol_chars()
_SYM_RE = re.compile("[" + re.escape("".join(sorted(SYMBOL_CHARS))) + "]+") if SYMBOL_CHARS else None

# Characters with no drawable form in the font but an obvious text substitute.
_SUBST = {
    "\u2010": "-",
    "\u2011": "-", "\u2012": "-", "\u2043": "-", "\u2116": "No", "\u2713": "v", "\u2714": "v",
    "\u2717": "x", "\u2718": "x", "\u2605": "*", "\u2606": "*", "\u25cf": "\u2022", "\u25aa": "\u2022",
    "\u2032": "'", "\u2033": '"', "\u2044": "/", "\u2215": "/", "\u2264": "<=", "\u2265": ">=",
    "\u00ad": "", "\u2028": " ", "\u2029": " ",
    "\u202f": NBSP, "\u2007": NBSP, "\u2060": "", "\ufeff": "",
}


@lru_cache(maxsize=4096)
def _char(ch: str) -> str | None:
    """The drawable text for one character; ``None`` means "cannot be drawn"."""
    cp = ord(ch)
    if cp in _DRAWABLE or ch in SYMBOL_CHARS:
        return ch
    if ch in _SUBST:
        return _SUBST[ch]
    if ch == "\t":
        return " "
    cat = unicodedata.category(ch)
    if cat in ("Cc", "Cf", "Cs", "Co") or cat.startswith("M"):
        return ""  # controls, bidi overrides (U+202E…), zero-width joiners, stray combining marks
    if cat == "Zs":
        return " "
    for form in ("NFKC", "NFKD"):
        alt = unicodedata.normalize(form, ch)
        alt = "".join(c for c in alt if not unicodedata.combining(c))
        if alt and alt != ch and all(ord(c) in _DRAWABLE for c in alt):
            return alt
    return None


def clean(text, *, multiline: bool = False) -> str:
    """User text made safe to draw with the font: see the module docstring.

    With ``multiline`` line breaks are kept (at most one blank line in a row),
    otherwise every whitespace run becomes one space."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = str(text)
    if not text:
        return ""
    if text.isascii() and text.isprintable():
        return text.strip() if not multiline else text.strip()
    return _clean(text, multiline)


@lru_cache(maxsize=65536)
def _clean(text: str, multiline: bool) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    out = []
    last_bad = False
    for ch in text:
        if ch == "\n":
            out.append("\n" if multiline else " ")
            last_bad = False
            continue
        rep = _char(ch)
        if rep is None:
            if not last_bad:
                out.append(PLACEHOLDER)
            last_bad = True
            continue
        if rep:
            last_bad = False
            out.append(rep)
    s = "".join(out)
    if multiline:
        lines = [ln.strip() for ln in s.split("\n")]
        kept, blank = [], 0
        for ln in lines:
            blank = blank + 1 if not ln else 0
            if blank <= 1:
                kept.append(ln)
        return "\n".join(kept).strip()
    return " ".join(s.split(" ")).strip() if "  " not in s else " ".join(p for p in s.split(" ") if p)


def truncate(text: str, n: int) -> str:
    if not text or len(text) <= n:
        return text or ""
    cut = text[:n]
    sp = cut.rfind(" ")
    if sp > n * 0.6:
        cut = cut[:sp]
    return cut.rstrip(" ,;:.-" + NBSP) + "…"


# -- wrapping -----------------------------------------------------------------

_widths: dict = {}


def _runs(text: str):
    """[(is_symbol, run)] of a text that contains Symbol characters."""
    out, pos = [], 0
    for m in _SYM_RE.finditer(text):
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        out.append((True, m.group()))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def width(text: str, font: str, size: float) -> float:
    key = (text, font)
    w = _widths.get(key)
    if w is None:
        if _SYM_RE is not None and not text.isascii() and _SYM_RE.search(text):
            w = sum(pdfmetrics.stringWidth(r, SYMBOL if sym else font, 1000) for sym, r in _runs(text))
        else:
            w = pdfmetrics.stringWidth(text, font, 1000)
        if len(_widths) > 200000:
            _widths.clear()
        _widths[key] = w
    return w * size / 1000.0


def _split_word(word: str, font: str, size: float, avail: float) -> list[str]:
    """A word wider than the line, cut into pieces that fit (at least one character each)."""
    pieces, cur, cur_w = [], "", 0.0
    for ch in word:
        cw = width(ch, font, size)
        if cur and cur_w + cw > avail:
            pieces.append(cur)
            cur, cur_w = "", 0.0
        cur += ch
        cur_w += cw
    if cur:
        pieces.append(cur)
    return pieces


def wrap(text: str, font: str, size: float, avail: float, max_lines: int | None = None) -> list[str]:
    """Greedy line breaking at ordinary spaces (never at U+00A0); ``\\n`` forces a break.
    Text must already be :func:`clean`. ``max_lines`` truncates with "…"."""
    if not text:
        return []
    space = width(" ", font, size)
    lines: list[str] = []
    for para in text.split("\n"):
        if not para:
            lines.append("")
            continue
        cur: list[str] = []
        cur_w = 0.0
        for word in para.split(" "):
            if not word:
                continue
            ww = width(word, font, size)
            if ww > avail:
                if cur:
                    lines.append(" ".join(cur))
                    cur, cur_w = [], 0.0
                pieces = _split_word(word, font, size, avail)
                lines.extend(pieces[:-1])
                cur, cur_w = [pieces[-1]], width(pieces[-1], font, size)
                continue
            if cur and cur_w + space + ww > avail:
                lines.append(" ".join(cur))
                cur, cur_w = [word], ww
            else:
                cur_w = cur_w + space + ww if cur else ww
                cur.append(word)
        if cur:
            lines.append(" ".join(cur))
        if max_lines and len(lines) > max_lines:
            break
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and width(last + "…", font, size) > avail:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


def fit(text: str, font: str, size: float, avail: float) -> str:
    """One line: the text, cut with "…" if too wide."""
    if width(text, font, size) <= avail:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width(text[:mid] + "…", font, size) <= avail:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


# -- fast text output -------------------------------------------------------------

_ESC = {b: ("\\%03o" % b) for b in list(range(0, 32)) + list(range(127, 256))}
_ESC.update({ord("("): "\\(", ord(")"): "\\)", ord("\\"): "\\\\"})
_FONTS: dict = {}


def _font(name):
    f = _FONTS.get(name)
    if f is None:
        f = _FONTS[name] = pdfmetrics.getFont(name)
    return f


_RGB: dict = {}


def _rgb(color) -> str:
    s = _RGB.get(id(color))
    if s is None or s[0] is not color:
        s = _RGB[id(color)] = (color, f"{color.red:.3f} {color.green:.3f} {color.blue:.3f}")
    return s[1]


def _split(f, text, doc):
    """``f.splitString(text, doc)`` with fast paths for characters already assigned a code."""
    st = f.state.get(doc)
    if st is not None:
        if text.isascii():
            if st.assignments.get(126) == 126:  # ASCII-readable subset 0: codes are the characters
                return [(0, text.encode("latin-1"))]
        else:
            a = st.assignments
            try:
                codes = [a[c] for c in map(ord, text.replace(NBSP, " "))]
            except KeyError:
                return f.splitString(text, doc)
            if max(codes) < 256:
                return [(0, bytes(codes))]
            out, cur, cur_set = [], [], -1
            for n in codes:
                if n >> 8 != cur_set:
                    if cur:
                        out.append((cur_set, bytes(cur)))
                    cur_set, cur = n >> 8, []
                cur.append(n & 0xFF)
            if cur:
                out.append((cur_set, bytes(cur)))
            return out
    return f.splitString(text, doc)


class Text:
    """Lines of text written straight into the page's content stream as one
    ``BT … ET`` block: what ``canvas.drawString`` does (TTF subsetting via the
    font's own ``splitString``), without its per-call overhead, which dominates
    a 60-page document when reportlab's C accelerator is not installed."""

    __slots__ = ("canv", "doc", "ops", "cur", "color")

    def __init__(self, canv):
        self.canv, self.doc = canv, canv._doc
        self.ops = ["BT"]
        self.cur = None
        self.color = None

    def draw(self, x, y, text, font=FONT, size=9.0, color=INK):
        if not text:
            return
        ops = self.ops
        if color is not self.color:
            ops.append(_rgb(color) + " rg")
            self.color = color
        ops.append(f"1 0 0 1 {x:.2f} {y:.2f} Tm")
        if _SYM_RE is not None and not text.isascii() and _SYM_RE.search(text):
            for sym, run in _runs(text):
                if sym:
                    ops.append(f"{self.doc.getInternalFontName(SYMBOL)} {size:.2f} Tf")
                    ops.append("(" + run.encode("symbol").decode("latin-1").translate(_ESC) + ") Tj")
                    self.cur = None
                else:
                    self._chunks(run, font, size)
            return
        self._chunks(text, font, size)

    def _chunks(self, text, font, size):
        ops = self.ops
        f = _font(font)
        for subset, chunk in _split(f, text, self.doc):
            key = (font, subset, size)
            if key != self.cur:
                ops.append(f"{f.getSubsetInternalName(subset, self.doc)} {size:.2f} Tf")
                self.cur = key
            ops.append("(" + chunk.decode("latin-1").translate(_ESC) + ") Tj")

    def right(self, x, y, text, font=FONT, size=9.0, color=INK):
        self.draw(x - width(text, font, size), y, text, font, size, color)

    def centre(self, x, y, text, font=FONT, size=9.0, color=INK):
        self.draw(x - width(text, font, size) / 2, y, text, font, size, color)

    def close(self):
        if len(self.ops) > 1:
            self.ops.append("ET")
            self.canv._code.append(" ".join(self.ops))
        self.ops = ["BT"]
        self.cur = None


def fill_rect(canv, x, y, w, h, color):
    canv._code.append(f"{_rgb(color)} rg {x:.2f} {y:.2f} {w:.2f} {h:.2f} re f")


# -- flowables ------------------------------------------------------------------

class Style:
    __slots__ = ("font", "size", "leading", "color", "indent", "space_before")

    def __init__(self, font=FONT, size=9.0, leading=None, color=INK, indent=0.0, space_before=0.0):
        self.font, self.size = font, size
        self.leading = leading or size * 1.25
        self.color, self.indent, self.space_before = color, indent, space_before


BODY = Style(FONT, 9)
SMALL = Style(FONT, 7.5, color=MUTED)
TITLE = Style(BOLD, 10.5, space_before=2)


class Block(Flowable):
    """Runs of text (style, text) wrapped into plain lines; splits between lines.

    ``bar`` draws a coloured rule on the left (used to mark confidential sheets);
    ``keep`` is how many first lines must stay together (a title is never left alone)."""

    def __init__(self, runs, *, bar=None, keep=2, space_after=6, tag=None):
        super().__init__()
        self.runs = [(st, tx) for st, tx in runs if tx]
        self.bar, self.keep, self.space_after, self.tag = bar, keep, space_after, tag
        self._lines = None  # [(style, text, height)]
        self._w = None

    def _layout(self, avail):
        if self._lines is not None and self._w == avail:
            return
        lines = []
        pad = 6 if self.bar else 0
        for st, tx in self.runs:
            first = True
            for ln in wrap(tx, st.font, st.size, avail - st.indent - pad):
                h = st.leading + (st.space_before if first else 0)
                lines.append((st, ln, h))
                first = False
        self._lines, self._w = lines, avail
        self._height = sum(h for _, _, h in lines)

    def wrap(self, availWidth, availHeight):
        self._layout(availWidth)
        self.width = availWidth
        self.height = self._height
        return availWidth, self._height

    def getSpaceAfter(self):
        return self.space_after

    def split(self, availWidth, availHeight):
        self._layout(availWidth)
        if self._height <= availHeight:
            return [self]
        used, n = 0.0, 0
        for _, _, h in self._lines:
            if used + h > availHeight:
                break
            used += h
            n += 1
        if n < min(self.keep, len(self._lines)) or n == 0:
            return []
        a = Block([], bar=self.bar, keep=0, space_after=0)
        b = Block([], bar=self.bar, keep=1, space_after=self.space_after)
        a._lines, a._w, a._height = self._lines[:n], availWidth, used
        b._lines, b._w, b._height = self._lines[n:], availWidth, self._height - used
        return [a, b]

    def draw(self):
        c = self.canv
        y = self.height
        pad = 6 if self.bar else 0
        if self.bar:
            fill_rect(c, 0, 0, 2.2, self.height, self.bar)
        t = Text(c)
        for st, ln, h in self._lines:
            y -= h
            t.draw(pad + st.indent, y + (st.leading - st.size) * 0.9 + st.size * 0.22, ln, st.font, st.size, st.color)
        t.close()


def logo_size(png: bytes, max_w: float, max_h: float) -> tuple[float, float]:
    """The logo's drawn size: its aspect ratio kept, within max_w × max_h points."""
    from reportlab.lib.utils import ImageReader

    iw, ih = ImageReader(io.BytesIO(png)).getSize()
    k = min(max_w / iw, max_h / ih)
    return iw * k, ih * k


def draw_logo(canv, png: bytes | None, x_right: float, y_top: float, max_w: float, max_h: float) -> float:
    """Draw the logo with its top-right corner at (x_right, y_top); returns its height (0 without logo)."""
    if not png:
        return 0.0
    from reportlab.lib.utils import ImageReader

    w, h = logo_size(png, max_w, max_h)
    canv.drawImage(ImageReader(io.BytesIO(png)), x_right - w, y_top - h, w, h, mask="auto")
    return h


def logo_flowable(png: bytes | None, max_w: float = 4.5 * cm, max_h: float = 1.8 * cm):
    """The logo as a right-aligned flowable for the top of a document, or None."""
    if not png:
        return None
    from reportlab.platypus import Image

    w, h = logo_size(png, max_w, max_h)
    img = Image(io.BytesIO(png), width=w, height=h)
    img.hAlign = "RIGHT"
    return img


class Grid(Flowable):
    """A table of pre-wrapped cells with a header row repeated on every page.

    ``columns``: [(header, width_fraction, style)], ``rows``: lists of cleaned strings.
    Rows never split; a cell is cut (with "…") only past ``max_lines``, which is chosen so
    a row always fits a page. A column is widened (the others give way) so that no header
    word is broken ("Animateur·rice" stays whole). The table splits between rows in
    O(rows on the page) thanks to prefix sums of the row heights."""

    PAD = 3.0

    def __init__(self, columns, rows, *, max_lines=60, header_style=None, zebra=True, row_marks=None):
        super().__init__()
        self.columns = columns
        self.rows = rows
        self.max_lines = max_lines
        self.hstyle = header_style or Style(BOLD, 7.5, color=colors.white)
        self.zebra = zebra
        self.row_marks = row_marks  # optional per-row colour of a left mark
        self._w = None
        self._start, self._end = 0, len(rows)
        self._shared = None

    def _layout(self, avail):
        if self._w == avail and self._shared is not None:
            return
        pad = self.PAD
        widths = self._widths(avail)
        head = [wrap(h, self.hstyle.font, self.hstyle.size, w - 2 * pad, 3) for (h, _, _), w in
                zip(self.columns, widths)]
        head_h = max(len(x) for x in head) * self.hstyle.leading + 2 * pad
        cells, prefix = [], [0.0]
        for row in self.rows:
            wrapped = []
            for (_, _, st), w, txt in zip(self.columns, widths, row):
                wrapped.append(wrap(txt, st.font, st.size, w - 2 * pad, self.max_lines) if txt else [])
            h = max((len(ls) * st.leading for ls, (_, _, st) in zip(wrapped, self.columns)), default=0)
            h = max(h, self.columns[0][2].leading) + 2 * pad
            cells.append(wrapped)
            prefix.append(prefix[-1] + h)
        self._shared = (widths, head, head_h, cells, prefix)
        self._w = avail

    def _widths(self, avail) -> list[float]:
        """Column widths from the fractions, each at least its longest header word."""
        hs = self.hstyle
        widths = [avail * frac for _, frac, _ in self.columns]
        need = [max((width(w, hs.font, hs.size) for w in h.split()), default=0) + 2 * self.PAD + 0.5
                for h, _, _ in self.columns]
        for _ in range(len(widths)):
            short = [k for k, (w, n) in enumerate(zip(widths, need)) if w < n]
            if not short:
                break
            missing = sum(need[k] - widths[k] for k in short)
            for k in short:
                widths[k] = need[k]
            donors = [k for k in range(len(widths)) if k not in short and widths[k] > need[k]]
            spare = sum(widths[k] - need[k] for k in donors)
            if spare <= 0:
                break
            for k in donors:
                widths[k] -= missing * (widths[k] - need[k]) / spare
        return widths

    def _piece(self, start, end):
        g = Grid(self.columns, self.rows, max_lines=self.max_lines, header_style=self.hstyle, zebra=self.zebra,
                 row_marks=self.row_marks)
        g._w, g._shared, g._start, g._end = self._w, self._shared, start, end
        return g

    def wrap(self, availWidth, availHeight):
        self._layout(availWidth)
        _, _, head_h, _, prefix = self._shared
        self.width = availWidth
        self.height = head_h + prefix[self._end] - prefix[self._start]
        return availWidth, self.height

    def split(self, availWidth, availHeight):
        self._layout(availWidth)
        _, _, head_h, _, prefix = self._shared
        if self.height <= availHeight:
            return [self]
        room = availHeight - head_h
        base = prefix[self._start]
        k = bisect_right(prefix, base + room, self._start, self._end + 1) - 1
        if k <= self._start:
            return []
        return [self._piece(self._start, k), self._piece(k, self._end)]

    def draw(self):
        c = self.canv
        widths, head, head_h, cells, prefix = self._shared
        pad = self.PAD
        W = sum(widths)
        y = self.height
        hs = self.hstyle
        fill_rect(c, 0, y - head_h, W, head_h, ACCENT)
        base = prefix[self._start]
        top = y - head_h
        for r in range(self._start, self._end):
            rh = prefix[r + 1] - prefix[r]
            ry = top - (prefix[r] - base) - rh
            if self.zebra and r % 2 == 1:
                fill_rect(c, 0, ry, W, rh, ZEBRA)
            if self.row_marks and self.row_marks[r] is not None:
                fill_rect(c, 0, ry, 2.2, rh, self.row_marks[r])
        bottom = top - (prefix[self._end] - base)
        c._code.append(f"{_rgb(RULE)} RG 0.4 w 0 {bottom:.2f} m {W:.2f} {bottom:.2f} l S")
        t = Text(c)
        x = 0.0
        for w, lines in zip(widths, head):
            yy = y - pad
            for ln in lines:
                yy -= hs.leading
                t.draw(x + pad, yy + hs.leading * 0.22, ln, hs.font, hs.size, hs.color)
            x += w
        for r in range(self._start, self._end):
            rh = prefix[r + 1] - prefix[r]
            ry = top - (prefix[r] - base) - rh
            x = 0.0
            for (_, _, st), w, lines in zip(self.columns, widths, cells[r]):
                yy = ry + rh - pad
                for ln in lines:
                    yy -= st.leading
                    t.draw(x + pad, yy + st.leading * 0.22, ln, st.font, st.size, st.color)
                x += w
        t.close()


class Heading(Flowable):
    """A section title that is also a bookmark, an outline entry and a TOC target."""

    def __init__(self, text, level=0, key=None, *, size=None, color=ACCENT, outline=True, space_before=None,
                 toc_title=None):
        super().__init__()
        self.text = text
        self.level = level
        self.key = key
        self.size = size or (17 if level == 0 else 12.5 if level == 1 else 10.5)
        self.leading = self.size * 1.22
        self.color = color
        self.outline = outline
        self.space_before = (self.size * 0.9) if space_before is None else space_before
        self.toc_title = toc_title or text
        self._lines = None

    def wrap(self, availWidth, availHeight):
        self._lines = wrap(self.text, BOLD, self.size, availWidth, 4)
        self.width = availWidth
        self.height = len(self._lines) * self.leading + (3 if self.level == 0 else 1.5)
        return availWidth, self.height

    def getSpaceBefore(self):
        return self.space_before

    def getSpaceAfter(self):
        return self.size * 0.45

    def draw(self):
        c = self.canv
        if self.key:
            c.bookmarkPage(self.key)
            if self.outline:
                c.addOutlineEntry(self.toc_title, self.key, self.level, closed=self.level > 0)
            refs = getattr(c, "refs", None)
            if refs is not None:
                refs[self.key] = c.getPageNumber()
        t = Text(c)
        y = self.height
        for ln in self._lines:
            y -= self.leading
            t.draw(0, y + self.leading * 0.25, ln, BOLD, self.size, self.color)
        t.close()
        if self.level == 0:
            c.setStrokeColor(self.color)
            c.setLineWidth(1.2)
            c.line(0, 0.5, self.width, 0.5)


class TOC(Flowable):
    """Table of contents drawn in the same pass as the body: each page number is a
    form XObject (``canv.page_form(key)``) filled in when the document is saved."""

    def __init__(self, entries, *, size=9.5):
        super().__init__()
        self.entries = entries  # [(level, title, key)]
        self.size = size
        self.leading = size * 1.55
        self._start, self._end = 0, len(entries)

    def wrap(self, availWidth, availHeight):
        self.width = availWidth
        self.height = (self._end - self._start) * self.leading
        return availWidth, self.height

    def split(self, availWidth, availHeight):
        n = int(availHeight // self.leading)
        if n >= self._end - self._start:
            return [self]
        if n <= 0:
            return []
        a, b = TOC(self.entries, size=self.size), TOC(self.entries, size=self.size)
        a._start, a._end = self._start, self._start + n
        b._start, b._end = self._start + n, self._end
        return [a, b]

    def draw(self):
        c = self.canv
        y = self.height
        num_w = width("0000", FONT, self.size)
        dot = width(". ", FONT, self.size)
        t = Text(c)
        forms = []
        for level, title, key in self.entries[self._start:self._end]:
            y -= self.leading
            font = BOLD if level == 0 else FONT
            indent = 14 * level
            avail = self.width - indent - num_w - 12
            text = fit(title, font, self.size, avail)
            t.draw(indent, y + 3, text, font, self.size, INK)
            dots_x = indent + width(text, font, self.size) + 4
            n = int((self.width - num_w - 4 - dots_x) / dot)
            if n > 0:
                t.draw(dots_x, y + 3, ". " * n, FONT, self.size, RULE)
            forms.append((y, key, font, level))
        t.close()
        for y, key, font, level in forms:
            c._code.append(f"q 1 0 0 1 {self.width:.2f} {y + 3:.2f} cm")
            c.doForm(c.page_form(key, font, self.size))
            c._code.append("Q")
            c.linkRect("", key, (14 * level, y, self.width, y + self.leading), relative=1, thickness=0)


class RefCanvas(Canvas):
    """A canvas that knows which page each heading landed on, and fills the
    forward-referenced page-number forms when it is saved."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refs: dict = {}
        self._wanted: dict = {}

    def page_form(self, key, font=FONT, size=8, color=INK, align="right") -> str:
        """The name of a form that will show the page number of ``key`` ("__total": the page count),
        drawn right-aligned (or left-aligned) at the origin."""
        name = ("pg_" if align == "right" else "pgl_") + "".join(ch if ch.isalnum() else "_" for ch in str(key))
        self._wanted[name] = (key, font, size, color, align)
        return name

    def save(self):
        if len(self._code):
            self.showPage()
        total = self.getPageNumber() - 1
        for name, (key, font, size, color, align) in self._wanted.items():
            value = total if key == "__total" else self.refs.get(key, "")
            self.beginForm(name, lowerx=-300, lowery=-size, upperx=300, uppery=size * 2)
            self.setFont(font, size)
            self.setFillColor(color)
            if align == "right":
                self.drawRightString(0, 0, str(value))
            else:
                self.drawString(0, 0, str(value))
            self.endForm()
        self._doc.SaveToFile(self._filename, self)


def build(story, *, title: str, footer: str, lang: str = "fr", pagesize=A4, margins=None, author="",
          subject="", footer_page=True, page_label=None, on_page=None, columns: int = 1) -> bytes:
    """Build ``story`` into PDF bytes in one pass: footer with ``footer`` and "N / M"."""
    buf = io.BytesIO()
    m = margins or (1.8 * cm, 1.6 * cm, 1.8 * cm, 1.8 * cm)  # left, top, right, bottom
    doc = BaseDocTemplate(buf, pagesize=pagesize, leftMargin=m[0], topMargin=m[1], rightMargin=m[2],
                          bottomMargin=m[3], title=clean(title), author=clean(author), subject=clean(subject),
                          creator="Atelier de détection de synergies", lang=lang,
                          invariant=0)
    pw, ph = pagesize
    gutter = 0.8 * cm
    fw = (pw - m[0] - m[2] - gutter * (columns - 1)) / columns
    frames = [Frame(m[0] + k * (fw + gutter), m[3], fw, ph - m[1] - m[3], id=f"col{k}", leftPadding=0,
                    rightPadding=0, topPadding=0, bottomPadding=0) for k in range(columns)]
    foot = fit(clean(footer), FONT, 7.5, pw - m[0] - m[2] - 80)

    def _page(canv, doc_):
        if on_page:
            on_page(canv, doc_)
        if not footer_page:
            return
        canv.saveState()
        y = m[3] * 0.55
        canv._code.append(f"{_rgb(RULE)} RG 0.4 w {m[0]:.2f} {y + 9:.2f} m {pw - m[2]:.2f} {y + 9:.2f} l S")
        t = Text(canv)
        t.draw(m[0], y, foot, FONT, 7.5, MUTED)
        # "N / M": M is a form filled in when the document is saved
        label_txt = (page_label or "{n} / ").format(n=canv.getPageNumber())
        x0 = pw - m[2] - width("0000 / 0000", FONT, 7.5)
        t.draw(x0, y, label_txt, FONT, 7.5, MUTED)
        t.close()
        canv.translate(x0 + width(label_txt, FONT, 7.5), y)
        canv.doForm(canv.page_form("__total", FONT, 7.5, MUTED, align="left"))
        canv.restoreState()

    doc.addPageTemplates([PageTemplate(id="page", frames=frames, onPage=_page)])
    from reportlab import rl_config

    a85 = rl_config.useA85
    rl_config.useA85 = 0  # binary Flate streams: ASCII85 is pure Python here, and 5x slower
    try:
        doc.build(story, canvasmaker=RefCanvas)
    finally:
        rl_config.useA85 = a85
    return buf.getvalue()


def page_count(pdf: bytes) -> int:
    """Pages of a PDF reportlab produced (cheap: counts the page objects)."""
    import re

    return len(re.findall(rb"/Type /Page[^s]", pdf))


class Figures(Flowable):
    """Key figures as cards: a big number, a label (two lines at most) and a small note."""

    def __init__(self, items, per_row=3, card_h=66):
        super().__init__()
        self.items = items  # [(number_text, label, sub_label)]
        self.per_row = per_row
        self.card_h = card_h
        self.gap = 8

    def wrap(self, availWidth, availHeight):
        rows = (len(self.items) + self.per_row - 1) // self.per_row
        self.width = availWidth
        self.height = rows * (self.card_h + self.gap)
        return availWidth, self.height

    def draw(self):
        c = self.canv
        cw = (self.width - self.gap * (self.per_row - 1)) / self.per_row
        t = Text(c)
        for k, (num, lab, sub) in enumerate(self.items):
            r, col = divmod(k, self.per_row)
            x = col * (cw + self.gap)
            y = self.height - (r + 1) * (self.card_h + self.gap) + self.gap
            c.setFillColor(ACCENT_LIGHT)
            c.roundRect(x, y, cw, self.card_h, 5, stroke=0, fill=1)
            top = y + self.card_h
            t.draw(x + 9, top - 26, fit(num, BOLD, 20, cw - 18), BOLD, 20, ACCENT)
            yy = top - 39
            for ln in wrap(lab, BOLD, 8.5, cw - 18, 2):
                t.draw(x + 9, yy, ln, BOLD, 8.5, INK)
                yy -= 10
            if sub:
                t.draw(x + 9, yy - 1, fit(sub, FONT, 7.5, cw - 18), FONT, 7.5, MUTED)
        t.close()
