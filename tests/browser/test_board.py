"""The facilitators' board in chromium, on a 10-inch tablet in landscape:
sign in with a code, move cards by button, mouse drag, touch drag and keys,
see another facilitator's moves arrive without reload; abandon asks why."""
import pytest

from tests.browser.conftest import new_page
from tests.live import uid

pytestmark = pytest.mark.timeout(180)
W, H = 1280, 800


def api(server, ws, path):
    return server.url(f"/api/w/{ws['workshop']}{path}")


@pytest.fixture
def world(server):
    ws, organiser = server.new_workshop("Atelier tablette")
    codes = []
    for name, table in (("Anne", 1), ("Bruno", 2)):
        r = organiser.post(api(server, ws, "/facilitators"), json={"id": uid(), "name": name, "table_no": table})
        codes.append(r.json()["record"]["code"])
    orgs = [organiser.post(api(server, ws, "/organisations"), json={"id": uid(), "name": n, "table_no": 1})
            .json()["record"] for n in ("Menuiserie Dupont", "Maraîcher Martin", "Ehpad Les Tilleuls")]
    sheets = []
    for i, (o, kind, title) in enumerate([(0, "offer", "Caisses en bois"), (1, "need", "Caisses de récolte"),
                                          (2, "offer", "Chaleur fatale"), (1, "need", "Serre chauffée")]):
        sheets.append(organiser.post(api(server, ws, "/sheets"), json={
            "id": uid(), "organisation_id": orgs[o]["id"], "kind": kind, "category": "packaging" if i < 2 else "energy",
            "title": title}).json()["record"])
    ideas = []
    for k in range(5):
        offer, need = (sheets[0], sheets[1]) if k % 2 == 0 else (sheets[2], sheets[3])
        ideas.append(organiser.post(api(server, ws, "/ideas"), json={
            "id": uid(), "offer_sheet_id": offer["id"], "need_sheet_id": need["id"]}).json()["record"])
    return dict(ws=ws, organiser=organiser, codes=codes, ideas=ideas, sheets=sheets, orgs=orgs)


def sign_in(browser, server, world, k, **kw):
    page = new_page(browser, W, H, touch=True, **kw)
    page.goto(server.url(f"/w/{world['ws']['code']}/facilitator?code={world['codes'][k]}"))
    assert page.input_value("#fcode") == world["codes"][k]  # prefilled from the QR link
    page.click("form button[type=submit]")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("#conn[data-state='online']")
    return page


def card(status, idea_id):
    """The card, once the server acknowledged it (the board shows moves before the answer)."""
    return f'[data-list="{status}"] li[data-id="{idea_id}"]:not(.is-pending)'


def pending_card(status, idea_id):
    return f'[data-list="{status}"] li[data-id="{idea_id}"]'


def db_idea(server, world, idea_id):
    st = world["organiser"].get(api(server, world["ws"], "/state")).json()
    return next(i for i in st["ideas"] if i["id"] == idea_id)


def move(page, status, idea_id, to):
    """The card's one "Déplacer ▾" control, then the column in its menu."""
    page.click(f'{card(status, idea_id)} button[data-act="menu"]')
    page.click(f'#move-menu button[data-act="move"][data-to="{to}"]')


