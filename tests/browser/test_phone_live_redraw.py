"""Live changes on the participant's phone (360x740, demo workshop) redraw only what changed: the cards of
"La salle", "Mes fiches", "Nos idées" and the meeting request fold stay the same DOM nodes while another
client writes elsewhere, so the focus, a half-typed comment and an open fold survive; a change to the very
card being read is shown with the focus kept on it; after a burst of writes the lists match the server."""
import pytest

from tests.browser.demo import demo_server
from tests.browser.screens import enter, join, phone, screenshot, state
from tests.live import uid

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with demo_server(tmp_path_factory) as (srv, info):
        yield srv, info


@pytest.fixture
def signed_in(browser, demo):
    """A phone of a new organisation in the demo workshop; no page error by the end."""
    srv, info = demo
    page = enter(phone(browser), srv, info)
    yield srv, info, page
    errors = page.errors
    page.context.close()
    assert errors == []


def write(srv, info, method, path, body):
    """A write by another client (the organiser's session) through the real API."""
    r = info["session"].request(method, srv.url(f"/api/w/{info['workshop']}{path}"), json=body)
    assert r.status_code == 200, r.text
    return r.json()


def sheet(srv, info, org, title, kind="offer", category="waste"):
    sid = uid()
    write(srv, info, "POST", "/sheets", {"id": sid, "organisation_id": org, "kind": kind, "category": category,
                                          "title": title})
    return sid


def edit(srv, info, sid, **changes):
    rec = next(s for s in state(srv, info)["sheets"] if s["id"] == sid)
    write(srv, info, "PATCH", f"/sheets/{sid}", {"version": rec["version"], **changes})


def org_named(srv, info, name):
    return next(o["id"] for o in state(srv, info)["organisations"] if o["name"] == name)


def mine(srv, info, page):
    return org_named(srv, info, page.text_content("#my-org-name"))


def demo_org(srv, info):
    return min((o for o in state(srv, info)["organisations"] if not o.get("hidden")), key=lambda o: o["created_at"])["id"]


MARK = "(sel) => { for (const li of document.querySelectorAll(sel)) li.keptMark = li.dataset.id; }"
# Cards drawn before the writes that are still there as the very same nodes, and those that are not.
KEPT = """(sel) => { const out = {kept: [], fresh: []};
    for (const li of document.querySelectorAll(sel)) (li.keptMark === li.dataset.id ? out.kept : out.fresh).push(li.dataset.id);
    return out; }"""


def shows(page, selector, *texts):
    page.wait_for_function("([s, ts]) => { const t = document.querySelector(s).textContent; return ts.every((x) => t.includes(x)); }",
                           arg=[selector, list(texts)])


