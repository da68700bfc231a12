"""B2B meetings: set-up, requests and answers, planning, locks, status and outcomes.

Rules come from app/rules/b2b.py and the planner from app/b2b; every write goes
through :func:`app.services.commit` (rows + journal in one transaction, then the
one broadcast point).
"""
from __future__ import annotations

import time
import uuid

from .. import b2b as planner
from ..i18n import subset
from ..b2b import bridge
from ..rules import b2b as R
from ..rules import permissions, statuses, visibility
from ..store import now_iso
from . import ServiceError, authorize, check, commit, require

SETUP_ID = "setup"
NS = uuid.UUID("6f1d3a52-8f0e-4c4e-9a38-2b1d7e5c9a10")


# -- reading ----------------------------------------------------------------------------------
def setup_of(store) -> dict:
    rec = store.get("b2b_setup", SETUP_ID)
    out = dict(bridge.DEFAULT_SETUP)
    if rec:
        for k in ("sessions", "slot_minutes", "pause_minutes"):
            if rec.get(k) is not None:
                out[k] = rec[k]
    return out


def places_of(store) -> list[dict]:
    rows = store.all("b2b_place", "COALESCE(hidden,0) = 0", order="position, name")
    tables = store.scalar("SELECT MAX(table_no) FROM organisations WHERE COALESCE(hidden,0)=0") or 0
    tables = max(tables, store.scalar("SELECT MAX(table_no) FROM facilitators") or 0)
    return bridge.places_or_default([{"id": r["id"], "name": r["name"], "capacity": r["capacity"]} for r in rows],
                                    tables or 10)


def attendance_of(store) -> dict:
    return {r["id"]: r for r in store.all("b2b_attendance")}


def slots_of(ws) -> list[dict]:
    """Slots with their clock times and ISO datetimes on the workshop's day."""
    info = ws.store.workshop()
    out = []
    for s in bridge.slots(setup_of(ws.store)):
        a, b = bridge.when(info.get("date"), s)
        out.append({**s, "starts_at": a.isoformat(timespec="minutes"), "ends_at": b.isoformat(timespec="minutes"),
                    "start_ms": a.timestamp() * 1000, "end_ms": b.timestamp() * 1000})
    return out


def board(ws, actor) -> dict:
    """Everything B2B the caller may see, and the server's clock for countdowns."""
    authorize(ws, actor, "b2b.read")
    role, org = actor["role"], actor.get("org")
    s = ws.store
    with s.snapshot():
        seq = s.last_seq()
        setup_rec = s.get("b2b_setup", SETUP_ID)
        meetings = s.all("meeting")
        orgs = {o["id"]: o for o in s.all("organisation")}
        attendance = s.all("b2b_attendance")
        idea_ids = {m["idea_id"] for m in meetings if m.get("idea_id")}
        ideas = {i: s.get("idea", i) for i in idea_ids}
    seen = []
    for m in meetings:
        v = visibility.for_role("meeting", m, role, org)
        if v is not None:
            seen.append(v)
    involved = {o for m in seen for o in (m.get("org_ids") or [])}
    org_rows = []
    for oid in sorted(involved):
        v = visibility.for_role("organisation", orgs.get(oid), role, org)
        if v is not None:
            org_rows.append({k: v.get(k) for k in ("id", "name", "table_no", "contact_name", "email", "phone",
                                                   "consent")})
    titles = {}
    for iid, rec in ideas.items():
        v = visibility.for_role("idea", rec, role, org)
        if v is not None:
            titles[iid] = v["title"]
    att = [a for a in (visibility.for_role("b2b_attendance", r, role, org) for r in attendance) if a is not None]
    stats = (setup_rec or {}).get("plan_stats") if permissions.allowed(role, "read.meeting.plan") else None
    return {"seq": seq, "server_time": time.time() * 1000, "setup": setup_of(s), "slots": slots_of(ws),
            "places": places_of(s), "meetings": seen, "organisations": org_rows, "idea_titles": titles,
            "attendance": att, "plan": stats, "planned_at": (setup_rec or {}).get("planned_at"),
            "all_organisations": [{"id": o["id"], "name": o["name"], "table_no": o.get("table_no")}
                                  for o in sorted(orgs.values(), key=lambda o: o["name"].casefold())
                                  if not o.get("hidden")] if role != "projector" else [],
            "i18n": subset(("b2b.",)),
            "me": {"role": role, "org": org, "table": actor.get("table")}}


