"""Ideas service: moves, B2B, details, moderation, merge, undo and history,
on a real SQLite workshop file (the ``ws`` fixture)."""
import json

import pytest

from app import journal
from app.i18n import t
from app.rules import visibility
from app.services import ServiceError, facilitators, ideas, organisations, sheets, workshops
from tests.conftest import ORGANISER, uid


def fr(key):
    return t(key, "fr")


@pytest.fixture
def room(ws):
    """Two organisations with an offer and a need, two facilitators, one idea."""
    a, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Menuiserie Dupont", "table_no": 1})
    b, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Maraîcher Martin", "table_no": 1})
    c, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Ehpad Les Tilleuls", "table_no": 2})
    offer, _ = sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": a["id"], "kind": "offer",
                                             "category": "packaging", "title": "Caisses en bois"})
    need, _ = sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": b["id"], "kind": "need",
                                            "category": "packaging", "title": "Caisses de récolte"})
    f1, _ = facilitators.create(ws, ORGANISER, {"id": uid(), "name": "Anne", "table_no": 1})
    f2, _ = facilitators.create(ws, ORGANISER, {"id": uid(), "name": "Bruno", "table_no": 2})
    anne = {"role": "facilitator", "id": f1["id"], "label": "Anne", "org": None, "table": 1}
    bruno = {"role": "facilitator", "id": f2["id"], "label": "Bruno", "org": None, "table": 2}
    idea, _ = ideas.create(ws, anne, {"id": uid(), "offer_sheet_id": offer["id"], "need_sheet_id": need["id"]})
    dev = uid()
    participant = {"role": "participant", "id": dev, "device": dev, "org": b["id"], "label": b["name"]}
    return dict(a=a, b=b, c=c, offer=offer, need=need, anne=anne, bruno=bruno, idea=idea,
                participant=participant)


def n_events(ws):
    return ws.store.last_seq()


def err(fn, *args):
    with pytest.raises(ServiceError) as e:
        fn(*args)
    return e.value


def test_create_from_offer_and_need_prefills(ws, room):
    idea = room["idea"]
    assert idea["title"] == "Caisses en bois → Maraîcher Martin"
    assert idea["category"] == "packaging"
    assert idea["kind"] == "exchange"
    assert idea["provider_id"] == room["a"]["id"] and idea["receiver_id"] == room["b"]["id"]
    assert idea["status"] == "new" and idea["origin"] == "facilitator" and idea["table_no"] == 1
    assert idea["author_label"] == "Anne"


def test_create_refuses_same_organisation_and_pooling_needs_two(ws, room):
    other_offer, _ = sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": room["b"]["id"],
                                                   "kind": "offer", "category": "waste", "title": "Cagettes"})
    e = err(ideas.create, ws, room["anne"], {"id": uid(), "offer_sheet_id": other_offer["id"],
                                             "need_sheet_id": room["need"]["id"]})
    assert e.status == 422 and e.fields["need_sheet_id"][0] == "err.same_org"
    e = err(ideas.create, ws, room["anne"], {"id": uid(), "kind": "pooling", "title": "Achats groupés",
                                             "org_ids": [room["a"]["id"]]})
    assert e.fields["org_ids"][0] == "err.two_orgs"
    pool, _ = ideas.create(ws, room["anne"], {"id": uid(), "kind": "pooling", "title": "Achats groupés",
                                              "org_ids": [room["a"]["id"], room["b"]["id"], room["c"]["id"]]})
    assert pool["kind"] == "pooling" and len(pool["org_ids"]) == 3 and pool["status"] == "new"


def test_every_legal_move_is_applied_and_journaled(ws, room):
    i = room["idea"]
    path = [("explore", None), ("soon", None), ("abandoned", "distance"), ("new", None), ("abandoned", "volume"),
            ("explore", None), ("new", None), ("soon", None), ("explore", None), ("abandoned", "economic"),
            ("soon", None)]
    for target, reason in path:
        body = {"version": i["version"], "status": target}
        if reason:
            body["reason"] = reason
        before = i
        i, seq = ideas.move(ws, room["anne"], i["id"], body)
        assert i["status"] == target and i["version"] == before["version"] + 1
        assert i["abandon_reason"] == reason
        assert i["status_at"] >= before["status_at"]
        ev = journal.since(ws.store, seq - 1)[0]
        assert ev["action"] == "move" and ev["before"]["status"] == before["status"]
        assert ev["after"]["status"] == target and ev["actor_label"] == "Anne"


