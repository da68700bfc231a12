"""Suggestions across files (the territory view), in process on real SQLite files: a need of a workshop
meets an offer of a flow study; a pair inside one file is left to that file's own suggestions; a company
in two files (same name) is not suggested to itself; withdrawn and hidden sheets take no part."""
from __future__ import annotations

from app.flowstudy import service as fs, suggest
from app.followup import territory
from app.services import organisations, sheets, workshops
from tests.conftest import ORGANISER, uid


def _org(ws, name):
    return organisations.create(ws, ORGANISER, {"id": uid(), "name": name, "commune": "Cholet"})[0]


def _sheet(ws, org, kind, title, **kw):
    return sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": org["id"], "kind": kind,
                                         "category": "packaging", "subcategory": "pallets", "title": title, **kw})[0]


def _states(*wss):
    out = []
    for ws in wss:
        st = territory.state_of(ws.store.path)
        out.append((ws.code, next(iter(st["workshop"].values())), st))
    return out


def test_pairs_across_files_only_and_never_a_company_with_itself(registry):
    ws = workshops.create(registry, {"name": "Atelier des Mauges", "password": "motdepasse"})
    book = fs.create_book(registry, ws, ORGANISER, {"name": "Études de flux — Mauges"})
    assert book.info()["kind"] == "flow_study" and book.info()["password_hash"] == ws.info()["password_hash"]
    martin = _org(ws, "Maraîcher Martin")
    need = _sheet(ws, martin, "need", "Palettes bois pour expédier")
    inside = _sheet(ws, _org(ws, "Menuiserie Dupont"), "offer", "Palettes bois de récupération")
    visit, _ = fs.record(book, ORGANISER, {"id": uid(), "organisation_name": "Scierie du Bocage", "date": "2026-11-20",
                                           "visited_by": "Claire", "source": "Visite sur site"},
                         [{"id": uid(), "kind": "offer", "category": "packaging", "subcategory": "pallets",
                           "title": "Palettes bois réemployables"}])
    # the same Maraîcher Martin, visited too: its own offer is never suggested for its own need
    fs.record(book, ORGANISER, {"id": uid(), "organisation_name": "Maraîcher Martin", "date": "2026-11-22",
                                "visited_by": "Claire", "source": "Visite sur site"},
              [{"id": uid(), "kind": "offer", "category": "packaging", "subcategory": "pallets",
                "title": "Palettes bois de cagettes"}])
    pairs = suggest.across(_states(ws, book))
    seen = {(p["offer"]["title"], p["need"]["title"]) for p in pairs}
    assert ("Palettes bois réemployables", "Palettes bois pour expédier") in seen
    assert ("Palettes bois de récupération", "Palettes bois pour expédier") not in seen  # same file: its own list
    assert ("Palettes bois de cagettes", "Palettes bois pour expédier") not in seen      # same company
    p = next(p for p in pairs if p["offer"]["title"] == "Palettes bois réemployables")
    assert p["offer"]["flow_study"] and p["offer"]["visit"] and not p["need"]["flow_study"]
    assert p["reasons"] and all(r["fr"] for r in p["reasons"])
    # withdrawn: gone from the base's suggestions
    offer = book.store.all("sheet", "title = ?", ["Palettes bois réemployables"])[0]
    sheets.update(book, ORGANISER, offer["id"], {"version": offer["version"], "state": "withdrawn"})
    assert all(p["offer"]["title"] != "Palettes bois réemployables" for p in suggest.across(_states(ws, book)))
    assert suggest.across(_states(ws)) == []  # one file: nothing across
    assert inside and need and visit
