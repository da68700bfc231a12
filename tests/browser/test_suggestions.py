"""Suggested synergies in chromium: the board's "Suggestions" view on a 1024x768 tablet
(live, accept, dismiss and undo) and the phone's "Ça pourrait vous intéresser" at 360x740."""
from __future__ import annotations

import time

import pytest

from tests.browser.helpers import context, layout_problems, open_page, shot
from tests.live import uid

pytestmark = pytest.mark.timeout(240)


def api(server, ws, path):
    return server.url(f"/api/w/{ws['workshop']}{path}")


def _org(server, ws, organiser, name, table, commune):
    return organiser.post(api(server, ws, "/organisations"), json={
        "id": uid(), "name": name, "table_no": table, "commune": commune}).json()["record"]


def _sheet(server, ws, session, org, kind, category, title, **kw):
    r = session.post(api(server, ws, "/sheets"), json={"id": uid(), "organisation_id": org["id"], "kind": kind,
                                                       "category": category, "title": title, **kw})
    assert r.status_code == 200, r.text
    return r.json()["record"]


@pytest.fixture
def world(server):
    ws, organiser = server.new_workshop("Atelier des Mauges")
    fac = organiser.post(api(server, ws, "/facilitators"), json={"id": uid(), "name": "Anne", "table_no": 1}).json()
    orgs = {k: _org(server, ws, organiser, n, t, c) for k, n, t, c in (
        ("vine", "Domaine viticole Ogereau", 1, "Beaupréau"), ("boiler", "Chaufferie de Montrevault", 2, "Cholet"),
        ("saw", "Scierie du Layon", 1, "Chemillé"), ("horse", "Centre équestre du Val", 3, "Cholet"),
        ("ehpad", "EHPAD Les Tilleuls", 2, "Cholet"), ("farm", "Les Jardins de Cocagne", 3, "Beaupréau"))}
    sheets = {
        "vine": _sheet(server, ws, organiser, orgs["vine"], "offer", "waste", "Sarments de vigne", subcategory="wood",
                       quantity=30, unit="t", frequency="yearly"),
        "boiler": _sheet(server, ws, organiser, orgs["boiler"], "need", "energy", "Combustible pour chaudière",
                         quantity=20, unit="t", frequency="yearly"),
        "crates": _sheet(server, ws, organiser, orgs["ehpad"], "offer", "packaging", "Cagettes en bois vides",
                         subcategory="crates", quantity=200, unit="pieces", frequency="weekly"),
        "saw": _sheet(server, ws, organiser, orgs["saw"], "offer", "waste", "Sciure et copeaux de bois",
                      subcategory="wood"),
    }
    return dict(ws=ws, organiser=organiser, code=fac["record"]["code"], orgs=orgs, sheets=sheets)


def _board(browser, server, world):
    ctx = context(browser, {"viewport": {"width": 1024, "height": 768}, "has_touch": True})
    page = open_page(ctx)
    page.goto(server.url(f"/w/{world['ws']['code']}/facilitator?code={world['code']}"))
    page.click("form button[type=submit]")
    page.wait_for_selector("body[data-ready='1']")
    return ctx, page


def _item(page, offer, need):
    return page.locator("#sugg-list li.sugg").filter(has_text=offer).filter(has_text=need)


def test_board_suggestions_view_live_accept_dismiss_undo(browser, server, world):
    ctx, page = _board(browser, server, world)
    page.click("#open-suggestions")
    page.wait_for_selector("#sugg-panel:not([hidden])")
    page.click("label[for=sugg-scope-all]")
    pair = _item(page, "Sarments de vigne", "Combustible pour chaudière")
    pair.wait_for()
    text = pair.inner_text()
    assert "même usage : combustible bois" in text
    assert "quantités compatibles : 30\u00a0t/an proposées, 20\u00a0t/an recherchées" in text
    assert "Domaine viticole Ogereau" in text and "table 2" in text
    # a phone writes a need: the suggestion appears without reload
    w = world
    _sheet(server, w["ws"], w["organiser"], w["orgs"]["horse"], "need", "materials", "Litière pour les box des chevaux")
    live = _item(page, "Sciure et copeaux de bois", "Litière pour les box des chevaux")
    live.wait_for(timeout=15_000)
    assert ": litière animale" in live.inner_text()  # "déchet → matière : litière animale"
    shot(page, "suggestions-board-1024x768", full_page=False)
    assert layout_problems(page) == [], layout_problems(page)
    # "Ma table" keeps only the pairs with a sheet of table 1
    page.click("label[for=sugg-scope-table]")
    assert _item(page, "Sarments de vigne", "Combustible pour chaudière").count() == 1
    assert _item(page, "Cagettes en bois vides", "Combustible pour chaudière").count() == 0
    page.click("label[for=sugg-scope-all]")
    # dismiss, then undo
    crates = _item(page, "Cagettes en bois vides", "Combustible pour chaudière")
    crates.wait_for()
    crates.locator("[data-act=dismiss]").click()
    page.wait_for_selector("#sugg-undo:not([hidden])")
    assert crates.count() == 0
    page.click("#sugg-undo-btn")
    crates.wait_for(timeout=15_000)
    # accept: the idea is on the board, origin "suggestion", and the pair leaves the list
    _item(page, "Sarments de vigne", "Combustible pour chaudière").locator("[data-act=accept]").click()
    page.wait_for_selector('[data-list="new"] li', timeout=15_000)
    assert "Sarments de vigne" in page.inner_text('[data-list="new"]')
    _item(page, "Sarments de vigne", "Combustible pour chaudière").wait_for(state="detached", timeout=15_000)
    state = world["organiser"].get(api(server, world["ws"], "/state")).json()
    made = [i for i in state["ideas"] if i["offer_sheet_id"] == world["sheets"]["vine"]["id"]]
    assert len(made) == 1 and made[0]["origin"] == "suggestion"
    page.locator("#sugg-accepted-box summary").click()
    assert "Sarments de vigne → Combustible pour chaudière" in page.inner_text("#sugg-accepted")
    shot(page, "suggestions-board-after-1024x768", full_page=False)
    assert page.errors == []
    ctx.close()


