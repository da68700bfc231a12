"""Malformed Socket.IO frames: counted per connection, never a traceback.

python-socketio decodes each frame in its Engine.IO ``message`` handler; a
frame such as ``42`` (an event with no data), ``42[`` (broken JSON) or ``4``
(an unknown packet) raised inside it and wrote two ERROR tracebacks each,
before any rate limit. Here the frame is decoded once, checked for the shape
our handlers accept, and dispatched to python-socketio as before; a bad one
is counted against the connection's socket rate limit, logged once per
connection as a warning, and the connection is closed after
``MAX_MALFORMED`` of them.

One layer below, python-engineio decodes every websocket frame and every
long-polling POST outside any ``try``: a frame such as ``\x00``, an empty one,
``b`` with broken base64 or ``4`` followed by thousands of ``[`` raised a
ValueError or RecursionError traceback from its websocket handler (or
"post request handler error" for polling). ``install_engineio`` checks each
frame the same way first: a bad one is skipped and counted like the others.
"""
from __future__ import annotations

import io
import logging
import threading
import urllib.parse

from engineio import packet as eio_packet
from engineio import payload as eio_payload
from socketio import packet

from . import fanout

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

    sock = server.eio.sockets.get(eio_sid)
    if sock is None or sock.closing or sock.closed:
        return  # frames still queued behind a close: its counter is gone, they would log again
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
        from .api import ratelimit

        with _lock:
            _bad.pop(eio_sid, None)
        ratelimit.forget("socket", eio_sid)
        return original_disconnect(eio_sid, *args)

    original_disconnect = server._handle_eio_disconnect
    server.eio.on("message", on_message)
    server.eio.on("disconnect", on_disconnect)
    server._guard_original = original
    install_engineio(server)
    fanout.install(server)


def engineio_frame_ok(data) -> bool:
    """Whether python-engineio can decode this frame (the very decode it does next, so it cannot fail there)."""
    try:
        eio_packet.Packet(encoded_packet=data)
    except Exception:  # ValueError, binascii.Error, RecursionError, TypeError: all mean a frame we skip
        return False
    return True


class _GuardedWebSocket:
    """The websocket python-engineio reads from, with undecodable frames skipped and counted.

    It also tells :mod:`app.fanout` whether a frame may be written straight to the socket: ``frames`` (how
    they may be built once, see :func:`app.fanout.frames_of`) and not ``busy`` (the connection's writer is
    not in the middle of a write)."""

    def __init__(self, ws, socket, server):
        self._ws, self._socket, self._server = ws, socket, server
        self.busy = False
        inner = getattr(ws, "ws", None)  # simple_websocket's connection, handshake done
        self.sock = getattr(inner, "sock", None)
        conn = getattr(getattr(inner, "ws", None), "connection", None)  # wsproto's
        self.frames = fanout.frames_of(conn) if self.sock is not None else None

    def __getattr__(self, name):
        return getattr(self._ws, name)

    def send(self, message):
        self.busy = True
        try:
            if type(message) is fanout.RawFrame:
                return self.sock.sendall(message)
            return self._ws.send(message)
        finally:
            self.busy = False

    def close(self):
        return self._ws.close()

    def wait(self):
        sock, sid = self._socket, self._socket.sid
        while True:
            data = self._ws.wait()
            if data is None or engineio_frame_ok(data):
                return data
            _malformed(self._server, sid, "undecodable Engine.IO frame")
            if sock.closed or sid not in self._server.eio.sockets:
                # python-engineio reads one more frame while upgrading, and decodes it unguarded: a NOOP ends it
                return "6" if sock.upgrading else None


def install_engineio(server):
    """Check every Engine.IO frame before python-engineio decodes it: websocket frames and polling POST bodies."""
    eio = server.eio
    base = eio._async["websocket"]
    if base is None:  # pragma: no cover - an async mode without websocket support
        return

    class GuardedWebSocketWSGI(base):
        def __init__(self, handler, eio_server, **kw):
            socket = handler.__self__  # python-engineio passes its Socket's bound handler

            def guarded(ws):
                socket.fast_ws = _GuardedWebSocket(ws, socket, server)
                return handler(socket.fast_ws)

            super().__init__(guarded, eio_server, **kw)

    eio._async = {**eio._async, "websocket": GuardedWebSocketWSGI}  # a copy: the driver's dict is shared
    original = eio.handle_request

    def handle_request(environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or "sid=" not in environ.get("QUERY_STRING", ""):
            return original(environ, start_response)
        sid = (urllib.parse.parse_qs(environ["QUERY_STRING"]).get("sid") or [None])[0]  # as python-engineio reads it
        if sid not in eio.sockets:
            return original(environ, start_response)  # refused there as an unknown session, body unread
        body = _polling_body(environ, eio.max_http_buffer_size)
        if body is not None:
            environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(body), str(len(body))
            return original(environ, start_response)
        _malformed(server, sid, "undecodable Engine.IO polling payload")
        r = eio._bad_request("Malformed payload")
        start_response(r["status"], r["headers"])
        return [r["response"]]

    eio.handle_request = handle_request


# What a client sends by long-polling. Any other type (OPEN, PING, NOOP, 7-9) makes python-engineio close the
# socket with ``wait=True`` inside the POST, which then waits forever for a GET that drains the queue: each such
# request would hold a greenlet for good.
POLLING_TYPES = (eio_packet.CLOSE, eio_packet.PONG, eio_packet.MESSAGE, eio_packet.UPGRADE)


def _polling_body(environ, limit):
    """The POST body if python-engineio can decode it, else ``None`` (also for a bad or too long length)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "0")
    except ValueError:
        return None
    if not 0 <= length <= limit:
        return None
    body = environ["wsgi.input"].read(length)
    try:
        packets = eio_payload.Payload(encoded_payload=body.decode("utf-8")).packets
    except Exception:  # UnicodeDecodeError, ValueError, RecursionError, KeyError (a "d=" JSONP body without d)
        return None
    if any(p.packet_type not in POLLING_TYPES for p in packets):
        return None
    return body
