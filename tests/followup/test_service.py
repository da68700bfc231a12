"""Follow-up use cases on a real SQLite workshop file: who may do what, the journal, the figures."""
import json
import sqlite3

import pytest

from app.followup import asof, figures, service
from app.services import ServiceError, facilitators, ideas, organisations, workshops
from tests.conftest import ORGANISER, uid


@pytest.fixture
def fu(ws):
    """The workshop after the afternoon: two organisations, two facilitators, one B2B idea Anne is in charge of."""
    a, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Menuiserie Dupont", "zone": "Pays Nord"})
    b, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Maraîcher Martin", "zone": "Pays Nord"})
    f1, _ = facilitators.create(ws, ORGANISER, {"id": uid(), "name": "Anne", "table_no": 1})
    f2, _ = facilitators.create(ws, ORGANISER, {"id": uid(), "name": "Bruno", "table_no": 2})
    anne = {"role": "facilitator", "id": f1["id"], "label": "Anne", "org": None, "table": 1}
    bruno = {"role": "facilitator", "id": f2["id"], "label": "Bruno", "org": None, "table": 2}
    idea, _ = ideas.create(ws, anne, {"id": uid(), "title": "Caisses pour le maraîcher",
                                      "org_ids": [a["id"], b["id"]], "category": "packaging"})
    idea, _ = ideas.set_b2b(ws, anne, idea["id"], {"version": idea["version"], "b2b": True})
    idea, _ = ideas.move(ws, anne, idea["id"], {"version": idea["version"], "status": "explore"})
    idea, _ = ideas.update(ws, ORGANISER, idea["id"], {"version": idea["version"], "facilitator_id": f1["id"]})
    workshops.set_phase(ws, ORGANISER, {"phase": "followup"})
    dev = uid()
    pb = {"role": "participant", "id": dev, "device": dev, "org": b["id"], "label": b["name"]}
    return dict(a=a, b=b, anne=anne, bruno=bruno, idea=idea, pb=pb)


def err(fn, *args):
    with pytest.raises(ServiceError) as e:
        fn(*args)
    return e.value


def test_the_facilitator_in_charge_walks_the_idea_to_done(ws, fu):
    anne, idea = fu["anne"], fu["idea"]
    for status in ("discussion", "soon", "done"):
        idea, _ = service.update(ws, anne, idea["id"], {"version": idea["version"], "status": status})
        assert idea["status"] == status
    hist = ideas.history(ws, ORGANISER, idea["id"])
    moves = [h["changes"]["status"] for h in hist if h["action"] == "move"]
    assert moves[-3:] == [["explore", "discussion"], ["discussion", "soon"], ["soon", "done"]]
    assert all(h["at"] and h["who"] == "Anne" for h in hist if h["action"] == "move")


def test_another_facilitator_may_not_and_nothing_changes(ws, fu):
    seq = ws.store.last_seq()
    e = err(service.update, ws, fu["bruno"], fu["idea"]["id"], {"version": fu["idea"]["version"],
                                                                 "status": "discussion"})
    assert (e.status, e.key) == (403, "err.not_in_charge")
    e = err(service.add_contact, ws, fu["bruno"], fu["idea"]["id"],
            {"id": uid(), "date": "2026-12-01", "channel": "phone", "summary": "Appel"})
    assert e.key == "err.not_in_charge"
    assert ws.store.last_seq() == seq


def test_abandon_needs_a_reason_and_reassigning_is_for_the_organiser(ws, fu):
    anne, idea = fu["anne"], fu["idea"]
    e = err(service.update, ws, anne, idea["id"], {"version": idea["version"], "status": "abandoned"})
    assert e.key == "err.reason_required" and "reason" in e.fields
    e = err(service.update, ws, anne, idea["id"], {"version": idea["version"], "facilitator_id": fu["bruno"]["id"]})
    assert (e.status, e.key) == (403, "err.organiser_only")
    rec, _ = service.update(ws, ORGANISER, idea["id"], {"version": idea["version"], "status": "abandoned",
                                                         "reason": "distance", "facilitator_id": fu["bruno"]["id"]})
    assert rec["abandon_reason"] == "distance" and rec["facilitator_id"] == fu["bruno"]["id"]