# -- set-up -----------------------------------------------------------------------------------
def set_setup(ws, actor, data):
    authorize(ws, actor, "b2b.setup")
    clean, errors = R.check_setup(data)
    if errors:
        raise ServiceError(422, "err.invalid", fields=errors)
    slot_minutes = clean.get("slot_minutes")
    merged = {**setup_of(ws.store), **{k: v for k, v in clean.items() if k != "places" and v is not None}}
    if clean.get("sessions") is not None and not bridge.slots(merged):
        raise ServiceError(422, "err.invalid", fields={"sessions": ("b2b.err.no_slot", {"minutes": slot_minutes
                                                                                          or merged["slot_minutes"]})})

    def fn(tx):
        row = {k: merged[k] for k in ("sessions", "slot_minutes", "pause_minutes")}
        if tx.get("b2b_setup", SETUP_ID):
            tx.update("b2b_setup", SETUP_ID, row, action="b2b_setup")
        else:
            tx.insert("b2b_setup", {"id": SETUP_ID, **row})
        if clean.get("places") is not None:
            current = {p["id"]: p for p in ws.store.all("b2b_place")}
            keep = set()
            for pos, p in enumerate(clean["places"]):
                pid = p["id"] if p.get("id") in current else None
                if pid:
                    tx.update("b2b_place", pid, {"name": p["name"], "capacity": p["capacity"], "position": pos,
                                                 "hidden": 0})
                else:
                    pid = str(uuid.uuid4())
                    tx.insert("b2b_place", {"id": pid, "name": p["name"], "capacity": p["capacity"],
                                            "position": pos, "hidden": 0})
                keep.add(pid)
            for pid, p in current.items():
                if pid not in keep and not p.get("hidden"):
                    tx.update("b2b_place", pid, {"hidden": 1})
        return tx.get("b2b_setup", SETUP_ID)

    return commit(ws, actor, fn, entity="b2b_setup")


def set_attendance(ws, actor, org_id, data):
    own = actor.get("org") == org_id if actor["role"] == "participant" else None
    authorize(ws, actor, "b2b.attendance", own=own)
    clean = check(R.ATTENDANCE, data)
    errors = R.check_times(clean)
    if errors:
        raise ServiceError(422, "err.invalid", fields=errors)
    org = require(ws, "organisation", org_id, hidden_ok=False)
    row = {k: clean[k] for k in ("people", "arrives", "leaves") if k in clean}

    def fn(tx):
        if tx.get("b2b_attendance", org["id"]):
            return tx.update("b2b_attendance", org["id"], row, action="attendance")
        return tx.insert("b2b_attendance", {"id": org["id"], "people": 1, **row})

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="b2b_attendance")


# -- requests ---------------------------------------------------------------------------------
def follow_ideas(ws, actor, idea_ids=None) -> int:
    """Every B2B-selected idea gets its meeting of all its organisations (accepted: chosen at the
    table); an idea unselected, hidden or merged cancels its meeting unless it was held.
    ``idea_ids`` limits this to those ideas (one tap on one card reads one card, not all 5,100)."""
    if idea_ids is None:
        ideas = ws.store.all("idea")
        have = {m["idea_id"]: m for m in ws.store.all("meeting", "origin = 'idea'")}
    else:
        ids = list(idea_ids)
        marks = ", ".join("?" for _ in ids)
        ideas = [i for i in (ws.store.get("idea", x) for x in ids) if i]
        have = {m["idea_id"]: m for m in ws.store.all("meeting", f"origin = 'idea' AND idea_id IN ({marks})", ids)}
    todo = []
    for idea in ideas:
        live = idea.get("b2b") and not idea.get("hidden") and not idea.get("merged_into")
        m = have.get(idea["id"])
        orgs = list(idea.get("org_ids") or [])
        if live and m is None and len(orgs) >= 2:
            todo.append(("new", idea, None))
        elif live and m is not None and m["request_status"] == "cancelled" and m.get("status") != "held":
            todo.append(("revive", idea, m))
        elif not live and m is not None and m["request_status"] != "cancelled" and m.get("status") != "held":
            todo.append(("cancel", idea, m))
    if not todo:
        return 0

    def fn(tx):
        for what, idea, m in todo:
            if what == "new":
                tx.insert("meeting", {"id": str(uuid.uuid5(NS, idea["id"])), "org_ids": idea["org_ids"],
                                      "idea_id": idea["id"], "origin": "idea", "requested_by": None,
                                      "request_status": "accepted", "accepted_by": idea["org_ids"],
                                      "locked": 0, "status": "planned", "outcomes": {}})
            elif what == "revive":
                tx.update("meeting", m["id"], {"request_status": "accepted", "accepted_by": idea["org_ids"],
                                               "org_ids": idea["org_ids"], "status": "planned"})
            else:
                tx.update("meeting", m["id"], {"request_status": "cancelled", "slot": None, "place_id": None,
                                               "locked": 0}, action="cancel")

    commit(ws, actor, fn)
    return len(todo)


