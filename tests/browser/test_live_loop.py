"""A phone joins, creates its organisation and a sheet; the projector shows it without reload."""
import requests


def test_phone_joins_and_the_projector_counts_without_reload(server, browser):
    ws, organiser = server.new_workshop(name="Atelier du Val")
    token = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["workshop"]["projector_token"]

    wall_ctx = browser.new_context(viewport={"width": 1920, "height": 1080})
    wall = wall_ctx.new_page()
    wall.goto(server.url(f"/w/{ws['code']}/wall?t={token}"))
    wall.wait_for_selector("#conn[data-state=online]")
    assert wall.text_content("[data-stat=sheets]") == "0"

    phone_ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    phone = phone_ctx.new_page()
    errors = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(ws["join_url"])
    phone.wait_for_selector("#join:not([hidden])")
    assert phone.evaluate("document.documentElement.lang") == "fr"
    phone.click("#new-org summary")
    phone.fill("#f-name", "Ressourcerie La Trouvaille")
    phone.select_option("#f-kind", "ess")
    phone.fill("#org-form #f-commune", "Annonay")
    phone.check("#f-consent")
    phone.click("#org-form button[type=submit]")
    phone.wait_for_selector("#space:not([hidden])")
    assert phone.text_content("#my-org-name") == "Ressourcerie La Trouvaille"

    phone.click("#add-offer")
    phone.select_option("#f-category", "packaging")
    phone.fill("#sheet-form #f-title", "Palettes bois 80×120")
    phone.fill("#f-quantity", "30")
    phone.select_option("#f-unit", "pallets")
    phone.click("#sheet-form button[type=submit]")
    phone.wait_for_selector("#my-sheets .state.saved")
    assert "Palettes bois 80×120" in phone.text_content("#my-sheets")

    wall.wait_for_function("() => document.querySelector('[data-stat=sheets]').textContent === '1'")
    assert wall.text_content("[data-stat=organisations]") == "1"
    wall.wait_for_selector("#feed >> text=Palettes bois 80×120")

    # A reload lands back in the participant's space (signed device cookie).
    phone.reload()
    phone.wait_for_selector("#space:not([hidden])")
    assert phone.text_content("#my-org-name") == "Ressourcerie La Trouvaille"
    # No horizontal scroll on a 360 px phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not errors

    state = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()
    assert [s["title"] for s in state["sheets"]] == ["Palettes bois 80×120"]
    assert state["sheets"][0]["quantity"] == 30 and state["sheets"][0]["unit"] == "pallets"
    wall_ctx.close()
    phone_ctx.close()


def test_phone_browses_the_room_and_proposes_an_idea(server, browser):
    ws, organiser = server.new_workshop()
    other, other_org = server.participant(ws, "EHPAD Les Tilleuls", consent=True, email="accueil@tilleuls.example.fr")
    r = other.post(server.url(f"/api/w/{ws['workshop']}/sheets"),
                   json={"id": "6f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b", "kind": "offer", "category": "packaging",
                         "title": "Cagettes en bois"})
    assert r.status_code == 200
    ctx = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    phone = ctx.new_page()
    phone.goto(ws["join_url"])
    phone.click("#new-org summary")
    phone.fill("#f-name", "Maraîcher Dupont")
    phone.click("#org-form button[type=submit]")
    phone.wait_for_selector("#space:not([hidden])")
    phone.click("#tab-room")
    phone.wait_for_selector("#room-sheets >> text=Cagettes en bois")
    # A sheet arriving live appears without reload.
    other.post(server.url(f"/api/w/{ws['workshop']}/sheets"),
               json={"id": "7f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b", "kind": "need", "category": "waste",
                     "subcategory": "biowaste", "title": "Compost pour le jardin"})
    phone.wait_for_selector("#room-sheets >> text=Compost pour le jardin")
    phone.select_option("#room-kind", "offer")
    assert "Compost pour le jardin" not in phone.text_content("#room-sheets")
    card = phone.locator("#room-sheets li", has_text="Cagettes en bois")
    card.get_by_role("button", name="Ça m’intéresse").click()
    card.locator("textarea").fill("Pour nos paniers")
    card.get_by_role("button", name="Proposer l’idée").click()
    phone.click("#tab-ideas")
    phone.wait_for_selector("#my-ideas .status.s-new")
    assert "Nouvelle" in phone.text_content("#my-ideas")
    ideas = organiser.get(server.url(f"/api/w/{ws['workshop']}/state")).json()["ideas"]
    assert len(ideas) == 1 and ideas[0]["comment"] == "Pour nos paniers"
    assert ideas[0]["org_ids"][0] == other_org["id"]
    ctx.close()
    assert requests.get(server.url("/vendor/socket.io.esm.min.js")).status_code == 200
