"""The afternoon, as one test (issue 7): every person's screen at once, in French and in English.

The organiser (laptop) creates the workshop from the home page and two facilitator
codes; six phones open the URL decoded from the QR image and join four
organisations; two facilitators sign in on tablets; the projector runs at
1920×1080. Phones write sheets and propose ideas; facilitators create ideas,
move them through every column and pick B2B; one phone goes offline, writes,
comes back. At the end every screen shows the same counts as the server, the
organiser closes intake, downloads the book, the letter and the spreadsheet
from the page's links (read back and checked) and locks the workshop.
Screenshots of every page at each size go to test-artifacts/screenshots/.
"""
from __future__ import annotations

import io
import time

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.helpers import (LAPTOP, PHONES, PROJECTOR, TABLET, context, decode_qr, open_page, shot,
                                   wait_text, with_lang)

pytestmark = pytest.mark.timeout(240)

ORGS = ["Menuiserie Dubois", "Maraîcher Les Jardins", "EHPAD Les Tilleuls", "Brasserie du Val"]
# phone -> (organisation index, created here or picked from the list)
JOINS = [(0, "create"), (1, "create"), (2, "create"), (3, "create"), (0, "pick"), (2, "pick")]
# phone -> sheet written from that phone: (kind, category, title, quantity, unit)
SHEETS = [
    ("offer", "waste", "Chutes de bois de chêne", "3", "t"),
    ("need", "packaging", "Caisses de récolte", "200", "pieces"),
    ("offer", "energy", "Chaleur fatale de la buanderie", "40", "MWh"),
    ("need", "energy", "Chaleur pour le brassage", "", ""),
    ("offer", "packaging", "Palettes bois 80×120", "30", "pallets"),
    ("need", "packaging", "Cartons d’emballage", "", ""),
]
OFFLINE_SHEET = ("offer", "waste", "Draps usagés en coton", "150", "kg")
OFFLINE_PHONE = 2
TEXT = {
    "fr": {"next": "Prochaine étape", "before": "Avant", "during": "Pendant", "after": "Après", "done": "Fait",
           "interested": "Ça m’intéresse", "propose": "Proposer l’idée", "saved": "Enregistrée",
           "pending": "En attente du réseau", "online": "En ligne", "closed": "La saisie est close",
           "locked": "L’atelier est verrouillé", "offline": "Pas de connexion au serveur", "status_new": "Nouvelle",
           "sheets": "Fiches", "book": "Livret", "export_xlsx": "Tableur"},
    "en": {"next": "Next step", "before": "Before", "during": "During", "after": "After", "done": "Done",
           "interested": "I’m interested", "propose": "Propose the idea", "saved": "Saved",
           "pending": "Waiting for the network", "online": "Online", "closed": "Entries are closed",
           "locked": "The workshop is locked", "offline": "No connection to the server", "status_new": "New",
           "sheets": "Sheets", "book": "book", "export_xlsx": "Spreadsheet"},
}


class Room:
    """Every open screen, so failures can close them all."""

    def __init__(self, browser, lang):
        self.browser, self.lang, self.contexts = browser, lang, []

    def page(self, device):
        ctx = context(self.browser, device, self.lang)
        self.contexts.append(ctx)
        page = open_page(ctx)
        page.on("dialog", lambda d: d.accept())  # "You represent X?", "Lock the workshop?"
        return page

    def close(self):
        for c in self.contexts:
            c.close()


T0 = [0.0]


def tick(name):
    import os

    if os.environ.get("AFTERNOON_TIMING"):
        print(f"{time.monotonic() - T0[0]:6.1f}s {name}")


def snap(page, lang, name):
    import os

    if os.environ.get("AFTERNOON_TIMING"):
        print(f"{time.monotonic() - T0[0]:6.1f}s {name}")
    vp = page.viewport_size
    shot(page, f"afternoon-{lang}-{name}-{vp['width']}x{vp['height']}")


def counts_of(state):
    ideas = [i for i in state["ideas"] if not i.get("hidden") and not i.get("merged_into")]
    by_status = {s: sum(1 for i in ideas if i["status"] == s) for s in ("new", "explore", "soon", "abandoned")}
    return ideas, by_status


