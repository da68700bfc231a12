"""The participant's phone with the demo workshop (278 sheets) and its 10x (2,780), measured in chromium:
one-line header, tabs kept in view, no horizontal scroll or clipped label, "La salle" searchable and
short, a bad field refused before anything is called saved, a server refusal reopening the form."""
import json
import time
import unicodedata

import pytest

from tests.browser.demo import demo_server
from tests.browser.geometry import boxes, horizontal_overflow, overlaps, words_broken
from tests.browser.screens import PHONES, enter, join, labels_clipped, not_in_view, phone, screenshot, state
from tests.live import uid

pytestmark = pytest.mark.timeout(600)
ORG = "Garage Bernard & Fils"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with demo_server(tmp_path_factory) as (srv, info):
        yield srv, info


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(c))


def layout_report(page):
    return {"overflow": horizontal_overflow(page), "clipped": labels_clipped(page)}


@pytest.mark.parametrize("size", list(PHONES))
def test_phone_pages_fit(browser, demo, size):
    srv, info = demo
    page = phone(browser, size)
    join(page, srv, info)
    name = page.evaluate("() => document.getElementById('boot') && JSON.parse(document.getElementById('boot').textContent).name")
    # One-line header: the name is cut with an ellipsis there, and given in full in the page.
    top = boxes(page, [".topbar"])[".topbar"]
    assert top["height"] <= 56, top
    assert page.evaluate("() => { const b = document.querySelector('.topbar .brand'); return b.getClientRects().length === 1 && b.scrollHeight <= b.clientHeight + 1; }")
    assert page.text_content("#join .ws-name").strip() == name
    rep = layout_report(page)
    assert rep == {"overflow": 0, "clipped": []}, rep
    # Town names never break mid-word in the organisation list.
    assert words_broken(page, "#org-list .choice .muted") == []
    screenshot(page, f"phone-{size}-join")
    page.click("#new-org summary")
    page.fill("#f-name", "Garage Bernard")
    page.wait_for_selector("#org-suggest:not([hidden]) .suggest-pick")
    assert layout_report(page) == {"overflow": 0, "clipped": []}
    screenshot(page, f"phone-{size}-join-suggest")

    page.fill("#f-name", f"{uid()[:8]} {uid()[:8]}")
    page.click("#org-form button[type=submit]")
    page.wait_for_selector("#space:not([hidden])")
    assert page.text_content("#space .ws-name").strip() == name
    regions = [".topbar", ".phone-tabs", "#panel-mine .row"]
    for tab in ("mine", "room", "ideas"):
        page.click(f"#tab-{tab}")
        page.wait_for_selector(f"#panel-{tab}:not([hidden])")
        page.evaluate("window.scrollTo(0, 0)")
        rep = layout_report(page)
        assert rep == {"overflow": 0, "clipped": []}, (tab, rep)
        assert overlaps(page, [".topbar", ".phone-tabs", f"#panel-{tab}"]) == [], tab
        screenshot(page, f"phone-{size}-{tab}")
        # Scrolled down, the tabs are still there, inside the viewport, under the header.
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_timeout(50)
        assert not_in_view(page, [".topbar", ".phone-tabs", "#tab-mine", "#tab-room", "#tab-ideas"]) == [], tab
        assert overlaps(page, [".topbar", ".phone-tabs"]) == []
    # The sheet form, every fold open.
    page.click("#tab-mine")
    page.click("#add-offer")
    page.click("#sheet-form details.more summary")
    assert layout_report(page) == {"overflow": 0, "clipped": []}
    assert overlaps(page, regions[:2]) == []
    screenshot(page, f"phone-{size}-sheet-form")
    assert page.errors == []
    page.context.close()


