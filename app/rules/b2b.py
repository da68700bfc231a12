"""B2B meetings as rules: request schemas, request states, what an outcome does to its idea.

Plain data and functions; app/services/meetings.py applies them.
"""
from __future__ import annotations

import re

from .validation import F, S, validate

REQUEST_STATES = ["pending", "accepted", "declined", "cancelled"]
MEETING_STATES = ["planned", "held", "no_show", "cancelled"]
OUTCOMES = ["none", "valuable", "negotiation", "agreement"]
ORIGINS = ["idea", "sheet", "suggestion", "phone", "organiser"]
ANSWERS = ["accept", "decline", "cancel"]
# What an outcome moves the idea to (when that move is legal from where it is).
OUTCOME_STATUS = {"agreement": "soon", "negotiation": "explore", "valuable": "explore"}
HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MAX_SESSIONS, MAX_PLACES = 6, 200

SETUP = S("MeetingSetup",
          slot_minutes=F("integer", minimum=5, maximum=240, doc="Length of one meeting, in minutes"),
          pause_minutes=F("integer", minimum=0, maximum=120, doc="Pause between two meetings, in minutes"))
ATTENDANCE = S("MeetingAttendance",
               people=F("integer", minimum=0, maximum=20, doc="People it brought: meetings it can hold at once"),
               arrives=F("string", max_len=5, doc="HH:MM, or empty: there from the start"),
               leaves=F("string", max_len=5, doc="HH:MM, or empty: there until the end"),
               request_id=F("uuid"))
REQUEST = S("MeetingRequest",
            id=F("uuid", required=True, nullable=False),
            org_ids=F("uuid_list", max_items=12,
                      doc="The other organisations (a participant's own is added; empty: those of the sheet or "
                          "idea); organiser: all of them"),
            idea_id=F("uuid"), sheet_id=F("uuid"),
            origin=F("enum", enum=ORIGINS), note=F("string", max_len=300))
ANSWER = S("MeetingAnswer",
           version=F("integer", required=True, minimum=1, nullable=False),
           answer=F("enum", required=True, enum=ANSWERS, nullable=False),
           org_id=F("uuid", doc="Organiser: answer on behalf of this organisation (empty: all of them)"),
           request_id=F("uuid"))
PLAN = S("MeetingPlan", time_limit=F("number", minimum=0.5, maximum=30, doc="Solver time limit, seconds"),
         request_id=F("uuid"))
PLACE = S("MeetingPlace",
          version=F("integer", required=True, minimum=1, nullable=False),
          slot=F("integer", minimum=0, maximum=500), place_id=F("string", max_len=60),
          locked=F("boolean", required=True, nullable=False), request_id=F("uuid"))
STATUS = S("MeetingStatus",
           version=F("integer", required=True, minimum=1, nullable=False),
           status=F("enum", required=True, enum=MEETING_STATES, nullable=False), request_id=F("uuid"))
OUTCOME = S("MeetingOutcome",
            version=F("integer", required=True, minimum=1, nullable=False),
            outcome=F("enum", required=True, enum=OUTCOMES, nullable=False),
            next_step=F("string", max_len=300), org_id=F("uuid", doc="Staff: the side it is recorded for"),
            request_id=F("uuid"))
SCHEMAS = [SETUP, ATTENDANCE, REQUEST, ANSWER, PLAN, PLACE, STATUS, OUTCOME]

SESSION_JSON = {"type": "array", "maxItems": MAX_SESSIONS, "items": {
    "type": "object", "additionalProperties": False, "required": ["start", "end"],
    "properties": {"start": {"type": "string", "pattern": HHMM.pattern},
                   "end": {"type": "string", "pattern": HHMM.pattern}}}}
PLACES_JSON = {"type": "array", "maxItems": MAX_PLACES, "items": {
    "type": "object", "additionalProperties": False, "required": ["name"],
    "properties": {"id": {"type": "string", "maxLength": 60}, "name": {"type": "string", "minLength": 1, "maxLength": 60},
                   "capacity": {"type": "integer", "minimum": 2, "maximum": 100}}}}