def test_room_cards_stay_while_other_sheets_change(signed_in):
    srv, info, page = signed_in
    page.click("#tab-room")
    page.wait_for_selector("#room-sheets > li .interest-btn")
    screenshot(page, "phone-360x740-room-live-before")
    ids = page.eval_on_selector_all("#room-sheets > li", "els => els.map((e) => e.dataset.id)")
    target, edited, withdrawn = ids[2], ids[5], ids[7]
    card = f"#room-sheets > li[data-id='{target}']"
    other = demo_org(srv, info)

    # (a) the focus on a card's "Ça m'intéresse": the card and every untouched card stay the same nodes.
    page.focus(f"{card} .interest-btn")
    page.evaluate(MARK, "#room-sheets > li")
    created = [sheet(srv, info, other, f"Bidons vides {n} zqx") for n in range(3)]
    edit(srv, info, edited, title="Palettes Europe reprises zqx")
    edit(srv, info, withdrawn, state="withdrawn")
    shows(page, "#room-sheets", "Bidons vides 2 zqx", "Palettes Europe reprises zqx")
    page.wait_for_selector(f"#room-sheets > li[data-id='{withdrawn}']", state="detached")
    seen = page.evaluate(KEPT, "#room-sheets > li")
    # Every card that stayed in the first 30 all along is the same node, but the edited one (the last three
    # may have left the list for a moment, while the new ones came in before the withdrawal).
    assert set(seen["kept"]) >= set(ids[:27]) - {edited, withdrawn} and edited in seen["fresh"], seen
    assert set(seen["fresh"]) - set(ids[27:]) == {*created, edited}, seen
    assert page.evaluate("() => document.activeElement.closest('li').dataset.id") == target
    assert page.evaluate("() => document.activeElement.classList.contains('interest-btn')")

    # (a) a half-typed comment under the card: kept, focused, the caret where it was, while others change.
    page.click(f"{card} .interest-btn")
    page.click(f"#c-{target}")
    page.keyboard.type("Nous pourrions en prendre")
    page.evaluate(MARK, "#room-sheets > li")
    page.evaluate("(id) => { document.getElementById(id).keptMark = 1; }", f"c-{target}")
    edit(srv, info, created[0], title="Bidons vides repris zqx")
    sheet(srv, info, other, "Cartons pliés zqx")
    shows(page, "#room-sheets", "Bidons vides repris zqx", "Cartons pliés zqx")
    assert target in page.evaluate(KEPT, "#room-sheets > li")["kept"]
    focus = page.evaluate("() => ({id: document.activeElement.id, kept: document.activeElement.keptMark, "
                          "value: document.activeElement.value, caret: document.activeElement.selectionStart})")
    assert focus == {"id": f"c-{target}", "kept": 1, "value": "Nous pourrions en prendre", "caret": 25}, focus

    # (b) the card's own sheet changes: its new text is shown, the focus and the typed comment stay on it.
    edit(srv, info, target, title="Fûts métalliques zqx", description="Vingt fûts par mois")
    shows(page, card, "Fûts métalliques zqx", "Vingt fûts par mois")
    page.keyboard.type(" dès lundi")
    assert page.evaluate("() => [document.activeElement.id, document.activeElement.value]") == [
        f"c-{target}", "Nous pourrions en prendre dès lundi"]
    screenshot(page, "phone-360x740-room-live-after")


def test_my_sheets_stay_while_other_sheets_change(signed_in):
    srv, info, page = signed_in
    org = mine(srv, info, page)
    # Offers only: no new suggestion reaches these cards while the test watches them.
    own = [sheet(srv, info, org, f"Chutes d'inox {n} zqx", category="skills") for n in range(3)]
    shows(page, "#my-sheets", "Chutes d'inox 2 zqx")
    page.wait_for_timeout(1500)  # the sheets' suggestions and relevance arrive once; then the cards rest
    target = own[1]
    card = f"#my-sheets > li[data-id='{target}']"
    page.focus(f"{card} button:has-text('Modifier')")
    page.evaluate(MARK, "#my-sheets > li")
    added = sheet(srv, info, org, "Tourets de câble zqx", category="skills")
    edit(srv, info, own[0], title="Chutes d'inox triées zqx")
    sheet(srv, info, demo_org(srv, info), "Sacs de jute zqx")
    shows(page, "#my-sheets", "Tourets de câble zqx", "Chutes d'inox triées zqx")
    seen = page.evaluate(KEPT, "#my-sheets > li")
    assert set(seen["kept"]) == {own[1], own[2]} and set(seen["fresh"]) == {added, own[0]}, seen
    assert page.evaluate("() => [document.activeElement.closest('li').dataset.id, document.activeElement.textContent]") == [
        target, "Modifier"]

    # (b) that very sheet is changed elsewhere: the new title shows, the focus is on its "Modifier" again.
    edit(srv, info, target, title="Chutes d'inox 316L zqx")
    shows(page, card, "Chutes d'inox 316L zqx")
    assert page.evaluate("() => [document.activeElement.closest('li').dataset.id, document.activeElement.textContent]") == [
        target, "Modifier"]