def request(ws, actor, data):
    clean = check(R.REQUEST, data)
    role, me = actor["role"], actor.get("org")
    others = list(clean.get("org_ids") or [])
    if role == "participant":
        authorize(ws, actor, "meeting.request", own=bool(me))
        org_ids = [me] + [o for o in others if o != me]
    else:
        authorize(ws, actor, "meeting.request")
        org_ids = others
    existing = ws.store.get("meeting", clean["id"])
    if existing:  # a replay, answered after the rights check
        if role == "participant" and me not in existing["org_ids"]:
            raise ServiceError(409, "err.id_taken")
        return existing, ws.store.last_seq()
    for key, entity in (("idea_id", "idea"), ("sheet_id", "sheet")):
        if clean.get(key):
            rec = require(ws, entity, clean[key], hidden_ok=False)
            if visibility.for_role(entity, rec, role, me) is None:
                raise ServiceError(404, "err.not_found")
            if not others and role == "participant":  # asked from a sheet or an idea: with its organisations
                found = [rec["organisation_id"]] if entity == "sheet" else list(rec.get("org_ids") or [])
                org_ids = [me] + [o for o in found if o != me]
    if len(org_ids) < 2:
        raise ServiceError(422, "err.invalid", fields={"org_ids": ("err.two_orgs", {})})
    for oid in org_ids:
        require(ws, "organisation", oid, hidden_ok=False)
    key = frozenset(org_ids)
    for m in ws.store.all("meeting", "request_status IN ('pending', 'accepted')"):
        if frozenset(m["org_ids"]) == key and m.get("idea_id") == clean.get("idea_id"):
            raise ServiceError(409, "b2b.err.already_asked")
    staff = role in ("organiser", "facilitator")
    accepted = list(org_ids) if staff else [me]
    row = {"id": clean["id"], "org_ids": org_ids, "idea_id": clean.get("idea_id"), "sheet_id": clean.get("sheet_id"),
           "origin": clean.get("origin") or ("organiser" if staff else "phone"), "requested_by": me,
           "request_status": R.request_state(org_ids, accepted), "accepted_by": accepted,
           "note": clean.get("note"), "locked": 0, "status": "planned", "outcomes": {}}
    return commit(ws, actor, lambda tx: tx.insert("meeting", row, action="request"), entity="meeting")


def _load(tx, mid, version):
    m = tx.get("meeting", mid)
    if m is None:
        raise ServiceError(404, "err.not_found")
    if version is not None and int(version) != m["version"]:
        raise ServiceError(409, "err.conflict", current=m, entity="meeting")
    return m


def _mine(ws, actor, mid):
    m = require(ws, "meeting", mid)
    return m, (actor.get("org") in m["org_ids"]) if actor["role"] == "participant" else None


def answer(ws, actor, mid, data):
    m, own = _mine(ws, actor, mid)
    authorize(ws, actor, "meeting.answer", own=own)
    clean = check(R.ANSWER, data)
    role, me = actor["role"], actor.get("org")
    side = me if role == "participant" else clean.get("org_id")
    if side is not None and side not in m["org_ids"]:
        raise ServiceError(422, "err.invalid", fields={"org_id": ("b2b.err.not_in_meeting", {})})

    def fn(tx):
        cur = _load(tx, mid, clean["version"])
        if cur["request_status"] == "cancelled":
            raise ServiceError(409, "b2b.err.cancelled")
        if cur.get("status") == "held":
            raise ServiceError(409, "b2b.err.held")
        accepted = list(cur.get("accepted_by") or [])
        changes = {}
        if clean["answer"] == "accept":
            sides = [side] if side else list(cur["org_ids"])
            accepted += [o for o in sides if o not in accepted]
            changes["request_status"] = R.request_state(cur["org_ids"], accepted)
            action = "accept"
        elif clean["answer"] == "decline":
            sides = [side] if side else list(cur["org_ids"])
            accepted = [o for o in accepted if o not in sides]
            changes["request_status"] = "declined"
            action = "decline"
        else:
            changes["request_status"] = "cancelled"
            action = "cancel"
        changes["accepted_by"] = accepted
        if changes["request_status"] != "accepted":
            changes.update({"slot": None, "place_id": None, "locked": 0})
        return tx.update("meeting", mid, changes, cur["version"], action=action)

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="meeting")


