"""The follow-up board and the year's report page in chromium, with the demo workshop (87 B2B ideas):
laid out at 1366×768 and 1024×768, filters, a contact logged in the panel, and live figures when a
facilitator carries an idea out elsewhere."""
from __future__ import annotations

import pytest
import requests

from tests.browser.conftest import new_page
from tests.browser.demo import demo_server
from tests.browser.helpers import audit, layout_problems, shot
from tests.live import uid

pytestmark = pytest.mark.timeout(400)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with demo_server(tmp_path_factory) as (srv, info):
        s = info["session"]
        s.post(srv.url(f"/api/w/{info['workshop']}/phase"), json={"phase": "followup"}).raise_for_status()
        yield srv, info


def api(srv, info, path):
    return srv.url(f"/api/w/{info['workshop']}{path}")


def sign_in_organiser(page, srv, info):
    """Through the organiser's login form, as a person does."""
    page.goto(info["organiser_url"])
    page.fill("#password", info["organiser_password"])
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.locator("body.organiser").count() == 1


def untranslated(page) -> list[str]:
    """Catalogue keys shown as such (a key missing from the page's catalogue)."""
    import re

    return re.findall(r"\b(?:fu|followup|channel|stage|status|js|err)\.[a-z_]+\b", page.inner_text("body"))


def board_page(browser, srv, info, w, h):
    page = new_page(browser, w, h)
    sign_in_organiser(page, srv, info)
    page.goto(srv.url(f"/w/{info['code']}/followup"))
    page.wait_for_selector("body[data-ready='1']")
    return page


@pytest.mark.parametrize("w,h", [(1366, 768), (1024, 768), (360, 740), (1280, 720), (1920, 1080)])
def test_board_lays_out_and_filters(browser, demo, w, h):
    srv, info = demo
    board = info["session"].get(api(srv, info, "/followup")).json()
    assert len(board["ideas"]) == 87
    page = board_page(browser, srv, info, w, h)
    try:
        assert page.locator("#fu-list > li").count() == 87
        assert layout_problems(page) == []
        assert untranslated(page) == []
        assert page.inner_text("#fu-count") == "87 idée(s) sur 87"
        shot(page, f"followup-board-{w}x{h}", full_page=False)
        if w < 700:  # a phone shows the counters first: the list is further down
            page.locator("#fu-list").scroll_into_view_if_needed()
            shot(page, f"followup-board-list-{w}x{h}", full_page=False)
        first = page.locator("#fu-list > li").first.bounding_box()
        assert first["x"] >= 0 and first["x"] + first["width"] <= w
        # every row on the same columns, whatever the width of its status badge
        lefts = page.evaluate("""() => [...document.querySelectorAll('#fu-list > li')].map((li) =>
            [...li.children].map((c) => Math.round(c.getBoundingClientRect().left)))""")
        statuses = {i["status"] for i in board["ideas"]}
        assert len(statuses) >= 3, statuses
        for col in range(len(lefts[0])):
            assert len({row[col] for row in lefts}) == 1, (col, sorted({row[col] for row in lefts}))
        # filters: overdue, then one status, then mine-of-nobody
        overdue = sum(1 for i in board["ideas"] if i["due_state"] == "overdue")
        page.select_option("#fdue", "overdue")
        assert page.locator("#fu-list > li").count() == overdue
        page.select_option("#fdue", "")
        page.select_option("#fstatus", "soon")
        assert page.locator("#fu-list > li").count() == sum(1 for i in board["ideas"] if i["status"] == "soon") == 14
        assert page.locator(".fu-item.s-soon").count() == 14
        page.select_option("#fstatus", "")
        zone = next(i["zone"] for i in board["ideas"] if i["zone"])
        page.select_option("#fzone", zone)
        assert page.locator("#fu-list > li").count() == sum(1 for i in board["ideas"] if i["zone"] == zone)
        assert page.errors == []
    finally:
        page.context.close()


def test_a_reconnect_redraws_nothing_a_change_redraws_the_list(browser, demo):
    """The board reloads after every (re)connect; when nothing changed it must not redraw the list under the
    user's hand (a click, a scroll or a measure lands on a row that is no longer there)."""
    srv, info = demo
    page = board_page(browser, srv, info, 1366, 768)
    try:
        page.wait_for_selector("#conn[data-state='online']")
        probe = "() => { const li = document.querySelector('#fu-list > li'); return li && li.dataset.probe === '1'; }"
        page.evaluate("document.querySelector('#fu-list > li').dataset.probe = '1'")
        page.context.set_offline(True)
        page.wait_for_selector("#conn[data-state='offline']")
        with page.expect_response(lambda r: r.url.endswith("/followup") and r.status == 200, timeout=20_000):
            page.context.set_offline(False)
        page.wait_for_timeout(300)
        assert page.evaluate(probe), "the list was redrawn though nothing had changed"
        # a real change redraws it
        s = info["session"]
        idea = s.get(api(srv, info, "/followup")).json()["ideas"][-1]
        r = s.post(api(srv, info, f"/followup/ideas/{idea['id']}/contacts"),
                   json={"id": uid(), "date": "2026-12-03", "channel": "email", "summary": "Relance envoyée"})
        assert r.status_code in (200, 201), r.text
        page.wait_for_function(f"() => !({probe})()", timeout=20_000)
        assert [e for e in page.errors if "ERR_INTERNET_DISCONNECTED" not in e] == []  # what failed offline
    finally:
        page.context.close()


