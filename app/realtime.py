"""Socket.IO: rooms per workshop and role, and the one broadcast point.

Committed changes are sent as ``changes`` ``{changes: [{seq, entity, id,
action, record}, …]}``: the changes committed together (one group commit,
or whatever piled up while the previous message was going out) leave as ONE
message per room, in ``seq`` order, encoded once per room. ``record`` is
filtered for the room's role by ``app.rules.visibility`` (``None`` means
"remove it from your screen"), once per change and role, never per screen.
The socket handlers (connect, ``sync``) are in ``app.api.sockets``.
Each role room gets *every* change, so a screen that sees a gap in ``seq``
knows it missed something and asks ``sync``. Where an organisation sees
more of its own records (its confidential sheets, its ideas, its contact
details), its screens get the same batch with the fuller records in place.
"""
from __future__ import annotations

import logging
import threading

from flask_socketio import SocketIO

from .rules import permissions, visibility
from .workers import Stopping

socketio = SocketIO()
log = logging.getLogger("atelier.realtime")

ROLE_ROOMS = ("organiser", "facilitator", "projector", "participant")
ROOM_ACTION = {"organiser": "room.staff", "facilitator": "room.staff", "projector": "room.projector",
               "participant": "room.participant"}
# The room a connection may ask for (``auth.room``): its matrix action and the role room it joins.
ROOM_ASKED = {"staff": "room.staff", "participant": "room.participant", "projector": "room.projector"}


def room(wid: str, role: str) -> str:
    return f"{wid}:{role}"


def org_room(wid: str, org: str) -> str:
    return f"{wid}:org:{org}"


def involved_orgs(entity: str, rec: dict | None) -> list[str]:
    if not rec:
        return []
    if entity == "sheet":
        return [rec.get("organisation_id")]
    if entity in ("idea", "impact", "meeting"):
        return list(rec.get("org_ids") or [])
    if entity == "outcome":
        return [rec.get("organisation_id")]
    if entity == "b2b_attendance":
        return [rec.get("id")]
    if entity == "organisation":
        return [rec.get("id")]
    if entity == "device":
        return [rec.get("organisation_id")]
    return []


def messages_for(ev: dict, wid: str, src: visibility.Sources | None = None) -> list[tuple[list[str], dict]]:
    """Plain function: the (rooms, message) pairs one journal event becomes.

    ``src`` looks up the records derived fields are built from (an idea's sheets)."""
    entity, rec = ev["entity"], ev["after"]
    base = {"seq": ev["seq"], "entity": entity, "action": ev["action"]}
    groups: dict[str, tuple[list[str], dict]] = {}
    out = []
    views = {role: visibility.event_view(ev, role, None, src) for role in ROLE_ROOMS}
    for role, view in views.items():
        key = repr(view)
        if key in groups:
            groups[key][0].append(room(wid, role))
        else:
            groups[key] = ([room(wid, role)], {**base, "id": view[0], "record": view[1]})
    out.extend(groups.values())
    public = views["participant"]
    for org in involved_orgs(entity, rec or ev.get("before")):
        if not org:
            continue
        own = visibility.event_view(ev, "participant", org, src)
        if own != public:
            out.append(([org_room(wid, org)], {**base, "id": own[0], "record": own[1]}))
    if entity == "device" and rec:  # a phone waiting to be let in learns the answer in its own room
        out.append(([f"{wid}:dev:{ev['entity_id']}"], {**base, "id": ev["entity_id"], "record": visibility.for_role(
            entity, rec, "participant", rec.get("organisation_id"))}))
    return out


class _Outbox:
    """Committed events of one workshop waiting to be sent, in ``seq`` order."""

    __slots__ = ("pending", "sending", "lock")

    def __init__(self):
        self.pending: list[dict] = []
        self.sending = False
        self.lock = threading.Lock()


_outboxes: dict[str, _Outbox] = {}
_outboxes_lock = threading.Lock()


