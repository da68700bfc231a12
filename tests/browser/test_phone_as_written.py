"""A sheet imported with a value outside the lists ("big bags", "en continu") keeps the text as
written; the phone's edit form shows it under the select, and the participant can correct it.
The phone page opens one socket for all its modules."""
from __future__ import annotations

import time

import pytest

from tests.browser.helpers import PHONE, context, open_page, shot
from tests.live import uid

pytestmark = pytest.mark.timeout(180)


def test_the_text_as_written_is_shown_and_editable_in_the_phone_form(browser, server):
    ws, organiser = server.new_workshop("Atelier des Mauges")
    api = lambda p: server.url(f"/api/w/{ws['workshop']}{p}")  # noqa: E731
    org = organiser.post(api("/organisations"), json={"id": uid(), "name": "Scierie du Layon", "table_no": 1}).json()["record"]
    sheet = organiser.post(api("/sheets"), json={
        "id": uid(), "organisation_id": org["id"], "kind": "offer", "category": "waste", "title": "Sciure en vrac",
        "quantity": 3, "unit_label": "big bags", "frequency_label": "en continu"}).json()["record"]
    plain = organiser.post(api("/sheets"), json={"id": uid(), "organisation_id": org["id"], "kind": "need",
                                                 "category": "energy", "title": "Chaleur"}).json()["record"]
    page = open_page(context(browser, PHONE))
    sockets = []
    page.on("websocket", lambda w: sockets.append(w.url) if "/socket.io/" in w.url else None)
    page.goto(server.url(f"/j/{ws['code']}"))
    assert page.request.post(api("/join"), data={"organisation_id": org["id"]}).ok
    sockets.clear()
    page.reload()
    page.wait_for_selector("#space:not([hidden])")
    # a sheet without such text: nothing extra in its form
    page.locator(f'#my-sheets li[data-id="{plain["id"]}"]').get_by_role("button", name="Modifier — Chaleur").click()
    assert page.locator(".as-written:visible").count() == 0
    page.click("#sheet-cancel")
    page.locator(f'#my-sheets li[data-id="{sheet["id"]}"]').get_by_role("button", name="Modifier — Sciure en vrac").click()
    # each text under its own select, named by its label
    unit = page.locator('[data-field="unit"]').get_by_label("Tel qu’écrit dans le fichier importé")
    assert page.locator(".as-written:visible").count() == 2
    assert page.input_value("#f-unit_label") == "big bags" and page.input_value("#f-frequency_label") == "en continu"
    assert unit.is_visible()
    page.locator("#f-unit_label").scroll_into_view_if_needed()
    shot(page, "phone-as-written-360x740", full_page=False)
    page.fill("#f-unit_label", "sacs de 1 m³")
    page.fill("#f-frequency_label", "")
    page.click("#sheet-form button[type=submit]")
    deadline = time.monotonic() + 15
    while True:
        rec = next(s for s in organiser.get(api("/state")).json()["sheets"] if s["id"] == sheet["id"])
        if rec["version"] > sheet["version"] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert rec["unit_label"] == "sacs de 1 m³" and rec["frequency_label"] is None
    assert rec["title"] == "Sciure en vrac" and rec["quantity"] == 3  # nothing else changed
    # the page's modules (sheets, meetings, suggestions) share one socket to the server
    assert len(sockets) == 1, sockets
    assert page.errors == []
