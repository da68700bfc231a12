"""Flow studies over the real server: the organiser creates the territory's book of flow studies from a
workshop, records company visits with their sheets; the sheets reach the staff screens live, join the
book's own suggestions and, in the territory view (which only reads the files), the resource base and
the suggestions across files. Bad input gets a French message and changes nothing (not even part of a
visit)."""
from __future__ import annotations

import re

import pytest
import requests

from tests.live import uid
from tests.security.world import snapshot_db

pytestmark = pytest.mark.timeout(240)


def _csrf(session, url):
    return re.search(r'name="csrf" value="([^"]+)"', session.get(url).text).group(1)


@pytest.fixture
def territory(server):
    ws, org = server.new_workshop("Atelier des Mauges")
    api = lambda p: server.url(f"/api/w/{ws['workshop']}{p}")  # noqa: E731
    _, need_org = server.participant(ws, "Maraîcher Martin", commune="Cholet")
    org.post(api("/sheets"), json={"id": uid(), "organisation_id": need_org["id"], "kind": "need",
                                   "category": "packaging", "subcategory": "pallets",
                                   "title": "Palettes bois pour expédier les légumes", "quantity": 200,
                                   "unit": "pieces"}).raise_for_status()
    r = org.post(api("/flow-studies"), json={"name": "Études de flux — Mauges"})
    assert r.status_code == 201, r.text
    book = r.json()
    assert book["url"] == f"/w/{book['code']}/visits"
    bapi = lambda p: server.url(f"/api/w/{book['workshop']}{p}")  # noqa: E731
    return dict(ws=ws, org=org, api=api, book=book, bapi=bapi)


def visit_body(**kw):
    return {"id": uid(), "organisation_name": "Scierie du Bocage", "commune": "Cholet", "date": "2026-11-20",
            "visited_by": "Claire (PTCE)", "source": "Visite sur site", **kw}


def test_a_visit_and_its_sheets_reach_the_screens_and_the_suggestions(server, territory):
    t = territory
    org, bapi = t["org"], t["bapi"]
    info = org.get(bapi("/state")).json()
    assert info["workshop"]["kind"] == "flow_study" and info["workshop"]["intake_open"] == 0
    # the same organiser password opens the book
    s = requests.Session()
    assert s.post(bapi("/login/organiser"), json={"password": "motdepasse"}).status_code == 200
    staff = server.socket(org, {"workshop": t["book"]["workshop"], "code": t["book"]["code"]})
    try:
        assert staff.wait_for(lambda c: c.hello)
        r = org.post(bapi("/visits"), json=visit_body())
        assert r.status_code == 200, r.text
        visit = r.json()["record"]
        assert (visit["date"], visit["visited_by"], visit["source"]) == ("2026-11-20", "Claire (PTCE)", "Visite sur site")
        for title, kind, cat in (("Palettes bois réemployables", "offer", "packaging"),
                                 ("Benne pour la sciure", "need", "equipment")):
            r = org.post(bapi(f"/visits/{visit['id']}/sheets"), json={"id": uid(), "kind": kind, "category": cat,
                                                                      "title": title, "quantity": 300,
                                                                      "unit": "pieces" if kind == "offer" else None})
            assert r.status_code == 200, r.text
            assert r.json()["record"]["visit_id"] == visit["id"]
        assert staff.wait_for(lambda c: len([m for m in c.changes if m["entity"] == "sheet"]) >= 2)
        assert any(m["entity"] == "visit" for m in staff.changes)
        # a second company visited, whose need the first one's offer serves: the book's own suggestions
        r = org.post(bapi("/visits"), json=visit_body(organisation_name="Cartonnerie Leroy", visited_by="Marc"))
        other = r.json()["record"]
        org.post(bapi(f"/visits/{other['id']}/sheets"), json={"id": uid(), "kind": "need", "category": "packaging",
                                                              "subcategory": "pallets", "title": "Palettes bois",
                                                              "quantity": 100, "unit": "pieces"}).raise_for_status()
        sugg = org.get(bapi("/suggestions")).json()["suggestions"]
        assert any(x["offer_title"] == "Palettes bois réemployables" and x["need_title"] == "Palettes bois" for x in sugg)
    finally:
        staff.close()
    listing = org.get(bapi("/visits")).json()
    assert sorted(v["organisation_name"] for v in listing["visits"]) == ["Cartonnerie Leroy", "Scierie du Bocage"]
    assert sum(len(v["sheets"]) for v in listing["visits"]) == 3

    # the territory view: the visit's sheets in the base, with where they come from; the pair across files
    book_file = server.data_dir / f"{t['book']['workshop']}.sqlite"
    ws_file = server.data_dir / f"{t['ws']['workshop']}.sqlite"
    before = (snapshot_db(book_file), snapshot_db(ws_file))
    page = org.get(server.url(f"/w/{t['ws']['code']}/territory"))
    assert page.status_code == 200
    html = page.text
    assert "Palettes bois réemployables" in html and "Visite du 2026-11-20 par Claire (PTCE) (Visite sur site)" in html
    across = html[html.index('id="t-suggestions"'):]
    row = next(r for r in across.split("<tr>") if "Palettes bois réemployables" in r and "expédier" in r)
    assert "Atelier des Mauges" in row and "Études de flux — Mauges" in row
    assert (snapshot_db(book_file), snapshot_db(ws_file)) == before, "the territory view wrote to a file"


