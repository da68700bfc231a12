"""Socket.IO: rooms per workshop and role, and the one broadcast point.

Every committed change is sent as ``change`` ``{seq, entity, id, action,
record}``, with ``record`` filtered for the room's role by
``app.rules.visibility`` (``None`` means "remove it from your screen").
Each role room gets a message for *every* event, so a screen that sees a
gap in ``seq`` knows it missed something and asks ``sync``. Where an
organisation sees more of its own records (its confidential sheets, its
ideas, its contact details), a second message with the same ``seq`` goes to
that organisation's room.
"""
from __future__ import annotations

import logging
import threading

from flask import request
from flask_socketio import ConnectionRefusedError, SocketIO, join_room

from .rules import permissions, visibility

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


def publish(ws, events: list[dict]):
    """Send committed events to every screen allowed to see them, then the counters."""
    if socketio.server is None:
        return
    from .derived import refreshes

    src = visibility.Sources(ws.store)
    for ev in [x for e in events for x in (e, *refreshes(ws.store, [e]))]:
        for rooms, msg in messages_for(ev, ws.id, src):
            socketio.emit("change", msg, to=rooms)
    _publish_suggestions(ws, events)
    _schedule_stats(ws)


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


def _publish_suggestions(ws, events: list[dict]):
    from .services import suggestions

    try:
        diff = suggestions.changes(ws, events)
    except Exception:  # the matcher must never cost a write its broadcast
        log.exception("suggestions for %s", ws.id)
        return
    if diff:
        for rooms, msg in suggestion_messages(ws.id, events[-1]["seq"], diff[0], diff[1]):
            socketio.emit("suggestions", msg, to=rooms)


# Counters are recomputed at most every STATS_EVERY seconds per workshop, not per commit:
# their COUNT queries grow with the event, and screens only need them a few times a second.
STATS_EVERY = 0.25
_stats_due: dict[str, object] = {}
_stats_lock = threading.Lock()
_stats_task = None


def _schedule_stats(ws):
    global _stats_task
    with _stats_lock:
        _stats_due[ws.id] = ws
        if _stats_task is None:
            _stats_task = socketio.start_background_task(_stats_loop)


def _stats_loop():
    from .services.workshops import stats

    while True:
        socketio.sleep(STATS_EVERY)
        with _stats_lock:
            due = list(_stats_due.values())
            _stats_due.clear()
        for ws in due:
            try:
                with ws.store.lock:
                    seq, figures = ws.store.last_seq(), stats(ws)
                socketio.emit("stats", {"seq": seq, "stats": figures},
                              to=[room(ws.id, r) for r in ("organiser", "facilitator", "projector")])
            except Exception:  # a closed or damaged store must not stop the counters of the others
                log.exception("stats for %s", ws.id)


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


def _rate_ok(sid: str) -> bool:
    """Messages per connection (``RATE_LIMITS["socket"]``, see app.api.ratelimit)."""
    from .api import ratelimit

    return ratelimit.hit("socket", sid) is None


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


def init_handlers(registry):
    """Thin handlers: authenticate, join rooms, answer ``sync``."""
    from . import auth
    from .i18n import t
    from .services import ServiceError
    from .services.workshops import events_since

    def _context(data):
        wid = data.get("workshop") if isinstance(data, dict) else None
        ws = registry.get(wid) if isinstance(wid, str) else None
        if ws is None:
            return None, None
        return ws, auth.actor(ws)

    @socketio.on("connect")
    def on_connect(data=None):
        ws, actor = _context(data)
        if ws is None and ELSEWHERE is not None:  # hosted: a workshop another process owns
            return ELSEWHERE.connect(data)
        if ws is None:
            raise ConnectionRefusedError(t("err.workshop_not_found"))
        rooms, refusal = connection_rooms(ws.id, actor, data.get("room") if isinstance(data, dict) else None)
        if refusal:
            raise ConnectionRefusedError(t(refusal))
        for name in rooms:
            join_room(name)
        socketio.emit("hello", {"seq": ws.store.last_seq(), "role": actor["role"]}, to=request.sid)

    @socketio.on("disconnect")
    def on_disconnect(*_):
        from .api import ratelimit

        ratelimit.forget("socket", request.sid)

    @socketio.on("sync")
    def on_sync(data=None):
        if not _rate_ok(request.sid):
            return {"error": t("err.socket_rate"), "code": "err.socket_rate"}
        ws, actor = _context(data)
        if ws is None and ELSEWHERE is not None:
            return ELSEWHERE.sync(data)
        if ws is None:
            return {"error": t("err.workshop_not_found")}
        since = data.get("since") if isinstance(data, dict) else None
        if isinstance(since, bool) or not isinstance(since, int):
            return {"error": t("err.number")}
        try:
            return events_since(ws, actor, since)
        except ServiceError as exc:
            return {"error": t(exc.key), "code": exc.key}