def test_a_contact_sets_the_next_step_and_is_journaled(ws, fu):
    c, seq = service.add_contact(ws, fu["anne"], fu["idea"]["id"], {
        "id": uid(), "date": "2026-12-02", "channel": "phone", "who": "Anne ↔ M. Martin",
        "summary": "Intéressé, veut voir les caisses", "next_step": "Visite chez Dupont", "due_date": "2026-12-10"})
    assert c["who"] == "Anne ↔ M. Martin" and c["author_label"] == "Anne"
    idea = ws.store.get("idea", fu["idea"]["id"])
    assert idea["next_step"] == "Visite chez Dupont" and idea["due_date"] == "2026-12-10"
    evs = ws.store.rows("SELECT entity, action FROM events WHERE seq > ? - 2 ORDER BY seq", [seq])
    assert [(e["entity"], e["action"]) for e in evs] == [("contact", "create"), ("idea", "contact")]
    again, _ = service.add_contact(ws, fu["anne"], fu["idea"]["id"], {
        "id": c["id"], "date": "2026-12-02", "channel": "phone", "summary": "Intéressé, veut voir les caisses"})
    assert again["id"] == c["id"] and len(ws.store.all("contact")) == 1  # a retry is not a second line


@pytest.mark.parametrize("body,field", [
    ({"date": "2026-13-01", "channel": "phone", "summary": "x y"}, "date"),
    ({"date": "2026-12-01", "channel": "pigeon", "summary": "x y"}, "channel"),
    ({"date": "2026-12-01", "channel": "phone"}, "summary"),
    ({"date": "2026-12-01", "channel": "phone", "summary": "ok", "due_date": "demain"}, "due_date"),
])
def test_bad_contacts_are_refused_field_by_field(ws, fu, body, field):
    e = err(service.add_contact, ws, fu["anne"], fu["idea"]["id"], {"id": uid(), **body})
    assert e.status == 422 and field in e.fields and not ws.store.all("contact")


def test_impact_estimated_then_actual_with_the_factor_kept(ws, fu):
    anne, idea = fu["anne"], fu["idea"]
    a, b = fu["a"]["id"], fu["b"]["id"]
    est, _ = service.set_impact(ws, anne, idea["id"], "estimated", {"tonnes": 12, "material": "wood",
                                                                   "euros": {b: 800}})
    assert est["co2_t"] == pytest.approx(12 * 0.3) and est["factors_used"][0]["key"] == "wood"
    e = err(service.set_impact, ws, anne, idea["id"], "actual", {"tonnes": 10, "material": "wood"})
    assert e.key == "err.impact_actual"
    idea = ws.store.get("idea", idea["id"])
    for st in ("discussion", "soon", "done"):
        idea, _ = service.update(ws, anne, idea["id"], {"version": idea["version"], "status": st})
    service.set_factor(ws, ORGANISER, "wood", {"family": "material", "kg_co2e": 500, "label_fr": "Bois local",
                                               "source": "Étude du PTCE", "year": 2026})
    act, _ = service.set_impact(ws, anne, idea["id"], "actual", {"tonnes": 10, "material": "wood", "mwh": 20,
                                                                "energy": "natural_gas", "euros": {a: 300, b: 900},
                                                                "jobs": 0.5})
    assert act["co2_t"] == pytest.approx(10 * 0.5 + 20 * 0.227)
    assert act["factors_used"][0]["source"] == "Étude du PTCE"
    assert ws.store.get("impact", est["id"])["co2_t"] == pytest.approx(3.6)  # the estimate kept its own factor
    idea = ws.store.get("idea", idea["id"])
    assert idea["impact_tonnes"] == 10 and idea["impact_euros"] == 1200 and idea["co2_factor"] == 500
    e = err(service.set_impact, ws, anne, idea["id"], "actual", {"tonnes": 11, "material": "wood"})
    assert "version" in e.fields  # updating figures needs the version seen
    upd, _ = service.set_impact(ws, anne, idea["id"], "actual", {"version": act["version"], "tonnes": 11,
                                                                "material": "wood"})
    assert upd["co2_t"] == pytest.approx(5.5)