def test_a_contact_from_the_panel_and_live_figures(browser, demo):
    srv, info = demo
    page = board_page(browser, srv, info, 1366, 768)
    try:
        assert audit(page) == []
        page.locator("#fu-list > li .fu-open").first.click()
        page.wait_for_selector("#fu-panel:not([hidden])")
        title = page.inner_text("#fu-panel-h")
        page.fill("#fc-date", "2026-12-02")
        page.select_option("#fc-channel", "phone")
        page.fill("#fc-summary", "Appel : d’accord pour un essai en janvier")
        page.fill("#fc-next", "Essai de livraison")
        page.fill("#fc-due", "2099-01-05")
        page.click("#fc-save")
        # the idea may have contacts already (other tests share the demo): wait for this one
        page.wait_for_function("() => document.querySelector('#fu-contact-list').textContent.includes("
                               "'d’accord pour un essai')", timeout=15_000)
        row = page.locator(".fu-item", has_text=title).first
        row.wait_for()
        page.wait_for_function("(t) => [...document.querySelectorAll('.fu-item')].some(li => "
                               "li.textContent.includes(t) && li.textContent.includes('Essai de livraison'))", arg=title)
        assert audit(page, include="#fu-panel") == []
        assert untranslated(page) == []
        shot(page, "followup-panel-1366x768", full_page=False)

        # elsewhere, a facilitator carries an idea out with its figures: the organiser's figures follow live
        s = info["session"]
        board = s.get(api(srv, info, "/followup")).json()
        before_done = int(page.inner_text("[data-fig='done']"))
        idea = next(i for i in board["ideas"] if i["status"] == "soon" and i["facilitator_id"])
        fac = next(f for f in board["facilitators"] if f["id"] == idea["facilitator_id"])
        fs = requests.Session()
        fs.post(api(srv, info, "/login/facilitator"), json={"code": fac["code"]}).raise_for_status()
        r = fs.patch(api(srv, info, f"/followup/ideas/{idea['id']}"), json={"version": idea["version"], "status": "done"})
        assert r.status_code == 200, r.text
        r = fs.put(api(srv, info, f"/followup/ideas/{idea['id']}/impact/actual"), json={"tonnes": 40, "material": "wood"})
        assert r.status_code == 200, r.text
        page.wait_for_function("(n) => Number(document.querySelector(\"[data-fig='done']\").textContent) === n",
                               arg=before_done + 1, timeout=20_000)
        page.wait_for_function("() => document.querySelector(\"[data-fig='co2']\").textContent.startsWith('12')",
                               timeout=20_000)
        assert page.errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("w,h", [(1366, 768), (1024, 768)])
def test_report_page_charts_and_figures(browser, demo, w, h):
    srv, info = demo
    s = info["session"]
    board = s.get(api(srv, info, "/followup")).json()
    if not board["figures"]["impact"]["actual"]["ideas"]:  # one idea carried out, with its figures
        idea = next(i for i in board["ideas"] if i["status"] == "soon")
        s.patch(api(srv, info, f"/followup/ideas/{idea['id']}"), json={"version": idea["version"],
                                                                       "status": "done"}).raise_for_status()
        s.put(api(srv, info, f"/followup/ideas/{idea['id']}/impact/actual"),
              json={"tonnes": 12, "material": "cardboard"}).raise_for_status()
    page = new_page(browser, w, h)
    try:
        sign_in_organiser(page, srv, info)
        page.goto(srv.url(f"/w/{info['code']}/followup/report"))
        figs = info["session"].get(api(srv, info, "/followup")).json()["figures"]
        for k in ("organisations", "sheets", "ideas", "b2b", "followed"):
            assert page.inner_text(f"[data-key='{k}']").replace("\u00a0", "") == str(figs[k])
        for s in ("explore", "soon", "abandoned", "done"):
            assert page.inner_text(f"[data-status='{s}']") == str(figs["by_status"][s])
        assert page.locator("svg.funnel rect").count() == 8
        values = [int(float(v)) for v in page.eval_on_selector_all("svg.funnel rect", "els => els.map(e => e.dataset.value)")]
        assert values[:3] == [figs["sheets"], figs["ideas"], figs["b2b"]] == [278, 510, 87]
        assert page.locator("svg.categories rect").count() >= 5
        assert page.locator("svg.impact rect").count() >= 1
        assert layout_problems(page) == []
        assert audit(page) == []
        assert untranslated(page) == []
        shot(page, f"followup-report-{w}x{h}", full_page=True)
        # "as of" a date before anything happened: zeros, still a page
        page.fill("#as_of", "2020-01-01")
        page.click(".report-form button[type=submit]")
        page.wait_for_url("**as_of=2020-01-01**")
        assert page.inner_text("[data-key='ideas']") == "0"
        assert page.errors == []
    finally:
        page.context.close()


