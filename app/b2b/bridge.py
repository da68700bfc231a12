"""From a workshop's records to a planning instance, and slot numbers to clock times.

Plain functions over plain dicts (the rows the store returns), so the benchmark, the
services and the exports all turn the same set-up into the same slots.
"""
from __future__ import annotations

from datetime import date as _date, datetime, timedelta

DEFAULT_SETUP = {"sessions": [{"start": "14:00", "end": "16:00"}, {"start": "16:30", "end": "18:30"}],
                 "slot_minutes": 15, "pause_minutes": 5}
DEFAULT_CAPACITY = 8
ACTIVE = ("accepted",)  # request states that make a meeting to plan


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slots(setup: dict | None) -> list[dict]:
    """Every slot of every session: {index, session, start, end} with HH:MM times, in order."""
    setup = {**DEFAULT_SETUP, **(setup or {})}
    length, pause = int(setup["slot_minutes"]), int(setup["pause_minutes"])
    out = []
    for k, sess in enumerate(setup["sessions"] or []):
        t, end = _minutes(sess["start"]), _minutes(sess["end"])
        while t + length <= end:
            out.append({"index": len(out), "session": k, "start": _clock(t), "end": _clock(t + length)})
            t += length + pause
    return out


def sessions_of(slot_list: list[dict]) -> list[dict]:
    spans: dict = {}
    for s in slot_list:
        a, b = spans.get(s["session"], (s["index"], s["index"]))
        spans[s["session"]] = (min(a, s["index"]), max(b, s["index"]))
    return [{"first": a, "last": b} for _, (a, b) in sorted(spans.items())]


def unavailable(slot_list: list[dict], arrives: str | None, leaves: str | None) -> list[int]:
    """Slots that start before an organisation arrives or end after it leaves."""
    out = []
    for s in slot_list:
        if (arrives and _minutes(s["start"]) < _minutes(arrives)) or (leaves and _minutes(s["end"]) > _minutes(leaves)):
            out.append(s["index"])
    return out


def when(workshop_date: str | None, slot: dict) -> tuple[datetime, datetime]:
    """Naive local datetimes of a slot on the workshop's day."""
    try:
        day = _date.fromisoformat((workshop_date or "")[:10])
    except ValueError:
        day = _date.today()
    base = datetime(day.year, day.month, day.day)
    return base + timedelta(minutes=_minutes(slot["start"])), base + timedelta(minutes=_minutes(slot["end"]))


def places_or_default(places: list[dict], table_count: int) -> list[dict]:
    """The organiser's meeting places, or one per table until they set some."""
    if places:
        return places
    return [{"id": f"table-{n}", "name": f"Table {n}", "capacity": DEFAULT_CAPACITY, "virtual": True}
            for n in range(1, max(1, table_count) + 1)]


def build_instance(setup: dict | None, places: list[dict], attendance: dict, meetings: list[dict],
                   known_orgs: set | None = None, closed: set | None = None) -> dict:
    """The planner's JSON instance for the meetings to plan (accepted and not cancelled).

    ``attendance``: organisation id -> {people, arrives, leaves}. A meeting keeps its slot
    and place as ``locked`` when the organiser pinned it, as ``current`` when it was announced.
    ``closed``: slots already started; a meeting announced in one of them stays there."""
    closed = set(closed or ())
    slot_list = slots(setup)
    place_ids = {p["id"] for p in places}
    orgs = set()
    todo = [m for m in meetings if m.get("request_status") in ACTIVE and m.get("status") != "cancelled"]
    for m in todo:
        orgs.update(m.get("org_ids") or [])
    participants = []
    for o in sorted(orgs):
        a = attendance.get(o) or {}
        people = a.get("people")
        gone = known_orgs is not None and o not in known_orgs
        participants.append({"id": o, "people": 0 if gone else (1 if people is None else int(people)),
                             "unavailable": unavailable(slot_list, a.get("arrives"), a.get("leaves"))})
    rows = []
    for m in todo:
        row = {"id": m["id"], "participants": list(m.get("org_ids") or [])}
        slot_ok = isinstance(m.get("slot"), int) and 0 <= m["slot"] < len(slot_list)
        place = m.get("place_id") if m.get("place_id") in place_ids else None
        announced = m.get("announced_slot")
        if m.get("locked") and slot_ok:
            row["locked"] = {"slot": m["slot"], "place": place}
        elif announced in closed and slot_ok and m.get("slot") == announced:
            row["locked"] = {"slot": announced, "place": place}
        elif isinstance(m.get("announced_slot"), int) and 0 <= m["announced_slot"] < len(slot_list):
            row["current"] = {"slot": m["announced_slot"],
                              "place": m.get("announced_place") if m.get("announced_place") in place_ids else None}
        rows.append(row)
    return {"slots": max(1, len(slot_list)), "closed": sorted(closed),
            "places": [{"id": p["id"], "capacity": p.get("capacity") or None} for p in places],
            "sessions": sessions_of(slot_list) if slot_list else [{"first": 0, "last": 0}],
            "participants": participants, "meetings": rows}