def _outbox(wid: str) -> _Outbox:
    box = _outboxes.get(wid)
    if box is None:
        with _outboxes_lock:
            box = _outboxes.setdefault(wid, _Outbox())
    return box


def queue(ws, events: list[dict]):
    """Called by the writer right after the commit, in ``seq`` order (before the next commit)."""
    box = _outbox(ws.id)
    with box.lock:
        box.pending.extend(events)


def flush(ws):
    """Have what is queued sent, by a background task: the request that led the batch answers first.

    The fan-out of a batch to hundreds of screens would otherwise hold that request's answer (its
    "enregistré") back by as long. If a send is already going on, it takes these events too: whatever
    piles up while one batch goes out leaves as the next single message."""
    box = _claim(ws)
    if box is not None:
        socketio.start_background_task(_drain, ws, box)


def publish(ws, events: list[dict]):
    """Send committed events to every screen allowed to see them, then the counters (here and now)."""
    queue(ws, events)
    box = _claim(ws)
    if box is not None:
        _drain(ws, box)


def _claim(ws) -> _Outbox | None:
    """The workshop's outbox if there is something to send and nobody is sending it yet (then we are)."""
    box = _outbox(ws.id)
    with box.lock:
        if socketio.server is None:  # no server (scripts, some tests): nobody to send to
            box.pending.clear()
            return None
        if box.sending or not box.pending:
            return None
        box.sending = True
    return box


def _drain(ws, box: _Outbox):
    """Send batches until the outbox is empty; one sender per workshop at a time keeps ``seq`` order."""
    try:
        while True:
            with box.lock:
                events, box.pending = box.pending, []
                if not events:
                    box.sending = False
                    return
            # screens that missed a batch see the gap at the next one and ask ``sync``
            _for_open(ws, "sending changes", _send, ws, events)
    except BaseException:
        with box.lock:
            box.sending = False
        raise


def batches_for(events: list[dict], wid: str,
                src: visibility.Sources | None = None) -> list[tuple[list[str], list[dict], list[str]]]:
    """Plain function: ``(rooms, changes, skip_rooms)`` per message of one batch.

    Each room gets ONE message with its changes in ``seq`` order; rooms whose
    changes are the same objects share it (encoded once). An organisation
    that sees more of its own records gets the participants' batch with its
    fuller records in place, as one message; its members are skipped by the
    participants' message (``skip_rooms``), so each screen always gets one
    complete, gapless batch (never half of one if the server dies mid-send).
    Other rooms (a phone waiting to be let in) get their own changes after
    that, as copies of ``seq`` values their screens already have."""
    roles = {room(wid, r) for r in ROLE_ROOMS}
    participants = room(wid, "participant")
    per_room: dict[str, list[dict]] = {}
    own: dict[str, dict[int, dict]] = {}  # org room -> {position in the participants' list: fuller change}
    extra: dict[str, list[dict]] = {}
    org_prefix = f"{wid}:org:"
    for ev in events:
        for rooms, msg in messages_for(ev, wid, src):
            for r in rooms:
                if r in roles:
                    per_room.setdefault(r, []).append(msg)
                elif r.startswith(org_prefix):
                    own.setdefault(r, {})[len(per_room.get(participants, ())) - 1] = msg
                else:
                    extra.setdefault(r, []).append(msg)
    groups: dict[tuple, tuple[list[str], list[dict], list[str]]] = {}
    for r, msgs in per_room.items():
        key = tuple(map(id, msgs))
        if key in groups:
            groups[key][0].append(r)
        else:
            groups[key] = ([r], msgs, [])
    out = list(groups.values())
    public = per_room.get(participants, [])
    for r, fuller in own.items():
        out.append(([r], [fuller.get(n, m) for n, m in enumerate(public)], []))
    if own:
        for rooms, _, skip in out:
            if participants in rooms:
                skip.extend(own)
    out.extend(([r], msgs, []) for r, msgs in extra.items())
    return out


