"""Shared browser fixtures: Debian's chromium driven by Playwright.

``browser`` is one headless chromium per test worker; ``new_page(browser,
width, height, mobile=False)`` opens a fresh context (own cookies) with that
viewport, touch enabled for mobile/tablet pages. Pages collect console
errors in ``page.errors`` so a test can assert a clean run.
"""
from __future__ import annotations

from tests.conftest import ARGS, CHROMIUM  # noqa: F401 (kept importable from here)

# ``playwright_instance`` and ``browser`` live in tests/conftest.py: one definition for every folder, so a
# worker that runs browser tests from two folders starts Playwright once (a second sync instance in the
# same thread fails with "Sync API inside the asyncio loop").


def new_page(browser, width=1280, height=800, mobile=False, *, touch=None, locale="fr-FR"):
    """A page in a fresh context; ``mobile`` sets is_mobile and touch, ``touch`` alone enables touch."""
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=bool(mobile),
                                  has_touch=bool(mobile if touch is None else touch), locale=locale)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    return page