def test_room_search_is_accent_and_case_insensitive_with_filters(browser, demo):
    srv, info = demo
    page = enter(phone(browser), srv, info)
    page.click("#tab-room")
    page.wait_for_selector("#room-sheets li")
    st = state(srv, info)
    orgs = {o["id"]: o["name"] for o in st["organisations"]}
    me = next(o["id"] for o in st["organisations"] if o["name"] == page.text_content("#my-org-name"))
    others = [s for s in st["sheets"] if s["organisation_id"] != me and s["state"] != "withdrawn"
              and s.get("visibility") != "facilitators"]

    def expected(q, kind=""):
        words = fold(q).split()
        def hay(s):
            return fold(" ".join(filter(None, [s["title"], s.get("description"),
                                              "" if s.get("anonymous") else orgs[s["organisation_id"]]])))
        return [s for s in others if (not kind or s["kind"] == kind) and all(w in hay(s) for w in words)]

    def search(q):
        page.fill("#room-q", q)
        page.wait_for_function("(q) => document.querySelector('#room-count').textContent.includes('trouvée')", arg=q)
        page.wait_for_timeout(200)
        return int(page.text_content("#room-count").split()[0].replace("\u202f", "").replace("\u00a0", ""))

    n = search("deche")
    want = expected("déchets")
    assert want and n >= len(want), (n, len(want))  # categories count too (label "Déchets…")
    assert search("DÉCHE") == n and search("Déche") == n
    first = page.locator("#room-sheets > li").first.text_content()
    assert "dech" in fold(first)
    # On the organisation's name, case and accents aside.
    n = search("boulangerie guerin")
    assert n == len(expected("boulangerie guérin")) > 0
    assert all("Boulangerie Guérin" in t for t in page.locator("#room-sheets > li").all_text_contents())
    # With the kind filter.
    page.select_option("#room-kind", "need")
    page.wait_for_timeout(300)
    assert all("Je recherche" in t for t in page.locator("#room-sheets > li .kicker").all_text_contents())
    page.select_option("#room-kind", "")
    # Nothing found: said so.
    assert search("zzzzqx") == 0 and page.locator("#room-sheets > li").count() == 0
    screenshot(page, "phone-360x740-room-search")
    assert page.errors == []
    page.context.close()


def test_a_live_change_keeps_the_focus_on_the_card_being_read(browser, demo):
    """Reading the room with "more" shown, a sheet written elsewhere redraws the list: the focus
    stays on the same card instead of jumping to the top of the page."""
    srv, info = demo
    page = enter(phone(browser), srv, info)
    page.click("#tab-room")
    page.wait_for_selector("#room-sheets > li")
    page.click("#room-more")
    page.wait_for_function("() => document.querySelectorAll('#room-sheets > li').length === 60")
    focused = page.evaluate("() => document.activeElement.dataset.id")
    assert focused
    before = page.text_content("#room-count")
    orgs = info["session"].get(srv.url(f"/api/w/{info['workshop']}/state")).json()["organisations"]
    org = min((o for o in orgs if not o.get("hidden")), key=lambda o: o["created_at"])  # the demo's, not this phone's
    r = info["session"].post(srv.url(f"/api/w/{info['workshop']}/sheets"), json={
        "id": uid(), "organisation_id": org["id"], "kind": "offer", "category": "waste", "title": "Chutes de carton"})
    assert r.status_code == 200, r.text
    page.wait_for_function("(b) => document.querySelector('#room-count').textContent !== b", arg=before)
    assert page.evaluate("() => document.activeElement.dataset.id") == focused
    assert page.locator("#room-sheets > li").count() == 60


