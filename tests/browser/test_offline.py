"""A phone in a wifi dead zone: writes kept on the phone, sent once when the network is back.

Plain http on a LAN address allows no service worker, so a reload while
offline fails (as it would on a real phone); what must survive is the
outbox in localStorage: when the page is opened again online, every kept
write reaches the server exactly once.
"""
from __future__ import annotations

import json

import pytest

from tests.browser.conftest import new_page


def join_and_create_org(server, browser, name):
    ws, organiser = server.new_workshop()
    page = new_page(browser, 360, 740, mobile=True)
    page.goto(ws["join_url"])
    page.wait_for_selector("#join:not([hidden])")
    page.click("#new-org summary")
    page.fill("#f-name", name)
    page.click("#org-form button[type=submit]")
    page.wait_for_selector("#space:not([hidden])")
    page.wait_for_selector("#conn[data-state=online]")
    return ws, organiser, page


def write_sheet(page, title, kind="offer"):
    page.click("#add-offer" if kind == "offer" else "#add-need")
    page.select_option("#f-category", "packaging")
    page.fill("#sheet-form #f-title", title)
    page.click("#sheet-form button[type=submit]")


def outbox(page, ws):
    return page.evaluate("""(prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix))""",
                         f"outbox:{ws['workshop']}:")


def card(page, title):
    return page.locator("#my-sheets li.card", has_text=title)


def sheets_on_server(server, organiser, ws):
    return organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["sheets"]


def test_offline_sheets_survive_a_reload_and_arrive_once(server, browser):
    ws, organiser, page = join_and_create_org(server, browser, "Menuiserie Hors Réseau")
    context = page.context
    second = server.socket(organiser, ws)  # a second screen: the organiser's
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and r.url.endswith("/sheets") else None)

    context.set_offline(True)
    page.wait_for_selector("#conn[data-state=offline]")
    write_sheet(page, "Palettes hors ligne")
    write_sheet(page, "Cartons hors ligne", kind="need")
    for title in ("Palettes hors ligne", "Cartons hors ligne"):
        assert card(page, title).locator(".state.pending").inner_text() == "En attente du réseau"
    assert len(outbox(page, ws)) == 2
    assert sheets_on_server(server, organiser, ws) == []

    with pytest.raises(Exception):  # no service worker on plain http: the reload itself fails offline
        page.reload(timeout=10000)
    context.set_offline(False)
    page.goto(ws["join_url"])
    page.wait_for_selector("#space:not([hidden])")
    for title in ("Palettes hors ligne", "Cartons hors ligne"):
        card(page, title).locator(".state.saved").wait_for(timeout=15000)
    page.wait_for_function("(p) => !Object.keys(localStorage).some((k) => k.startsWith(p))",
                           arg=f"outbox:{ws['workshop']}:")

    titles = sorted(s["title"] for s in sheets_on_server(server, organiser, ws))
    assert titles == ["Cartons hors ligne", "Palettes hors ligne"]  # each exactly once
    assert second.wait_for(lambda c: len(c.records("sheet")) == 2)
    created = [m for m in second.changes if m["entity"] == "sheet" and m["action"] == "create"]
    assert sorted(m["record"]["title"] for m in created) == titles  # the second screen: once each
    # the page keeps them after another reload, without duplicates
    page.reload()
    page.wait_for_selector("#space:not([hidden])")
    page.wait_for_selector("#my-sheets .state.saved")
    assert page.locator("#my-sheets li.card").count() == 2
    assert len(posts) >= 2  # sent (a resend with the same id would be harmless, and is not counted here)
    second.disconnect()
    context.close()


