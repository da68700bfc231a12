"""One message to hundreds of screens: its websocket frame built once, written straight to each socket.

python-engineio hands every packet to a queue per connection; a writer greenlet per connection then wakes,
encodes the packet, frames it with wsproto (compressing it for that connection) and writes it. That is about
50 µs per screen and message: most of a broadcast's cost at 600 screens. Under gevent, a screen whose queue
is empty and which is not in the middle of a write gets the frame built once per message (an emit hands the
same packet to every member of its rooms) and written to its socket at once, without waiting: what the
kernel does not take at once (a slow phone) is queued, as raw bytes, for that connection's writer, and later
packets queue behind it, so order is kept. Every other case — long-polling, an upgrade under way, threading
mode, binary data, a closing connection — takes python-engineio's own path.

Browsers ask for permessage-deflate (RFC 7692). It is granted *without context takeover* either way
(:func:`deflate_offer`): each message is compressed on its own, so one compressed frame serves every
browser, and no connection keeps a compressor (zlib's 256 KB, +130 KB of memory per phone measured with
context takeover, 78 MB at 600 screens).
"""
from __future__ import annotations

import functools
import zlib

from engineio import packet as eio_packet
from socketio import packet as sio_packet
from wsproto.extensions import PerMessageDeflate

from . import workers

class Packet(sio_packet.Packet):
    """python-socketio's packet, its payload encoded to JSON once, when it is made.

    The library walks every nested value of every message it sends to find bytes (binary attachments),
    then encodes it: a suggestions message with its reasons was walked to the last string (5 % of the
    server's samples at 72 screens). Here the encoding itself tells: JSON refuses bytes, and a payload
    that holds any takes the library's own binary path. The server's ``serializer`` (see create_app)."""

    def __init__(self, packet_type=sio_packet.EVENT, data=None, namespace=None, id=None, binary=None,
                 encoded_packet=None):
        self._json = None
        if binary is None and encoded_packet is None and data is not None:
            try:
                self._json = self.json.dumps(data, separators=(",", ":"))
                binary = False
            except TypeError:  # bytes somewhere in it
                pass
        super().__init__(packet_type, data, namespace, id, binary, encoded_packet)

    def encode(self):
        if self._json is None:
            return super().encode()
        out = str(self.packet_type)
        if self.namespace is not None and self.namespace != "/":
            out += self.namespace + ","
        if self.id is not None:
            out += str(self.id)
        return out + self._json


class RawFrame(bytes):
    """Bytes that are already a websocket frame (or the rest of one): written as they are."""


class _Rest:
    """What the kernel did not take of a frame, waiting in the connection's queue for its writer."""

    packet_type = eio_packet.MESSAGE
    data = "<rest of a frame>"

    def __init__(self, rest: bytes):
        self.rest = RawFrame(rest)

    def encode(self):
        return self.rest


def frame(payload: bytes, compressed: bool = False) -> bytes:
    """A final, unmasked text frame (RFC 6455 §5.2): what a server sends; RSV1 marks it compressed."""
    n = len(payload)
    first = 0xC1 if compressed else 0x81
    if n < 126:
        head = bytes((first, n))
    elif n < 1 << 16:
        head = bytes((first, 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((first, 127)) + n.to_bytes(8, "big")
    return head + payload


def deflated(payload: bytes, bits: int) -> bytes:
    """A message compressed on its own (RFC 7692 §7.2.1), readable by any receiver with that window."""
    c = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -bits)
    return frame((c.compress(payload) + c.flush(zlib.Z_SYNC_FLUSH))[:-4], compressed=True)


def frames_of(connection) -> str | int | None:
    """How frames may be built once for a wsproto connection: ``"plain"``, the window bits of a
    compression without server context takeover, or None (python-engineio's path)."""
    if connection is None:
        return None
    ext = connection._proto.extensions
    if not ext:
        return "plain"
    if len(ext) == 1 and isinstance(ext[0], PerMessageDeflate) and ext[0].enabled() \
            and ext[0].server_no_context_takeover:
        return ext[0].server_max_window_bits
    return None


def deflate_offer():
    """The permessage-deflate simple_websocket grants: no context takeover, either way."""
    import simple_websocket.ws

    simple_websocket.ws.PerMessageDeflate = functools.partial(
        PerMessageDeflate, server_no_context_takeover=True, client_no_context_takeover=True)


def writable(sock) -> object | None:
    """The websocket guard of an Engine.IO socket if a frame may be written to it right now, else None."""
    ws = getattr(sock, "fast_ws", None)
    if ws is None or ws.busy or ws.frames is None or sock.upgrading or sock.closing or sock.closed:
        return None
    if not sock.queue.empty():  # packets before this one are still waiting: keep the order
        return None
    return ws


def install(server):
    """Route python-socketio's per-client sends through :func:`send` (gevent only)."""
    if not workers.under_gevent():
        return
    deflate_offer()
    original = server._send_eio_packet
    last: list = [None, {}]  # the last packet and its frames, plain and compressed

    def send(eio_sid, pkt):
        sock = server.eio.sockets.get(eio_sid)
        ws = writable(sock) if sock is not None and pkt.packet_type == eio_packet.MESSAGE \
            and isinstance(pkt.data, str) else None
        if ws is None:
            return original(eio_sid, pkt)
        if last[0] is not pkt:
            last[0], last[1] = pkt, {}
        data = last[1].get(ws.frames)
        if data is None:
            payload = pkt.encode().encode("utf-8")
            data = last[1][ws.frames] = frame(payload) if ws.frames == "plain" else deflated(payload, ws.frames)
        try:
            n = ws.sock.send(data, 0, 0.0)  # never waits: a full socket buffer raises BlockingIOError
        except BlockingIOError:
            n = 0
        except OSError:  # the connection is going: python-engineio's path notices and closes it
            return original(eio_sid, pkt)
        if n < len(data):
            sock.queue.put(_Rest(data[n:]))

    server._send_eio_packet = send