@pytest.mark.parametrize("body,field", [
    ({"tonnes": -1, "material": "wood"}, "tonnes"),
    ({"tonnes": "beaucoup", "material": "wood"}, "tonnes"),
    ({"tonnes": 3}, "material"),
    ({"mwh": 3, "energy": "wood"}, "energy"),
    ({"euros": {"not-a-uuid": 3}}, "euros"),
    ({"euros": {"00000000-0000-4000-8000-000000000000": -5}}, "euros"),
    ({"jobs": -1}, "jobs"),
])
def test_bad_figures_are_refused(ws, fu, body, field):
    e = err(service.set_impact, ws, fu["anne"], fu["idea"]["id"], "estimated", body)
    assert e.status == 422 and field in e.fields and not ws.store.all("impact")


def test_participant_reports_their_own_outcome_only(ws, fu):
    rec, _ = service.set_outcome(ws, fu["pb"], fu["idea"]["id"], {"status": "done", "comment": "Caisses reçues",
                                                                  "euros": 400})
    assert rec["organisation_id"] == fu["b"]["id"]
    rec, _ = service.set_outcome(ws, fu["pb"], fu["idea"]["id"], {"status": "soon"})
    assert len(ws.store.all("outcome")) == 1 and rec["status"] == "soon"
    other = dict(fu["pb"], org=uid())
    assert err(service.set_outcome, ws, other, fu["idea"]["id"], {"status": "done"}).key == "err.not_yours"
    mine = service.mine(ws, fu["pb"])
    assert [i["id"] for i in mine["ideas"]] == [fu["idea"]["id"]]
    assert mine["ideas"][0]["last_contact"] is None and "notes" not in mine["ideas"][0]


def test_board_due_states_in_the_workshops_zone(ws, fu):
    service.update(ws, fu["anne"], fu["idea"]["id"], {"version": fu["idea"]["version"], "due_date": "2020-01-06"})
    b = service.board(ws, ORGANISER)
    assert b["timezone"] == "Europe/Paris" and b["ideas"][0]["due_state"] == "overdue"
    assert [d["id"] for d in service.due_list(ws, fu["anne"]["id"])] == [fu["idea"]["id"]]
    assert service.due_list(ws, fu["bruno"]["id"]) == []
    service.set_settings(ws, ORGANISER, {"timezone": "America/Cayenne"})
    assert service.board(ws, ORGANISER)["timezone"] == "America/Cayenne"
    assert err(service.set_settings, ws, ORGANISER, {"timezone": "Mars/Olympus"}).fields["timezone"]


def test_the_report_from_the_journal_equals_the_tables(ws, fu):
    anne, idea = fu["anne"], fu["idea"]
    service.add_contact(ws, anne, idea["id"], {"id": uid(), "date": "2026-12-02", "channel": "visit",
                                               "summary": "Visite"})
    for st in ("discussion", "soon", "done"):
        idea, _ = service.update(ws, anne, idea["id"], {"version": idea["version"], "status": st})
    service.set_impact(ws, anne, idea["id"], "actual", {"tonnes": 10, "material": "wood"})
    from_journal = figures.compute(asof.state_at(asof.read_events(ws.store.conn)))
    from_tables = figures.compute(service.current_state(ws))
    assert from_journal == from_tables
    assert from_tables["funnel"]["done"] == 1 and from_tables["impact"]["actual"]["tonnes"] == 10


def test_an_older_workshop_file_gains_the_follow_up_tables(tmp_path):
    from app.store import Store

    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE workshop (id TEXT PRIMARY KEY, name TEXT, created_at TEXT, updated_at TEXT, "
                 "version INTEGER)")
    conn.execute("INSERT INTO workshop VALUES ('w', 'Ancien', '', '', 1)")
    conn.execute("PRAGMA user_version=1")
    conn.commit()
    conn.close()
    s = Store(path)
    try:
        assert s.workshop()["name"] == "Ancien" and s.workshop()["timezone"] is None
        assert s.all("contact") == [] and s.all("impact") == []
    finally:
        s.close()