def test_homes_list_what_is_overdue(browser, demo):
    srv, info = demo
    s = info["session"]
    board = s.get(api(srv, info, "/followup")).json()
    page = new_page(browser, 1366, 768)
    try:
        sign_in_organiser(page, srv, info)
        due_all = [i for i in board["ideas"] if i["due_state"] in ("overdue", "week")]
        assert f"({len(due_all)})" in page.inner_text("#fu-due-h")
        assert page.locator("#followup-due > li[data-id]").count() == min(8, len(due_all))
        shot(page, "followup-organiser-home-1366x768", full_page=False)
    finally:
        page.context.close()
    fac = next(f for f in board["facilitators"] if any(i["facilitator_id"] == f["id"] for i in due_all))
    mine = [i for i in due_all if i["facilitator_id"] == fac["id"]]
    page = new_page(browser, 1366, 768)
    try:
        page.goto(srv.url(f"/w/{info['code']}/facilitator?code={fac['code']}"))
        with page.expect_navigation():
            page.click("form button[type=submit]")
        page.wait_for_selector("#followup-home")
        assert f": {len(mine)}" in page.inner_text("#followup-home summary")
        page.click("#followup-home summary")
        assert page.locator("#followup-due > li").count() == min(12, len(mine))
        assert page.errors == []
    finally:
        page.context.close()


def test_a_participant_reports_its_outcome_from_the_phone(browser, demo):
    srv, info = demo
    s = info["session"]
    board = s.get(api(srv, info, "/followup")).json()
    idea = next(i for i in board["ideas"] if i["status"] == "explore")
    org_id = idea["org_ids"][0]
    s.post(api(srv, info, "/phase"), json={"phase": "closed"}).raise_for_status()
    page = new_page(browser, 360, 740, mobile=True)
    try:
        page.goto(srv.url(f"/j/{info['code']}"))
        # The organisation has phones already: this one asks to join (202, pending) and the organiser lets it in.
        asked = page.evaluate("""async ([wid, org]) => { const r = await fetch(`/api/w/${wid}/join`, {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({organisation_id: org,
            label: 'Téléphone de Léa'})}); return {status: r.status, body: await r.json()}; }""",
                              [info["workshop"], org_id])
        assert asked["status"] == 202 and asked["body"]["request"]["state"] == "pending", asked
        refused = page.evaluate("""async ([wid, iid]) => (await fetch(`/api/w/${wid}/followup/ideas/${iid}/outcome`,
            {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify({status: 'soon'})}))
            .status""", [info["workshop"], idea["id"]])
        assert refused == 403  # still waiting: not yet one of the organisation's phones
        r = s.post(api(srv, info, f"/join-requests/{asked['body']['request']['id']}"), json={"accept": True})
        assert r.status_code == 200, r.text
        page.goto(srv.url(f"/j/{info['code']}"))
        page.wait_for_selector("#fu-phone[data-ready='1']", state="attached")
        page.click("#tab-ideas")
        mine = [i for i in board["ideas"] if org_id in i["org_ids"]]
        assert page.locator("#fu-phone-list > li").count() == len(mine)
        card = page.locator(f"#fu-phone-list > li[data-id='{idea['id']}']")
        card.locator("select[name=status]").select_option("soon")
        card.locator("input[name=euros]").fill("-4")
        card.locator("button[type=submit]").click()
        card.locator(".field-error:not([hidden])").wait_for()
        assert "0" in card.locator(".field-error:not([hidden])").inner_text()  # "at least 0", in French
        card.locator("input[name=euros]").fill("1500")
        card.locator("textarea[name=comment]").fill("Premier essai en janvier")
        card.locator("button[type=submit]").click()
        page.wait_for_selector("#toast:not([hidden])")
        assert layout_problems(page) == []
        shot(page, "followup-phone-360x740", full_page=False)
        detail = s.get(api(srv, info, f"/followup/ideas/{idea['id']}")).json()
        assert [(o["organisation_id"], o["status"], o["euros"], o["comment"]) for o in detail["outcomes"]] == \
            [(org_id, "soon", 1500, "Premier essai en janvier")]
        # the refused outcome while waiting (403) and the refused -4 € (422) are the only errors
        assert [e for e in page.errors if "403" not in e and "422" not in e] == []
    finally:
        page.context.close()
        s.post(api(srv, info, "/phase"), json={"phase": "followup"}).raise_for_status()