def test_illegal_moves_change_nothing(ws, room):
    i = room["idea"]
    seq = n_events(ws)
    for body, key in [({"status": "new"}, "err.same_status"), ({"status": "done"}, "err.transition"),
                      ({"status": "abandoned"}, "err.reason_required")]:
        e = err(ideas.move, ws, room["anne"], i["id"], {"version": i["version"], **body})
        assert (e.status, e.key) == (422, key)
    e = err(ideas.move, ws, room["anne"], i["id"], {"version": 1, "status": "abandoned", "reason": "boredom"})
    assert e.status == 422 and "reason" in e.fields
    e = err(ideas.move, ws, room["anne"], i["id"], {"version": 1, "status": "archived"})
    assert e.status == 422
    e = err(ideas.move, ws, room["anne"], uid(), {"version": 1, "status": "explore"})
    assert (e.status, e.key) == (404, "err.not_found")
    e = err(ideas.move, ws, room["anne"], i["id"], {"status": "explore"})
    assert e.fields["version"][0] == "err.required"
    assert n_events(ws) == seq
    assert ws.store.get("idea", i["id"]) == i


def test_done_only_after_the_event(ws, room):
    i, _ = ideas.move(ws, room["anne"], room["idea"]["id"], {"version": 1, "status": "soon"})
    e = err(ideas.move, ws, room["anne"], i["id"], {"version": i["version"], "status": "done"})
    assert e.key == "err.done_too_early"
    workshops.set_phase(ws, ORGANISER, {"phase": "closed"})
    i, _ = ideas.move(ws, room["anne"], i["id"], {"version": i["version"], "status": "done"})
    assert i["status"] == "done"
    workshops.set_phase(ws, ORGANISER, {"phase": "followup"})
    i, _ = ideas.move(ws, room["anne"], i["id"], {"version": i["version"], "status": "explore"})
    workshops.set_phase(ws, ORGANISER, {"phase": "locked"})
    e = err(ideas.move, ws, room["anne"], i["id"], {"version": i["version"], "status": "soon"})
    assert (e.status, e.key) == (403, "err.locked")


def test_version_conflict_returns_current(ws, room):
    i = room["idea"]
    moved, _ = ideas.move(ws, room["bruno"], i["id"], {"version": 1, "status": "explore"})
    seq = n_events(ws)
    e = err(ideas.move, ws, room["anne"], i["id"], {"version": 1, "status": "soon"})
    assert (e.status, e.key) == (409, "err.conflict")
    assert e.current == moved and e.entity == "idea"
    for fn, body in [(ideas.set_b2b, {"version": 1, "b2b": True}), (ideas.update, {"version": 1, "notes": "x"}),
                     (ideas.set_hidden, {"version": 1, "hidden": True})]:
        e = err(fn, ws, room["anne"], i["id"], body)
        assert e.status == 409 and e.current["version"] == 2
    assert n_events(ws) == seq
    assert fr("err.conflict").startswith("Quelqu’un vient de modifier")


def test_replayed_request_returns_original_and_writes_nothing(ws, room):
    i = room["idea"]
    rid = uid()
    first, seq1 = ideas.move(ws, room["anne"], i["id"], {"version": 1, "status": "explore", "request_id": rid})
    later, _ = ideas.set_b2b(ws, room["anne"], i["id"], {"version": 2, "b2b": True})
    seq = n_events(ws)
    again, seq2 = ideas.move(ws, room["anne"], i["id"], {"version": 1, "status": "explore", "request_id": rid})
    assert again == first and seq2 == seq1
    assert n_events(ws) == seq
    assert ws.store.get("idea", i["id"]) == later
    # Same for B2B, details, hide and undo.
    for fn, body in [(ideas.set_b2b, {"b2b": False}), (ideas.update, {"notes": "Appeler lundi"}),
                     (ideas.set_hidden, {"hidden": True})]:
        cur = ws.store.get("idea", i["id"])
        rid = uid()
        r1, s1 = fn(ws, room["anne"], i["id"], {"version": cur["version"], "request_id": rid, **body})
        n = n_events(ws)
        r2, s2 = fn(ws, room["anne"], i["id"], {"version": cur["version"], "request_id": rid, **body})
        assert (r2, s2) == (r1, s1) and n_events(ws) == n


