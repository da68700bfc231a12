"""Performers of the follow-up routes for the matrix test (``prep(w, variant) -> act(session)``).

``variant`` "own" / "other": for facilitators, an idea they are / are not in charge of; for participants, an
idea of their organisation / of two others."""
from __future__ import annotations

from tests.security.world import uid


def _third_org(w):
    if not getattr(w, "_org_c", None):
        r = w.org.post(w.api("/organisations"), json={"id": uid(), "name": f"Structure C {uid()[:6]}"})
        r.raise_for_status()
        w._org_c = r.json()["record"]
    return w._org_c


def followed_idea(w, variant, status=None):
    """An idea in follow-up, made by the organiser (allowed in every phase)."""
    orgs = [w.org_b["id"], _third_org(w)["id"]] if variant == "other" else [w.org_a["id"], w.org_b["id"]]
    idea = w.fresh_idea(org_ids=orgs)
    body = {"version": idea["version"], "followup": True}
    if variant != "other":
        body["facilitator_id"] = w.fac["id"]
    r = w.org.patch(w.api(f"/followup/ideas/{idea['id']}"), json=body)
    r.raise_for_status()
    idea = r.json()["record"]
    if status:
        r = w.org.post(w.api(f"/ideas/{idea['id']}/move"), json={"version": idea["version"], "status": status})
        r.raise_for_status()
        idea = r.json()["record"]
    return idea


def p_board(w, v):
    return lambda s: s.get(w.api("/followup"))


def p_mine(w, v):
    return lambda s: s.get(w.api("/followup/mine"))


def p_detail(w, v):
    idea = followed_idea(w, v)
    return lambda s: s.get(w.api(f"/followup/ideas/{idea['id']}"))


def p_update(w, v):
    idea = followed_idea(w, v)
    return lambda s: s.patch(w.api(f"/followup/ideas/{idea['id']}"),
                             json={"version": idea["version"], "next_step": "Rappeler", "due_date": "2026-12-15"})


def p_contact(w, v):
    idea = followed_idea(w, v)
    return lambda s: s.post(w.api(f"/followup/ideas/{idea['id']}/contacts"),
                            json={"id": uid(), "date": "2026-12-01", "channel": "phone", "summary": "Appel fait"})


def p_impact(w, v):
    idea = followed_idea(w, v, status="explore")
    return lambda s: s.put(w.api(f"/followup/ideas/{idea['id']}/impact/estimated"),
                           json={"tonnes": 4, "material": "wood"})


def p_outcome(w, v):
    idea = followed_idea(w, v)
    return lambda s: s.post(w.api(f"/followup/ideas/{idea['id']}/outcome"), json={"status": "discussion"})


def p_factor(w, v):
    return lambda s: s.put(w.api(f"/followup/factors/bois_local_{uid()[:4]}"),
                           json={"family": "material", "kg_co2e": 250, "label_fr": "Bois local",
                                 "source": "Étude PTCE", "year": 2026})


def p_settings(w, v):
    return lambda s: s.patch(w.api("/followup/settings"), json={"timezone": "Europe/Paris"})


def p_fac_email(w, v):
    fac = w.fresh_facilitator()
    return lambda s: s.patch(w.api(f"/followup/facilitators/{fac['id']}"), json={"email": "bruno@ptce.example"})


def p_reminders(w, v):
    return lambda s: s.post(w.api("/followup/reminders"), json={})


def p_relances(w, v):
    fid = w.fresh_facilitator()["id"] if v == "other" else w.fac["id"]
    return lambda s: s.get(w.srv.url(f"/w/{w.code}/followup/relances/{fid}.csv"))


def p_report(w, v):
    return lambda s: s.get(w.srv.url(f"/w/{w.code}/followup/report.pdf"), params={"as_of": "2026-12-31"})


PERFORMERS = {
    ("GET", "/w/{code}/followup/report.pdf"): p_report,
    ("GET", "/api/w/{wid}/followup"): p_board,
    ("GET", "/api/w/{wid}/followup/mine"): p_mine,
    ("GET", "/api/w/{wid}/followup/ideas/{iid}"): p_detail,
    ("PATCH", "/api/w/{wid}/followup/ideas/{iid}"): p_update,
    ("POST", "/api/w/{wid}/followup/ideas/{iid}/contacts"): p_contact,
    ("PUT", "/api/w/{wid}/followup/ideas/{iid}/impact/{stage}"): p_impact,
    ("POST", "/api/w/{wid}/followup/ideas/{iid}/outcome"): p_outcome,
    ("PUT", "/api/w/{wid}/followup/factors/{key}"): p_factor,
    ("PATCH", "/api/w/{wid}/followup/settings"): p_settings,
    ("PATCH", "/api/w/{wid}/followup/facilitators/{fid}"): p_fac_email,
    ("POST", "/api/w/{wid}/followup/reminders"): p_reminders,
    ("GET", "/w/{code}/followup/relances/{fid}.{ext}"): p_relances,
}
