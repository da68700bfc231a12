"""Layout measured as geometry, not pixels: scroll, overlap, viewport, clipping, font sizes.

Every function takes a Playwright page and returns plain data, so an assertion
can print what is wrong:

    assert no_horizontal_scroll(page), horizontal_overflow(page)
    assert not overlaps(page, ["#counters", ".wall-join"])
    assert inside_viewport(page, "#join-qr")
    assert not clipped_texts(page, "main")
    assert min_font_size(page, "main")[0] >= 24

Only rendered elements count: ``display: none``, ``visibility: hidden``, empty boxes
visually-hidden (1 px, clipped) accessibility text and boxes positioned off screen on purpose
(a skip link) are ignored everywhere.
"""
from __future__ import annotations

# Shared in-page predicates, prepended to every script below.
_JS = r"""
const shown = (n) => {
  if (!(n instanceof Element)) return false;
  const r = n.getBoundingClientRect();
  if (r.width <= 1.5 || r.height <= 1.5) return false;            // empty or visually hidden
  const cs = getComputedStyle(n);
  if (cs.visibility === 'hidden' || cs.display === 'none' || Number(cs.opacity) === 0) return false;
  if (/^rect\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\)$/.test(cs.clip)) return false;  // visually hidden, any zoom
  // Positioned off screen on purpose (a skip link until it gets the focus).
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  if ((cs.position === 'absolute' || cs.position === 'fixed') && (r.bottom <= 0 || r.right <= 0 || r.top >= vh || r.left >= vw)) return false;
  return true;
};
const ownText = (n) => Array.from(n.childNodes).filter((c) => c.nodeType === 3).map((c) => c.textContent).join('').trim();
const describe = (n) => {
  const id = n.id ? '#' + n.id : '';
  const cls = (n.className && typeof n.className === 'string') ? '.' + n.className.trim().split(/\s+/).join('.') : '';
  return `${n.tagName.toLowerCase()}${id}${cls} '${(n.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40)}'`;
};
const textNodes = (root) => {
  const out = [];
  for (const n of [root, ...root.querySelectorAll('*')]) if (ownText(n) && shown(n)) out.push(n);
  return out;
};
"""


def _eval(page, body: str, arg=None):
    return page.evaluate(f"(arg) => {{ {_JS}\n{body} }}", arg)


def horizontal_overflow(page) -> int:
    """How many px the page is wider than its viewport (0 when it fits)."""
    return _eval(page, "const d = document.documentElement; return Math.max(0, d.scrollWidth - d.clientWidth);")


def vertical_overflow(page) -> int:
    """How many px the page is taller than its viewport (0 when it fits)."""
    return _eval(page, "const d = document.documentElement; return Math.max(0, d.scrollHeight - d.clientHeight);")


def no_horizontal_scroll(page) -> bool:
    return horizontal_overflow(page) <= 1


def no_vertical_scroll(page) -> bool:
    return vertical_overflow(page) <= 1


def boxes(page, selectors: list[str]) -> dict:
    """The bounding box of each selector's first rendered match (None when absent or hidden)."""
    return _eval(page, """
        const out = {};
        for (const s of arg) {
          const n = Array.from(document.querySelectorAll(s)).find(shown);
          out[s] = n ? (({x, y, width, height}) => ({x, y, width, height}))(n.getBoundingClientRect()) : null;
        }
        return out;""", selectors)


def overlaps(page, selectors: list[str], tolerance: float = 0.5) -> list[tuple[str, str, float]]:
    """Pairs of the named regions whose boxes intersect, with the shared area in px² (empty when none)."""
    bx = boxes(page, selectors)
    out = []
    names = [s for s in selectors if bx[s]]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ra, rb = bx[a], bx[b]
            w = min(ra["x"] + ra["width"], rb["x"] + rb["width"]) - max(ra["x"], rb["x"])
            h = min(ra["y"] + ra["height"], rb["y"] + rb["height"]) - max(ra["y"], rb["y"])
            if w > tolerance and h > tolerance:
                out.append((a, b, round(w * h, 1)))
    return out


def missing(page, selectors: list[str]) -> list[str]:
    """The selectors that have no rendered match."""
    bx = boxes(page, selectors)
    return [s for s in selectors if not bx[s]]