def test_undo_last_move_and_undo_when_stale(ws, room):
    i = room["idea"]
    e = err(ideas.undo, ws, room["anne"], {})
    assert (e.status, e.key) == (404, "err.nothing_to_undo")
    i, _ = ideas.move(ws, room["anne"], i["id"], {"version": 1, "status": "explore"})
    i, _ = ideas.move(ws, room["anne"], i["id"], {"version": 2, "status": "abandoned", "reason": "regulatory"})
    back, _ = ideas.undo(ws, room["anne"], {"request_id": uid()})
    assert back["status"] == "explore" and back["abandon_reason"] is None and back["version"] == 4
    e = err(ideas.undo, ws, room["anne"], {})  # an undo is not undone
    assert e.key == "err.nothing_to_undo"
    # Bruno's undo is about Bruno's moves only.
    e = err(ideas.undo, ws, room["bruno"], {})
    assert e.key == "err.nothing_to_undo"
    # Undo restores the abandon reason too.
    i, _ = ideas.move(ws, room["anne"], i["id"], {"version": 4, "status": "abandoned", "reason": "technical"})
    i, _ = ideas.move(ws, room["anne"], i["id"], {"version": 5, "status": "soon"})
    back, _ = ideas.undo(ws, room["anne"], {})
    assert back["status"] == "abandoned" and back["abandon_reason"] == "technical"
    # Stale: someone else changed the card after my move.
    i, _ = ideas.move(ws, room["anne"], i["id"], {"version": back["version"], "status": "new"})
    other, _ = ideas.set_b2b(ws, room["bruno"], i["id"], {"version": i["version"], "b2b": True})
    seq = n_events(ws)
    e = err(ideas.undo, ws, room["anne"], {})
    assert (e.status, e.key) == (409, "err.undo_stale") and e.current == other
    assert n_events(ws) == seq
    hist = ideas.history(ws, room["anne"], i["id"])
    assert [h["action"] for h in hist if h["action"] in ("move", "undo")] == \
        ["move", "move", "undo", "move", "move", "undo", "move"]


def test_b2b_toggle(ws, room):
    i, _ = ideas.set_b2b(ws, room["anne"], room["idea"]["id"], {"version": 1, "b2b": True})
    assert i["b2b"] == 1 and i["version"] == 2
    i, _ = ideas.set_b2b(ws, room["anne"], i["id"], {"version": 2, "b2b": False})
    assert i["b2b"] == 0
    e = err(ideas.set_b2b, ws, room["anne"], i["id"], {"version": 3, "b2b": "peut-être"})
    assert e.status == 422


def test_update_details(ws, room):
    i = room["idea"]
    a, b = room["a"]["id"], room["b"]["id"]
    body = {"version": 1, "description": "30 caisses par semaine", "interest": {a: 3, b: 2},
            "facilitator_id": room["bruno"]["id"], "next_step": "Visite de l’atelier", "due_date": "2026-12-15",
            "notes": "Contact : M. Dupont"}
    i, _ = ideas.update(ws, room["anne"], i["id"], body)
    for k, v in body.items():
        if k != "version":
            assert i[k] == v
    seq = n_events(ws)
    for bad, field in [({"interest": {room["c"]["id"]: 2}}, "interest"), ({"interest": {a: 4}}, "interest"),
                       ({"due_date": "15/12/2026"}, "due_date"), ({"facilitator_id": uid()}, None),
                       ({"notes": "x" * 4001}, "notes"), ({"unknown": 1}, "unknown")]:
        e = err(ideas.update, ws, room["anne"], i["id"], {"version": i["version"], **bad})
        assert e.status in (404, 422)
        if field:
            assert field in e.fields
    assert n_events(ws) == seq


def test_participant_refused_with_french_message(ws, room):
    p, i = room["participant"], room["idea"]
    seq = n_events(ws)
    calls = [(ideas.move, (ws, p, i["id"], {"version": 1, "status": "explore"})),
             (ideas.set_b2b, (ws, p, i["id"], {"version": 1, "b2b": True})),
             (ideas.set_hidden, (ws, p, i["id"], {"version": 1, "hidden": True})),
             (ideas.merge, (ws, p, i["id"], {"version": 1, "into_id": uid()})),
             (ideas.update, (ws, p, i["id"], {"version": 1, "notes": "x"})),
             (ideas.undo, (ws, p, {})),
             (ideas.history, (ws, p, i["id"]))]
    for fn, args in calls:
        e = err(fn, *args)
        assert (e.status, e.key) == (403, "err.forbidden")
        assert fr(e.key) == "Vous n’avez pas le droit de faire cela."
    anon = {"role": "anonymous", "id": None, "label": None, "org": None}
    e = err(ideas.move, ws, anon, i["id"], {"version": 1, "status": "explore"})
    assert (e.status, e.key) == (401, "err.not_signed_in")
    assert n_events(ws) == seq
    assert ws.store.get("idea", i["id"]) == i


