"""B2B meetings in a real browser: the planning grid (drag to pin) at 1366x768, "Mes rendez-vous"
on a 360x740 phone (live request, accept, one-tap outcome), the wall's round view at 1280x720 and
1920x1080 with the countdown on the server's clock while the projector's own clock is two hours off."""
from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.helpers import SHOTS
from tests.live import uid

NAMES = ["Scierie Pineau", "Lycée Saint-Joseph", "Brasserie du Port", "Ressourcerie La Trouvaille",
         "Maraîcher Dupont", "Menuiserie Rousseau"]


def _api(server, ws, path):
    return server.url(f"/api/w/{ws['workshop']}{path}")


def _cookies(session, server):
    return [{"name": c.name, "value": c.value, "url": server.base} for c in session.cookies]


def _planner(server, browser, room):
    """The organiser's B2B planner at 1366x768, its grid drawn."""
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    ctx.add_cookies(_cookies(room["organiser"], server))
    page = ctx.new_page()
    page.goto(server.url(f"/w/{room['ws']['code']}/meetings"))
    page.wait_for_selector("#grid .mcard")
    return ctx, page


@pytest.fixture(scope="module")
def room(server):
    """A workshop today with a session running now: 6 organisations, 2 tables, 5 meetings planned."""
    now = datetime.now()
    start = (now - timedelta(minutes=2)).replace(second=0, microsecond=0)
    organiser = requests.Session()
    r = organiser.post(server.url("/api/workshops"), json={"name": "Atelier B2B", "password": "motdepasse",
                                                           "date": now.date().isoformat(), "venue": "Halle"})
    r.raise_for_status()
    ws = r.json()
    phones = [server.participant(ws, n, consent=True, email=f"contact{k}@example.fr", contact_name=f"Personne {k}")
              for k, n in enumerate(NAMES)]
    end = start + timedelta(minutes=70)
    organiser.post(_api(server, ws, "/meetings/setup"), json={
        "sessions": [{"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}], "slot_minutes": 5,
        "pause_minutes": 5, "places": [{"name": "Table 1", "capacity": 4}, {"name": "Table 4", "capacity": 4}]}
    ).raise_for_status()
    pairs = [(0, 1), (2, 3), (0, 4), (1, 2), (3, 5)]
    for a, b in pairs:
        organiser.post(_api(server, ws, "/meetings"), json={
            "id": uid(), "org_ids": [phones[a][1]["id"], phones[b][1]["id"]]}).raise_for_status()
    plan = organiser.post(_api(server, ws, "/meetings/plan"), json={"time_limit": 2}).json()
    assert plan["stats"]["placed"] == 5
    # the slot running now was closed to the planner: the organiser pins one meeting there by hand
    board = organiser.get(_api(server, ws, "/meetings")).json()
    first = next(m for m in board["meetings"] if set(m["org_ids"]) == {phones[0][1]["id"], phones[1][1]["id"]})
    table4 = next(p["id"] for p in board["places"] if p["name"] == "Table 4")
    organiser.post(_api(server, ws, f"/meetings/{first['id']}/place"), json={
        "version": first["version"], "slot": 0, "place_id": table4, "locked": True}).raise_for_status()
    token = organiser.get(_api(server, ws, "/state")).json()["workshop"]["projector_token"]
    return {"ws": ws, "organiser": organiser, "phones": phones, "token": token}


def test_planning_grid_drag_pins_a_meeting_at_1366x768(server, browser, room):
    ws, organiser = room["ws"], room["organiser"]
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    ctx.add_cookies(_cookies(organiser, server))
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url(f"/w/{ws['code']}/organiser"))
    page.click("#tab-b2b")  # the planner is reached from the organiser page's B2B section
    page.click("#b2b-planner-link")
    page.wait_for_selector("#grid .mcard")
    board = organiser.get(_api(server, ws, "/meetings")).json()
    at = {(m["slot"], m["place_id"]) for m in board["meetings"]}
    pineau = room["phones"][0][1]["id"]
    m = next(x for x in board["meetings"] if x["slot"] != 0 and pineau not in x["org_ids"])
    busy = {x["slot"] for x in board["meetings"] if set(x["org_ids"]) & set(m["org_ids"])}
    free = next((s["index"], p["id"]) for s in board["slots"] for p in board["places"]
                if (s["index"], p["id"]) not in at and s["index"] >= 3 and s["index"] not in busy)
    page.drag_and_drop(f".mcard[data-meeting='{m['id']}']", f"td[data-slot='{free[0]}'][data-place='{free[1]}']")
    deadline = time.time() + 15
    while time.time() < deadline:
        cur = {x["id"]: x for x in organiser.get(_api(server, ws, "/meetings")).json()["meetings"]}[m["id"]]
        if cur["locked"]:
            break
        time.sleep(0.2)
    toast = page.text_content("#toast") if page.is_visible("#toast") else ""
    assert cur["locked"] == 1 and (cur["slot"], cur["place_id"]) == free, toast
    cell = f"td[data-slot='{free[0]}'][data-place='{free[1]}'] .mcard.locked"
    page.wait_for_selector(cell)
    names = {o["id"]: o["name"] for o in board["organisations"]}
    assert names[m["org_ids"][0]][:15] in page.text_content(cell)
    # the result panel says what the planner proved
    assert "5 / 5" in page.text_content("#stats")
    # fits the laptop: no sideways scroll of the page, the grid inside the viewport
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 1366
    box = page.locator("#grid-wrap").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1366
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "b2b-grid-1366x768.png"))
    # pinning onto a taken cell is refused with a clear message, nothing moves
    taken = next((x["slot"], x["place_id"]) for x in board["meetings"] if x["id"] != m["id"] and x["slot"] != 0)
    other = next(x for x in board["meetings"] if (x["slot"], x["place_id"]) != taken and x["id"] != m["id"]
                 and x["slot"] != 0 and pineau not in x["org_ids"])
    page.drag_and_drop(f".mcard[data-meeting='{other['id']}']", f"td[data-slot='{taken[0]}'][data-place='{taken[1]}']")
    # the first pin's toast may still be up: wait for the refusal's own words, not for any toast
    expect(page.locator("#toast")).to_contain_text("déjà pris", timeout=15_000)
    now = {x["id"]: x for x in organiser.get(_api(server, ws, "/meetings")).json()["meetings"]}
    assert (now[other["id"]]["slot"], now[other["id"]]["place_id"]) == (other["slot"], other["place_id"])
    assert not errors, errors
    ctx.close()