def _for_open(ws, what: str, fn, *args):
    """``fn(*args)`` for one workshop whose store is open; a failure is logged, never raised (one workshop
    must not stop the others'). A closed store (a deleted workshop, a finished test's app) has nobody left
    to tell: skipped, and what failed because it closed meanwhile is not logged either."""
    if ws.store.closed:
        return
    try:
        fn(*args)
    except Stopping:  # the server is stopping: nobody is waiting for this
        pass
    except Exception:
        if not ws.store.closed:
            log.exception("%s of %s", what, ws.id)


def _members(rooms: list[str]) -> list[str]:
    sids: list[str] = []
    for r in rooms:
        sids.extend(sid for sid, _ in socketio.server.manager.get_participants("/", r))
    return sids


def _send(ws, events: list[dict]):
    from .derived import refreshes

    src = visibility.Sources(ws.store)
    changes = [x for e in events for x in (e, *refreshes(ws.store, [e]))]  # derived fields keep their seq
    for rooms, batch, skip in batches_for(changes, ws.id, src):
        extra = {"skip_sid": _members(skip)} if skip else {}
        socketio.emit("changes", {"changes": batch}, to=rooms, **extra)
    _schedule_stats(ws, events)


def suggestion_messages(wid: str, seq: int, upserts: list[dict], removed: list[dict]) -> list[tuple[list[str], dict]]:
    """Plain function: the ``suggestions`` messages one commit's changes become. Staff get every
    pair; each organisation's room only the pairs on its own sheets that it may see."""
    out = []
    if upserts or removed:
        staff = {"seq": seq, "upsert": [visibility.suggestion(r, "facilitator") for r in upserts],
                 "remove": [r["id"] for r in removed]}
        out.append(([room(wid, "organiser"), room(wid, "facilitator")], staff))
    per_org: dict[str, dict] = {}
    for rec in upserts:
        for org in {rec.get("offer_org"), rec.get("need_org")} - {None}:
            msg = per_org.setdefault(org, {"seq": seq, "upsert": [], "remove": []})
            v = visibility.suggestion(rec, "participant", org)
            (msg["upsert"].append(v) if v is not None else msg["remove"].append(rec["id"]))
    for rec in removed:
        for org in {rec.get("offer_org"), rec.get("need_org")} - {None}:
            per_org.setdefault(org, {"seq": seq, "upsert": [], "remove": []})["remove"].append(rec["id"])
    out.extend(([org_room(wid, org)], msg) for org, msg in sorted(per_org.items()))
    return out


# What is derived from many records is computed by the services, which hand their functions here (this
# module never imports them back): ``counters(ws) -> dict``, the staff's and the wall's figures, and
# ``pairs(ws, events, pause) -> (upserts, removed, public count) | None``, the suggested pairs that moved,
# and ``pair_reads``, the entities whose changes can move a pair.
DERIVED: dict = {}
TURN_EVERY = 16  # messages sent between two turns given to the loop


def provide(**producers):
    DERIVED.update(producers)


def _publish_suggestions(ws, events: list[dict]):
    """Send what the matcher's pairs became since the last time (``events``: the commits since)."""
    pairs = DERIVED.get("pairs")
    if pairs is None:
        return
    diff = pairs(ws, events, pause=socketio.sleep)  # called apart from the writes: it never costs one its broadcast
    if diff:
        for n, (rooms, msg) in enumerate(suggestion_messages(ws.id, events[-1]["seq"], diff[0], diff[1]), 1):
            socketio.emit("suggestions", msg, to=rooms)
            if n % TURN_EVERY == 0:  # one message per organisation concerned: give the loop a turn
                socketio.sleep(0)