def test_bad_input_changes_nothing_not_even_part_of_a_visit(server, territory):
    t = territory
    org, bapi = t["org"], t["bapi"]
    path = server.data_dir / f"{t['book']['workshop']}.sqlite"
    before = snapshot_db(path)
    for body, field, words in ((visit_body(visited_by=""), "visited_by", "obligatoire"),
                               (visit_body(date="20/11/2026"), "date", "date"),
                               (visit_body(organisation_name=None), "organisation_id", "structure"),
                               (visit_body(organisation_id=uid()), None, None)):
        r = org.post(bapi("/visits"), json=body)
        assert 400 <= r.status_code < 500, (body, r.text)
        if field:
            assert words in r.json()["fields"][field].lower(), r.json()
    # the form: a visit whose second sheet is wrong saves nothing at all (no organisation, no visit, no sheet)
    page = server.url(f"/w/{t['book']['code']}/visits")
    html = org.get(page).text
    ids = dict(re.findall(r'name="s(\d)-id" value="([^"]+)"', html))
    form = {"csrf": _csrf(org, page), "id": uid(), "organisation_id": "-", "organisation_name": "Fonderie Neuve",
            "date": "2026-11-21", "visited_by": "Claire", "source": "Étude de flux",
            **{f"s{n}-id": i for n, i in ids.items()},
            "s0-kind": "offer", "s0-category": "energy", "s0-title": "Chaleur fatale des fours", "s0-quantity": "800",
            "s0-unit": "MWh", "s1-kind": "need", "s1-category": "waste", "s1-title": "", "s1-quantity": "12"}
    r = org.post(page, data=form)
    assert r.status_code == 422 and 'id="err-row-1-title"' in r.text and "Chaleur fatale des fours" in r.text
    assert snapshot_db(path) == before
    # a facilitator of the workshop is not one of the book's: refused there; a phone too
    fac_s, _ = server.facilitator(t["ws"], org, name="Anne", table_no=1)
    assert fac_s.post(bapi("/visits"), json=visit_body()).status_code == 401
    assert fac_s.get(server.url(f"/w/{t['book']['code']}/visits")).status_code == 401
    assert snapshot_db(path) == before
    # the book's name is required: the territory view says so, and no file is created
    files = sorted(server.data_dir.glob("*.sqlite"))
    terr = server.url(f"/w/{t['ws']['code']}/territory")
    r = org.post(server.url(f"/w/{t['ws']['code']}/flow-studies"), data={"csrf": _csrf(org, terr), "name": " "})
    assert r.status_code == 422 and 'id="err-book-name"' in r.text and "obligatoire" in r.text.lower()
    assert sorted(server.data_dir.glob("*.sqlite")) == files
    # once right, the whole visit is saved in one go
    form["s1-title"] = "Big bags pour les sables"
    r = org.post(page, data=form, allow_redirects=False)
    assert r.status_code == 302 and "saved=" in r.headers["Location"]
    [v] = org.get(bapi("/visits")).json()["visits"]
    assert v["organisation_name"] == "Fonderie Neuve" and [s["title"] for s in v["sheets"]] == \
        ["Chaleur fatale des fours", "Big bags pour les sables"]