# -- planning ---------------------------------------------------------------------------------
def _native(fn):
    from ..workers import run_native

    return run_native(fn)


def instance(ws) -> tuple[dict, list, list]:
    s = ws.store
    places = places_of(s)
    known = {o["id"] for o in s.all("organisation", "COALESCE(hidden,0) = 0")}
    meetings = s.all("meeting")
    data = bridge.build_instance(setup_of(s), places, attendance_of(s), meetings, known, closed_slots(ws))
    return data, meetings, places


def closed_slots(ws) -> set:
    """On the workshop's day, slots that have started take no new meeting (and keep theirs)."""
    from datetime import date

    info = ws.store.workshop()
    if (info.get("date") or "")[:10] != date.today().isoformat():
        return set()
    now = time.time() * 1000
    return {s["index"] for s in slots_of(ws) if s["start_ms"] <= now}


def plan(ws, actor, data):
    """One tap: plan every accepted meeting; moves as few announced meetings as it can."""
    authorize(ws, actor, "meeting.plan")
    clean = check(R.PLAN, data)
    if not bridge.slots(setup_of(ws.store)):
        raise ServiceError(422, "b2b.err.no_slot_at_all")
    follow_ideas(ws, actor)
    data_, meetings, places = instance(ws)
    inst = planner.load(data_)
    limit = float(clean.get("time_limit") or 10.0)
    result = _native(lambda: planner.plan(inst, time_limit=limit))
    by_id = {m["id"]: m for m in meetings}
    spots = {r["id"]: r for r in result["meetings"]}
    reasons = {u["id"]: u for u in result["unplaced"]}
    versions = {m["id"]: m["version"] for m in meetings}
    stats = {k: v for k, v in result["stats"].items() if k != "moved"}
    stats["unplaced_ids"] = [u["id"] for u in result["unplaced"]]

    def fn(tx):
        for mid in set(spots) | set(reasons):
            cur = tx.get("meeting", mid)
            if cur is None or cur["version"] != versions.get(mid):
                continue  # changed while planning: the next plan takes it
            if mid in spots:
                slot, place = spots[mid]["slot"], spots[mid]["place"]
                moved = cur.get("announced_slot") is not None and cur["announced_slot"] != slot
                changes = {"slot": slot, "place_id": place, "announced_slot": slot, "announced_place": place,
                           "unplaced_reason": None}
                if moved:
                    changes["previous_slot"] = cur["announced_slot"]
                action = "move" if moved else "plan"
            else:
                changes = {"slot": None, "place_id": None, "unplaced_reason": {k: v for k, v in reasons[mid].items()
                                                                                if k != "id"}}
                action = "unplaced"
            tx.update("meeting", mid, changes, action=action)
        row = {"plan_stats": stats, "planned_at": now_iso()}
        if tx.get("b2b_setup", SETUP_ID):
            tx.update("b2b_setup", SETUP_ID, row, action="plan")
        else:
            tx.insert("b2b_setup", {"id": SETUP_ID, **{k: bridge.DEFAULT_SETUP[k] for k in bridge.DEFAULT_SETUP},
                                    **row})
        return stats

    stats_out, seq = commit(ws, actor, fn, request_id=clean.get("request_id"))
    if not isinstance(stats_out, dict) or "placed" not in stats_out:  # a replay: the stats of that plan
        stats_out = (ws.store.get("b2b_setup", SETUP_ID) or {}).get("plan_stats") or {}
    names = {o["id"]: o["name"] for o in ws.store.all("organisation")}
    unplaced = [{**u, "names": [names.get(o, "?") for o in by_id.get(u["id"], {}).get("org_ids") or []],
                 "participant_names": [names.get(p, "?") for p in u.get("participants") or []]}
                for u in result["unplaced"]]
    return {"stats": stats_out, "unplaced": unplaced, "seq": seq}