def outside_viewport(page, selector: str, tolerance: float = 1.0) -> list[str]:
    """Rendered matches of ``selector`` not wholly inside the viewport (at the current scroll)."""
    return _eval(page, """
        const [sel, tol] = arg;
        const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
        return Array.from(document.querySelectorAll(sel)).filter(shown).filter((n) => {
          const r = n.getBoundingClientRect();
          return r.left < -tol || r.top < -tol || r.right > vw + tol || r.bottom > vh + tol;
        }).map((n) => { const r = n.getBoundingClientRect();
          return `${describe(n)} at ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)} (viewport ${vw}x${vh})`; });""",
                 [selector, tolerance])


def inside_viewport(page, selector: str) -> bool:
    """True when ``selector`` has a rendered match and every rendered match is wholly in the viewport."""
    return not missing(page, [selector]) and not outside_viewport(page, selector)


def clipped_texts(page, selector: str = "body") -> list[str]:
    """Text that does not fit its box or is cut by an ancestor that clips (overflow not visible).

    A block box with its own text is clipped when scrollWidth > clientWidth (or scrollHeight >
    clientHeight while it hides overflow: ellipsis, line clamp); any text box is cut when it sticks
    out of an ancestor whose overflow is hidden, clip or scroll.
    """
    return _eval(page, """
        const out = [];
        for (const root of document.querySelectorAll(arg)) {
          for (const n of textNodes(root)) {
            const cs = getComputedStyle(n);
            if (cs.display !== 'inline' && n.tagName !== 'BR') {
              if (n.scrollWidth > n.clientWidth + 1) out.push(`${describe(n)}: ${n.scrollWidth} > ${n.clientWidth} px wide`);
              else if (cs.overflowY !== 'visible' && n.scrollHeight > n.clientHeight + 1)
                out.push(`${describe(n)}: ${n.scrollHeight} > ${n.clientHeight} px tall`);
              else if (cs.textOverflow === 'ellipsis' && n.scrollWidth > n.clientWidth) out.push(`${describe(n)}: ellipsis`);
            }
            const r = n.getBoundingClientRect();
            for (let a = n.parentElement; a && a !== document.documentElement; a = a.parentElement) {
              const acs = getComputedStyle(a);
              if (acs.overflowX === 'visible' && acs.overflowY === 'visible') continue;
              const ar = a.getBoundingClientRect();
              const outside = r.left < ar.left - 1 || r.right > ar.right + 1 || r.top < ar.top - 1 || r.bottom > ar.bottom + 1;
              // A scroller shows it on scroll: scrolled out of its view is not cut (and not cut further up either).
              if (a.scrollHeight > a.clientHeight + 1 && acs.overflowY !== 'hidden' && acs.overflowY !== 'clip') { if (outside) break; continue; }
              if (r.left < ar.left - 1 || r.right > ar.right + 1 || r.top < ar.top - 1 || r.bottom > ar.bottom + 1) {
                out.push(`${describe(n)}: cut by ${describe(a)}`);
                break;
              }
            }
          }
        }
        return Array.from(new Set(out));""", selector)


def min_font_size(page, selector: str = "body") -> tuple[float, str]:
    """The smallest computed font size (px) of rendered text under ``selector``, and that text."""
    return tuple(_eval(page, """
        let best = [Infinity, ''];
        for (const root of document.querySelectorAll(arg))
          for (const n of textNodes(root)) {
            const size = parseFloat(getComputedStyle(n).fontSize);
            if (size < best[0]) best = [size, describe(n)];
          }
        return best;""", selector))


def words_broken(page, selector: str = "body") -> list[str]:
    """Text boxes under ``selector`` whose words were split across lines (a line starting mid-word)."""
    return _eval(page, r"""
        const out = [];
        for (const root of document.querySelectorAll(arg))
          for (const n of textNodes(root)) {
            for (const t of Array.from(n.childNodes).filter((c) => c.nodeType === 3)) {
              const text = t.textContent;
              const range = document.createRange();
              let lastTop = null;
              for (let i = 0; i < text.length; i++) {
                range.setStart(t, i); range.setEnd(t, i + 1);
                const rects = range.getClientRects();
                if (!rects.length) continue;
                const top = Math.round(rects[0].top);
                if (lastTop !== null && top > lastTop + 2 && /[\p{L}\p{N}]/u.test(text[i]) && i > 0 && /[\p{L}\p{N}]/u.test(text[i - 1]))
                  out.push(`${describe(n)}: broken at '${text.slice(Math.max(0, i - 8), i)}|${text.slice(i, i + 8)}'`);
                lastTop = top;
              }
            }
          }
        return out;""", selector)
