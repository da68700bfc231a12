"""What a walk through every screen with the demo workshop (and its 10x) found, kept from coming back:
the organiser's B2B contacts keep each phone number on one line, the B2B wall says the meetings are not
planned yet instead of "Terminé", the territory view reads French (numbers, dates, unbroken badges), the
follow-up list comes a page at a time at 10x, the B2B planner carries the workshop's name and the paper
entry's empty list says what it is for."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import new_page
from tests.browser.demo import demo_server, sign_in_organiser
from tests.browser.geometry import horizontal_overflow, outside_viewport, words_broken
from tests.browser.screens import screenshot, state

pytestmark = pytest.mark.timeout(500)
LAPTOPS = [(1366, 768), (1024, 768)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with demo_server(tmp_path_factory) as (srv, info):
        yield srv, info


def organiser(browser, srv, info, w, h):
    page = new_page(browser, w, h)
    sign_in_organiser(page, srv, info)
    return page


# Every French phone number in the B2B contacts, with the number of lines it is drawn on.
PHONE_LINES = r"""() => {
  const out = [];
  const re = /0\d(?:[ \u00a0.]\d\d){4}/g;
  for (const p of document.querySelectorAll('#b2b-list .party')) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (const m of n.textContent.matchAll(re)) {
        const r = document.createRange();
        r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
        const tops = new Set(Array.from(r.getClientRects()).map((b) => Math.round(b.top)));
        out.push([m[0], tops.size]);
      }
    }
  }
  return out;
}"""


@pytest.mark.parametrize("w,h", LAPTOPS)
def test_b2b_contacts_never_break_a_phone_number(browser, demo, w, h):
    srv, info = demo
    page = organiser(browser, srv, info, w, h)
    try:
        page.goto(srv.url(f"/w/{info['code']}/organiser?s=b2b"))
        page.wait_for_function("(n) => document.querySelectorAll('#b2b-list tr').length === n", arg=info["stats"]["b2b"])
        phones = page.evaluate(PHONE_LINES)
        with_phone = {o["phone"] for i in info["session"].get(srv.url(f"/api/w/{info['workshop']}/b2b")).json()["ideas"]
                      for o in i["organisations"] if o.get("phone")}
        assert len({p for p, _ in phones}) == len(with_phone) > 20
        assert [p for p, lines in phones if lines != 1] == []
        assert horizontal_overflow(page) == 0
        screenshot(page, f"walk-org-b2b-{w}x{h}")
    finally:
        page.context.close()


@pytest.mark.parametrize("w,h", [(1280, 720), (1920, 1080)])
@pytest.mark.parametrize("lang,unplanned", [("fr", "Pas encore planifiés"), ("en", "Not planned yet")])
def test_b2b_wall_says_not_planned_yet(browser, demo, w, h, lang, unplanned):
    srv, info = demo
    assert not [m for m in info["session"].get(srv.url(f"/api/w/{info['workshop']}/meetings")).json()["meetings"]
                if m.get("slot") is not None]  # the demo's meetings are requested, none placed
    page = new_page(browser, w, h)
    try:
        page.goto(srv.url(f"/w/{info['code']}/wall/b2b?t={info['projector_token']}&lang={lang}"))
        page.wait_for_function("() => document.getElementById('wb-clock').textContent !== '--:--'")
        assert page.text_content("#wb-clock") == unplanned
        assert page.text_content("#wb-label").strip()
        assert "Terminé" not in page.text_content("body") and "Over" not in page.text_content("#wb")
        assert outside_viewport(page, "#wb-clock, #wb-label, .wb-head h1") == []
        assert horizontal_overflow(page) == 0
        screenshot(page, f"walk-wall-b2b-{lang}-{w}x{h}")
    finally:
        page.context.close()


FRENCH_NUMBER = re.compile(r"^\d{1,3}(?:\u00a0\d{3})*(?:,\d+)?$")


@pytest.mark.parametrize("w,h", LAPTOPS)
def test_territory_view_reads_french(browser, demo, w, h):
    srv, info = demo
    page = organiser(browser, srv, info, w, h)
    try:
        page.goto(srv.url(f"/w/{info['code']}/territory"))
        figures = page.eval_on_selector_all("#t-impact .n", "ns => ns.map((n) => n.textContent.trim())")
        assert len(figures) == 6 and all(FRENCH_NUMBER.match(f) for f in figures), figures
        quantities = page.eval_on_selector_all("#t-base tbody td:nth-child(3)", "ns => ns.map((n) => n.textContent.trim())")
        assert len(quantities) > 100
        bad = [q for q in quantities if q and not FRENCH_NUMBER.match(q.split(" ")[0])]
        assert bad == [], bad[:5]
        assert page.text_content("#t-workshops tbody td") == "12 mars 2026"
        assert re.match(r"^\d{1,2}(er)? \w+ \d{4} · En retard$", page.text_content("#t-followed td.due-overdue"))
        assert words_broken(page, "#t-base .tag, #t-followed .status, #t-workshops td, #t-followed td.due-overdue") == []
        assert horizontal_overflow(page) == 0
        screenshot(page, f"walk-territory-{w}x{h}")
    finally:
        page.context.close()


def test_planner_and_paper_entry_say_where_you_are(browser, demo):
    srv, info = demo
    page = organiser(browser, srv, info, 1366, 768)
    try:
        page.goto(srv.url(f"/w/{info['code']}/meetings"))
        assert page.text_content(".topbar .brand").strip() == state(srv, info)["workshop"]["name"]
    finally:
        page.context.close()
    fac = next(f for f in state(srv, info)["facilitators"] if f["table_no"] == 1)
    page = new_page(browser, 1024, 768, touch=True)
    try:
        page.goto(srv.url(f"/w/{info['code']}/facilitator/paper?code={fac['code']}"))
        page.click("form button[type=submit]")
        page.wait_for_selector("body[data-ready='1']")
        assert page.is_visible("#p-recent-empty")
        assert "Aucune fiche saisie ici" in page.text_content("#p-recent-empty")
        page.fill("#p-org", "Scierie Pineau")
        page.select_option("#p-cat", "waste")
        page.fill("#p-title", "Sciure en sacs")
        page.keyboard.press("Enter")
        page.wait_for_selector("#p-recent li .state.saved")
        assert not page.is_visible("#p-recent-empty")
    finally:
        page.context.close()


# -- 10x: 870 ideas followed ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo10(tmp_path_factory):
    with demo_server(tmp_path_factory, scale=10) as (srv, info):
        yield srv, info


def test_followup_at_10x_comes_a_page_at_a_time(browser, demo10):
    srv, info = demo10
    followed = len(info["session"].get(srv.url(f"/api/w/{info['workshop']}/followup")).json()["ideas"])
    assert followed == 870
    page = organiser(browser, srv, info, 1366, 768)
    try:
        page.goto(srv.url(f"/w/{info['code']}/followup"))
        page.wait_for_selector("body[data-ready='1']", timeout=60_000)
        assert page.locator("#fu-list > li").count() == 100
        assert page.inner_text("#fu-count") == "870 idée(s) sur 870"
        assert page.inner_text("#fu-more") == "Afficher 100 idées de plus (770 restantes)"
        tall = page.evaluate("document.documentElement.scrollHeight")
        assert tall < 20 * 768, tall  # a long page, not an endless one (all 870 rows: ~119,000 px)
        page.click("#fu-more")
        assert page.locator("#fu-list > li").count() == 200
        # a filter starts again from one page, and the button goes when all fit
        page.select_option("#fstatus", "abandoned")
        assert page.locator("#fu-list > li").count() == 90 and page.is_hidden("#fu-more")
        page.select_option("#fstatus", "")
        assert page.locator("#fu-list > li").count() == 100
        assert horizontal_overflow(page) == 0
        assert page.errors == []
        screenshot(page, "walk-followup-10x-1366x768")
    finally:
        page.context.close()