def test_planning_grid_is_not_redrawn_by_a_reconnect_that_brings_nothing(server, browser, room):
    """A grid replaced under a drag loses the drop: a reload after a (re)connect that brings nothing new must
    leave the grid's cards where they are."""
    ctx, page = _planner(server, browser, room)
    page.wait_for_selector("#conn[data-state='online']")
    page.evaluate("document.querySelector('#grid .mcard').dataset.probe = '1'")
    ctx.set_offline(True)
    page.wait_for_selector("#conn[data-state='offline']")
    with page.expect_response(lambda r: r.url.endswith("/meetings") and r.status == 200, timeout=20_000):
        ctx.set_offline(False)
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelector('#grid .mcard').dataset.probe") == "1"
    ctx.close()


def test_a_tap_pin_that_fails_leaves_no_card_selected(server, browser, room):
    """Tap a card, then a cell: whatever the answer (here none: the tablet is offline), the card is no longer
    shown as selected, since the next tap on a cell would not move it."""
    ws, organiser = room["ws"], room["organiser"]
    ctx, page = _planner(server, browser, room)
    board = organiser.get(_api(server, ws, "/meetings")).json()
    at = {(m["slot"], m["place_id"]) for m in board["meetings"]}
    free = next((s["index"], p["id"]) for s in board["slots"] for p in board["places"] if (s["index"], p["id"]) not in at)
    page.locator("#grid .mcard").first.click()
    page.wait_for_selector("#grid .mcard.selected")
    ctx.set_offline(True)
    page.click(f"td[data-slot='{free[0]}'][data-place='{free[1]}']")
    page.wait_for_selector("#toast:not([hidden])")
    assert page.locator("#grid .mcard.selected").count() == 0
    assert page.locator("#grid .mcard[aria-pressed='true']").count() == 0
    ctx.close()