def test_hide_and_restore(ws, room):
    i = room["idea"]
    h, _ = ideas.set_hidden(ws, room["anne"], i["id"], {"version": 1, "hidden": True})
    assert h["hidden"] == 1
    assert visibility.for_role("idea", h, "participant", room["b"]["id"]) is None
    assert visibility.for_role("idea", h, "projector") is None
    assert visibility.for_role("idea", h, "facilitator")["hidden"] == 1
    p_state = workshops.state(ws, room["participant"])
    assert i["id"] not in [x["id"] for x in p_state["ideas"]]
    assert i["id"] in [x["id"] for x in workshops.state(ws, room["anne"])["ideas"]]
    # A hidden card cannot be moved, selected or edited: restore it first.
    for fn, body in [(ideas.move, {"status": "explore"}), (ideas.set_b2b, {"b2b": True}),
                     (ideas.update, {"notes": "x"})]:
        e = err(fn, ws, room["anne"], i["id"], {"version": 2, **body})
        assert (e.status, e.key) == (404, "err.not_found")
    r, _ = ideas.set_hidden(ws, room["anne"], i["id"], {"version": 2, "hidden": False})
    assert r["hidden"] == 0
    assert visibility.for_role("idea", r, "participant", room["b"]["id"])["id"] == i["id"]
    assert [h["action"] for h in ideas.history(ws, room["anne"], i["id"])] == ["create", "hide", "restore"]


def test_hidden_sheet_never_reaches_participants(ws, room):
    s, _ = sheets.set_hidden(ws, room["anne"], room["offer"]["id"], {"version": 1, "hidden": True})
    assert s["hidden"] == 1
    state = workshops.state(ws, room["participant"])
    assert room["offer"]["id"] not in [x["id"] for x in state["sheets"]]
    assert room["offer"]["id"] in [x["id"] for x in workshops.state(ws, room["anne"])["sheets"]]


def test_merge_keeps_links_orgs_and_history(ws, room):
    keep = room["idea"]
    keep, _ = ideas.update(ws, room["anne"], keep["id"], {"version": 1, "description": "Caisses"})
    dup, _ = ideas.create(ws, room["participant"], {"id": uid(), "sheet_id": room["offer"]["id"],
                                                    "comment": "Pour nos légumes"})
    dup, _ = ideas.move(ws, room["bruno"], dup["id"], {"version": 1, "status": "explore"})
    dup, _ = ideas.set_b2b(ws, room["bruno"], dup["id"], {"version": 2, "b2b": True})
    dup, _ = ideas.update(ws, room["bruno"], dup["id"], {"version": 3, "description": "Chaque semaine",
                                                          "interest": {room["b"]["id"]: 3}})
    pool, _ = ideas.create(ws, room["anne"], {"id": uid(), "kind": "pooling", "title": "Mutualiser",
                                              "org_ids": [room["b"]["id"], room["c"]["id"]]})
    e = err(ideas.merge, ws, room["anne"], dup["id"], {"version": dup["version"], "into_id": dup["id"]})
    assert e.fields["into_id"][0] == "err.merge_self"
    e = err(ideas.merge, ws, room["anne"], dup["id"], {"version": 1, "into_id": keep["id"]})
    assert e.status == 409
    merged, _ = ideas.merge(ws, room["anne"], dup["id"], {"version": dup["version"], "into_id": keep["id"]})
    assert merged["id"] == keep["id"] and merged["b2b"] == 1
    assert merged["offer_sheet_id"] == room["offer"]["id"] and merged["need_sheet_id"] == room["need"]["id"]
    assert merged["description"] == "Caisses\n\nChaque semaine"
    assert merged["interest"] == {room["b"]["id"]: 3}
    gone = ws.store.get("idea", dup["id"])
    assert gone["merged_into"] == keep["id"]
    # The merged one disappears for participants, stays in the journal for staff.
    assert visibility.for_role("idea", gone, "participant", room["b"]["id"]) is None
    ids = [x["id"] for x in workshops.state(ws, room["participant"])["ideas"]]
    assert dup["id"] not in ids and keep["id"] in ids
    # Merge with a third organisation turns an exchange into a pooling.
    m2, _ = ideas.merge(ws, room["anne"], pool["id"], {"version": 1, "into_id": keep["id"]})
    assert set(m2["org_ids"]) == {room["a"]["id"], room["b"]["id"], room["c"]["id"]}
    assert m2["kind"] == "pooling"
    # History of the target shows the duplicate's events too.
    hist = ideas.history(ws, room["anne"], keep["id"])
    mine = [h for h in hist if not h["merged"]]
    theirs = [h for h in hist if h["merged"]]
    assert [h["action"] for h in mine] == ["create", "update", "absorb", "absorb"]
    assert {h["action"] for h in theirs} >= {"create", "move", "b2b", "update", "merge"}
    assert any(h["changes"].get("status") == ["new", "explore"] and h["who"] == "Bruno" for h in theirs)
    # A merged idea cannot be moved or merged again; replay of the merge returns the original result.
    e = err(ideas.move, ws, room["anne"], dup["id"], {"version": gone["version"], "status": "soon"})
    assert e.key == "err.merged"
    seq = n_events(ws)
    d3, _ = ideas.create(ws, room["anne"], {"id": uid(), "kind": "pooling", "title": "Doublon",
                                            "org_ids": [room["a"]["id"], room["b"]["id"]]})
    rid = uid()
    r1 = ideas.merge(ws, room["anne"], d3["id"], {"version": 1, "into_id": keep["id"], "request_id": rid})
    n = n_events(ws)
    r2 = ideas.merge(ws, room["anne"], d3["id"], {"version": 1, "into_id": keep["id"], "request_id": rid})
    assert r1[0] == r2[0] and r2[0]["id"] == keep["id"] and n_events(ws) == n == seq + 3