def minutes(hhmm: str) -> int:
    h, m = HHMM.match(hhmm).groups()
    return int(h) * 60 + int(m)


def check_setup(data):
    """(clean, errors) for the set-up: the scalar fields by the schema, sessions and places by hand."""
    if not isinstance(data, dict):
        return None, {"_": ("err.body", {})}
    rest = {k: v for k, v in data.items() if k not in ("sessions", "places")}
    clean, errors = validate(SETUP, rest)
    if "sessions" in data:
        sessions, err = _sessions(data["sessions"])
        if err:
            errors["sessions"] = err
        else:
            clean["sessions"] = sessions
    if "places" in data:
        places, err = _places(data["places"])
        if err:
            errors["places"] = err
        else:
            clean["places"] = places
    return clean, errors


def _sessions(value):
    if not isinstance(value, list) or len(value) > MAX_SESSIONS:
        return None, ("b2b.err.sessions", {"max": MAX_SESSIONS})
    out = []
    for s in value:
        if not isinstance(s, dict) or set(s) - {"start", "end"} or not all(
                isinstance(s.get(k), str) and HHMM.match(s[k].strip()) for k in ("start", "end")):
            return None, ("b2b.err.session_time", {})
        a, b = s["start"].strip().zfill(5), s["end"].strip().zfill(5)
        if minutes(b) <= minutes(a):
            return None, ("b2b.err.session_order", {"start": a, "end": b})
        out.append({"start": a, "end": b})
    out.sort(key=lambda s: minutes(s["start"]))
    for x, y in zip(out, out[1:]):
        if minutes(y["start"]) < minutes(x["end"]):
            return None, ("b2b.err.session_overlap", {})
    return out, None


def _places(value):
    if not isinstance(value, list) or len(value) > MAX_PLACES:
        return None, ("b2b.err.places", {"max": MAX_PLACES})
    out, names, ids = [], set(), set()
    for p in value:
        if not isinstance(p, dict) or set(p) - {"id", "name", "capacity"}:
            return None, ("b2b.err.place", {})
        name = p.get("name")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 60 or any(ord(c) < 32 for c in name):
            return None, ("b2b.err.place_name", {})
        cap = p.get("capacity", 4)
        if isinstance(cap, bool) or not isinstance(cap, int) or not 2 <= cap <= 100:
            return None, ("b2b.err.place_capacity", {"name": name.strip()})
        pid = p.get("id")
        if pid is not None and (not isinstance(pid, str) or not pid.strip() or len(pid) > 60 or pid in ids):
            return None, ("b2b.err.place", {})
        if name.strip().casefold() in names:
            return None, ("b2b.err.place_twice", {"name": name.strip()})
        names.add(name.strip().casefold())
        if pid:
            ids.add(pid)
        out.append({"id": pid, "name": name.strip(), "capacity": cap})
    return out, None


def check_times(clean: dict) -> dict:
    errors = {}
    for k in ("arrives", "leaves"):
        v = clean.get(k)
        if v and not HHMM.match(v):
            errors[k] = ("b2b.err.time", {})
        elif v:
            clean[k] = v.zfill(5)
    if not errors and clean.get("arrives") and clean.get("leaves") and \
            minutes(clean["leaves"]) <= minutes(clean["arrives"]):
        errors["leaves"] = ("b2b.err.leaves_before", {})
    return errors


def request_state(org_ids: list, accepted_by: list) -> str:
    """A request is accepted once every organisation has accepted it."""
    return "accepted" if set(org_ids) <= set(accepted_by) else "pending"


def idea_status_after(outcomes: dict, current: str, legal: dict) -> str | None:
    """The idea's next status from the sides' outcomes: the furthest any side reports, if legal."""
    rank = {o: i for i, o in enumerate(OUTCOMES)}
    best = max((o.get("outcome") for o in outcomes.values() if o.get("outcome") in rank),
               key=lambda o: rank[o], default=None)
    target = OUTCOME_STATUS.get(best)
    if target and target != current and target in legal.get(current, ()):
        if current == "soon" and target == "explore":
            return None  # never step back from "about to happen" on a weaker outcome
        return target
    return None
