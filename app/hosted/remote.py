"""Screens of a workshop on a process that does not own it, and the owner's heartbeat.

A screen's Socket.IO connection lands on any process (nginx keeps it there). The process that owns the
workshop decides which rooms it joins and answers its ``sync``: the other processes ask it over HTTP on
its own address (``/_hosted/...``, refused without the shared key, not routed by nginx), with the screen's
own cookie, and keep the rooms locally; broadcasts then reach the screen through Redis. The owner also
sends every few seconds a ``beat`` with its last ``seq``, so a screen that lost broadcasts (Redis
restarted, python-socketio #1411) sees the gap and resyncs.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
from urllib.parse import quote, urlencode

from flask import Blueprint, abort, current_app, jsonify, request
from flask_socketio import ConnectionRefusedError, join_room

from .. import auth, realtime
from ..i18n import t

log = logging.getLogger("atelier.hosted")
BEAT_EVERY = 2.0      # seconds between two heartbeats of a workshop
ASK_TIMEOUT = 3.0     # seconds a process waits for the owner
KEY_HEADER = "X-Atelier-Hosted"
UNAVAILABLE = "hosted.owner_unavailable"

bp = Blueprint("hosted", __name__)


def shared_key(secret: bytes) -> str:
    """Proof that a request comes from a sibling process (they share the data folder's secret key)."""
    return hmac.new(secret, b"atelier-hosted-v1", hashlib.sha256).hexdigest()


class OwnerDown(Exception):
    pass


class Elsewhere:
    """``connect`` and ``sync`` of a screen whose workshop another process owns."""

    def __init__(self, where, secret: bytes):
        self.where = where
        self.key = shared_key(secret)

    def ask(self, wid: str, what: str, params: dict) -> tuple[int, dict]:
        owner = self.where.owner(wid)
        if not owner or owner == self.where.me:
            return 404, {}
        headers = {KEY_HEADER: self.key, "Cookie": request.headers.get("Cookie", ""),
                   "Accept-Language": request.headers.get("Accept-Language", "")}
        conn = http.client.HTTPConnection(owner, timeout=ASK_TIMEOUT)
        try:
            conn.request("GET", f"/_hosted/w/{quote(wid, safe='')}/{what}?{urlencode(params)}", headers=headers)
            resp = conn.getresponse()
            body = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            raise OwnerDown(str(exc)) from None
        finally:
            conn.close()
        if resp.status >= 500:
            raise OwnerDown(f"HTTP {resp.status}")
        try:
            return resp.status, json.loads(body)
        except ValueError:
            raise OwnerDown("not JSON") from None

    def connect(self, data):
        wid = data.get("workshop") if isinstance(data, dict) else None
        if not isinstance(wid, str) or not wid:
            raise ConnectionRefusedError(t("err.workshop_not_found"))
        try:
            status, out = self.ask(wid, "socket", {"room": json.dumps(data.get("room"))})
        except OwnerDown as exc:
            log.info("owner of %s unreachable for a connection: %s", wid, exc)
            raise ConnectionRefusedError(t(UNAVAILABLE), {"retry": True}) from None
        if status == 404 or out.get("refusal") == "err.workshop_not_found":
            raise ConnectionRefusedError(t("err.workshop_not_found"))
        if out.get("refusal"):
            raise ConnectionRefusedError(t(out["refusal"]))
        for name in out["rooms"]:
            join_room(name)
        realtime.socketio.emit("hello", {"seq": out["seq"], "role": out["role"]}, to=request.sid)
        return True

    def sync(self, data):
        wid = data.get("workshop") if isinstance(data, dict) else None
        if not isinstance(wid, str) or not wid:
            return {"error": t("err.workshop_not_found")}
        since = data.get("since")
        if isinstance(since, bool) or not isinstance(since, int):
            return {"error": t("err.number")}
        try:
            status, out = self.ask(wid, "sync", {"since": since})
        except OwnerDown:
            return {"error": t(UNAVAILABLE), "code": UNAVAILABLE}
        if status == 404:
            return {"error": t("err.workshop_not_found")}
        return out


def _owner_context(wid):
    """The workshop and the screen's actor, for a sibling's request with the shared key."""
    given = request.headers.get(KEY_HEADER, "")
    if not hmac.compare_digest(given, shared_key(current_app.config["SECRET_KEY"])):
        abort(404)
    ws = current_app.extensions["registry"].get(wid)
    return ws, (auth.actor(ws) if ws is not None else None)


@bp.get("/_hosted/w/<wid>/socket")
def socket_rooms(wid):
    ws, actor = _owner_context(wid)
    if ws is None:
        return jsonify({"refusal": "err.workshop_not_found"}), 404
    try:
        asked = json.loads(request.args.get("room", "null"))
    except ValueError:
        asked = 0  # not a room name: refused like any other
    rooms, refusal = realtime.connection_rooms(ws.id, actor, asked)
    return jsonify({"rooms": rooms, "role": actor["role"], "seq": ws.store.last_seq(), "refusal": refusal})


@bp.get("/_hosted/w/<wid>/sync")
def sync(wid):
    from ..services import ServiceError
    from ..services.workshops import events_since

    ws, actor = _owner_context(wid)
    if ws is None:
        return jsonify({"error": t("err.workshop_not_found")}), 404
    try:
        return jsonify(events_since(ws, actor, int(request.args.get("since", ""))))
    except ValueError:
        return jsonify({"error": t("err.number")})
    except ServiceError as exc:
        return jsonify({"error": t(exc.key), "code": exc.key})


def _beat(registry):
    for ws in registry.all():
        try:
            seq = ws.store.last_seq()
            realtime.socketio.emit("beat", {"seq": seq}, to=[realtime.room(ws.id, r) for r in realtime.ROLE_ROOMS])
        except Exception:  # one closed store must not stop the others' heartbeat
            log.exception("beat for %s", ws.id)


def install(app, registry, where):
    from .. import periodic

    app.register_blueprint(bp)
    realtime.ELSEWHERE = Elsewhere(where, app.config["SECRET_KEY"])
    periodic.every("hosted-beat", BEAT_EVERY, lambda: _beat(registry))
