"""Phones and errors a person can act on: the first page's weight on the wire,
and a clear sentence with what to do when the server is unreachable, the code
is wrong, intake is closed or the workshop is locked, in French and English."""
from __future__ import annotations

import pytest

from tests.browser.helpers import PHONE, TABLET, context, open_page, shot, with_lang
from tests.live import Server, uid

pytestmark = pytest.mark.timeout(180)


def test_phone_first_page_is_light_on_the_wire(server, browser):
    """A room already busy (30 organisations, 90 sheets): the join page and all it loads < 150 KB."""
    ws, organiser = server.new_workshop(name="Atelier poids")
    base = server.url(f"/api/w/{ws['workshop']}")
    for k in range(30):
        org = organiser.post(base + "/organisations", json={"id": uid(), "name": f"Structure {k:02d}",
                                                              "commune": "Annonay"}).json()["record"]
        for j, kind in enumerate(("offer", "need", "offer")):
            organiser.post(base + "/sheets", json={
                "id": uid(), "organisation_id": org["id"], "kind": kind, "category": "packaging",
                "title": f"Palettes et caisses en bois, lot {k}-{j}",
                "description": "Environ trente palettes par mois, à enlever sur place."}).raise_for_status()
    ctx = context(browser, PHONE)
    page = open_page(ctx)
    page.goto(ws["join_url"])
    page.wait_for_selector("#conn[data-state=online]")
    page.wait_for_selector("#org-list .choice")
    entries = page.evaluate("""() => [performance.getEntriesByType('navigation')[0],
        ...performance.getEntriesByType('resource')].map(e => ({name: e.name, wire: e.transferSize, body: e.decodedBodySize}))""")
    wire = sum(e["wire"] for e in entries)
    body = sum(e["body"] for e in entries)
    print(f"phone first page: {wire} bytes on the wire, {body} bytes decoded, {len(entries)} requests")
    assert wire < 150_000, entries
    assert wire < body / 2, "text responses are compressed"
    r = page.request.get(server.url("/static/js/participant.js"), headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("content-encoding") == "gzip" and "accept-encoding" in r.headers.get("vary", "").lower()
    ctx.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_wrong_codes_say_what_to_do(server, browser, lang):
    ws, organiser = server.new_workshop()
    ctx = context(browser, PHONE, lang)
    page = open_page(ctx)
    page.goto(with_lang(server.url("/"), lang))
    page.fill("#f-code", "ABC")
    page.click("form[method=get] button[type=submit]")
    msg = page.text_content("#error-message")
    assert ("Vérifiez" in msg) if lang == "fr" else ("Check" in msg)
    # The error page lets them type the code again, right there.
    page.fill("#f-code", ws["code"].lower())
    page.click(".error-page button[type=submit]")
    page.wait_for_selector("#join:not([hidden])")
    shot(page, f"pages-{lang}-join-after-retyped-code")

    tab = open_page(context(browser, TABLET, lang))
    tab.goto(with_lang(server.url(f"/w/{ws['code']}/facilitator"), lang))
    tab.fill("#fcode", "NOPE1234")
    tab.click("form button[type=submit]")
    err = tab.text_content("#login-error")
    assert ("Vérifiez" in err) if lang == "fr" else ("Check" in err)
    assert tab.get_attribute("#fcode", "aria-invalid") == "true"
    shot(tab, f"pages-{lang}-facilitator-wrong-code")
    tab.context.close()
    ctx.close()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_intake_closed_and_locked_are_explained_on_phone_and_board(server, browser, lang):
    ws, organiser = server.new_workshop()
    base = server.url(f"/api/w/{ws['workshop']}")
    fac = organiser.post(base + "/facilitators", json={"id": uid(), "name": "Anne", "table_no": 1}).json()["record"]
    ctx = context(browser, PHONE, lang)
    phone = open_page(ctx)
    phone.goto(with_lang(ws["join_url"], lang))
    phone.click("#new-org summary")
    phone.fill("#f-name", "Scierie du Haut")
    phone.click("#org-form button[type=submit]")
    phone.wait_for_selector("#space:not([hidden])")
    phone.wait_for_selector("#conn[data-state=online]")
    assert phone.is_hidden("#closed-note") and phone.is_enabled("#add-offer")

    other, other_org = server.participant(ws, "Laiterie du Bocage")
    mine = next(o for o in organiser.get(base + "/state").json()["organisations"] if o["name"] == "Scierie du Haut")
    organiser.post(base + "/ideas", json={"id": uid(), "kind": "pooling", "title": "Broyeur partagé",
                                          "org_ids": [mine["id"], other_org["id"]]}).raise_for_status()
    organiser.post(base + "/intake", json={"open": False}).raise_for_status()
    phone.wait_for_selector("#closed-note:not([hidden])")
    note = phone.text_content("#closed-note")
    assert ("animateur" in note) if lang == "fr" else ("facilitator" in note)
    assert phone.is_disabled("#add-offer") and phone.is_disabled("#add-need")

    organiser.post(base + "/phase", json={"phase": "locked"}).raise_for_status()
    phone.wait_for_selector("#closed-note[data-reason=locked]")
    assert ("verrouillé" in phone.text_content("#closed-note")) if lang == "fr" else (
        "locked" in phone.text_content("#closed-note"))
    # Locked: nothing to edit or withdraw any more.
    assert phone.locator("#my-sheets button").count() == 0
    shot(phone, f"pages-{lang}-phone-locked")

    tab = open_page(context(browser, TABLET, lang))
    tab.goto(with_lang(server.url(f"/w/{ws['code']}/facilitator?code={fac['code']}"), lang))
    tab.click("form button[type=submit]")
    tab.wait_for_selector("body[data-ready='1']")
    assert ("verrouillé" in tab.text_content("#phase-note")) if lang == "fr" else (
        "locked" in tab.text_content("#phase-note"))
    # Anne's table 1 has no organisation: the board says so and offers the whole room in one tap.
    tab.click("#scope-empty-all")
    # The card is there, with details but no move or B2B button the server would refuse.
    tab.wait_for_selector("li.card:has-text('Broyeur partagé')")
    assert tab.locator(".card-moves").count() == 0 and tab.locator(".b2b-toggle").count() == 0
    tab.context.close()
    ctx.close()


def test_server_unreachable_the_phone_keeps_the_sheet_and_sends_it_later(browser, tmp_path):
    """The laptop's server stops mid-afternoon: the phone says so plainly, keeps the
    sheet, and sends it by itself when the server is back (same address)."""
    srv = Server(tmp_path / "sessions").start()
    try:
        ws, organiser = srv.new_workshop()
        ctx = context(browser, PHONE)
        phone = open_page(ctx)
        phone.goto(ws["join_url"])
        phone.click("#new-org summary")
        phone.fill("#f-name", "Ressourcerie du Val")
        phone.click("#org-form button[type=submit]")
        phone.wait_for_selector("#space:not([hidden])")
        phone.wait_for_selector("#conn[data-state=online]")
        srv.stop()
        phone.wait_for_selector("#offline-note:not([hidden])")
        assert "Pas de connexion au serveur" in phone.text_content("#offline-note")
        phone.click("#add-need")
        phone.select_option("#f-category", "space")
        phone.fill("#sheet-form #f-title", "Local de stockage 50 m²")
        phone.click("#sheet-form button[type=submit]")
        card = phone.locator("#my-sheets li", has_text="Local de stockage")
        card.locator(".state.pending").wait_for()
        phone.wait_for_function("() => document.querySelector('#offline-note').textContent.includes('1')")
        shot(phone, "pages-fr-phone-server-down")
        srv.start()
        card.locator(".state.saved").wait_for(timeout=30_000)
        phone.wait_for_selector("#offline-note", state="hidden")
        state = organiser.get(srv.url(f"/api/w/{ws['workshop']}/state")).json()
        assert [s["title"] for s in state["sheets"]] == ["Local de stockage 50 m²"]
        ctx.close()
    finally:
        srv.stop()