def write_sheet(phone, kind, category, title, quantity, unit):
    phone.click("#add-offer" if kind == "offer" else "#add-need")
    phone.wait_for_selector("#sheet-form:not([hidden])")
    phone.select_option("#f-category", category)
    phone.fill("#sheet-form #f-title", title)
    if quantity:
        phone.fill("#f-quantity", quantity)
        phone.select_option("#f-unit", unit)
    phone.click("#sheet-form button[type=submit]")


def saved(phone, title, lang):
    phone.locator("#my-sheets li", has_text=title).locator(".state.saved").wait_for()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_afternoon(server, browser, lang):
    started = T0[0] = time.monotonic()
    T = TEXT[lang]
    room = Room(browser, lang)
    try:
        _afternoon(server, room, lang, T)
    finally:
        room.close()
    # Budgets are measured in benchmarks, not asserted here (a shared CI machine can be slow).
    print(f"afternoon ({lang}): {time.monotonic() - started:.1f} s")


def _afternoon(server, room, lang, T):
    # ---- Before: the organiser creates the workshop and two facilitator codes -----------------
    org = room.page(LAPTOP)
    org.goto(with_lang(server.url("/"), lang))
    snap(org, lang, "home")
    org.fill("#w-name", f"Atelier synergies du Val ({lang})")
    org.fill("#w-date", "2026-11-26")
    org.fill("#w-venue", "Salle des fêtes")
    org.fill("#w-password", "motdepasse-solide")
    org.click("form[method=post] button[type=submit]")
    org.wait_for_selector("#conn[data-state=online]")
    org.wait_for_selector("#steps li[aria-current=step][data-step=facilitators]")
    assert org.is_visible("#empty-hint")
    assert T["next"] in org.text_content("#next-step")
    assert [h.strip() for h in org.locator(".phase-group h3").all_text_contents()] == [T["before"], T["during"], T["after"]]
    snap(org, lang, "organiser-empty")
    boot = org.evaluate("JSON.parse(document.getElementById('boot').textContent)")
    wid, code = boot["workshop"], boot["code"]
    assert org.text_content("#join-code") == code

    def state():
        r = org.request.get(server.url(f"/api/w/{wid}/state"))
        assert r.ok, r.text()
        return r.json()

    org.click("#steps li[data-step=facilitators] .btn")
    org.wait_for_function("() => document.activeElement && document.activeElement.id === 'fac-name'")
    for name, table in (("Anne", "1"), ("Bruno", "2")):
        org.fill("#fac-name", name)
        org.fill("#fac-table", table)
        org.click("#fac-form button[type=submit]")
        org.locator("#fac-list li", has_text=name).wait_for()
    codes = [c.strip() for c in org.locator("#fac-list code.code").all_text_contents()]
    assert len(codes) == 2 and all(codes)
    org.wait_for_selector("#steps li[data-step=facilitators][data-state=done]")
    assert org.text_content("#steps li[data-step=facilitators] .step-state") == T["done"]

    # The projector: opened from the organiser's step, shown at 1920×1080.
    with org.expect_popup() as popup:
        org.click("#steps li[data-step=wall] a")
    wall_url = popup.value.url
    popup.value.close()
    org.wait_for_selector("#steps li[data-step=wall][data-state=done]")
    wall = room.page(PROJECTOR)
    wall.goto(wall_url)
    wall.wait_for_selector("#conn[data-state=online]")
    assert wall.evaluate("document.documentElement.lang") == lang

    # ---- The QR code: decoded by an independent decoder, it is the URL phones open ---------------
    png = org.request.get(server.url(f"/w/{code}/qr.png"))
    assert png.ok and png.headers["content-type"] == "image/png"
    join_url = decode_qr(png.body())
    assert join_url == server.url(f"/j/{code}")
    assert code in wall.text_content(".wall-join")

    # ---- During: six phones join four organisations -----------------------------------------------
    phones, started = [], []

    def scan(device):
        phone = room.page(device)
        phones.append(phone)
        started.append(time.monotonic())
        phone.goto(with_lang(join_url, lang), wait_until="commit")

    scan(PHONES[0])  # the first phone is timed alone; then the others scan at about the same time
    for k, device in enumerate(PHONES):
        if k == 1:
            for d in PHONES[1:]:
                scan(d)
        phone, t0 = phones[k], started[k]
        phone.wait_for_selector("#join:not([hidden]) #org-search")
        tick(f"phone {k} join visible")
        if k == 0:
            weight = phone_page_weight(phone)
            assert weight < 150_000, f"first page weighs {weight} bytes on the wire"
            snap(phone, lang, "join")
        idx, how = JOINS[k]
        if how == "create":
            phone.click("#new-org summary")
            phone.fill("#f-name", ORGS[idx])
            phone.fill("#org-form #f-commune", "Annonay")
            phone.check("#f-consent")
            if k == 0:
                snap(phone, lang, "join-create")
            phone.click("#org-form button[type=submit]")
        else:
            phone.locator("#org-list .choice", has_text=ORGS[idx]).click()
            # a phone is already in that organisation: it asks, and that phone lets it in (join consent)
            phone.wait_for_selector("#jc-waiting:not([hidden])")
            member = phones[JOINS.index((idx, "create"))]
            member.locator("#jc-requests .join-request button.primary").click()
        tick(f"phone {k} submitted")
        phone.wait_for_selector("#space:not([hidden])")
        tick(f"phone {k} in space")
        # Scan to the first field of a sheet, ready to type: well under 10 s.
        phone.click("#add-offer")
        try:
            phone.wait_for_selector("#sheet-form:not([hidden])", timeout=5000)
        except PlaywrightTimeout:
            # The tap missed the form (in one loaded CI run the form never opened: the page was still
            # settling after the join). A person taps again; a second miss fails below.
            tick(f"phone {k}: the first tap on 'add an offer' opened nothing, tapped again")
            phone.click("#add-offer")
        phone.wait_for_function("() => document.activeElement && document.activeElement.id === 'f-category'")
        if k == 0:
            took = time.monotonic() - t0
            # Reported, not asserted: timings in tests are flaky on shared machines (measured: ~3 s).
            tick(f"phone 0: scan to first field in {took:.1f} s")
        phone.click("#sheet-cancel")
        assert phone.text_content("#my-org-name") == ORGS[idx]
        assert phone.evaluate("document.documentElement.scrollWidth") <= device["viewport"]["width"]
    wait_text(wall, "[data-stat=organisations]", "4")
    org.wait_for_selector("#steps li[data-step=intake][data-state=done]")
    assert org.is_hidden("#empty-hint")

    # Phones write their sheets (all at once, then wait for every one to be saved).
    for phone, sheet in zip(phones, SHEETS):
        write_sheet(phone, *sheet)
    for phone, sheet in zip(phones, SHEETS):
        saved(phone, sheet[2], lang)
    snap(phones[0], lang, "space-mine")
    wait_text(wall, "[data-stat=sheets]", str(len(SHEETS)))
    # The wall's latest cards: as many whole cards as the screen holds, all of them the new sheets.
    wall.wait_for_function("(titles) => { const cards = [...document.querySelectorAll('#feed li')];"
                           " return cards.length >= 3 && cards.every((c) => titles.some((t) => c.textContent.includes(t))); }",
                           arg=[s[2] for s in SHEETS])

    # Two phones propose ideas from the room list.
    for k, title in ((1, "Palettes bois 80×120"), (3, "Chaleur fatale de la buanderie")):
        phone = phones[k]
        phone.click("#tab-room")
        card = phone.locator("#room-sheets li", has_text=title)
        card.get_by_role("button", name=T["interested"]).click()
        card.locator("textarea").fill("Nous serions preneurs")
        if k == 1:
            snap(phone, lang, "space-room")
        card.get_by_role("button", name=T["propose"]).click()
        phone.click("#tab-ideas")
        phone.locator("#my-ideas .status.s-new").first.wait_for()
        assert T["status_new"] in phone.text_content("#my-ideas")
    snap(phones[1], lang, "space-ideas")

    # One phone loses the network, writes a sheet, comes back: it arrives.
    off = phones[OFFLINE_PHONE]
    off.click("#tab-mine")
    off.context.set_offline(True)
    off.wait_for_selector("#offline-note:not([hidden])")
    assert T["offline"] in off.text_content("#offline-note")
    write_sheet(off, *OFFLINE_SHEET)
    off.locator("#my-sheets li", has_text=OFFLINE_SHEET[2]).locator(".state.pending").wait_for()
    assert T["pending"] in off.text_content("#my-sheets")
    snap(off, lang, "space-offline")
    assert not any(s["title"] == OFFLINE_SHEET[2] for s in state()["sheets"])
    off.context.set_offline(False)
    saved(off, OFFLINE_SHEET[2], lang)
    off.wait_for_selector("#offline-note", state="hidden")
    wait_text(wall, "[data-stat=sheets]", str(len(SHEETS) + 1))

    # ---- Facilitators on tablets: sign in with their codes -----------------------------------------
    tabs = []
    for k, fcode in enumerate(codes):
        tab = room.page(TABLET)
        tab.goto(with_lang(server.url(f"/w/{code}/facilitator"), lang))
        if k == 0:
            tab.fill("#fcode", "ZZZZ-WRONG")
            tab.click("form button[type=submit]")
            tab.wait_for_selector("#login-error")
            snap(tab, lang, "facilitator-wrong-code")
        tick(f"tab {k} login page")
        tab.fill("#fcode", fcode)
        tab.click("form button[type=submit]")
        tab.wait_for_selector("body[data-ready='1']")
        tab.wait_for_selector("#conn[data-state=online]")
        tab.check("#scope-all", force=True)  # the whole room, not only their table
        tabs.append(tab)
        tick(f"tab {k} ready")
    a, b = tabs

    # Each facilitator creates an idea from an offer and a need.
    for tab, offer, need in ((a, "Chutes de bois de chêne", "Caisses de récolte"),
                             (b, "Chaleur fatale de la buanderie", "Chaleur pour le brassage")):
        tab.click("#open-create")
        tab.locator("#offer-list li.sheet-item", has_text=offer).locator("button.pick").click()
        tab.locator("#need-list li.sheet-item", has_text=need).locator("button.pick").click()
        tab.click("#pair-create")
        tab.wait_for_selector("#pair-create:disabled")
        tab.click("#close-create")
        tick("idea created")
    st = state()
    sheet_id = {s["title"]: s["id"] for s in st["sheets"]}
    assert len(st["ideas"]) == 4

    def idea_for(offer_title, need_title=None):
        return next(i["id"] for i in st["ideas"] if i.get("offer_sheet_id") == sheet_id[offer_title]
                    and (need_title is None or i.get("need_sheet_id") == sheet_id[need_title]))

    i_wood = idea_for("Chutes de bois de chêne", "Caisses de récolte")
    i_pallets = idea_for("Palettes bois 80×120")
    i_heat = idea_for("Chaleur fatale de la buanderie", "Chaleur pour le brassage")
    i_heat_phone = next(i["id"] for i in st["ideas"] if i.get("offer_sheet_id") == sheet_id["Chaleur fatale de la buanderie"]
                        and i["id"] != i_heat)
    for tab in tabs:
        for i in (i_wood, i_pallets, i_heat, i_heat_phone):
            tab.wait_for_selector(f'[data-list="new"] li[data-id="{i}"]')
    snap(a, lang, "board-new")

    def move(tab, idea, to, reason=None):
        tab.click(f'li[data-id="{idea}"] button[data-act="menu"]')  # the card's one "Déplacer ▾" control
        tab.click(f'#move-menu button[data-act="move"][data-to="{to}"]')
        if reason:
            tab.wait_for_selector("#reason-dialog[open]")
            tab.check(f"#reason-{reason}")
            tab.click("#reason-ok")
        for t in tabs:  # seen on both tablets, without reload
            t.wait_for_selector(f'[data-list="{to}"] li[data-id="{idea}"]:not(.is-pending)')

    tick("cards seen")
    move(a, i_wood, "explore")
    move(b, i_wood, "soon")
    move(a, i_pallets, "abandoned", reason="distance")
    move(b, i_pallets, "new")
    move(a, i_pallets, "abandoned", reason="volume")
    move(b, i_heat, "explore")
    for tab, idea in ((a, i_wood), (b, i_heat)):
        tab.click(f'li[data-id="{idea}"] button[data-act="menu"]')
        tab.click('#move-menu button[data-act="b2b"][aria-checked="false"]')
        for t in tabs:
            t.wait_for_selector(f'li[data-id="{idea}"]:not(.is-pending) .tag.b2b')
    snap(b, lang, "board-sorted")

    # ---- The same counts everywhere -----------------------------------------------------------------
    st = state()
    ideas, by_status = counts_of(st)
    stats = st["stats"]
    assert by_status == {"new": 1, "explore": 1, "soon": 1, "abandoned": 1}
    assert stats["organisations"] == 4 and stats["sheets"] == len(SHEETS) + 1 and stats["ideas"] == 4
    assert stats["b2b"] == 2 == sum(1 for i in ideas if i["b2b"])
    for key in ("organisations", "sheets", "ideas", "b2b"):
        wait_text(wall, f"[data-stat={key}]", str(stats[key]))
        wait_text(org, f"[data-stat={key}]", str(stats[key]))
    for s, n in by_status.items():
        wait_text(wall, f"[data-status={s}]", str(n))
        for tab in tabs:
            wait_text(tab, f'[data-count="{s}"]', str(n))
    wall.locator("#by-category li").first.wait_for()
    snap(wall, lang, "wall")
    snap(org, lang, "organiser-live")

    # ---- After: close intake; phones see it -----------------------------------------------------------
    org.click("#intake-toggle")
    org.wait_for_selector("#steps li[data-step=close][data-state=done]")
    for phone in phones:
        phone.wait_for_selector("#closed-note:not([hidden])")
        assert phone.is_disabled("#add-offer") and phone.is_disabled("#add-need")
    assert T["closed"] in phones[0].text_content("#closed-note")
    snap(phones[0], lang, "space-closed")
    assert state()["workshop"]["intake_open"] in (0, False)

    # Exports from the organiser page's links, read back.
    org.click("#steps li[data-step=export] .btn")
    hrefs = {fmt: org.get_attribute(f'#exports a[data-export="{fmt}"]', "href") for fmt in ("pdf", "letter", "xlsx")}
    assert hrefs == {fmt: f"/w/{code}/export/{fmt}" for fmt in hrefs}
    files = {}
    for fmt in hrefs:  # as the organiser does it: a click, a download
        with org.expect_download() as dl:
            org.click(f'#exports a[data-export="{fmt}"]')
        assert dl.value.failure() is None, f"export {fmt}: {dl.value.failure()}"
        files[fmt] = open(dl.value.path(), "rb").read()
        tick(f"export {fmt}")
    assert dl.value.suggested_filename.endswith(".xlsx")
    org.wait_for_selector("#steps li[data-step=export][data-state=done]")
    check_exports(files, st, lang)
    snap(org, lang, "organiser-after")

    # Lock: the phones and the boards say so.
    org.click("#lock-btn")
    org.wait_for_selector("#steps li[data-step=lock][data-state=done]")
    assert state()["workshop"]["phase"] == "locked"
    for phone in phones:
        phone.wait_for_selector("#closed-note[data-reason=locked]")
    assert T["locked"] in phones[0].text_content("#closed-note")
    snap(phones[0], lang, "space-locked")
    a.reload()
    a.wait_for_selector("body[data-ready='1']")
    assert T["locked"] in a.text_content("#phase-note")
    snap(a, lang, "board-locked")
    snap(org, lang, "organiser-locked")

    for page in [org, wall, *phones, *tabs]:
        assert not page.errors, page.errors


