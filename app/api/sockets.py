"""Socket.IO handlers: authenticate a screen, put it in its rooms, answer ``sync``.

Thin, like the JSON routes: rooms and payloads are ``app.realtime``'s (the one
broadcast point), the journal read is ``services.workshops.events_since``.
"""
from __future__ import annotations

from flask import request
from flask_socketio import ConnectionRefusedError, join_room

from .. import auth
from ..errors import ServiceError
from ..i18n import t
from ..realtime import ROOM_ACTION, ROOM_ASKED, org_room, room, socketio
from ..rules import permissions
from ..services.workshops import events_since
from . import ratelimit


def _rate_ok(sid: str) -> bool:
    """Messages per connection (``RATE_LIMITS["socket"]``, see app.api.ratelimit)."""
    return ratelimit.hit("socket", sid) is None


def init_handlers(registry):
    """Thin handlers: authenticate, join rooms, answer ``sync``."""
    def _context(data):
        wid = data.get("workshop") if isinstance(data, dict) else None
        ws = registry.get(wid) if isinstance(wid, str) else None
        if ws is None:
            return None, None
        return ws, auth.actor(ws)

    @socketio.on("connect")
    def on_connect(data=None):
        ws, actor = _context(data)
        if ws is None:
            raise ConnectionRefusedError(t("err.workshop_not_found"))
        role = actor["role"]
        asked = data.get("room") if isinstance(data, dict) else None
        action = ROOM_ACTION.get(role) if asked is None else ROOM_ASKED.get(asked) if isinstance(asked, str) else None
        refusal = permissions.decide(role, action) if action else "err.forbidden"
        if refusal:
            raise ConnectionRefusedError(t(refusal))
        target = role if asked in (None, "staff", "participant") else asked
        join_room(room(ws.id, target))
        if role == "participant":
            if actor.get("org"):
                join_room(org_room(ws.id, actor["org"]))
            if actor.get("device"):
                join_room(f"{ws.id}:dev:{actor['device']}")
        if role == "facilitator":
            join_room(f"{ws.id}:fac:{actor['id']}")
        socketio.emit("hello", {"seq": ws.store.last_seq(), "role": role}, to=request.sid)

    @socketio.on("disconnect")
    def on_disconnect(*_):
        ratelimit.forget("socket", request.sid)

    @socketio.on("sync")
    def on_sync(data=None):
        if not _rate_ok(request.sid):
            return {"error": t("err.socket_rate"), "code": "err.socket_rate"}
        ws, actor = _context(data)
        if ws is None:
            return {"error": t("err.workshop_not_found")}
        since = data.get("since") if isinstance(data, dict) else None
        if isinstance(since, bool) or not isinstance(since, int):
            return {"error": t("err.number")}
        try:
            return events_since(ws, actor, since)
        except ServiceError as exc:
            return {"error": t(exc.key), "code": exc.key}
