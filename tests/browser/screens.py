"""What the phone and board screen tests share on top of ``tests.browser.geometry`` and ``tests.browser.demo``:
the labels whose text must never be cut, the API state as the organiser sees it, and named screenshots.

Card titles and sheet descriptions are shortened on purpose (two lines at most, the full text in the
details and the ``title`` attribute), so the clipping check looks at labels: form labels, buttons, tabs,
headings, tags and badges, choices, the workshop's full name, and everything inside them.
"""
from __future__ import annotations

from tests.browser import geometry
from tests.browser.helpers import SHOTS, shot

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