def test_ideas_and_the_meeting_request_fold_stay(signed_in):
    srv, info, page = signed_in
    org = mine(srv, info, page)
    other = demo_org(srv, info)
    pool = lambda title: write(srv, info, "POST", "/ideas", {"id": uid(), "kind": "pooling", "title": title,  # noqa: E731
                                                              "org_ids": [org, other]})
    first = pool("Broyeur partagé zqx")["record"]["id"]
    page.click("#tab-ideas")
    shows(page, "#my-ideas", "Broyeur partagé zqx")
    # The meeting request fold opened, an organisation picked, a note half typed.
    page.click("#my-meetings .mm-ask-box summary")
    page.select_option("#mm-org", other)
    page.click("#mm-note")
    page.keyboard.type("Mardi matin")
    page.evaluate(MARK, "#my-ideas > li")
    page.evaluate("() => { document.querySelector('#my-meetings .mm-ask-box').keptMark = 1; }")
    with page.expect_response(lambda r: r.url.endswith("/meetings") and r.request.method == "GET"):
        pool("Navette mutualisée zqx")  # an idea change reloads the meetings board
    shows(page, "#my-ideas", "Navette mutualisée zqx")
    page.wait_for_timeout(300)
    assert first in page.evaluate(KEPT, "#my-ideas > li")["kept"]
    fold = page.evaluate("""() => { const d = document.querySelector('#my-meetings .mm-ask-box');
        return {kept: d.keptMark, open: d.open, org: d.querySelector('#mm-org').value, note: d.querySelector('#mm-note').value,
                focus: document.activeElement.id}; }""")
    assert fold == {"kept": 1, "open": True, "org": other, "note": "Mardi matin", "focus": "mm-note"}, fold

    # A new organisation in the room changes the fold's list: redrawn, still open, what was typed kept.
    with page.expect_response(lambda r: r.url.endswith("/meetings") and r.request.method == "GET"):
        write(srv, info, "POST", "/organisations", {"id": uid(), "name": f"Scierie {uid()[:6]} zqx"})
    page.wait_for_function("() => !document.querySelector('#my-meetings .mm-ask-box').keptMark")
    fold = page.evaluate("""() => { const d = document.querySelector('#my-meetings .mm-ask-box');
        return {open: d.open, org: d.querySelector('#mm-org').value, note: d.querySelector('#mm-note').value,
                focus: document.activeElement.id}; }""")
    assert fold == {"open": True, "org": other, "note": "Mardi matin", "focus": "mm-note"}, fold


def test_lists_match_the_server_after_a_burst(signed_in):
    """Creates, edits, withdrawals and hidden sheets in a burst: the room's first cards and the phone's own
    sheets are then exactly the server's, in its order."""
    srv, info, page = signed_in
    org = mine(srv, info, page)
    other = demo_org(srv, info)
    page.click("#tab-room")
    page.wait_for_selector("#room-sheets > li")
    room = page.eval_on_selector_all("#room-sheets > li", "els => els.map((e) => e.dataset.id)")
    new = []
    for n in range(8):
        new.append(sheet(srv, info, other if n % 2 else org, f"Rafale {n} zqx"))
    st = {s["id"]: s for s in state(srv, info)["sheets"]}
    for n, sid in enumerate(room[:6]):
        if n % 3 == 0:
            write(srv, info, "PATCH", f"/sheets/{sid}", {"version": st[sid]["version"], "title": f"Rafale revue {n} zqx"})
        elif n % 3 == 1:
            write(srv, info, "PATCH", f"/sheets/{sid}", {"version": st[sid]["version"], "state": "withdrawn"})
        else:
            write(srv, info, "POST", f"/sheets/{sid}/hide", {"version": st[sid]["version"], "hidden": True})
    write(srv, info, "PATCH", f"/sheets/{new[0]}", {"version": 1, "state": "withdrawn"})
    write(srv, info, "PATCH", f"/sheets/{new[2]}", {"version": 1, "title": "Rafale 2 revue zqx"})

    sheets = state(srv, info)["sheets"]
    newest = lambda rows: [s["id"] for s in sorted(sorted(rows, key=lambda s: s["id"]), key=lambda s: s["created_at"], reverse=True)]  # noqa: E731
    want_room = [s for s in sheets if s["organisation_id"] != org and s["state"] != "withdrawn" and not s.get("hidden")
                 and s.get("visibility") != "facilitators"]
    want_mine = newest(s for s in sheets if s["organisation_id"] == org)
    ids = "(sel) => Array.from(document.querySelectorAll(sel), (e) => e.dataset.id)"
    page.wait_for_function(f"([sel, want]) => JSON.stringify(({ids})(sel)) === JSON.stringify(want)",
                           arg=["#room-sheets > li", newest(want_room)[:30]])
    count = page.text_content("#room-count").replace("\u202f", "").replace("\u00a0", "")
    assert count.split()[0] == str(len(want_room)), count
    titles = {s["id"]: s["title"] for s in sheets}
    assert page.eval_on_selector_all("#room-sheets > li h3", "els => els.map((e) => e.textContent)") == [
        titles[i] for i in newest(want_room)[:30]]
    page.click("#tab-mine")
    page.wait_for_function(f"([sel, want]) => JSON.stringify(({ids})(sel)) === JSON.stringify(want)",
                           arg=["#my-sheets > li", want_mine])
    assert page.eval_on_selector_all("#my-sheets > li h3", "els => els.map((e) => e.textContent)") == [
        titles[i] for i in want_mine]