def test_corrupted_outbox_entries_are_skipped_and_reported(server, browser):
    ws, organiser, page = join_and_create_org(server, browser, "Ressourcerie Outbox")
    context = page.context
    context.set_offline(True)
    page.wait_for_selector("#conn[data-state=offline]")
    write_sheet(page, "Fiche valide")
    card(page, "Fiche valide").locator(".state.pending").wait_for()
    [good] = outbox(page, ws)
    entry = page.evaluate("(k) => localStorage.getItem(k)", good)
    prefix = f"outbox:{ws['workshop']}:"
    page.evaluate("""([prefix, truncated]) => {
        localStorage.setItem(prefix + 'aaaa-garbage', '{not json at all');
        localStorage.setItem(prefix + 'bbbb-truncated', truncated);
        localStorage.setItem(prefix + 'cccc-incomplete', JSON.stringify({ id: 'x' }));
        localStorage.setItem(prefix + 'dddd-number', '42');
    }""", [prefix, entry[: len(entry) // 2]])
    # one pass over the outbox skips every damaged entry, reports it, and still returns the good one
    one_pass = page.evaluate("""async (wid) => {
        const { Outbox } = await import('/static/js/lib/outbox.js');
        const reported = [];
        const box = new Outbox(wid, { onCorrupt: (k) => reported.push(k) });
        return { ids: box.entries().map((e) => e.id), reported };
    }""", ws["workshop"])
    assert one_pass["ids"] == [json.loads(entry)["id"]]
    assert sorted(k.rsplit(":", 1)[1] for k in one_pass["reported"]) == [
        "aaaa-garbage", "bbbb-truncated", "cccc-incomplete", "dddd-number"]
    assert outbox(page, ws) == [good]
    # the page itself tells the user
    page.evaluate("""(prefix) => localStorage.setItem(prefix + 'eeee-garbage', '{"id": "x", "url"')""", prefix)
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function("() => document.getElementById('toast').textContent.includes('illisible')")
    assert outbox(page, ws) == [good]
    context.set_offline(False)
    page.goto(ws["join_url"])
    page.wait_for_selector("#space:not([hidden])")
    card(page, "Fiche valide").locator(".state.saved").wait_for(timeout=15000)
    page.wait_for_function("(p) => !Object.keys(localStorage).some((k) => k.startsWith(p))", arg=prefix)
    assert [s["title"] for s in sheets_on_server(server, organiser, ws)] == ["Fiche valide"]
    context.close()


def test_stale_edit_is_refused_shown_and_not_retried(server, browser):
    ws, organiser, page = join_and_create_org(server, browser, "Plasturgie Conflit")
    context = page.context
    write_sheet(page, "Bidons 200 L")
    card(page, "Bidons 200 L").locator(".state.saved").wait_for()
    sheet = sheets_on_server(server, organiser, ws)[0]

    context.set_offline(True)
    page.wait_for_selector("#conn[data-state=offline]")
    card(page, "Bidons 200 L").get_by_role("button", name="Modifier").first.click()
    page.fill("#sheet-form #f-title", "Bidons 200 L (modifié sur le téléphone)")
    page.click("#sheet-form button[type=submit]")
    card(page, "Bidons 200 L").locator(".state.pending").wait_for()
    # meanwhile a facilitator changes the same sheet: the phone's version is now stale
    r = organiser.patch(server.url(f"/api/w/{ws['workshop']}/sheets/{sheet['id']}"),
                        json={"version": sheet["version"], "title": "Bidons 200 L (corrigé à la table)"})
    assert r.status_code == 200, r.text

    patches = []
    page.on("request", lambda req: patches.append(req.url) if req.method == "PATCH" else None)
    context.set_offline(False)
    rejected = page.locator("#my-sheets .state.rejected")
    rejected.wait_for(timeout=15000)
    assert rejected.inner_text().startswith("Refusée :")
    assert "modifier cet élément" in rejected.inner_text()  # err.conflict, in French
    # not retried forever: online events, visibility changes and the timer do not resend it
    for _ in range(3):
        page.evaluate("window.dispatchEvent(new Event('online')); document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_timeout(6000)
    assert len(patches) == 1
    [key] = outbox(page, ws)
    assert json.loads(page.evaluate("(k) => localStorage.getItem(k)", key))["rejected"] is True
    # the user can drop it
    page.get_by_role("button", name="Abandonner cet envoi").click()
    assert outbox(page, ws) == []
    state = sheets_on_server(server, organiser, ws)
    assert [s["title"] for s in state] == ["Bidons 200 L (corrigé à la table)"]
    context.close()
