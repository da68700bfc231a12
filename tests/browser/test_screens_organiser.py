"""The organiser's page holds the demo workshop: the live moment on the first screen, the rest one tap away.

At 1366x768 the join QR and code, the live counters, the intake switch and the current
step are above the fold; at every size no horizontal scroll, no two regions overlapping,
no label cut. Each section is a tab; the steps show the true state; one intake button.
Screenshots of every size and every section land in test-artifacts/screenshots/.
"""
from __future__ import annotations

import pytest

from tests.browser import geometry as G
from tests.browser.demo import SIZES, demo_server, sign_in_organiser
from tests.browser.helpers import SHOTS, layout_problems, shot

pytestmark = pytest.mark.timeout(300)

REGIONS = [".join-card", ".counters-card", ".intake-card", ".guide", ".org-tabs"]
ABOVE_FOLD = ["#join-qr", "#join-code", "#counters", "#intake-toggle", "#intake-state", "#steps li[aria-current=step]"]
SECTIONS = ["facilitators", "b2b", "documents", "imports", "workshop"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with demo_server(tmp_path_factory) as (srv, info):
        yield srv, info


@pytest.fixture(scope="module")
def org_page(browser, demo):
    srv, info = demo
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    sign_in_organiser(page, srv, info)
    yield page
    ctx.close()


def _settle(page, w, h):
    page.set_viewport_size({"width": w, "height": h})
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(150)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_organiser_page_fits(org_page, size):
    page = org_page
    w, h = size
    page.click("#tab-facilitators")
    _settle(page, w, h)
    shot(page, f"organiser-fr-{w}x{h}", full_page=False)
    print(f"screenshots: {SHOTS}")
    assert G.no_horizontal_scroll(page), G.horizontal_overflow(page)
    assert not G.missing(page, REGIONS)
    assert not G.overlaps(page, REGIONS)
    assert not G.clipped_texts(page, "main")
    assert not layout_problems(page)
    if w >= 1280:  # laptops and projectors: the live moment fits the first screen
        for sel in ABOVE_FOLD:
            assert not G.outside_viewport(page, sel), sel
        assert not G.outside_viewport(page, "#org-tabs [role=tab]")
    # The page is not one long scroll: live strip + one section.
    assert page.evaluate("document.documentElement.scrollHeight") < 4 * h
    assert not page.errors


@pytest.mark.parametrize("section", SECTIONS)
def test_every_section_is_one_tap_away(org_page, section):
    page = org_page
    _settle(page, 1366, 768)
    page.click(f"#tab-{section}")
    page.wait_for_selector(f"#sec-{section}:not([hidden])")
    assert page.get_attribute(f"#tab-{section}", "aria-selected") == "true"
    others = [s for s in SECTIONS if s != section]
    assert all(page.is_hidden(f"#sec-{s}") for s in others)
    assert f"s={section}" in page.url
    if section == "b2b":
        page.wait_for_selector("#b2b-list tr td strong")
    shot(page, f"organiser-fr-section-{section}-1366x768", full_page=True)
    assert G.no_horizontal_scroll(page), G.horizontal_overflow(page)
    assert not G.clipped_texts(page, f"#sec-{section}")
    # A deep link opens the same section.
    page.goto(page.url)
    page.wait_for_selector("body.organiser[data-ready='1']")
    assert page.is_visible(f"#sec-{section}") and page.is_hidden(f"#sec-{others[0]}")


def test_tabs_work_with_the_keyboard(org_page):
    page = org_page
    page.click("#tab-facilitators")
    page.focus("#tab-facilitators")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-b2b"
    assert page.is_visible("#sec-b2b")
    page.keyboard.press("End")
    assert page.evaluate("document.activeElement.id") == f"tab-{SECTIONS[-1]}"


def test_b2b_contacts_list_every_party(org_page, demo):
    srv, info = demo
    page = org_page
    page.click("#tab-b2b")
    page.wait_for_selector("#b2b-list tr td strong")
    data = info["session"].get(srv.url(f"/api/w/{info['workshop']}/b2b")).json()["ideas"]
    assert page.locator("#b2b-list tr").count() == len(data) == info["stats"]["b2b"]
    assert page.text_content("#b2b-count") == f"({len(data)} idées)"
    text = page.text_content("#b2b-list")
    for idea in data:
        for o in idea["organisations"]:
            for v in (o.get("name"), o.get("email"), o.get("phone")):
                if v:
                    assert v in text, v


def test_exports_grouped_by_purpose_with_plain_words(org_page):
    page = org_page
    page.click("#tab-documents")
    groups = page.locator("#exports .export-group h3").all_text_contents()
    assert groups == ["À envoyer aux participant·es", "Pour l’équipe et le suivi", "À imprimer avant l’atelier"]
    assert "Le livret complet de l’atelier, à envoyer aux participant·es" in page.text_content("#ed-pdf-public")
    # Every visible export has a sentence; no jargon outside the advanced fold.
    for link in page.locator("#exports a[data-export]").all():
        desc = page.text_content(f"#ed-{link.get_attribute('data-export')}")
        assert len(desc) > 30
        assert not any(j in link.text_content() for j in ("ZIP", "JSON", "CSV"))
    assert page.is_hidden("#exports-advanced a[data-export=json]")
    page.click("#exports-advanced summary")
    assert page.is_visible("#exports-advanced a[data-export=json]") and page.is_visible("#exports-advanced a[data-export=csv]")


def test_steps_show_the_true_state_and_one_intake_button(browser, demo):
    srv, info = demo
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    page = ctx.new_page()
    sign_in_organiser(page, srv, info)
    s = info["session"]
    base = srv.url(f"/api/w/{info['workshop']}")
    try:
        assert page.text_content("#intake-state") == "Ouverte"
        assert page.get_attribute("#steps li[data-step=intake]", "data-state") == "done"
        assert page.get_attribute("#steps li[data-step=close]", "data-state") != "done"
        page.click("#intake-toggle")
        page.wait_for_selector("#steps li[data-step=close][data-state=done]")
        assert page.text_content("#intake-state") == "Fermée"
        assert not s.get(base + "/state").json()["workshop"]["intake_open"]
        # After closing: one button reopens, nothing else on the page does the same.
        buttons = [b.strip() for b in page.locator("main button:visible, main a.btn:visible").all_text_contents()]
        assert sum("saisie" in b.lower() for b in buttons) == 1, buttons
        assert page.text_content("#intake-toggle") == "Rouvrir la saisie"
        page.click("#intake-toggle")
        page.wait_for_selector("#steps li[data-step=close]:not([data-state=done])")
        assert s.get(base + "/state").json()["workshop"]["intake_open"]
    finally:
        s.post(base + "/intake", json={"open": True})
        ctx.close()