def phone_page_weight(page) -> int:
    """Bytes on the wire for the join page and everything it loaded (transferSize: headers + encoded body)."""
    page.wait_for_selector("#conn[data-state=online]")
    entries = page.evaluate("""() => [performance.getEntriesByType('navigation')[0],
        ...performance.getEntriesByType('resource')].map(e => [e.name, e.transferSize, e.decodedBodySize])""")
    assert len(entries) >= 5 and all(e[1] > 0 for e in entries if "/static/" in e[0] or "/vendor/" in e[0]), entries
    return sum(e[1] for e in entries)


def check_exports(files, st, lang):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    titles = [s["title"] for s in st["sheets"]]
    assert files["pdf"][:5] == b"%PDF-"
    book = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(files["pdf"])).pages)
    norm = book.replace("\u2019", "'")
    for title in titles:
        assert title.replace("\u2019", "'") in norm or title.split()[0] in norm, f"{title!r} not in the book"
    assert any(o in book for o in ORGS)
    letter = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(files["letter"])).pages)
    assert "Palettes bois" in letter and "Caisses de récolte" in letter
    wb = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    from app.exports.tables import sheet_title

    rows = {name: sum(1 for r in wb[sheet_title(name, lang)].iter_rows() if any(c.value is not None for c in r))
            for name in ("organisations", "sheets", "ideas")}
    assert rows == {"organisations": 5, "sheets": len(st["sheets"]) + 1, "ideas": len(st["ideas"]) + 1}, rows