def test_bad_quantity_refused_before_saving_with_the_field_focused(browser, demo):
    srv, info = demo
    page = enter(phone(browser), srv, info)
    before = len(state(srv, info)["sheets"])
    page.click("#add-offer")
    page.select_option("#f-category", "packaging")
    page.fill("#f-title", "Fûts de 200 L à reprendre")
    page.fill("#f-quantity", "beaucoup")
    page.click("#sheet-form button[type=submit]")
    # Refused at once, the field named, focused and in view; nothing kept as "saved" or "waiting".
    page.wait_for_selector("#f-quantity[aria-invalid=true]")
    assert page.evaluate("() => document.activeElement.id") == "f-quantity"
    err = page.text_content("#sheet-form [data-field=quantity] .field-error")
    assert "Nombre attendu" in err
    assert not_in_view(page, ["#f-quantity", "#sheet-form [data-field=quantity] .field-error"]) == []
    assert page.is_visible("#sheet-form")
    assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('outbox:')).length") == 0
    assert page.locator("#my-sheets > li", has_text="Fûts de 200 L à reprendre").count() == 0
    screenshot(page, "phone-360x740-quantity-refused")
    # A field inside the "more" fold: its fold opens and it gets the focus.
    page.fill("#f-quantity", "12,5")
    page.evaluate("() => { const i = document.getElementById('f-waste_code'); i.removeAttribute('maxlength'); i.value = 'x'.repeat(30); }")
    page.click("#sheet-form button[type=submit]")
    page.wait_for_selector("#f-waste_code[aria-invalid=true]")
    assert page.evaluate("() => document.activeElement.id") == "f-waste_code"
    assert page.evaluate("() => document.querySelector('#sheet-form details.more').open")
    page.fill("#f-waste_code", "15 01 10*")
    page.click("#sheet-form button[type=submit]")
    card = page.locator("#my-sheets > li", has_text="Fûts de 200 L à reprendre")
    card.locator(".state.saved").wait_for()
    # Saved: no "envoi en cours…" left on screen, and nothing on top of Modifier / Retirer.
    assert "envoi en cours" not in page.locator("body").inner_text()
    page.wait_for_timeout(1000)  # the sheet's suggestions arrive and redraw the card once; then it stays
    for b in [card.locator("button", has_text="Modifier").first, card.locator("button", has_text="Retirer").first]:
        b.scroll_into_view_if_needed(timeout=5000)  # live changes elsewhere leave this card's nodes as they are
        box = b.bounding_box()
        hit = page.evaluate("([x, y]) => { const n = document.elementFromPoint(x, y); return n && n.closest('button') && n.closest('button').textContent; }",
                            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert hit == b.text_content(), hit
    st = state(srv, info)
    assert len(st["sheets"]) == before + 1
    assert next(s for s in st["sheets"] if s["title"] == "Fûts de 200 L à reprendre")["quantity"] == 12.5
    screenshot(page, "phone-360x740-sheet-saved")
    assert page.errors == []
    page.context.close()


def test_server_refusal_reopens_the_form_with_the_field_marked(browser, demo):
    """A sheet kept on the phone (e.g. typed offline on an older page) is refused when it is finally sent:
    the form comes back with what was typed, the field marked and a plain-French message."""
    srv, info = demo
    page = enter(phone(browser), srv, info)
    sid = uid()
    entry = {"id": sid, "method": "POST", "url": f"/api/w/{info['workshop']}/sheets", "kind": "sheet",
             "label": "Chutes de cuir", "created": int(time.time() * 1000), "attempts": 1,
             "body": {"id": sid, "kind": "offer", "category": "waste", "title": "Chutes de cuir", "quantity": "beaucoup"}}
    page.evaluate("([k, v]) => { localStorage.setItem(k, v); window.dispatchEvent(new Event('online')); }",
                  [f"outbox:{info['workshop']}:{sid}", json.dumps(entry)])
    page.wait_for_selector("#sheet-form:not([hidden]) #f-quantity[aria-invalid=true]")
    assert page.input_value("#f-title") == "Chutes de cuir" and page.input_value("#f-quantity") == "beaucoup"
    assert page.evaluate("() => document.activeElement.id") == "f-quantity"
    assert "Chutes de cuir" in page.text_content("#sheet-form .form-error")
    assert "n’a pas été enregistrée" in page.text_content("#sheet-form .form-error")
    assert "Nombre attendu" in page.text_content("#sheet-form [data-field=quantity] .field-error")
    screenshot(page, "phone-360x740-server-refused")
    page.fill("#f-quantity", "3")
    page.click("#sheet-form button[type=submit]")
    page.locator("#my-sheets > li", has_text="Chutes de cuir").locator(".state.saved").wait_for()
    rec = next(s for s in state(srv, info)["sheets"] if s["id"] == sid)  # the same id: still one sheet
    assert rec["quantity"] == 3
    assert page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('outbox:')).length") == 0
    assert page.errors == []
    page.context.close()


