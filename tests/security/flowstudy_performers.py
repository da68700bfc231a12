"""Performers of the flow-study routes for the matrix test (``prep(w, variant) -> act(session)``)."""
from __future__ import annotations

from tests.security.world import uid


def _visit(w):
    r = w.org.post(w.api("/visits"), json={"id": uid(), "organisation_name": f"Scierie {uid()[:6]}",
                                           "date": "2026-11-20", "visited_by": "Claire", "source": "Visite sur site"})
    r.raise_for_status()
    return r.json()["record"]


def p_visits(w, v):
    return lambda s: s.get(w.api("/visits"))


def p_visit_create(w, v):
    return lambda s: s.post(w.api("/visits"), json={"id": uid(), "organisation_id": w.org_a["id"],
                                                     "date": "2026-11-20", "visited_by": "Claire",
                                                     "source": "Étude de flux"})


def p_visit_sheet(w, v):
    visit = _visit(w)
    return lambda s: s.post(w.api(f"/visits/{visit['id']}/sheets"),
                            json={"id": uid(), "kind": "offer", "category": "waste", "title": "Sciure"})


def p_book(w, v):
    return lambda s: s.post(w.api("/flow-studies"), json={"name": "Études de flux — Mauges"})


PERFORMERS = {
    ("GET", "/api/w/{wid}/visits"): p_visits,
    ("POST", "/api/w/{wid}/visits"): p_visit_create,
    ("POST", "/api/w/{wid}/visits/{vid}/sheets"): p_visit_sheet,
    ("POST", "/api/w/{wid}/flow-studies"): p_book,
}
