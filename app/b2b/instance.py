"""The planning instance: plain data, checked and normalised once.

Accepted form (the benchmark's ``--instance`` format, plus optional fields the
app uses)::

    {"slots": 21, "places": 14 | [{"id": "t1", "capacity": 4}, ...],
     "sessions": [{"first": 0, "last": 12}, {"first": 13, "last": 20}],
     "participants": [{"id": "p1", "people": 1, "unavailable": [0, 1]}],
     "meetings": [{"id": "m1", "participants": ["p1", "p2"], "session": 0,
                   "seats": 2, "locked": {"slot": 3, "place": 0},
                   "current": {"slot": 3, "place": 0}}]}

``locked``: the organiser pinned it (slot, optionally place); ``current``: where
it was announced, so a re-plan moves as few of those as possible. Optional
``"closed": [0, 1]``: slots already started, where only locked meetings may be.
"""
from __future__ import annotations

from dataclasses import dataclass, field


class InstanceError(ValueError):
    """The instance itself is malformed (not merely infeasible)."""


@dataclass
class Meeting:
    id: str
    participants: list
    session: int | None = None
    seats: int = 2
    locked_slot: int | None = None
    locked_place: int | None = None  # index into Instance.places
    current_slot: int | None = None
    current_place: int | None = None


@dataclass
class Instance:
    slots: int
    places: list  # [{"id", "capacity"}]; capacity None = any size
    sessions: list  # [(first, last)]
    people: dict  # participant id -> people
    unavailable: dict  # participant id -> set of slots
    meetings: list = field(default_factory=list)
    place_ids_are_indexes: bool = True
    closed: set = field(default_factory=set)  # slots already started: only locked meetings stay there
    _session_at: dict | None = None

    def session_of(self, slot: int) -> int | None:
        if self._session_at is None:
            self._session_at = {s: k for k, (a, b) in enumerate(self.sessions) for s in range(a, b + 1)}
        return self._session_at.get(slot)

    def place_id(self, index: int):
        return index if self.place_ids_are_indexes else self.places[index]["id"]

    def capacity(self, index: int) -> float:
        cap = self.places[index]["capacity"]
        return float("inf") if cap is None else cap


def _int(v, what, lo=0):
    if isinstance(v, bool) or not isinstance(v, int) or v < lo:
        raise InstanceError(f"{what}: expected an integer >= {lo}, got {v!r}")
    return v


def load(data: dict) -> Instance:
    if not isinstance(data, dict):
        raise InstanceError("instance: expected an object")
    slots = _int(data.get("slots"), "slots", 1)
    raw_places = data.get("places")
    if isinstance(raw_places, int) and not isinstance(raw_places, bool):
        places = [{"id": i, "capacity": None} for i in range(_int(raw_places, "places", 0))]
        by_index = True
    elif isinstance(raw_places, list):
        places, by_index = [], False
        for i, p in enumerate(raw_places):
            if not isinstance(p, dict) or "id" not in p:
                raise InstanceError(f"places[{i}]: expected an object with an id")
            cap = p.get("capacity")
            places.append({"id": p["id"], "capacity": None if cap is None else _int(cap, f"places[{i}].capacity", 1)})
    else:
        raise InstanceError("places: expected a count or a list")
    place_index = {(i if by_index else p["id"]): i for i, p in enumerate(places)}

    sessions = []
    for i, s in enumerate(data.get("sessions") or [{"first": 0, "last": slots - 1}]):
        a, b = _int(s.get("first"), f"sessions[{i}].first"), _int(s.get("last"), f"sessions[{i}].last")
        if not a <= b < slots:
            raise InstanceError(f"sessions[{i}]: first <= last < slots expected")
        sessions.append((a, b))
    people, unavailable = {}, {}
    for i, p in enumerate(data.get("participants") or []):
        if not isinstance(p, dict) or "id" not in p:
            raise InstanceError(f"participants[{i}]: expected an object with an id")
        people[p["id"]] = _int(p.get("people", 1), f"participants[{i}].people", 0)
        unavailable[p["id"]] = {_int(s, f"participants[{i}].unavailable") for s in p.get("unavailable") or []}
    inst = Instance(slots, places, sessions, people, unavailable, place_ids_are_indexes=by_index,
                    closed={_int(s, "closed") for s in data.get("closed") or []})
    seen = set()
    for i, m in enumerate(data.get("meetings") or []):
        if not isinstance(m, dict) or "id" not in m or not isinstance(m.get("participants"), list):
            raise InstanceError(f"meetings[{i}]: expected an object with an id and participants")
        if m["id"] in seen:
            raise InstanceError(f"meetings[{i}]: duplicate id {m['id']!r}")
        seen.add(m["id"])
        parts = list(dict.fromkeys(m["participants"]))
        for p in parts:  # a participant not listed: one person, always there
            people.setdefault(p, 1)
            unavailable.setdefault(p, set())
        sess = m.get("session")
        if sess is not None and (_int(sess, f"meetings[{i}].session") >= len(sessions)):
            raise InstanceError(f"meetings[{i}].session: no session {sess}")
        mt = Meeting(m["id"], parts, sess, _int(m.get("seats", len(parts)), f"meetings[{i}].seats", 0))
        for key in ("locked", "current"):
            spot = m.get(key)
            if not spot:
                continue
            slot = _int(spot.get("slot"), f"meetings[{i}].{key}.slot")
            if slot >= slots:
                raise InstanceError(f"meetings[{i}].{key}.slot: no slot {slot}")
            place = spot.get("place")
            if place is not None and place not in place_index:
                raise InstanceError(f"meetings[{i}].{key}.place: no place {place!r}")
            setattr(mt, f"{key}_slot", slot)
            setattr(mt, f"{key}_place", None if place is None else place_index[place])
        inst.meetings.append(mt)
    return inst


def lower_bound(inst: Instance, meetings=None) -> int:
    """max over participants of ceil(meetings / people), and ceil(meetings / places)."""
    meetings = inst.meetings if meetings is None else meetings
    if not meetings:
        return 0
    load_ = {}
    for m in meetings:
        for p in m.participants:
            load_[p] = load_.get(p, 0) + 1
    bound = -(-len(meetings) // max(1, len(inst.places)))
    for p, n in load_.items():
        if inst.people.get(p, 1) > 0:
            bound = max(bound, -(-n // inst.people[p]))
    return bound