def test_phone_creation_proposes_the_existing_close_organisation(browser, demo):
    srv, info = demo
    page = join(phone(browser), srv, info)
    page.click("#new-org summary")
    page.fill("#f-name", "garage bernard")
    pick = page.locator("#org-suggest .suggest-pick", has_text=ORG)
    pick.wait_for()
    # Creating anyway is refused until the proposal is answered.
    page.click("#org-form button[type=submit]")
    page.wait_for_selector("#f-name[aria-invalid=true]")
    assert page.evaluate("() => document.activeElement.classList.contains('suggest-pick')")
    assert not any(o["name"].lower() == "garage bernard" for o in state(srv, info)["organisations"])
    pick.click()  # "c'est la mienne": this phone asks to join the existing organisation instead
    page.wait_for_function("() => true")
    page.wait_for_timeout(500)
    assert any(ORG in m for m in page.dialogs), page.dialogs
    assert not any(o["name"].lower() == "garage bernard" for o in state(srv, info)["organisations"])
    page.context.close()


# -- 10x: 2,780 sheets ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo10(tmp_path_factory):
    with demo_server(tmp_path_factory, scale=10) as (srv, info):
        yield srv, info


def test_room_at_10x_shows_the_first_cards_fast_and_more_on_demand(browser, demo10):
    srv, info = demo10
    page = enter(phone(browser), srv, info)
    t0 = page.evaluate("() => performance.now()")
    page.click("#tab-room")
    page.wait_for_selector("#room-sheets > li")
    first = page.evaluate("() => performance.now()") - t0
    total = int(page.text_content("#room-count").split()[0].replace("\u202f", "").replace("\u00a0", ""))
    assert total > 2000, total
    shown = page.locator("#room-sheets > li").count()
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert shown == 30 and height < 15 * 740, (shown, height)  # a short page, not 2,780 cards
    # A card's two actions share one row: "Ça m'intéresse" and the meeting request, each a full tap target.
    first_card = page.locator("#room-sheets > li").first
    first_card.locator(".mm-ask-one").wait_for()
    acts = boxes(page, ["#room-sheets > li:first-child .interest-btn", "#room-sheets > li:first-child .mm-ask-one"])
    interest, ask = acts["#room-sheets > li:first-child .interest-btn"], acts["#room-sheets > li:first-child .mm-ask-one"]
    assert abs(interest["y"] - ask["y"]) < 2 and min(interest["height"], ask["height"]) >= 44, acts
    assert first_card.locator(".mm-ask-one").get_attribute("aria-label").startswith("Demander un rendez-vous — ")
    more = page.text_content("#room-more")
    assert "30" in more and str(total - 30) in more.replace("\u202f", "").replace("\u00a0", "")
    page.click("#room-more")
    page.wait_for_function("() => document.querySelectorAll('#room-sheets > li').length === 60")
    # The focus goes to the first new card, not back to the top of the page.
    assert page.evaluate("() => Array.from(document.querySelectorAll('#room-sheets > li')).indexOf(document.activeElement)") == 30
    # A search narrows at once, and counts what it found.
    t1 = page.evaluate("() => performance.now()")
    page.fill("#room-q", "palette")
    page.wait_for_function("() => document.querySelector('#room-count').textContent.includes('trouvée')")
    searched = page.evaluate("() => performance.now()") - t1
    found = int(page.text_content("#room-count").split()[0].replace("\u202f", "").replace("\u00a0", ""))
    assert 0 < found < total and page.locator("#room-sheets > li").count() == min(found, 30)
    assert horizontal_overflow(page) == 0
    print(f"\n[phone 10x, {total} sheets in the room] first cards after {first:.0f} ms, "
          f"search answered after {searched:.0f} ms (120 ms typing pause included), page {height} px tall")
    screenshot(page, "phone-360x740-room-10x")
    assert page.errors == []
    page.context.close()
