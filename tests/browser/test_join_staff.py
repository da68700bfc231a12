"""Staff let phones into organisations from their own screens: the facilitator's board on a 1024×768
tablet and the organiser's page on a 1366×768 laptop show each pending join request live, with
Accepter / Refuser; the answer reaches the asking phone and clears the request on every staff screen.

Also the phone's first name (``label``): a waiting phone may give it, it shows on every staff screen;
a request whose phone sent an empty ``label`` reads "Un téléphone".
"""
from __future__ import annotations

import pytest

from tests.browser.helpers import PHONE, audit, context, layout_problems, open_page, shot
from tests.live import uid

pytestmark = pytest.mark.timeout(240)
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True}
LAPTOP = {"viewport": {"width": 1366, "height": 768}}


def _staff(browser, server, device, session, url):
    ctx = context(browser, device)
    ctx.add_cookies([{"name": c.name, "value": c.value, "url": server.base} for c in session.cookies])
    page = open_page(ctx)
    page.goto(server.url(url))
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("#conn[data-state='online']")
    return ctx, page


def _asking_phone(browser, ws, org_name):
    ctx = context(browser, PHONE)
    page = open_page(ctx)
    page.on("dialog", lambda d: d.accept())
    page.goto(ws["join_url"])
    page.wait_for_selector("#conn[data-state=online]")
    page.locator("#org-list .choice", has_text=org_name).click()
    page.wait_for_selector("#jc-waiting:not([hidden])")
    return ctx, page


def _request(page, org_name):
    return page.locator("#sj-panel:not([hidden]) .sj-item", has_text=org_name)


def test_facilitator_and_organiser_answer_join_requests_live(server, browser):
    ws, organiser = server.new_workshop(name="Atelier accueil")
    api = server.url(f"/api/w/{ws['workshop']}")
    server.participant(ws, "Brasserie du Val")  # its first phone: a later one must ask
    server.participant(ws, "Ressourcerie des Coteaux")
    fac, _ = server.facilitator(ws, organiser, name="Anne", table_no=1)

    ctx_b, board = _staff(browser, server, TABLET, fac, f"/w/{ws['code']}/facilitator")
    ctx_o, org_page = _staff(browser, server, LAPTOP, organiser, f"/w/{ws['code']}/organiser")
    assert board.is_hidden("#sj-panel") and org_page.is_hidden("#sj-panel"), "nothing pending: no panel"

    # A phone asks: both staff screens show it, live, in French.
    ctx_p, phone = _asking_phone(browser, ws, "Brasserie du Val")
    for page in (board, org_page):
        _request(page, "Brasserie du Val").wait_for()
        assert page.text_content("#sj-title").strip() == "1 téléphone demande à rejoindre une structure"
        assert "Un téléphone demande à rejoindre Brasserie du Val" in page.text_content("#sj-list")
    # While it waits, the phone says who it is: a blank name sends nothing, a first name shows on every screen.
    phone.click("#jc-label-form button[type=submit]")
    phone.fill("#jc-label", "Marc")
    phone.click("#jc-label-form button[type=submit]")
    for page in (board, org_page):
        page.locator("#sj-list", has_text="Marc demande à rejoindre Brasserie du Val").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone, "join-staff-phone-waiting-360x740", full_page=False)
    # A second one, with a first name given through the API (a phone that sent it).
    s2, _ = server.participant(ws)
    r = s2.post(api + "/join", json={"organisation_id": next(o["id"] for o in organiser.get(api + "/state").json()
                                                             ["organisations"] if o["name"].startswith("Ressourcerie")),
                                     "label": "Julie"})
    assert r.status_code == 202, r.text
    for page in (board, org_page):
        _request(page, "Ressourcerie des Coteaux").wait_for()
        assert "Julie demande à rejoindre Ressourcerie des Coteaux" in page.text_content("#sj-list")
        page.wait_for_function("() => document.querySelector('#sj-title').textContent.startsWith('2 téléphones')")

    for page, name in ((board, "join-staff-board-1024x768"), (org_page, "join-staff-organiser-1366x768")):
        assert not layout_problems(page), layout_problems(page)
        shot(page, name, full_page=False)
        assert not audit(page, include="#sj-panel"), audit(page, include="#sj-panel")
    # The panel takes a band at the top, the board's columns still start on the first screen.
    top = board.evaluate("document.querySelector('#board').getBoundingClientRect().top")
    assert top < 768 - 200, top

    # The facilitator lets the phone in: it enters its space; the request leaves both staff screens.
    _request(board, "Brasserie du Val").get_by_role("button", name="Accepter Marc dans Brasserie du Val").click()
    phone.wait_for_selector("#space:not([hidden])")
    assert phone.text_content("#my-org-name") == "Brasserie du Val"
    for page in (board, org_page):
        _request(page, "Brasserie du Val").wait_for(state="detached")
        page.wait_for_function("() => document.querySelector('#sj-title').textContent.startsWith('1 téléphone ')")

    # The organiser turns Julie's request away: the panel goes on both screens, the journal says so.
    _request(org_page, "Ressourcerie des Coteaux").get_by_role("button", name="Refuser Julie dans Ressourcerie des Coteaux").click()
    for page in (board, org_page):
        page.wait_for_selector("#sj-panel", state="hidden")
    me = s2.get(api + "/state").json()["me"]
    assert me["org"] is None and me["join_state"] == "refused"
    for page in (board, org_page, phone):
        assert not page.errors, page.errors
    for ctx in (ctx_b, ctx_o, ctx_p):
        ctx.close()


def test_a_request_answered_elsewhere_leaves_the_staff_screen(server, browser):
    """A member's phone answers first: the facilitator's screen drops the request by itself."""
    ws, organiser = server.new_workshop(name="Atelier accueil bis")
    api = server.url(f"/api/w/{ws['workshop']}")
    member, org = server.participant(ws, "Menuiserie Dubois")
    fac, _ = server.facilitator(ws, organiser)
    ctx_b, board = _staff(browser, server, TABLET, fac, f"/w/{ws['code']}/facilitator")
    asker, _ = server.participant(ws)
    assert asker.post(api + "/join", json={"organisation_id": org["id"], "label": ""}).status_code == 202
    item = _request(board, "Menuiserie Dubois")
    item.wait_for()
    assert "Un téléphone demande" in item.text_content()  # an empty label is no name
    pending = member.get(api + "/state").json()["join_requests"]
    member.post(api + f"/join-requests/{pending[0]['id']}", json={"accept": True}).raise_for_status()
    board.wait_for_selector("#sj-panel", state="hidden")

    assert not board.errors, board.errors
    ctx_b.close()