def test_join_list_and_pooling_boxes_stay_while_organisations_arrive(browser, demo):
    """Organisations join by the dozen at the start: the choice under the thumb stays the same button, and a
    ticked box of the pooling form stays ticked (a renamed organisation's too)."""
    srv, info = demo
    page = join(phone(browser), srv, info)
    page.focus("#org-list > li:nth-child(3) .choice")
    page.evaluate("(sel) => { for (const li of document.querySelectorAll(sel)) li.keptMark = li.textContent; }", "#org-list > li")
    names = [f"Ressourcerie {n} {uid()[:6]} zqx" for n in range(3)]
    for name in names:
        write(srv, info, "POST", "/organisations", {"id": uid(), "name": name})
    shows(page, "#org-list", *names)
    marks = page.eval_on_selector_all("#org-list > li", "els => els.map((e) => e.keptMark === e.textContent)")
    assert marks.count(False) == 3 and len(marks) == len(state(srv, info)["organisations"]), marks  # only the new ones
    assert page.evaluate("() => document.activeElement.closest('#org-list > li').keptMark") is not None
    page.context.close()

    page = enter(phone(browser), srv, info)
    orgs = {o["name"]: o for o in state(srv, info)["organisations"]}
    ticked = orgs[names[1]]
    page.click("#tab-room")
    page.click("details.pool summary")
    page.check(f"#po-{ticked['id']}")
    page.evaluate("(sel) => { for (const d of document.querySelectorAll(sel)) d.keptMark = d.querySelector('input').value; }", "#pool-orgs > div")
    write(srv, info, "POST", "/organisations", {"id": uid(), "name": "Recyclerie du Layon zqx"})
    write(srv, info, "PATCH", f"/organisations/{ticked['id']}", {"version": ticked["version"], "name": "Ressourcerie du Val zqx"})
    shows(page, "#pool-orgs", "Recyclerie du Layon zqx", "Ressourcerie du Val zqx")
    boxes = page.eval_on_selector_all("#pool-orgs > div", "els => els.map((e) => [e.querySelector('input').value, e.keptMark === e.querySelector('input').value])")
    assert sorted(i for i, kept in boxes if not kept) == sorted([ticked["id"], org_named(srv, info, "Recyclerie du Layon zqx")])
    assert page.eval_on_selector_all("#pool-orgs input:checked", "els => els.map((e) => e.value)") == [ticked["id"]]
    assert page.errors == []
    page.context.close()