def test_a_late_answer_for_the_scope_left_does_not_replace_the_one_chosen(browser, server, world):
    """"Ma table" then "Toutes" at once, the first answer arriving last (a loaded server): the list is the
    room's, not the table's."""
    ctx, page = _board(browser, server, world)
    page.click("#open-suggestions")
    page.wait_for_selector("#sugg-panel:not([hidden])")
    page.click("label[for=sugg-scope-all]")
    crates = _item(page, "Cagettes en bois vides", "Combustible pour chaudière")  # no sheet of table 1
    crates.wait_for()
    held = []
    page.route("**/suggestions?*scope=table*", lambda route: held.append(route))  # the table's answer waits until we let it go
    page.click("label[for=sugg-scope-table]")
    deadline = time.time() + 15
    while not held and time.time() < deadline:
        page.wait_for_timeout(50)
    assert held, "the board did not ask for its table's suggestions"
    with page.expect_response(lambda r: "/suggestions" in r.url and "scope=table" not in r.url):
        page.click("label[for=sugg-scope-all]")
    crates.wait_for()
    with page.expect_response(lambda r: "scope=table" in r.url):
        held[0].continue_()
    page.wait_for_timeout(300)
    assert crates.count() == 1, "a late answer for 'Ma table' replaced the room's list"
    assert page.errors == []
    ctx.close()


def test_phone_shows_what_could_interest_each_of_its_sheets(browser, server, world):
    w = world
    ctx = context(browser, {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True})
    page = open_page(ctx)
    page.goto(server.url(f"/j/{w['ws']['code']}"))
    r = page.request.post(api(server, w["ws"], "/join"), data={"organisation_id": w["orgs"]["boiler"]["id"]})
    assert r.ok, r.text()
    secret = _sheet(server, w["ws"], w["organiser"], w["orgs"]["saw"], "offer", "waste", "Plaquettes de bois secret",
                    visibility="facilitators")
    page.reload()
    page.wait_for_selector("#space:not([hidden])")
    block = page.locator(f'#my-sheets li[data-id="{w["sheets"]["boiler"]["id"]}"] .for-you')
    block.wait_for(timeout=15_000)
    text = block.inner_text()
    assert "Ça pourrait vous intéresser" in text
    assert "Sarments de vigne" in text and "Domaine viticole Ogereau" in text
    assert "même usage : combustible bois" in text
    assert "secret" not in page.content() and secret["id"] not in page.content()
    shot(page, "suggestions-phone-360x740", full_page=False)
    assert layout_problems(page) == [], layout_problems(page)
    # "Ça m'intéresse" proposes the idea as today
    block.locator("li", has_text="Sarments de vigne").get_by_role("button").click()
    page.wait_for_function("() => document.querySelector('#ideas-count').textContent === '1'", timeout=15_000)
    # the count includes the phone's outbox: wait for the server to have acknowledged the idea
    deadline = time.monotonic() + 15
    while True:
        state = w["organiser"].get(api(server, w["ws"], "/state")).json()
        made = [i for i in state["ideas"] if i["offer_sheet_id"] == w["sheets"]["vine"]["id"]]
        if made or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(made) == 1 and made[0]["origin"] == "participant"
    # the room list sorted by relevance puts the matching offers first
    page.click("#tab-room")
    page.select_option("#room-sort", "relevance")
    page.wait_for_function("() => document.querySelector('#room-sheets li h3') && "
                           "['Sarments de vigne', 'Sciure et copeaux de bois', 'Cagettes en bois vides']"
                           ".includes(document.querySelector('#room-sheets li h3').textContent)", timeout=15_000)
    shot(page, "suggestions-phone-room-360x740", full_page=False)
    assert page.errors == []
    ctx.close()
