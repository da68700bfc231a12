"""Malformed Socket.IO frames: counted per connection, never a traceback.

python-socketio decodes each frame in its Engine.IO ``message`` handler; a
frame such as ``42`` (an event with no data), ``42[`` (broken JSON) or ``4``
(an unknown packet) raised inside it and wrote two ERROR tracebacks each,
before any rate limit. Here the frame is decoded once, checked for the shape
our handlers accept, and dispatched to python-socketio as before; a bad one
is counted against the connection's socket rate limit, logged once per
connection as a warning, and the connection is closed after
``MAX_MALFORMED`` of them.
"""
from __future__ import annotations

import logging
import threading

from socketio import packet

log = logging.getLogger("atelier.socket")

MAX_MALFORMED = 10
_bad: dict[str, int] = {}
_lock = threading.Lock()


def well_formed(pkt) -> bool:
    if pkt.packet_type in (packet.CONNECT, packet.DISCONNECT):
        return pkt.data is None or isinstance(pkt.data, dict)
    if pkt.packet_type in (packet.EVENT, packet.ACK):
        if not isinstance(pkt.data, list):
            return False
        return pkt.packet_type == packet.ACK or (bool(pkt.data) and isinstance(pkt.data[0], str))
    return False  # binary packets and server-to-client types: we never take them


def _malformed(server, eio_sid: str, why: str):
    from .api import ratelimit

    with _lock:
        n = _bad[eio_sid] = _bad.get(eio_sid, 0) + 1
    if n == 1:
        log.warning("malformed Socket.IO frame from %s (%s); further ones on this connection are counted, "
                    "not logged", server.environ.get(eio_sid, {}).get("REMOTE_ADDR", "?"), why)
    over = ratelimit.hit("socket", eio_sid) is not None
    if n >= MAX_MALFORMED or over:
        try:
            server.eio.disconnect(eio_sid)
        except Exception:  # already gone
            pass


def install(server):
    """Put the check in front of python-socketio's own Engine.IO message handler."""
    original = server._handle_eio_message

    def on_message(eio_sid, data):
        if eio_sid not in server.eio.sockets:
            return None  # frames still queued from a connection closed for sending malformed ones
        if eio_sid in server._binary_packet or not isinstance(data, str):
            return _malformed(server, eio_sid, "binary frame")
        try:
            pkt = server.packet_class(encoded_packet=data)
        except (ValueError, TypeError, RecursionError, IndexError):
            return _malformed(server, eio_sid, "undecodable")
        if not well_formed(pkt):
            return _malformed(server, eio_sid, f"packet type {pkt.packet_type!r}")
        if pkt.packet_type == packet.CONNECT:
            return server._handle_connect(eio_sid, pkt.namespace, pkt.data)
        if pkt.packet_type == packet.DISCONNECT:
            return server._handle_disconnect(eio_sid, pkt.namespace, server.reason.CLIENT_DISCONNECT)
        if pkt.packet_type == packet.EVENT:
            return server._handle_event(eio_sid, pkt.namespace, pkt.id, pkt.data)
        return server._handle_ack(eio_sid, pkt.namespace, pkt.id, pkt.data)

    def on_disconnect(eio_sid, *args):
        with _lock:
            _bad.pop(eio_sid, None)
        return original_disconnect(eio_sid, *args)

    original_disconnect = server._handle_eio_disconnect
    server.eio.on("message", on_message)
    server.eio.on("disconnect", on_disconnect)
    server._guard_original = original
