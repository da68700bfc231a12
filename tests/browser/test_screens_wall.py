"""The projector wall holds the demo workshop (the real event's size) on every projector.

Geometry, not pixels: at each size no scroll either way, no two regions overlapping,
every region inside the viewport, no text cut by its box, no category name broken
mid-word, and the smallest text readable from the back of the room (24 px at 1280x720).
Screenshots of every size land in test-artifacts/screenshots/ (path printed).
"""
from __future__ import annotations

import pytest

from tests.browser import geometry as G
from tests.browser.demo import SIZES, demo_server
from tests.browser.helpers import SHOTS, shot

pytestmark = pytest.mark.timeout(300)

REGIONS = [".wall-top", ".wall-counters", ".wall-status", ".wall-cats", ".wall-feed", ".wall-join"]
MUST_SHOW = [*REGIONS, "#join-qr", "#join-code", ".join-url", "[data-stat=organisations]", "[data-stat=sheets]",
             "[data-stat=ideas]", "[data-stat=b2b]", "[data-status=new]", "[data-status=explore]",
             "[data-status=soon]", "[data-status=abandoned]", "#by-category li", "#feed li"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with demo_server(tmp_path_factory) as (srv, info):
        yield srv, info


@pytest.fixture(scope="module")
def wall_page(browser, demo):
    srv, info = demo
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(info["wall_url"])
    page.wait_for_selector("body.wall[data-ready='1']")
    page.wait_for_selector("#conn[data-state=online]", state="attached")
    yield page
    ctx.close()


def resize(page, w, h):
    page.set_viewport_size({"width": w, "height": h})
    page.wait_for_timeout(250)  # the wall re-fits its lists 100 ms after a resize
    page.wait_for_function("() => document.querySelectorAll('#feed li').length > 0")


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_wall_fits_every_projector(wall_page, demo, size):
    page = wall_page
    w, h = size
    resize(page, w, h)
    shot(page, f"wall-fr-{w}x{h}", full_page=False)
    print(f"screenshots: {SHOTS}")
    assert G.no_horizontal_scroll(page), G.horizontal_overflow(page)
    assert G.no_vertical_scroll(page), G.vertical_overflow(page)
    assert not G.missing(page, MUST_SHOW)
    assert not G.overlaps(page, REGIONS)
    for sel in MUST_SHOW:
        assert not G.outside_viewport(page, sel), sel
    assert not G.clipped_texts(page, "body")
    assert not G.words_broken(page, "#by-category .bar-label, .wall-big dt, .wall-statuses dt")
    # The counters are the room's numbers, not placeholders.
    stats = demo[1]["stats"]
    assert page.text_content("[data-stat=ideas]").replace("\u202f", "").replace("\xa0", "") == str(stats["ideas"])
    # Full category names, and as many as the screen holds; the rest counted, not dropped silently.
    shown = page.locator("#by-category li[data-cat]").count()
    cats = [c for c, v in stats["by_category"].items() if v["sheets"] + v["ideas"]]
    assert shown >= min(4, len(cats))
    if shown < len(cats):
        more = page.text_content("#by-category li.more")
        assert str(len(cats) - shown) in more and "autre" in more
    labels = page.locator("#by-category .bar-label").all_text_contents()
    assert all(not lab.endswith("…") for lab in labels)
    assert "Déchets et coproduits" in labels or len(labels) < len(cats)
    # What a projector does not need.
    assert page.locator(".langs").count() == 0
    assert G.missing(page, ["#conn"]), "no connection pill while online"
    size_px, where = G.min_font_size(page, "body")
    if (w, h) == (1280, 720):
        assert size_px >= 24, where
    assert size_px >= 18, where
    assert not page.errors


def test_wall_scales_with_the_screen(wall_page):
    """Sizes follow the viewport: the 4K wall is the 1080p wall twice as big, not the same pixels."""
    page = wall_page
    sizes = {}
    for w, h in [(1920, 1080), (3840, 2160)]:
        resize(page, w, h)
        sizes[w] = (G.min_font_size(page, "body")[0], G.boxes(page, ["#join-qr"])["#join-qr"]["width"])
    assert sizes[3840][0] >= 1.9 * sizes[1920][0]
    assert sizes[3840][1] >= 1.9 * sizes[1920][1]
