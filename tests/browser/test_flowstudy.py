"""Flow studies in chromium at 1366×768 with the demo workshop: from the territory view the organiser
creates the territory's book of flow studies, records a company visit with its sheets (a wrong quantity
first: a French message next to it, nothing saved), and finds the visit's sheets in the territory's
resource base and in the suggestions across files."""
from __future__ import annotations

import pytest

from tests.browser.conftest import new_page
from tests.browser.helpers import audit, layout_problems, shot
from tests.browser.test_followup import demo, sign_in_organiser  # noqa: F401 - the demo workshop (a fixture)

pytestmark = pytest.mark.timeout(400)


def untranslated(page) -> list[str]:
    import re

    return re.findall(r"\b(?:fs|fu|followup|err|cat|unit|freq|sheet_kind)\.[a-z_]+\b", page.inner_text("body"))


def test_a_visit_from_the_territory_view_to_the_suggestions(browser, demo):  # noqa: F811
    srv, info = demo
    page = new_page(browser, 1366, 768)
    try:
        sign_in_organiser(page, srv, info)
        page.goto(srv.url(f"/w/{info['code']}/territory"))
        assert page.locator("#t-books").count() == 1
        with page.expect_navigation():
            page.click("#book-create")
        assert page.url.endswith("/visits")
        assert page.inner_text("h1") == "Études de flux : visites d’entreprises"
        assert page.locator("#visits-empty").count() == 1
        assert layout_problems(page) == [] and untranslated(page) == [] and audit(page) == []
        shot(page, "flowstudy-visits-1366x768", full_page=True)
        book_code = page.url.split("/w/")[1].split("/")[0]

        page.fill("#organisation_name", "Scierie du Bocage")
        page.fill("#commune", "Cholet")
        page.fill("#date", "2026-11-20")
        page.fill("#visited_by", "Claire (PTCE)")
        page.fill("#source", "Visite sur site")
        page.select_option("#s0-kind", "offer")
        page.select_option("#s0-category", "packaging")
        page.fill("#s0-title", "Palettes bois réemployables")
        page.fill("#s0-quantity", "300")
        page.select_option("#s0-unit", "pallets")
        page.select_option("#s1-kind", "need")
        page.select_option("#s1-category", "equipment")
        page.fill("#s1-title", "Benne pour la sciure")
        page.fill("#s1-quantity", "-2")
        with page.expect_navigation():
            page.click("#visit-save")
        assert "0" in page.inner_text("#err-row-1-quantity") and page.locator("#fs-error").count() == 1
        assert page.inner_text("#fs-error a") == "Quantité (fiche 2) : Minimum : 0."
        shot(page, "flowstudy-visit-error-1366x768", full_page=False)
        page.click("#fs-error a")  # the summary leads to the field
        shot(page, "flowstudy-visit-error-field-1366x768", full_page=False)
        assert page.evaluate("document.activeElement.id") == "s1-quantity"
        assert page.input_value("#s0-title") == "Palettes bois réemployables"  # nothing typed is lost
        assert page.locator("#visits > li").count() == 0                      # nothing saved
        page.fill("#s1-quantity", "1")
        with page.expect_navigation():
            page.click("#visit-save")
        assert page.inner_text("#fs-notice") == "Visite enregistrée avec ses fiches."
        visit = page.locator("#visits > li").first
        assert "Scierie du Bocage" in visit.inner_text() and "Palettes bois réemployables" in visit.inner_text()
        assert "Visite du 2026-11-20 par Claire (PTCE)" in visit.inner_text()
        assert layout_problems(page) == [] and untranslated(page) == []

        # the territory view: in the resource base with its visit, and suggested to the demo's needs
        page.goto(srv.url(f"/w/{info['code']}/territory"))
        base = page.locator("#t-base tr.from-visit")
        assert base.count() == 2 and "Visite du 2026-11-20" in base.first.inner_text()
        rows = page.locator("#t-suggestions tbody tr", has_text="Palettes bois réemployables")
        assert rows.count() >= 1
        assert info["code"] != book_code and "Études de flux" in rows.first.inner_text()
        assert layout_problems(page) == [] and untranslated(page) == []
        page.locator("#t-across").scroll_into_view_if_needed()
        shot(page, "flowstudy-territory-1366x768", full_page=False)
        assert page.errors == [] or all("422" in e for e in page.errors)
    finally:
        page.context.close()
