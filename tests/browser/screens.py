"""What the phone and board screen tests share on top of ``tests.browser.geometry`` and ``tests.browser.demo``:
the labels whose text must never be cut, the API state as the organiser sees it, and named screenshots.

Card titles and sheet descriptions are shortened on purpose (two lines at most, the full text in the
details and the ``title`` attribute), so the clipping check looks at labels: form labels, buttons, tabs,
headings, tags and badges, choices, the workshop's full name, and everything inside them.
"""
from __future__ import annotations

from tests.browser import geometry
from tests.browser.helpers import SHOTS, context, open_page, shot
from tests.live import uid

PHONES = {"360x740": (360, 740), "390x844": (390, 844)}

LABELS = ("label, legend, button, [role=tab], summary, h1, h2, h3:not(.card-title), .tag, .badge, .card-tags, "
          ".choice .name, .choice .muted, .ws-name, .me, .kicker, .org-status, .menu-item")


def labels_clipped(page, selector: str = LABELS) -> list[str]:
    """Labels cut by their own box (scrollWidth > clientWidth) or by an ancestor that clips."""
    return geometry.clipped_texts(page, selector)


def state(srv, info) -> dict:
    return info["session"].get(srv.url(f"/api/w/{info['workshop']}/state")).json()


def screenshot(page, name):
    shot(page, name)
    return SHOTS / f"{name}.png"


def not_in_view(page, selectors: list[str]) -> list[str]:
    """The named elements that are missing, hidden, or not wholly inside the viewport right now."""
    return geometry.missing(page, selectors) + geometry.outside_viewport(page, ", ".join(selectors))


def phone(browser, size="360x740"):
    """A phone's page (touch, mobile viewport) that answers yes to every confirm ("Vous représentez … ?")."""
    w, h = PHONES[size]
    page = open_page(context(browser, {"viewport": {"width": w, "height": h}, "is_mobile": True, "has_touch": True}))
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.accept()))
    return page


def join(page, srv, info):
    page.goto(srv.url(f"/j/{info['code']}"))
    page.wait_for_selector("#join:not([hidden]) #org-list .choice")
    return page


def enter(page, srv, info, org=None):
    """A phone that creates its own organisation (joining an existing one now asks its members first)."""
    join(page, srv, info)
    page.click("#new-org summary")
    page.fill("#f-name", org or f"{uid()[:8]} {uid()[:8]}")  # unlike any other name: no proposal to answer
    page.click("#org-form button[type=submit]")
    page.wait_for_selector("#space:not([hidden])")
    return page