def center(page, selector):
    box = page.locator(selector).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_sign_in_and_move_by_button_drag_touch_and_keys(browser, server, world):
    a = sign_in(browser, server, world, 0)
    b = sign_in(browser, server, world, 1)
    b.check("#scope-all", force=True)  # Bruno's table 2 has no idea: he looks at the whole room
    i1, i2, i3, i4, i5 = (i["id"] for i in world["ideas"])
    for page in (a, b):
        for i in world["ideas"]:
            page.wait_for_selector(card("new", i["id"]))
        assert page.text_content('[data-count="new"]') == "5"
    assert a.locator(".column[data-status='done']").is_hidden()
    text = a.text_content(card("new", i1))
    assert "Menuiserie Dupont → Maraîcher Martin" in text and "Caisses en bois" in text

    # 1. By button.
    move(a, "new", i1, "explore")
    a.wait_for_selector(card("explore", i1))
    b.wait_for_selector(card("explore", i1))  # the other tablet, without reload
    assert db_idea(server, world, i1)["status"] == "explore"
    assert b.text_content('[data-count="explore"]') == "1"

    # 2. By mouse drag, from the card's body to another column.
    x0, y0 = center(a, f'{card("new", i2)} h3')
    x1, y1 = center(a, '.column[data-status="soon"]')
    a.mouse.move(x0, y0)
    a.mouse.down()
    a.mouse.move(x0 + 20, y0 + 5, steps=3)
    a.wait_for_selector(".drag-ghost")
    a.mouse.move(x1, y1, steps=12)
    assert "drop-ok" in a.get_attribute('.column[data-status="soon"]', "class")
    a.mouse.up()
    a.wait_for_selector(card("soon", i2))
    b.wait_for_selector(card("soon", i2))
    assert a.locator(".drag-ghost").count() == 0
    assert db_idea(server, world, i2)["status"] == "soon"

    # 3. By touch, from the card's grip (touch events through the DevTools protocol).
    cdp = a.context.new_cdp_session(a)
    x0, y0 = center(a, f'{card("new", i3)} .grip')
    x1, y1 = center(a, '.column[data-status="explore"]')
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for k in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [
            {"x": x0 + (x1 - x0) * k / 10, "y": y0 + (y1 - y0) * k / 10}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    a.wait_for_selector(card("explore", i3))
    b.wait_for_selector(card("explore", i3))

    # 4. By keyboard: focus a card, "2" sends it to the second column.
    a.focus(card("new", i4))
    a.keyboard.press("2")
    a.wait_for_selector(card("explore", i4))
    b.wait_for_selector(card("explore", i4))

    # 5. Undo my last move: the card goes back, on every tablet.
    a.click("#undo")
    a.wait_for_selector(card("new", i4))
    b.wait_for_selector(card("new", i4))
    assert db_idea(server, world, i4)["status"] == "new"

    # 6. "B" selects the focused card for B2B.
    a.focus(card("new", i4))
    a.keyboard.press("b")
    b.wait_for_selector(f'{card("new", i4)} .tag.b2b')
    assert db_idea(server, world, i4)["b2b"] == 1

    # 7. A move from the other tablet arrives here.
    move(b, "explore", i1, "soon")
    a.wait_for_selector(card("soon", i1))
    a.screenshot(path="/tmp/board-tablet.png")
    assert a.errors == [] and b.errors == []


def test_abandon_asks_for_a_reason(browser, server, world):
    a = sign_in(browser, server, world, 0)
    i1 = world["ideas"][0]["id"]
    a.wait_for_selector(card("new", i1))
    # Cancel: nothing moves.
    move(a, "new", i1, "abandoned")
    a.wait_for_selector("#reason-dialog[open]")
    assert a.locator("#reason-dialog input[name=reason]").count() == 7
    a.click("#reason-cancel")
    a.wait_for_selector("#reason-dialog:not([open])", state="attached")
    assert a.locator(card("new", i1)).count() == 1
    assert db_idea(server, world, i1)["status"] == "new"
    # Pick a reason: the card moves and the reason is stored.
    move(a, "new", i1, "abandoned")
    a.wait_for_selector("#reason-dialog[open]")
    a.check("#reason-regulatory")
    a.click("#reason-ok")
    a.wait_for_selector(card("abandoned", i1))
    rec = db_idea(server, world, i1)
    assert rec["status"] == "abandoned" and rec["abandon_reason"] == "regulatory"
    assert "Réglementaire" in a.text_content(card("abandoned", i1))
    # A drag to "Abandonnée" asks too.
    i2 = world["ideas"][1]["id"]
    x0, y0 = center(a, f'{card("new", i2)} h3')
    x1, y1 = center(a, '.column[data-status="abandoned"]')
    a.mouse.move(x0, y0)
    a.mouse.down()
    a.mouse.move(x1, y1, steps=12)
    a.mouse.up()
    a.wait_for_selector("#reason-dialog[open]")
    a.check("#reason-no_contact")
    a.click("#reason-ok")
    a.wait_for_selector(card("abandoned", i2))
    assert db_idea(server, world, i2)["abandon_reason"] == "no_contact"
    assert a.errors == []


def test_details_create_and_conflict_notice(browser, server, world):
    a = sign_in(browser, server, world, 0)
    i1 = world["ideas"][0]["id"]
    a.wait_for_selector(card("new", i1))
    # Details: edit and see the history.
    a.click(f'{card("new", i1)} h3')  # a tap on the card opens its details
    a.wait_for_selector("#details-dialog[open]")
    a.wait_for_selector("#history li")
    a.fill("#d-next", "Visite de l’atelier")
    a.fill("#d-notes", "Appeler M. Dupont")
    a.select_option(f'#d-interest select[data-org="{world["orgs"][0]["id"]}"]', "3")
    a.click("#details-save")
    a.wait_for_selector("#history > li:nth-child(2)")
    rec = db_idea(server, world, i1)
    assert rec["next_step"] == "Visite de l’atelier" and rec["notes"] == "Appeler M. Dupont"
    assert rec["interest"] == {world["orgs"][0]["id"]: 3}
    assert "Prochaine étape" in a.text_content("#history")
    a.click("#details-close")
    # Create an idea from an offer and a need in two taps and a confirm.
    a.click("#open-create")
    a.click(f'#offer-list li[data-id="{world["sheets"][2]["id"]}"] button[data-pick]')
    a.click(f'#need-list li[data-id="{world["sheets"][1]["id"]}"] button[data-pick]')
    a.click("#pair-create")
    a.wait_for_selector('[data-list="new"] li:has-text("Chaleur fatale → Maraîcher Martin")')
    a.click("#close-create")
    # Another screen changes the card: this one's next move is refused, the card shows the current state.
    i2 = world["ideas"][1]["id"]
    a.wait_for_selector(card("new", i2))
    a.context.set_offline(True)
    r = world["organiser"].post(api(server, world["ws"], f"/ideas/{i2}/move"), json={"version": 1, "status": "soon"})
    assert r.status_code == 200
    move(a, "new", i2, "explore")
    a.wait_for_selector(f'{pending_card("explore", i2)} .card-state')  # queued, not dropped
    assert "1" in a.text_content("#queue-state")
    a.context.set_offline(False)
    a.wait_for_selector(f'{card("soon", i2)} .card-notice', timeout=20000)  # replayed: 409, current state shown
    assert db_idea(server, world, i2)["status"] == "soon"
    a.screenshot(path="/tmp/board-conflict.png")


def test_paper_sheets_entry_keeps_the_organisation(browser, server, world):
    a = sign_in(browser, server, world, 0)
    a.goto(server.url(f"/w/{world['ws']['code']}/facilitator/paper"))
    a.wait_for_selector("body[data-ready='1']")
    a.fill("#p-org", "Ferme des Absents")
    assert a.get_attribute("#p-org-status", "data-state") == "new"
    a.select_option("#p-cat", "waste")
    a.fill("#p-no", "7")
    a.fill("#p-title", "Fumier de cheval")
    a.keyboard.press("Enter")
    a.wait_for_selector("#p-recent li .state.saved")
    assert a.input_value("#p-org") == "Ferme des Absents" and a.input_value("#p-no") == "8"
    a.keyboard.type("Paille")  # focus is back on the title
    a.keyboard.press("Enter")
    a.wait_for_selector("#p-recent li:has-text('Paille') .state.saved")
    st = world["organiser"].get(api(server, world["ws"], "/state")).json()
    org = next(o for o in st["organisations"] if o["name"] == "Ferme des Absents")
    assert org["presence"] == "represented" and org["table_no"] == 1
    got = sorted((s["paper_no"], s["title"]) for s in st["sheets"] if s["organisation_id"] == org["id"])
    assert got == [("7", "Fumier de cheval"), ("8", "Paille")]
    assert a.errors == []
