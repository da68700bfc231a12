"""Demo-loaded servers and geometry measurements for the phone and board screen tests.

``demo_server(tmp, scale)`` builds the deterministic demo workshop with ``python run.py demo --json`` and
serves it; the measurements are plain functions over a Playwright page returning what is wrong (empty
lists when all is well), so a failing assertion says what and where.
"""
from __future__ import annotations

import json
import subprocess
import sys

import requests

from tests.browser.helpers import SHOTS, shot
from tests.live import ROOT, Server


def demo_server(tmp_path, scale=1):
    data = tmp_path / "sessions"
    out = subprocess.run([sys.executable, "run.py", "demo", "--data-dir", str(data), "--scale", str(scale), "--json"],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=600)
    info = json.loads(out.stdout.strip().splitlines()[-1])
    srv = Server(data).start()
    organiser = requests.Session()
    organiser.post(srv.url(f"/api/w/{info['workshop']}/login/organiser"),
                   json={"password": info["organiser_password"]}).raise_for_status()
    info["organiser"] = organiser
    return srv, info


def state(srv, info):
    return info["organiser"].get(srv.url(f"/api/w/{info['workshop']}/state")).json()


def screenshot(page, name):
    shot(page, name)
    return SHOTS / f"{name}.png"


def horizontal_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


def rect(page, selector):
    return page.evaluate("""(s) => { const n = document.querySelector(s); if (!n) return null;
        const r = n.getBoundingClientRect(); return {x: r.left, y: r.top, w: r.width, h: r.height, b: r.bottom, r: r.right}; }""",
                         selector)


def overlaps(page, selectors) -> list[str]:
    """Pairs of the named (visible) regions whose boxes intersect by more than a pixel."""
    return page.evaluate("""(sels) => {
        const boxes = sels.map((s) => { const n = document.querySelector(s); if (!n) return null;
            const r = n.getBoundingClientRect(); return r.width && r.height ? [s, r] : null; }).filter(Boolean);
        const out = [];
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
            const [a, p] = boxes[i]; const [b, q] = boxes[j];
            const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
            const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
            if (w > 1 && h > 1) out.push(`${a} overlaps ${b} (${Math.round(w)}x${Math.round(h)})`);
        }
        return out; }""", selectors)


def outside_viewport(page, selectors) -> list[str]:
    return page.evaluate("""(sels) => sels.filter((s) => {
        const n = document.querySelector(s); if (!n) return true;
        const r = n.getBoundingClientRect();
        return !r.width || r.top < -0.5 || r.left < -0.5 || r.bottom > innerHeight + 0.5 || r.right > document.documentElement.clientWidth + 0.5;
    })""", selectors)


CLIP_SELECTOR = ("label, legend, button, [role=tab], summary, h1, h2, h3:not(.card-title), .tag, .badge, th, "
                 ".btn, .choice .name, .choice .muted, .ws-name, .me, .kicker, .org-status")


def clipped_texts(page, selector=CLIP_SELECTOR, exempt=("a.brand",)) -> list[str]:
    """Visible labels whose text is cut by their box (scrollWidth > clientWidth), e.g. a nowrap label too wide."""
    return page.evaluate("""([sel, exempt]) => {
        const out = [];
        for (const n of document.querySelectorAll(sel)) {
            if (exempt.some((e) => n.matches(e))) continue;
            const r = n.getBoundingClientRect();
            if (!r.width || !r.height || getComputedStyle(n).visibility === 'hidden') continue;
            if (n.closest('.visually-hidden, [hidden]')) continue;
            if (n.scrollWidth > n.clientWidth + 1)
                out.push(`${n.tagName.toLowerCase()}${n.id ? '#' + n.id : ''}.${String(n.className).split(' ').join('.')} '${n.textContent.trim().slice(0, 40)}' ${n.scrollWidth}>${n.clientWidth}`);
        }
        return out; }""", [selector, list(exempt)])


def words_broken(page, selector) -> list[str]:
    """Words (between spaces and hyphens) drawn on two lines inside the matching elements."""
    return page.evaluate("""(sel) => {
        const out = [];
        for (const n of document.querySelectorAll(sel)) {
            if (!n.getBoundingClientRect().width) continue;
            const walker = document.createTreeWalker(n, NodeFilter.SHOW_TEXT);
            for (let t = walker.nextNode(); t; t = walker.nextNode()) {
                const re = /[^\\s\\-\\u2010\\u2011]+/g; let m;
                while ((m = re.exec(t.data))) {
                    const range = document.createRange(); range.setStart(t, m.index); range.setEnd(t, m.index + m[0].length);
                    const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
                    if (tops.size > 1) out.push(m[0]);
                }
            }
        }
        return out; }""", selector)
