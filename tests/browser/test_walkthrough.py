"""What a walk through every screen with the demo workshop (and its 10x) found, kept from coming back:
the organiser's B2B contacts keep each phone number on one line, the B2B wall says the meetings are not
planned yet instead of "Terminé", the territory view reads French (numbers, dates, unbroken badges), the
follow-up list comes a page at a time at 10x, the B2B planner carries the workshop's name and the paper
entry's empty list says what it is for."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest

from tests.browser.conftest import new_page
from tests.browser.demo import demo_server, sign_in_organiser
from tests.browser.geometry import horizontal_overflow, min_font_size, outside_viewport, words_broken
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


def facilitator(browser, srv, info, table: int, path: str = ""):
    """The facilitator of ``table`` signed in on a 1024x768 tablet, on the board (or ``path`` under it)."""
    fac = next(f for f in state(srv, info)["facilitators"] if f["table_no"] == table)
    page = new_page(browser, 1024, 768, touch=True)
    page.goto(srv.url(f"/w/{info['code']}/facilitator{path}?code={fac['code']}"))
    page.click("form button[type=submit]")
    page.wait_for_selector("body[data-ready='1']")
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
        # the workshop tab's phase: one heading, not "Phase" twice (the select keeps its label for screen readers)
        page.goto(srv.url(f"/w/{info['code']}/organiser?s=workshop"))
        seen = page.evaluate("""() => [...document.querySelectorAll('#sec-workshop h3, #sec-workshop label')]
            .filter((n) => n.textContent.trim() === 'Phase' && n.getBoundingClientRect().width > 1.5).length""")
        assert seen == 1 and page.locator("label[for=phase]").count() == 1
        page.goto(srv.url(f"/w/{info['code']}/meetings"))
        assert page.text_content(".topbar .brand").strip() == state(srv, info)["workshop"]["name"]
        # the tray scrolls, so its heading says how many meetings wait to be placed
        board = info["session"].get(srv.url(f"/api/w/{info['workshop']}/meetings")).json()
        loose = [m for m in board["meetings"] if m["request_status"] == "accepted" and m["status"] != "cancelled"
                 and m.get("slot") is None]
        assert len(loose) > 20
        page.wait_for_selector("#tray [data-meeting]")
        assert page.text_content("#tray-h") == f"À placer ({len(loose)})"
    finally:
        page.context.close()
    page = facilitator(browser, srv, info, 1, "/paper")
    try:
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


# Each big counter's figure as drawn (its text's box) against its own tile.
COUNTER_SPILL = """() => Array.from(document.querySelectorAll('#counters .tile')).map((tile) => {
  const dd = tile.querySelector('dd'), r = document.createRange();
  r.selectNodeContents(dd);
  const text = r.getBoundingClientRect(), box = tile.getBoundingClientRect();
  return [dd.textContent, Math.round(text.right - box.right), Math.round(box.left - text.left), parseFloat(getComputedStyle(dd).fontSize)];
})"""


@pytest.mark.parametrize("w,h", [(1280, 720), (1920, 1080)])
def test_wall_counters_at_10x_stay_in_their_tiles(browser, demo10, w, h):
    srv, info = demo10
    page = new_page(browser, w, h)
    try:
        page.goto(info["wall_url"])
        page.wait_for_function("() => document.querySelector('[data-stat=ideas]').textContent.replace(/\\D/g, '') === '5100'")
        page.wait_for_timeout(300)
        tiles = page.evaluate(COUNTER_SPILL)
        assert [t[0].replace("\u202f", " ").replace("\xa0", " ") for t in tiles] == ["360", "2 780", "5 100", "870"]
        assert [t for t in tiles if t[1] > 0 or t[2] > 0] == [], tiles  # no figure runs past its tile
        assert len({t[3] for t in tiles}) == 1  # the four the same size...
        assert tiles[0][3] >= 2.2 * (24 if (w, h) == (1280, 720) else 36)  # ...and still the wall's biggest text
        assert horizontal_overflow(page) == 0
        screenshot(page, f"walk-wall-10x-{w}x{h}")
    finally:
        page.context.close()


def test_b2b_contacts_at_10x_come_a_page_at_a_time(browser, demo10):
    srv, info = demo10
    assert info["stats"]["b2b"] == 870
    page = organiser(browser, srv, info, 1366, 768)
    try:
        page.goto(srv.url(f"/w/{info['code']}/organiser?s=b2b"))
        page.wait_for_selector("#b2b-list tr td strong", timeout=60_000)
        assert page.locator("#b2b-list tr").count() == 100
        assert page.text_content("#b2b-count") == "(870 idées)"
        assert page.inner_text("#b2b-more") == "Afficher 100 idées de plus (770 restantes)"
        tall = page.evaluate("document.documentElement.scrollHeight")
        assert tall < 20 * 768, tall  # all 870 rows made a 107,000 px page
        page.click("#b2b-more")
        assert page.locator("#b2b-list tr").count() == 200
        assert "670 restantes" in page.inner_text("#b2b-more")
        assert horizontal_overflow(page) == 0
        assert page.errors == []
    finally:
        page.context.close()


def test_report_at_10x_groups_thousands_everywhere(browser, demo10):
    """Figures in the charts and the territory table as in the key figures: "5 100", not "5100"."""
    srv, info = demo10
    page = organiser(browser, srv, info, 1366, 768)
    try:
        page.goto(srv.url(f"/w/{info['code']}/followup/report"))
        funnel = page.eval_on_selector_all("svg.funnel text.val", "ns => ns.map((n) => n.textContent)")
        assert "2\xa0780" in funnel and "5\xa0100" in funnel, funnel
        cats = page.eval_on_selector_all("svg.categories text.val", "ns => ns.map((n) => n.textContent)")
        assert cats and all(FRENCH_NUMBER.match(c) for c in cats) and any("\xa0" in c for c in cats), cats
        zones = page.eval_on_selector_all("#zn-h ~ table tbody td", "ns => ns.map((n) => n.textContent)")
        assert zones and all(FRENCH_NUMBER.match(z) for z in zones) and any("\xa0" in z for z in zones), zones
    finally:
        page.context.close()


# -- the B2B wall during a round, at the real event's size: 12 tables busy at once ------------------------
@pytest.fixture(scope="module")
def round_now(server):
    """A workshop today whose first round runs now, with a meeting at each of its 12 tables, and the next too."""
    import requests

    from tests.live import uid

    now = datetime.now()
    start = (now - timedelta(minutes=1)).replace(second=0, microsecond=0)
    organiser = requests.Session()
    r = organiser.post(server.url("/api/workshops"), json={"name": "Atelier du Pays d’Ancenis", "password": "motdepasse",
                                                           "date": now.date().isoformat()})
    r.raise_for_status()
    ws = r.json()
    api = lambda p: server.url(f"/api/w/{ws['workshop']}{p}")  # noqa: E731
    orgs = [server.participant(ws, f"{name} {k + 1}")[1] for k, name in
            enumerate(["Menuiserie Rousseau", "Lycée professionnel Saint-Joseph", "Ressourcerie La Trouvaille",
                       "Maraîchage Dupont"] * 6)]
    end = start + timedelta(minutes=60)
    organiser.post(api("/meetings/setup"), json={
        "sessions": [{"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}], "slot_minutes": 15,
        "pause_minutes": 5, "places": [{"name": f"Table {n}", "capacity": 2} for n in range(1, 13)]}).raise_for_status()
    pairs = [(2 * a, 2 * a + 1) for a in range(12)] + [(2 * a, (2 * a + 3) % 24) for a in range(12)]
    for a, b in pairs:
        organiser.post(api("/meetings"), json={"id": uid(), "org_ids": [orgs[a]["id"], orgs[b]["id"]]}).raise_for_status()
    board = organiser.get(api("/meetings")).json()
    for k, m in enumerate(board["meetings"]):  # this round and the next: every table busy
        organiser.post(api(f"/meetings/{m['id']}/place"), json={
            "version": m["version"], "slot": k // 12, "place_id": board["places"][k % 12]["id"], "locked": True}
        ).raise_for_status()
    token = organiser.get(api("/state")).json()["workshop"]["projector_token"]
    return server.url(f"/w/{ws['code']}/wall/b2b?t={token}")


@pytest.mark.parametrize("w,h", [(1280, 720), (1920, 1080)])
def test_b2b_wall_round_readable_from_the_back(browser, round_now, w, h):
    page = new_page(browser, w, h)
    try:
        page.goto(round_now)
        page.wait_for_function("() => document.querySelectorAll('#wb-now li').length > 0")
        page.wait_for_timeout(300)
        shown = page.eval_on_selector_all("#wb-now li", "ns => ns.map((n) => n.textContent)")
        size, where = min_font_size(page, "#wb")
        print(f"\n[b2b wall {w}x{h}] {len(shown)} lines, smallest text {size} px ({where})")
        screenshot(page, f"walk-wall-b2b-round-{w}x{h}")
        assert len(shown) == 12 and all(s.startswith("Table ") for s in shown), shown  # every table, none "+ N autres"
        assert size >= (24 if (w, h) == (1280, 720) else 36), where
        assert page.text_content("#wb-next").startswith("Ensuite, à ")
        assert outside_viewport(page, "#wb-now li, #wb-clock, #wb-round, #wb-next") == [] and horizontal_overflow(page) == 0
    finally:
        page.context.close()


def test_phone_of_a_busy_organisation_keeps_its_tabs_on_the_first_screen(browser, demo):
    """Jardins solidaires is in many of the demo's B2B ideas: its requests fold under one line, so the
    phone's first screen still reaches the tabs; a request waiting for its answer opens the fold."""
    import time

    from tests.browser.screens import join, phone
    from tests.live import uid

    srv, info = demo
    s, api = info["session"], lambda p: srv.url(f"/api/w/{info['workshop']}{p}")  # noqa: E731
    org = next(o for o in state(srv, info)["organisations"] if o["name"] == "Jardins solidaires de l’Èvre")
    page = phone(browser)
    try:
        join(page, srv, info)
        page.fill("#org-search", "Jardins solidaires")
        page.click(f"#org-list .choice:has-text('{org['name']}')")
        deadline = time.time() + 15
        while time.time() < deadline and not (asks := s.get(api("/state")).json().get("join_requests")):
            time.sleep(0.2)
        for r in asks:
            s.post(api(f"/join-requests/{r['id']}"), json={"accept": True}).raise_for_status()
        page.wait_for_selector("#space:not([hidden]) #my-meetings .mm-reqs-box")
        mine = [m for m in s.get(api("/meetings")).json()["meetings"] if org["id"] in m["org_ids"]
                and m["status"] != "held" and (m["request_status"] != "accepted" or m.get("slot") is None)]
        assert len(mine) >= 5
        assert page.text_content("#my-meetings .mm-reqs-sum") == f"Demandes ({len(mine)})"
        page.evaluate("window.scrollTo(0, 0)")
        assert outside_viewport(page, ".phone-tabs [role=tab]") == []
        assert horizontal_overflow(page) == 0
        screenshot(page, "walk-phone-busy-org-360x740")
        # another organisation asks for a meeting: the fold opens on it, with the answer buttons
        asker, _ = srv.participant(info, f"Scierie des Mauges {uid()[:6]}")
        mid = uid()
        asker.post(api("/meetings"), json={"id": mid, "org_ids": [org["id"]], "note": "Copeaux"}).raise_for_status()
        row = f"#my-meetings .mm-req[data-meeting='{mid}']"
        page.wait_for_selector(row)
        assert page.evaluate("() => document.querySelector('#my-meetings .mm-reqs-box').open")
        assert "1 à accepter ou refuser" in page.text_content("#my-meetings .mm-reqs-sum")
        assert page.is_visible(f"{row} button.btn.primary")
        assert page.errors == []
    finally:
        page.context.close()