def place(ws, actor, mid, data):
    """Pin a meeting to a slot and place (the planning grid's drag), or unpin it."""
    authorize(ws, actor, "meeting.plan")
    clean = check(R.PLACE, data)
    slot, place_id = clean.get("slot"), clean.get("place_id")
    slot_list = bridge.slots(setup_of(ws.store))
    places = {p["id"]: p for p in places_of(ws.store)}
    if slot is not None and slot >= len(slot_list):
        raise ServiceError(422, "err.invalid", fields={"slot": ("b2b.err.no_such_slot", {})})
    if place_id is not None and place_id not in places:
        raise ServiceError(422, "err.invalid", fields={"place_id": ("b2b.err.no_such_place", {})})
    if clean["locked"] and (slot is None or place_id is None):
        raise ServiceError(422, "err.invalid", fields={"slot": ("b2b.err.slot_and_place", {})})

    def fn(tx):
        cur = _load(tx, mid, clean["version"])
        if cur["request_status"] != "accepted" or cur.get("status") == "cancelled":
            raise ServiceError(409, "b2b.err.not_accepted")
        if not clean["locked"]:
            return tx.update("meeting", mid, {"locked": 0}, cur["version"], action="unlock")
        others = [m for m in ws.store.all("meeting", "slot = ? AND id != ?", [slot, mid])
                  if m["request_status"] == "accepted" and m.get("status") != "cancelled"]
        taken = next((m for m in others if m.get("place_id") == place_id), None)
        if taken:
            raise ServiceError(409, "b2b.err.place_taken", {"place": places[place_id]["name"]})
        if (places[place_id].get("capacity") or 99) < len(cur["org_ids"]):
            raise ServiceError(409, "b2b.err.place_small", {"place": places[place_id]["name"]})
        att = attendance_of(ws.store)
        s = slot_list[slot]
        for oid in cur["org_ids"]:
            org = ws.store.get("organisation", oid) or {}
            a = att.get(oid) or {}
            busy = sum(1 for m in others if oid in m["org_ids"])
            if busy >= (a.get("people") if a.get("people") is not None else 1):
                raise ServiceError(409, "b2b.err.org_busy", {"name": org.get("name", "?"), "time": s["start"]})
            if s["index"] in bridge.unavailable(slot_list, a.get("arrives"), a.get("leaves")):
                raise ServiceError(409, "b2b.err.org_away", {"name": org.get("name", "?"), "time": s["start"]})
        changes = {"slot": slot, "place_id": place_id, "locked": 1, "announced_slot": slot,
                   "announced_place": place_id, "unplaced_reason": None}
        if cur.get("announced_slot") is not None and cur["announced_slot"] != slot:
            changes["previous_slot"] = cur["announced_slot"]
        return tx.update("meeting", mid, changes, cur["version"], action="lock")

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="meeting")


# -- during and after -------------------------------------------------------------------------
def set_status(ws, actor, mid, data):
    authorize(ws, actor, "meeting.status")
    clean = check(R.STATUS, data)

    def fn(tx):
        cur = _load(tx, mid, clean["version"])
        changes = {"status": clean["status"]}
        if clean["status"] == "cancelled":
            changes.update({"slot": None, "place_id": None, "locked": 0})
        return tx.update("meeting", mid, changes, cur["version"], action="status")

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="meeting")


def record_outcome(ws, actor, mid, data):
    """One side's outcome and next step; the idea follows (status and next step, in its history)."""
    m, own = _mine(ws, actor, mid)
    authorize(ws, actor, "meeting.outcome", own=own)
    clean = check(R.OUTCOME, data)
    side = actor.get("org") if actor["role"] == "participant" else clean.get("org_id")
    if side is None:
        raise ServiceError(422, "err.invalid", fields={"org_id": ("err.required", {})})
    if side not in m["org_ids"]:
        raise ServiceError(422, "err.invalid", fields={"org_id": ("b2b.err.not_in_meeting", {})})
    info = ws.store.workshop()

    def fn(tx):
        cur = _load(tx, mid, clean["version"])
        if cur["request_status"] != "accepted" or cur.get("status") in ("cancelled", "no_show"):
            raise ServiceError(409, "b2b.err.not_held")
        outcomes = dict(cur.get("outcomes") or {})
        outcomes[side] = {"outcome": clean["outcome"], "next_step": clean.get("next_step"), "at": now_iso()}
        rec = tx.update("meeting", mid, {"outcomes": outcomes, "status": "held"}, cur["version"], action="outcome")
        idea = tx.get("idea", cur["idea_id"]) if cur.get("idea_id") else None
        if idea and not idea.get("hidden"):
            changes = {}
            target = R.idea_status_after(outcomes, idea["status"], statuses.TRANSITIONS)
            if target:
                changes.update(statuses.check_move(idea["status"], target, None, info["phase"]))
                changes["status_at"] = now_iso()
            if clean.get("next_step"):
                changes["next_step"] = clean["next_step"][:300]
            if changes:
                tx.update("idea", idea["id"], changes, action="meeting_outcome")
        return rec

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="meeting")
