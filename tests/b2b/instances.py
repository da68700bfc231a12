"""Generated planning instances (in the benchmark's JSON format), deterministic per seed."""
from __future__ import annotations

import random


def _pick_pair(rng, weights, ids, k=2):
    chosen = set()
    while len(chosen) < k:
        chosen.add(rng.choices(ids, weights)[0])
    return sorted(chosen)


def workshop_like(n_orgs=360, n_meetings=870, places=40, sessions=((0, 12), (13, 25)), seed=1,
                  late_share=0.1, pooling_share=0.05) -> dict:
    """The demo's shape scaled: skewed demand, a few pooling meetings, some late arrivals."""
    rng = random.Random(seed)
    slots = sessions[-1][1] + 1
    ids = [f"o{i}" for i in range(n_orgs)]
    weights = [1 / (1 + i % 40) ** 0.6 for i in range(n_orgs)]
    participants = []
    for i, o in enumerate(ids):
        unavailable = []
        if rng.random() < late_share:
            unavailable = list(range(rng.randint(1, 3))) if rng.random() < 0.5 else \
                list(range(slots - rng.randint(1, 3), slots))
        participants.append({"id": o, "people": 2 if rng.random() < 0.2 else 1, "unavailable": unavailable})
    people = {p["id"]: p["people"] for p in participants}
    avail = {p["id"]: slots - len(p["unavailable"]) for p in participants}
    load = {o: 0 for o in ids}
    meetings = []
    while len(meetings) < n_meetings:
        k = rng.choice([3, 3, 4, 6]) if rng.random() < pooling_share else 2
        orgs = _pick_pair(rng, weights, ids, k)
        if any(load[o] + 1 > (avail[o] - 4) * people[o] * 0.7 for o in orgs):
            continue
        for o in orgs:
            load[o] += 1
        meetings.append({"id": f"m{len(meetings)}", "participants": orgs})
    return {"slots": slots, "places": places, "sessions": [{"first": a, "last": b} for a, b in sessions],
            "participants": participants, "meetings": meetings}


def forum(n_participants=60, n_meetings=200, tables=12, slots=20, seed=1) -> dict:
    """Bofill et al.'s "forum" shape: a morning and an afternoon session, participants who come for
    one session only, meetings asked for a given session, one person per participant."""
    rng = random.Random(seed)
    half = slots // 2
    sessions = [{"first": 0, "last": half - 1}, {"first": half, "last": slots - 1}]
    participants, only = [], {}
    for i in range(n_participants):
        pid = f"p{i}"
        r = rng.random()
        unavailable = []
        if r < 0.15:
            unavailable, only[pid] = list(range(half, slots)), 0
        elif r < 0.3:
            unavailable, only[pid] = list(range(0, half)), 1
        elif r < 0.4:
            unavailable = list(range(rng.randint(1, 3)))
        participants.append({"id": pid, "people": 1, "unavailable": unavailable})
    free = {p["id"]: slots - len(p["unavailable"]) for p in participants}
    per_session = {}
    load = {p["id"]: 0 for p in participants}
    ids = [p["id"] for p in participants]
    weights = [1 + (i % 7) for i in range(n_participants)]
    meetings, guard = [], 0
    while len(meetings) < n_meetings and guard < 100000:
        guard += 1
        a, b = _pick_pair(rng, weights, ids)
        if load[a] >= free[a] - 2 or load[b] >= free[b] - 2:
            continue
        sess = {only.get(a), only.get(b)} - {None}
        if len(sess) > 1:
            continue
        m = {"id": f"m{len(meetings)}", "participants": [a, b]}
        if sess:
            m["session"] = sess.pop()
        elif rng.random() < 0.2:
            m["session"] = rng.randint(0, 1)
        if m.get("session") is not None:
            if per_session.get(m["session"], 0) >= tables * half * 0.8:
                continue
            per_session[m["session"]] = per_session.get(m["session"], 0) + 1
        load[a] += 1
        load[b] += 1
        meetings.append(m)
    return {"slots": slots, "places": tables, "sessions": sessions, "participants": participants,
            "meetings": meetings}


def random_small(rng: random.Random) -> dict:
    """Small random instances for property tests: any shape, feasible or not."""
    slots = rng.randint(2, 8)
    cut = rng.randint(0, slots - 1)
    sessions = [{"first": 0, "last": cut}] + ([{"first": cut + 1, "last": slots - 1}] if cut < slots - 1 else [])
    n_p = rng.randint(2, 9)
    participants = [{"id": f"p{i}", "people": rng.choice([1, 1, 1, 2]),
                     "unavailable": rng.sample(range(slots), rng.randint(0, slots // 2))} for i in range(n_p)]
    caps = [rng.choice([2, 2, 3, 4]) for _ in range(rng.randint(1, 4))]
    places = [{"id": f"t{i}", "capacity": c} for i, c in enumerate(caps)] if rng.random() < 0.5 else len(caps)
    meetings = []
    for j in range(rng.randint(1, 14)):
        k = 2 if rng.random() < 0.85 else 3
        m = {"id": f"m{j}", "participants": rng.sample([p["id"] for p in participants], min(k, n_p))}
        if rng.random() < 0.2:
            m["session"] = rng.randrange(len(sessions))
        meetings.append(m)
    return {"slots": slots, "places": places, "sessions": sessions, "participants": participants,
            "meetings": meetings}