def shows_server_total(page, url: str, timeout: float = 15) -> int:
    """Wait until the panel's count is the server's total for ``url`` (asked again until they agree)."""
    deadline = time.time() + timeout
    while True:
        total = page.evaluate("(u) => fetch(u).then((r) => r.json())", url)["total"]
        if page.text_content("#sugg-total") == str(total):
            return total
        assert time.time() < deadline, f"the panel shows {page.text_content('#sugg-total')}, the server {total}"
        page.wait_for_timeout(200)


def test_board_suggestions_for_my_table_are_all_of_my_table(browser, demo):
    """At the real event's size the room has over a thousand suggested pairs; the server sends the best
    300. A facilitator's "Ma table" lists every pair of the table, not only those among the room's best."""
    srv, info = demo
    page = facilitator(browser, srv, info, 3)
    try:
        api = f"/api/w/{info['workshop']}/suggestions"
        mine = page.evaluate("(u) => fetch(u).then((r) => r.json())", api + "?scope=table")
        room = page.evaluate("(u) => fetch(u).then((r) => r.json())", api)
        in_room_best = [s for s in room["suggestions"] if 3 in (s["offer_table"], s["need_table"])]
        assert mine["total"] == len(mine["suggestions"]) > len(in_room_best)  # what the old panel showed
        page.click("#open-suggestions")
        shows_server_total(page, api + "?scope=table")  # other tests' writes may still move a pair or two
        cards = page.locator("#sugg-list li.sugg")
        assert cards.count() == 30 and all("table 3" in (cards.nth(i).text_content() or "") for i in range(30))
        assert page.is_visible("#sugg-more")
        page.check("#sugg-scope-all")  # the whole room: its count, its best first
        shows_server_total(page, api)
        screenshot(page, "walk-board-suggestions-table-1024x768")
        first = page.locator("#sugg-list li.sugg").first
        gone = first.get_attribute("data-id")
        first.locator("[data-act=dismiss]").click()
        # the pair leaves the list, and the count follows the server's (the matcher may put the next-best
        # partner of either sheet in its place, so the room's total can stay the same)
        page.wait_for_selector(f"#sugg-list li.sugg[data-id='{gone}']", state="detached")
        shows_server_total(page, api)
    finally:
        page.context.close()
