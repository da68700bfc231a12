"""A real phone page through nginx in hosted mode: live changes through Redis, its outbox while the
workshop's owner is down, everything saved once when it is back."""
from __future__ import annotations

import pytest

from tests.browser.conftest import new_page  # noqa: F401
from tests.browser.test_offline import card, join_and_create_org, outbox, sheets_on_server, write_sheet
from tests.hosted.harness import Cluster, open_screen
from tests.live import uid

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def cluster(tmp_path):
    c = Cluster(tmp_path).start()
    yield c
    c.stop()


def test_phone_through_nginx_keeps_its_outbox_while_the_owner_is_down(cluster, browser):
    front = cluster.front
    ws, organiser, page = join_and_create_org(front, browser, "Menuiserie du Réseau")
    assert ws["join_url"].startswith(cluster.base)  # phones are given nginx's address
    owner = cluster.owner(ws["workshop"])
    wall = open_screen(cluster.base, organiser, ws["workshop"])
    other, _ = front.participant(ws, "Recyclerie Voisine")
    r = other.post(cluster.url(f"/api/w/{ws['workshop']}/sheets"),
                   json={"id": uid(), "kind": "offer", "category": "packaging", "title": "Caisses de la voisine",
                         "visibility": "all"})
    assert r.status_code == 200
    # Another phone's sheet reaches this page live, whichever process carries its socket.
    page.click("#tab-room")
    page.wait_for_selector("#room-sheets >> text=Caisses de la voisine", timeout=15000)
    page.click("#tab-mine")

    cluster.servers[owner].kill()
    try:
        write_sheet(page, "Palettes pendant la coupure")
        card(page, "Palettes pendant la coupure").locator(".state.pending").wait_for(timeout=15000)
        assert len(outbox(page, ws)) == 1
    finally:
        cluster.servers[owner].start()
    card(page, "Palettes pendant la coupure").locator(".state.saved").wait_for(timeout=30000)
    page.wait_for_function("(p) => !Object.keys(localStorage).some((k) => k.startsWith(p))",
                           arg=f"outbox:{ws['workshop']}:")
    titles = sorted(s["title"] for s in sheets_on_server(front, organiser, ws))
    assert titles == ["Caisses de la voisine", "Palettes pendant la coupure"]  # each once
    assert wall.wait_for(lambda s: len(s.ids("sheet")) == 2, timeout=15)
    page.wait_for_selector("#conn[data-state=online]")
    assert not [e for e in page.errors if "503" not in e and "Failed to load" not in e], page.errors
    wall.close()
    page.context.close()
