"""Socket.IO handlers: authenticate a screen, put it in its rooms, answer ``sync``.

Thin, like the JSON routes: rooms and payloads are ``app.realtime``'s (the one
broadcast point), the journal read is ``services.workshops.events_since``.
"""
from __future__ import annotations

from flask import request
from flask_socketio import ConnectionRefusedError, join_room

from .. import auth, realtime
from ..errors import ServiceError
from ..i18n import t
from ..realtime import connection_rooms, socketio
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
        if ws is None and realtime.ELSEWHERE is not None:  # hosted: a workshop another process owns
            return realtime.ELSEWHERE.connect(data)
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
        ratelimit.forget("socket", request.sid)

    @socketio.on("sync")
    def on_sync(data=None):
        if not _rate_ok(request.sid):
            return {"error": t("err.socket_rate"), "code": "err.socket_rate"}
        ws, actor = _context(data)
        if ws is None and realtime.ELSEWHERE is not None:
            return realtime.ELSEWHERE.sync(data)
        if ws is None:
            return {"error": t("err.workshop_not_found")}
        since = data.get("since") if isinstance(data, dict) else None
        if isinstance(since, bool) or not isinstance(since, int):
            return {"error": t("err.number")}
        try:
            return events_since(ws, actor, since)
        except ServiceError as exc:
            return {"error": t(exc.key), "code": exc.key}
