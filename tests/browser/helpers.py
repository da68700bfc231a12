"""Browser test helpers: device contexts, axe-core, layout checks, screenshots.

Devices are plain dicts of Playwright context options. ``audit(page)`` injects
axe-core (installed from npm, served by the app at /vendor/axe.min.js, so
the page's CSP allows it) and returns the serious and critical violations.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SHOTS = ROOT / "test-artifacts" / "screenshots"

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
PHONES = [
    {**PHONE},
    {**PHONE, "viewport": {"width": 375, "height": 667}},
    {**PHONE, "viewport": {"width": 390, "height": 844}},
    {**PHONE, "viewport": {"width": 393, "height": 851}},
    {**PHONE, "viewport": {"width": 412, "height": 915}},
    {**PHONE, "viewport": {"width": 414, "height": 896}},
]
TABLET = {"viewport": {"width": 1280, "height": 800}, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 800}}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}


def context(browser, device: dict, lang: str = "fr"):
    """A fresh browser context (own cookies and storage) for one person's device."""
    ctx = browser.new_context(locale="fr-FR" if lang == "fr" else "en-GB", **device)
    ctx.set_default_timeout(15_000)
    return ctx


def open_page(ctx):
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return page


def with_lang(url: str, lang: str) -> str:
    if lang == "fr":
        return url
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


def audit(page, *, include=None) -> list[dict]:
    """axe-core on the page as it is now; returns serious/critical violations (id, impact, nodes)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/vendor/axe.min.js")
        page.wait_for_function("() => typeof window.axe !== 'undefined'")
    result = page.evaluate("""async (include) => {
        const r = await axe.run(include || document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').slice(0, 200))}));
    }""", include)
    return [v for v in result if v["impact"] in ("serious", "critical")]


def layout_problems(page, *, min_target=44) -> list[str]:
    """No horizontal scroll, visible controls at least ``min_target`` px in both directions (WCAG 2.5.5)."""
    settled(page)
    return page.evaluate("""(min) => {
        const out = [];
        const w = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > w + 1) out.push(`horizontal scroll: ${document.documentElement.scrollWidth} > ${w}`);
        const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=tab], [tabindex]:not([tabindex="-1"])';
        for (const n of document.querySelectorAll(sel)) {
            const r = n.getBoundingClientRect();
            if (!r.width || !r.height) continue;                      // hidden
            const cs = getComputedStyle(n);
            if (cs.visibility === 'hidden') continue;
            let box = r;
            // Visually hidden radios/checkboxes use their label as the target.
            if ((n.type === 'radio' || n.type === 'checkbox') && n.labels && n.labels[0]) {
                const lr = n.labels[0].getBoundingClientRect();
                if (lr.height >= box.height) box = {width: Math.max(lr.width, r.width), height: lr.height};
                if (n.type === 'checkbox' && r.width >= 24 && r.height >= 24) continue;  // label click widens it
            }
            // Inline links in running text are exempt (WCAG 2.5.8 inline exception).
            if (n.tagName === 'A' && cs.display === 'inline' && !n.classList.contains('btn')) continue;
            if (box.width < min - 0.5 || box.height < min - 0.5)
                out.push(`${n.tagName.toLowerCase()}#${n.id || ''}.${(n.className || '').toString().split(' ').join('.')} '${(n.textContent || n.value || '').trim().slice(0, 30)}' ${Math.round(box.width)}x${Math.round(box.height)}`);
        }
        return out;
    }""", min_target)


def settled(page):
    """Wait for the page's style sheets: a selector found after a form's navigation can come before them, and a
    layout measured then is the browser's unstyled one (a loaded machine makes that wait seconds long)."""
    page.wait_for_load_state("load")
    page.wait_for_function("[...document.querySelectorAll('link[rel=stylesheet]')].every((l) => l.sheet)")


def shot(page, name: str, full_page: bool = True):
    settled(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    if full_page:
        page.evaluate("window.scrollTo(0, 0)")  # a sticky header otherwise lands mid-page
    page.screenshot(path=str(SHOTS / f"{safe}.png"), full_page=full_page)


def decode_qr(png: bytes) -> str:
    """Independent decoder: Debian's zbarimg."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(png)
        f.flush()
        out = subprocess.run(["zbarimg", "--raw", "-q", f.name], capture_output=True, check=True, timeout=20)
    return out.stdout.decode().strip()


def wait_text(page, selector: str, text: str, timeout=15_000):
    # Always a function, never a string expression: Playwright evals a string on every poll,
    # which the page's CSP (no 'unsafe-eval') may refuse; a function is evaluated once.
    page.wait_for_function("([s, t]) => { const n = document.querySelector(s); return n && n.textContent.trim() === t; }",
                           arg=[selector, text], timeout=timeout)