def test_phone_mes_rendez_vous_live_at_360x740(server, browser, room):
    ws = room["ws"]
    (sa, org_a), (sb, org_b) = room["phones"][0], room["phones"][5]
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, locale="fr-FR")
    ctx.add_cookies(_cookies(sa, server))
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(ws["join_url"])
    page.wait_for_selector("#my-meetings .mm-next")
    nxt = page.text_content("#my-meetings .mm-next")
    assert "Prochain rendez-vous" in nxt and "Lycée Saint-Joseph" in nxt
    assert "Table" in nxt and "@example.fr" in nxt  # the other side consented: its contact is there
    # another phone asks A for a meeting: it shows up live, A accepts in one tap
    mid = uid()
    r = sb.post(_api(server, ws, "/meetings"), json={"id": mid, "org_ids": [org_a["id"]], "note": "Palettes"})
    assert r.status_code == 200, r.text
    row = f".mm-req[data-meeting='{mid}']"
    page.wait_for_selector(row)
    assert "Menuiserie Rousseau" in page.text_content(row)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "b2b-phone-360x740.png"), full_page=True)
    page.click(f"{row} button.btn.primary")
    deadline = time.time() + 10
    while time.time() < deadline:
        got = {m["id"]: m for m in sa.get(_api(server, ws, "/meetings")).json()["meetings"]}[mid]
        if got["request_status"] == "accepted":
            break
        time.sleep(0.2)
    assert got["request_status"] == "accepted"
    # the meeting running now (Table 4, with Lycée Saint-Joseph) takes its outcome in one tap
    running = page.locator("#my-meetings .mm-next")
    assert "Table 4" in running.text_content() and "en cours" in running.text_content()
    running.locator("button[data-outcome=agreement]").click()
    page.wait_for_selector("#my-meetings .mm-next .mm-done")
    assert "Accord trouvé" in page.text_content("#my-meetings .mm-next")
    mine = [m for m in sa.get(_api(server, ws, "/meetings")).json()["meetings"] if m["slot"] == 0]
    assert mine[0]["outcomes"][org_a["id"]]["outcome"] == "agreement"
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    assert not errors, errors
    ctx.close()


SKEW = """(() => { const real = Date.now.bind(Date); window.__skew = 0;
  Date.now = () => real() + 2 * 3600 * 1000 + window.__skew; })();"""


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_wall_round_view_follows_the_server_clock(server, browser, room, size):
    ws, organiser = room["ws"], room["organiser"]
    w, h = size
    ctx = browser.new_context(viewport={"width": w, "height": h}, locale="fr-FR")
    ctx.add_init_script(SKEW)  # the projector's clock is two hours ahead
    page = ctx.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url(f"/w/{ws['code']}/wall/b2b?t={room['token']}"))
    page.wait_for_function("() => /^\\d\\d:\\d\\d$/.test(document.getElementById('wb-clock').textContent)")
    board = organiser.get(_api(server, ws, "/meetings")).json()
    now = time.time() * 1000
    current = next(s for s in board["slots"] if s["start_ms"] <= now < s["end_ms"])
    shown = page.text_content("#wb-clock")
    left = (current["end_ms"] - time.time() * 1000) / 1000
    mm_, ss = (int(x) for x in shown.split(":"))
    assert abs(mm_ * 60 + ss - left) <= 3, (shown, left)
    assert f"Ronde {current['index'] + 1}" in page.text_content("#wb-round")
    names = {o["id"]: o["name"] for o in board["organisations"]}
    here = [m for m in board["meetings"] if m["slot"] == current["index"]]
    assert here
    page.wait_for_function("() => document.getElementById('wb-now').textContent.includes('Table 4 : ')")
    text = page.text_content("#wb-now")
    for m in here:
        place = next(p["name"] for p in board["places"] if p["id"] == m["place_id"])
        assert f"{place} : " + " × ".join(names[o] for o in m["org_ids"]) in text
    # nothing overflows the projector
    for sel in ("#wb-clock", "#wb-now", "#wb-next", "#wb-round"):
        b = page.locator(sel).bounding_box()
        assert b["x"] >= 0 and b["y"] >= 0 and b["x"] + b["width"] <= w + 1 and b["y"] + b["height"] <= h + 1, sel
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"b2b-wall-{w}x{h}.png"))
    # time passes to the end of the round: the cue shows, then the pause countdown
    page.evaluate(f"window.__skew = {int(left * 1000) + 1500}")
    page.wait_for_selector("#wb-cue:not([hidden])", timeout=5000)
    assert "changez de table" in page.text_content("#wb-cue").lower()
    page.screenshot(path=str(SHOTS / f"b2b-wall-cue-{w}x{h}.png"))
    assert "Prochaine ronde dans" in page.text_content("#wb-label")
    assert not errors, errors
    ctx.close()