# What is derived from many records — the counters, the suggested pairs — is recomputed at most every
# DERIVED_EVERY seconds per workshop, not per commit, for everything committed since: the counters'
# COUNT queries grow with the event, the matcher's work and its messages (kilobytes of reasons) come
# once for a burst of writes instead of once per write, and screens only need them a few times a second.
DERIVED_EVERY = 0.25
_stats_due: dict[str, object] = {}
_suggest_due: dict[str, tuple[object, list[dict]]] = {}
_stats_lock = threading.Lock()
_stats_task = None


def _schedule_stats(ws, events: list[dict] = ()):
    global _stats_task
    reads = DERIVED.get("pair_reads", ())
    relevant = [ev for ev in events if ev["entity"] in reads]
    with _stats_lock:
        _stats_due[ws.id] = ws
        if relevant:
            _suggest_due.setdefault(ws.id, (ws, []))[1].extend(relevant)
        if _stats_task is None:
            _stats_task = socketio.start_background_task(_stats_loop)


def _stats_loop():
    global _stats_task
    while True:
        if socketio.server is None:  # the server is gone (a script, a test's app): the next one starts its own
            with _stats_lock:
                _stats_task = None
            return
        socketio.sleep(DERIVED_EVERY)
        with _stats_lock:
            due = list(_stats_due.values())
            _stats_due.clear()
            suggest = list(_suggest_due.values())
            _suggest_due.clear()
        for ws, events in suggest:  # first: the wall's suggestion counter is read from the matcher
            _for_open(ws, "suggestions", _publish_suggestions, ws, events)
        counters = DERIVED.get("counters")
        for ws in due if counters else ():
            _for_open(ws, "stats", _send_stats, ws, counters)


def _send_stats(ws, counters):
    with ws.store.snapshot():
        seq, figures = ws.store.last_seq(), counters(ws)
    socketio.emit("stats", {"seq": seq, "stats": figures},
                  to=[room(ws.id, r) for r in ("organiser", "facilitator", "projector")])


def notice(ws, event: str, payload: dict, roles=("organiser",)):
    """A message that is no journal change (the address phones are given, wifi-check counts), to role rooms."""
    if socketio.server is None:
        return
    for role in roles:
        socketio.emit(event, payload, to=room(ws.id, role))


def storage_alert(ws, message: str):
    if socketio.server is None:
        return
    socketio.emit("storage_error", {"message": message}, to=room(ws.id, "organiser"))


def _disconnect_room(name: str):
    if socketio.server is None:
        return
    if hasattr(socketio.server.manager, "disconnect_room"):  # hosted: on every process
        return socketio.server.manager.disconnect_room(name)
    try:
        sids = [sid for sid, _ in socketio.server.manager.get_participants("/", name)]
    except KeyError:
        sids = []
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")


def disconnect_device(ws, device_id: str):
    _disconnect_room(f"{ws.id}:dev:{device_id}")


def disconnect_facilitator(ws, fac_id: str):
    _disconnect_room(f"{ws.id}:fac:{fac_id}")


def disconnect_role(ws, role: str):
    _disconnect_room(room(ws.id, role))


def connection_rooms(wid: str, actor: dict, asked) -> tuple[list[str], str | None]:
    """Plain function: the rooms a connection joins (the room asked for, ``auth.room``, else its role's), or
    the refusal's message key."""
    role = actor["role"]
    action = ROOM_ACTION.get(role) if asked is None else ROOM_ASKED.get(asked) if isinstance(asked, str) else None
    refusal = permissions.decide(role, action) if action else "err.forbidden"
    if refusal:
        return [], refusal
    rooms = [room(wid, role if asked in (None, "staff", "participant") else asked)]
    if role == "participant":
        if actor.get("org"):
            rooms.append(org_room(wid, actor["org"]))
        if actor.get("device"):
            rooms.append(f"{wid}:dev:{actor['device']}")
    if role == "facilitator":
        rooms.append(f"{wid}:fac:{actor['id']}")
    return rooms, None


# Hosted mode (app.hosted.remote): connections and ``sync`` for workshops owned by another process.
ELSEWHERE = None