def test_history_content(ws, room):
    i = room["idea"]
    i, _ = ideas.move(ws, room["anne"], i["id"], {"version": 1, "status": "abandoned", "reason": "no_contact"})
    i, _ = ideas.move(ws, room["bruno"], i["id"], {"version": 2, "status": "explore"})
    i, _ = ideas.set_b2b(ws, room["bruno"], i["id"], {"version": 3, "b2b": True})
    i, _ = ideas.update(ws, ORGANISER, i["id"], {"version": 4, "next_step": "Rendez-vous", "notes": "n"})
    hist = ideas.history(ws, room["anne"], i["id"])
    assert [(h["action"], h["who"], h["role"]) for h in hist] == [
        ("create", "Anne", "facilitator"), ("move", "Anne", "facilitator"), ("move", "Bruno", "facilitator"),
        ("b2b", "Bruno", "facilitator"), ("update", "Organisateur·rice", "organiser")]
    assert hist[0]["changes"] == {"status": [None, "new"]}
    assert hist[1]["changes"] == {"status": ["new", "abandoned"], "abandon_reason": [None, "no_contact"]}
    assert hist[2]["changes"] == {"status": ["abandoned", "explore"], "abandon_reason": ["no_contact", None]}
    assert hist[3]["changes"] == {"b2b": [0, 1]}
    assert hist[4]["changes"] == {"next_step": [None, "Rendez-vous"], "notes": [None, "n"]}
    assert all(h["at"] and h["seq"] for h in hist)
    assert [h["seq"] for h in hist] == sorted(h["seq"] for h in hist)
    json.dumps(hist)
    e = err(ideas.history, ws, room["anne"], uid())
    assert e.status == 404


def test_selecting_an_idea_for_b2b_makes_its_meeting_and_unselecting_cancels_it(ws, room):
    """The meeting follows its own card only; another idea's meeting is not touched."""
    other, _ = ideas.create(ws, room["anne"], {"id": uid(), "offer_sheet_id": room["offer"]["id"],
                                               "need_sheet_id": room["need"]["id"], "title": "Autre idée"})
    ideas.set_b2b(ws, room["anne"], other["id"], {"version": other["version"], "b2b": True})
    idea = room["idea"]

    def meeting(iid):
        found = ws.store.all("meeting", "idea_id = ?", [iid])
        return found[0] if found else None

    rec, _ = ideas.set_b2b(ws, room["anne"], idea["id"], {"version": idea["version"], "b2b": True})
    m = meeting(idea["id"])
    assert m["request_status"] == "accepted" and sorted(m["org_ids"]) == sorted([room["a"]["id"], room["b"]["id"]])
    rec, _ = ideas.set_b2b(ws, room["anne"], idea["id"], {"version": rec["version"], "b2b": False})
    assert meeting(idea["id"])["request_status"] == "cancelled"
    assert meeting(other["id"])["request_status"] == "accepted"
    ideas.set_b2b(ws, room["anne"], idea["id"], {"version": rec["version"], "b2b": True})
    assert meeting(idea["id"])["request_status"] == "accepted"
    assert len(ws.store.all("meeting")) == 2
