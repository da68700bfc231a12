"""The facilitators' board and paper entry with the demo workshop (510 ideas) and its 10x (5,100), on a
10-inch tablet in landscape (1024x768) and portrait (768x1024): the facilitator's own table first,
compact cards (4+ per column), one "Déplacer ▾" menu by keyboard and by touch, human labels in the
history, every column header in portrait, and close organisations proposed before a new one is made."""
import re
import statistics

import pytest

from tests.browser.demo import demo_server
from tests.browser.geometry import horizontal_overflow, overlaps
from tests.browser.helpers import context, open_page
from tests.browser.screens import labels_clipped, not_in_view, screenshot, state

pytestmark = pytest.mark.timeout(400)
SIZES = {"1024x768": (1024, 768), "768x1024": (768, 1024)}
COLS = ["new", "explore", "soon", "abandoned"]
TABLE = 3


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with demo_server(tmp_path_factory) as (srv, info):
        yield srv, info


def facilitator(srv, info, table=TABLE):
    return next(f for f in state(srv, info)["facilitators"] if f["table_no"] == table)


def tablet(browser, srv, info, size="1024x768", table=TABLE, path=""):
    w, h = SIZES[size]
    page = open_page(context(browser, {"viewport": {"width": w, "height": h}, "has_touch": True}))
    fac = facilitator(srv, info, table)
    page.goto(srv.url(f"/w/{info['code']}/facilitator{path}?code={fac['code']}"))
    page.click("form button[type=submit]")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_selector("#conn[data-state='online']")
    return page


def expected_counts(st, table=None):
    org_table = {o["id"]: o.get("table_no") for o in st["organisations"]}
    out = dict.fromkeys(COLS, 0)
    for i in st["ideas"]:
        if i.get("merged_into") or i["status"] not in out:
            continue
        if table is None or i.get("table_no") == table or any(org_table.get(o) == table for o in i.get("org_ids") or []):
            out[i["status"]] += 1
    return out


def shown_counts(page):
    return {s: int(page.text_content(f'[data-count="{s}"]')) for s in COLS}


