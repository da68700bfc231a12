"""An independent check of a B2B plan against the raw instance (shares no code with app.b2b)."""
from __future__ import annotations

import math


def check(instance: dict, plan: dict) -> dict:
    """Raise AssertionError on any broken rule; return the plan's figures recomputed from scratch."""
    slots = instance["slots"]
    places = instance["places"]
    if isinstance(places, int):
        place_cap = {i: math.inf for i in range(places)}
    else:
        place_cap = {p["id"]: (p.get("capacity") or math.inf) for p in places}
    sessions = instance.get("sessions") or [{"first": 0, "last": slots - 1}]
    people = {p["id"]: p.get("people", 1) for p in instance.get("participants", [])}
    unavailable = {p["id"]: set(p.get("unavailable") or []) for p in instance.get("participants", [])}
    meetings = {m["id"]: m for m in instance["meetings"]}

    placed = {}
    for row in plan["meetings"]:
        assert row["id"] in meetings, f"unknown meeting {row['id']}"
        assert row["id"] not in placed, f"meeting {row['id']} placed twice"
        placed[row["id"]] = row
    unplaced = [u["id"] for u in plan["unplaced"]]
    assert len(unplaced) == len(set(unplaced)), "a meeting reported unplaced twice"
    assert not set(unplaced) & set(placed), "a meeting both placed and unplaced"
    assert set(unplaced) | set(placed) == set(meetings), "a meeting is neither placed nor reported"
    for u in plan["unplaced"]:
        assert u.get("reason"), f"unplaced meeting {u['id']} without a reason"

    place_use, person_use, busy = set(), {}, {}
    for mid, row in placed.items():
        m, s, pl = meetings[mid], row["slot"], row["place"]
        assert isinstance(s, int) and 0 <= s < slots, f"{mid}: slot {s} out of range"
        inside = [k for k, ss in enumerate(sessions) if ss["first"] <= s <= ss["last"]]
        assert inside, f"{mid}: slot {s} outside every session"
        if m.get("session") is not None:
            assert inside[0] == m["session"], f"{mid}: slot {s} not in session {m['session']}"
        assert pl in place_cap, f"{mid}: unknown place {pl}"
        seats = m.get("seats", len(set(m["participants"])))
        assert place_cap[pl] >= seats, f"{mid}: place {pl} too small"
        assert (s, pl) not in place_use, f"place {pl} used twice in slot {s}"
        place_use.add((s, pl))
        for p in set(m["participants"]):
            assert s not in unavailable.get(p, set()), f"{mid}: {p} unavailable in slot {s}"
            person_use[(p, s)] = person_use.get((p, s), 0) + 1
            assert person_use[(p, s)] <= people.get(p, 1), f"{p} in too many meetings in slot {s}"
            busy.setdefault(p, set()).add(s)
        lock = m.get("locked")
        if lock:
            assert s == lock["slot"], f"{mid}: locked to slot {lock['slot']}, planned at {s}"
            if lock.get("place") is not None:
                assert pl == lock["place"], f"{mid}: locked to place {lock['place']}, planned at {pl}"

    idle = {}
    for p, ss in busy.items():
        n = 0
        for sess in sessions:
            inside = sorted(s for s in ss if sess["first"] <= s <= sess["last"])
            if len(inside) > 1:
                n += sum(1 for s in range(inside[0], inside[-1] + 1)
                         if s not in ss and s not in unavailable.get(p, set()))
        idle[p] = n
    degree = {}
    for m in meetings.values():
        for p in set(m["participants"]):
            degree[p] = degree.get(p, 0) + 1
    n_places = len(place_cap)
    lb = max([math.ceil(len(meetings) / max(1, n_places))] +
             [math.ceil(d / people.get(p, 1)) for p, d in degree.items() if people.get(p, 1) > 0]) if meetings else 0
    moved = sum(1 for mid, m in meetings.items() if m.get("current")
                and (mid not in placed or placed[mid]["slot"] != m["current"]["slot"]))
    return {"placed": len(placed), "slots_used": len({r["slot"] for r in placed.values()}),
            "idle_total": sum(idle.values()), "idle_worst": max(idle.values(), default=0),
            "lower_bound": lb, "moved": moved}
