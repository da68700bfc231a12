"""axe-core (from npm, served at /vendor/axe.min.js) on every page, phone and desktop, French and English.

No serious or critical violation; the document language is set; on a phone no
horizontal scroll and every visible control is at least 44 px in both directions.
Screenshots of each state land in test-artifacts/screenshots/ for review.
"""
from __future__ import annotations

import pytest

from tests.browser.helpers import DESKTOP, PHONE, audit, context, layout_problems, open_page, shot, with_lang

SIZES = {"phone": PHONE, "desktop": DESKTOP}


def _setup(server):
    ws, organiser = server.new_workshop(name="Atelier accessibilité")
    other, _ = server.participant(ws, "EHPAD Les Tilleuls", consent=True, email="accueil@tilleuls.example.fr")
    r = other.post(server.url(f"/api/w/{ws['workshop']}/sheets"),
                   json={"id": server_uid(), "kind": "offer", "category": "packaging", "subcategory": "crates",
                         "title": "Cagettes en bois", "quantity": 200, "unit": "pieces", "frequency": "weekly"})
    r.raise_for_status()
    state = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()
    return ws, organiser, state["workshop"]["projector_token"]


def server_uid():
    from tests.live import uid

    return uid()


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_page_passes_axe(server, browser, size, lang):
    ws, organiser, token = _setup(server)
    code = ws["code"]
    found: dict[str, list] = {}
    layout: dict[str, list] = {}

    def check(page, name, *, targets=True):
        assert page.evaluate("document.documentElement.lang") == lang, name
        v = audit(page)
        if v:
            found[name] = v
        if size == "phone" and targets:
            problems = layout_problems(page)
            if problems:
                layout[name] = problems
        shot(page, f"a11y-{size}-{lang}-{name}")

    device = SIZES[size]
    ctx = context(browser, device, lang)
    page = open_page(ctx)

    # Home, then its form with errors.
    page.goto(with_lang(server.url("/"), lang))
    check(page, "home")
    page.click("form[method=post] button[type=submit]")
    page.wait_for_selector("#we-name")
    check(page, "home-errors")

    # Error page: a wrong join code, and the home page's code form with a wrong code.
    page.goto(with_lang(server.url("/j/ZZZZZZ"), lang))
    check(page, "error-join-code")
    page.goto(with_lang(server.url("/"), lang))
    page.fill("#f-code", "nope")
    page.click("form[method=get] button[type=submit]")
    page.wait_for_selector(".error-page")
    check(page, "error-home-code")

    # Phone join page, before joining; the "create my organisation" form open.
    page.goto(with_lang(server.url(f"/j/{code}"), lang))
    page.wait_for_selector("#join:not([hidden])")
    page.wait_for_selector("#org-list .choice")
    page.wait_for_selector("#conn[data-state=online]")
    check(page, "join")
    page.click("#new-org summary")
    check(page, "join-create-org")
    page.fill("#f-name", "Maraîcher Dupont")
    page.click("#org-form button[type=submit]")
    page.wait_for_selector("#space:not([hidden])")
    check(page, "space-mine")
    page.click("#add-offer")
    page.click("#sheet-form details.more summary")
    check(page, "sheet-form")
    page.click("#sheet-form button[type=submit]")  # empty: errors next to the fields
    page.wait_for_selector("#e-title:not([hidden])")
    check(page, "sheet-form-errors")
    page.click("#sheet-cancel")
    page.click("#tab-room")
    page.wait_for_selector("#room-sheets li")
    page.locator("#room-sheets li").first.get_by_role("button").first.click()
    page.wait_for_selector("#room-sheets form.interest")
    page.click("#panel-room details.more summary")
    check(page, "space-room")
    page.click("#tab-ideas")
    check(page, "space-ideas")

    # Intake closed, then locked: the phone says so.
    organiser.post(server.url(f"/api/w/{ws['workshop']}/intake"), json={"open": False}).raise_for_status()
    page.click("#tab-mine")
    page.wait_for_selector("#closed-note:not([hidden])")
    check(page, "space-intake-closed")
    organiser.post(server.url(f"/api/w/{ws['workshop']}/phase"), json={"phase": "locked"}).raise_for_status()
    page.wait_for_selector("#closed-note[data-reason=locked]")
    check(page, "space-locked")
    organiser.post(server.url(f"/api/w/{ws['workshop']}/phase"), json={"phase": "live"}).raise_for_status()
    organiser.post(server.url(f"/api/w/{ws['workshop']}/intake"), json={"open": True}).raise_for_status()

    # Facilitator sign-in, with a wrong code.
    staff = context(browser, device, lang)
    fpage = open_page(staff)
    fpage.goto(with_lang(server.url(f"/w/{code}/facilitator"), lang))
    check(fpage, "facilitator-login")
    fpage.fill("#fcode", "WRONG-CODE")
    fpage.click("form button[type=submit]")
    fpage.wait_for_selector("#login-error")
    check(fpage, "facilitator-login-wrong")

    # Organiser sign-in, wrong password, then the dashboard.
    fpage.goto(with_lang(server.url(f"/w/{code}/organiser"), lang))
    check(fpage, "organiser-login")
    fpage.fill("#password", "mauvais")
    fpage.click("form button[type=submit]")
    fpage.wait_for_selector("p.error")
    check(fpage, "organiser-login-wrong")
    fpage.fill("#password", "motdepasse")
    fpage.click("form button[type=submit]")
    fpage.wait_for_selector("#conn[data-state=online]")
    fpage.wait_for_selector("#steps [aria-current=step]")
    check(fpage, "organiser-dashboard")
    # Every section of the organiser page, one tab at a time.
    for section in fpage.eval_on_selector_all("#org-tabs [role=tab]", "tabs => tabs.map(t => t.dataset.section)"):
        fpage.click(f"#tab-{section}")
        fpage.wait_for_selector(f"#sec-{section}:not([hidden])")
        check(fpage, f"organiser-{section}")
    # Back up now (in "Import and backup"): the organiser gets the file's name.
    fpage.click("#tab-imports")
    fpage.click("#backup-now")
    fpage.wait_for_function("() => document.getElementById('backup-result').textContent.length > 0")
    assert fpage.text_content("#backup-result").startswith(
        "Sauvegarde enregistrée" if lang == "fr" else "Backup saved")
    # The import page, before and after a dry run.
    fpage.click("#import-link")
    fpage.wait_for_selector("#import-form")
    check(fpage, "organiser-import")
    fpage.set_input_files("#import-file", files=[{"name": "inscriptions.csv", "mimeType": "text/csv",
                                                  "buffer": "nom;commune\nFonderie du Val;Cholet\n".encode()}])
    fpage.click("#import-form button[type=submit]")
    fpage.wait_for_selector("#confirm-import")
    check(fpage, "organiser-import-checked")

    # Projector wall (own context: opened with its link token).
    wctx = context(browser, device, lang)
    wall = open_page(wctx)
    wall.goto(with_lang(server.url(f"/w/{code}/wall?t={token}"), lang))
    wall.wait_for_selector("#conn[data-state=online]")
    wall.wait_for_selector("#feed li")
    check(wall, "wall", targets=False)
    wall.goto(with_lang(server.url(f"/w/{code}/wall?t=bad"), lang))
    check(wall, "error-wall-link")

    for p in (page, fpage, wall):
        assert not p.errors, p.errors
    for c in (ctx, staff, wctx):
        c.close()
    assert not found, "axe serious/critical violations:\n" + "\n".join(f"{k}: {v}" for k, v in found.items())
    assert not layout, "phone layout problems:\n" + "\n".join(f"{k}: {v}" for k, v in layout.items())