def fully_visible_cards(page):
    """Per column, the cards wholly inside both the column's scrolling list and the viewport."""
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('.column:not([hidden])')).map((col) => {
        const list = col.querySelector('.cards').getBoundingClientRect();
        const n = Array.from(col.querySelectorAll('.cards > li')).filter((li) => { const r = li.getBoundingClientRect();
            return r.top >= list.top - 1 && r.bottom <= list.bottom + 1 && r.bottom <= innerHeight && r.right <= innerWidth; }).length;
        return [col.dataset.status, n]; }))""")


@pytest.mark.parametrize("size", list(SIZES))
def test_board_opens_on_my_table_and_fits(browser, demo, size):
    srv, info = demo
    page = tablet(browser, srv, info, size)
    # Opens on the facilitator's own table.
    assert page.is_checked("#scope-mine") and "3" in page.text_content("label[for=scope-mine]")
    st = state(srv, info)
    mine = expected_counts(st, TABLE)
    assert shown_counts(page) == mine and sum(mine.values()) < len(st["ideas"])
    screenshot(page, f"board-{size}-my-table")
    page.check("#scope-all", force=True)
    page.wait_for_function("(n) => document.querySelector('[data-count=new]').textContent === String(n)",
                           arg=expected_counts(st)["new"])
    assert shown_counts(page) == expected_counts(st)
    assert horizontal_overflow(page) == 0
    assert labels_clipped(page) == []
    assert overlaps(page, [".topbar", "#filters", "#board"]) == []
    headers = [f"#col-{s}" for s in COLS]
    assert not_in_view(page, headers) == []  # every column header in view, portrait included
    visible = fully_visible_cards(page)
    print(f"\n[board {size}] cards wholly visible per column: {visible}")
    if size == "1024x768":
        assert all(n >= 4 for n in visible.values()), visible
    else:
        assert all(n >= 2 for n in visible.values()), visible  # two by two: half the height each
    # Each card: the title once, the organisations once, one control.
    first = page.locator('[data-list="new"] > li').first
    assert first.locator("button").count() == 1 and first.locator("button[data-act=menu]").text_content().startswith("Déplacer")
    title = first.locator("h3").text_content()
    assert first.text_content().count(title) == 1
    screenshot(page, f"board-{size}-all-tables")
    first.locator("button[data-act=menu]").click()
    page.wait_for_selector("#move-menu:not([hidden])")
    assert not_in_view(page, ["#move-menu"]) == [] and labels_clipped(page) == []
    screenshot(page, f"board-{size}-move-menu")
    page.keyboard.press("Escape")
    first.locator("h3").click()
    page.wait_for_selector("#details-dialog[open] #history li")
    screenshot(page, f"board-{size}-details")
    assert page.errors == []
    page.context.close()


def test_board_default_is_all_without_a_table(browser, demo):
    srv, info = demo
    page = open_page(context(browser, {"viewport": {"width": 1024, "height": 768}}))
    page.goto(srv.url(f"/w/{info['code']}/organiser"))
    page.fill("input[type=password]", info["organiser_password"])
    page.click("form button[type=submit]")
    page.goto(srv.url(f"/w/{info['code']}/facilitator"))
    page.wait_for_selector("body[data-ready='1']")
    assert page.is_checked("#scope-all") and page.is_disabled("#scope-mine")
    assert shown_counts(page) == expected_counts(state(srv, info))
    page.context.close()


def _menu_move_by_keyboard(page, idea, to):
    btn = page.locator(f'li[data-id="{idea}"] button[data-act=menu]')
    btn.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#move-menu:not([hidden])")
    assert page.evaluate("() => document.activeElement.closest('#move-menu') !== null")
    items = page.evaluate("() => Array.from(document.querySelectorAll('#move-menu [role^=menuitem]')).map((n) => n.dataset.to || n.dataset.act)")
    for _ in range(items.index(to)):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.dataset.to") == to
    page.keyboard.press("Enter")


def test_move_control_by_keyboard_and_by_touch(browser, demo):
    srv, info = demo
    page = tablet(browser, srv, info)
    ideas = page.evaluate("() => Array.from(document.querySelectorAll('[data-list=new] > li')).slice(0, 2).map((n) => n.dataset.id)")
    # Keyboard: Enter opens on the first item, Escape closes and gives the focus back.
    btn = page.locator(f'li[data-id="{ideas[0]}"] button[data-act=menu]')
    btn.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#move-menu:not([hidden])")
    assert page.get_attribute(f'li[data-id="{ideas[0]}"] button[data-act=menu]', "aria-expanded") == "true"
    page.keyboard.press("Escape")
    page.wait_for_selector("#move-menu", state="hidden")
    assert page.evaluate("(id) => document.activeElement.closest('li') && document.activeElement.closest('li').dataset.id", ideas[0]) == ideas[0]
    _menu_move_by_keyboard(page, ideas[0], "soon")
    page.wait_for_selector(f'[data-list="soon"] li[data-id="{ideas[0]}"]:not(.is-pending)')
    assert page.evaluate("(id) => document.activeElement.closest('li[data-id]').dataset.id", ideas[0]) == ideas[0]
    # Touch: tap the control, tap the column.
    page.tap(f'li[data-id="{ideas[1]}"] button[data-act=menu]')
    page.wait_for_selector("#move-menu:not([hidden])")
    page.tap('#move-menu button[data-to="explore"]')
    page.wait_for_selector(f'[data-list="explore"] li[data-id="{ideas[1]}"]:not(.is-pending)')
    got = {i["id"]: i["status"] for i in state(srv, info)["ideas"]}
    assert got[ideas[0]] == "soon" and got[ideas[1]] == "explore"
    # B2B from the same menu, by touch; a tap outside closes it without doing anything.
    page.tap(f'li[data-id="{ideas[1]}"] button[data-act=menu]')
    page.tap('#move-menu [data-act="b2b"]')
    page.wait_for_selector(f'li[data-id="{ideas[1]}"]:not(.is-pending) .tag.b2b')
    page.tap(f'li[data-id="{ideas[1]}"] button[data-act=menu]')
    page.tap("#col-new")
    page.wait_for_selector("#move-menu", state="hidden")
    assert {i["id"]: i["status"] for i in state(srv, info)["ideas"]}[ideas[1]] == "explore"
    assert page.errors == []
    page.context.close()


def test_history_shows_human_labels(browser, demo):
    srv, info = demo
    page = tablet(browser, srv, info)
    idea = page.evaluate("() => document.querySelector('[data-list=new] > li').dataset.id")
    rec = next(i for i in state(srv, info)["ideas"] if i["id"] == idea)
    r = info["session"].patch(srv.url(f"/api/w/{info['workshop']}/ideas/{idea}"),
                                json={"version": rec["version"], "meeting_slot": "14 h 30, salle B", "impact_tonnes": 3,
                                      "co2_factor": 0.5})
    assert r.status_code == 200, r.text
    page.wait_for_selector(f'li[data-id="{idea}"]')
    page.click(f'li[data-id="{idea}"] h3')
    page.wait_for_selector("#details-dialog[open] #history li .h-changes li")
    text = page.text_content("#history")
    assert "Créneau du rendez-vous" in text and "14 h 30, salle B" in text and "Tonnes par an" in text
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), text
    page.context.close()


def test_paper_entry_proposes_the_close_existing_organisation(browser, demo):
    srv, info = demo
    before = len(state(srv, info)["organisations"])
    for size in SIZES:
        page = tablet(browser, srv, info, size, path="/paper")
        assert horizontal_overflow(page) == 0 and labels_clipped(page) == []
        screenshot(page, f"paper-{size}")
        page.context.close()
    page = tablet(browser, srv, info, path="/paper")
    page.fill("#p-org", "Garage Bernard")
    pick = page.locator("#p-org-suggest .suggest-pick", has_text="Garage Bernard & Fils")
    pick.wait_for()
    assert page.get_attribute("#p-org-status", "data-state") == "similar"
    page.select_option("#p-cat", "waste")
    page.fill("#p-title", "Batteries usagées")
    page.keyboard.press("Enter")
    # Not created behind the user's back: the proposal must be answered first.
    page.wait_for_selector("#p-org[aria-invalid=true]")
    assert page.evaluate("() => document.activeElement.classList.contains('suggest-pick')")
    assert labels_clipped(page) == [] and horizontal_overflow(page) == 0
    screenshot(page, "paper-1024x768-suggest")
    pick.click()
    assert page.input_value("#p-org") == "Garage Bernard & Fils"
    assert page.get_attribute("#p-org-status", "data-state") == "found"
    page.click("#p-save")
    page.wait_for_selector("#p-recent li:has-text('Batteries usagées') .state.saved")
    st = state(srv, info)
    assert len(st["organisations"]) == before
    garage = next(o for o in st["organisations"] if o["name"] == "Garage Bernard & Fils")
    assert any(s["title"] == "Batteries usagées" and s["organisation_id"] == garage["id"] for s in st["sheets"])
    # "No, it is a new one": created, once.
    page.fill("#p-org", "Garage Bernardin")
    page.locator("#p-org-suggest .suggest-new").click()
    page.fill("#p-title", "Pneus")
    page.click("#p-save")
    page.wait_for_selector("#p-recent li:has-text('Pneus') .state.saved")
    assert [o["presence"] for o in state(srv, info)["organisations"] if o["name"] == "Garage Bernardin"] == ["represented"]
    assert page.errors == []
    page.context.close()


# -- 10x: 5,100 ideas -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo10(tmp_path_factory):
    with demo_server(tmp_path_factory, scale=10) as (srv, info):
        yield srv, info


MEASURE_MOVE = """async ([id, to]) => {
    const t0 = performance.now();
    document.querySelector(`li[data-id="${id}"] button[data-act=menu]`).click();
    document.querySelector(`#move-menu button[data-to="${to}"]`).click();
    await new Promise((ok) => { const tick = () => document.querySelector(`[data-list="${to}"] li[data-id="${id}"]`)
        ? requestAnimationFrame(() => ok()) : requestAnimationFrame(tick); tick(); });
    return performance.now() - t0;
}"""


def test_board_at_10x_moves_on_screen_fast_reported(browser, demo10):
    """Reported, not asserted (machines vary): click on the menu item -> card painted in its new column."""
    srv, info = demo10
    page = tablet(browser, srv, info)
    page.check("#scope-all", force=True)
    page.wait_for_function("() => Number(document.querySelector('[data-count=new]').textContent) > 3000")
    assert horizontal_overflow(page) == 0
    times = []
    for k in range(8):
        idea = page.evaluate("() => document.querySelector('[data-list=new] > li:not(.is-pending)').dataset.id")
        to = ["explore", "soon"][k % 2]
        times.append(page.evaluate(MEASURE_MOVE, [idea, to]))
        page.wait_for_selector(f'[data-list="{to}"] li[data-id="{idea}"]:not(.is-pending)')
    shown = fully_visible_cards(page)
    print(f"\n[board 10x, {sum(expected_counts(state(srv, info)).values())} ideas] move on screen: "
          f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {len(times)} moves "
          f"(target <= 150 ms); cards wholly visible per column {shown}")
    screenshot(page, "board-1024x768-10x")
    assert page.errors == []
    page.context.close()
