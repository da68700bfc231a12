"""One message to hundreds of screens: its websocket frame built once, written straight to each socket.

python-engineio hands every packet to a queue per connection; a writer greenlet per connection then wakes,
encodes the packet, frames it with wsproto and writes it. That is about 50 µs per screen and message: most of
a broadcast's cost at 600 screens. Under gevent, a screen on a plain websocket (no compression negotiated)
whose queue is empty and which is not in the middle of a write gets the frame built once per message (an emit
hands the same packet to every member of its rooms) and written to its socket at once, without waiting: what
the kernel does not take at once (a slow phone) is queued, as raw bytes, for that connection's writer, and
later packets queue behind it, so order is kept. Every other case — long-polling, an upgrade under way,
compression, threading mode, binary data, a closing connection — takes python-engineio's own path.
"""
from __future__ import annotations

from engineio import packet as eio_packet

from . import workers

stats = {"direct": 0, "queued": 0, "partial": 0}  # for tests and figures: how packets left


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


def frame(payload: bytes) -> bytes:
    """A final, unmasked text frame (RFC 6455 §5.2): what a server sends."""
    n = len(payload)
    if n < 126:
        head = bytes((0x81, n))
    elif n < 1 << 16:
        head = bytes((0x81, 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x81, 127)) + n.to_bytes(8, "big")
    return head + payload


def writable(sock) -> object | None:
    """The websocket guard of an Engine.IO socket if a frame may be written to it right now, else None."""
    ws = getattr(sock, "fast_ws", None)
    if ws is None or ws.busy or not ws.plain or sock.upgrading or sock.closing or sock.closed:
        return None
    if not sock.queue.empty():  # packets before this one are still waiting: keep the order
        return None
    return ws


def install(server):
    """Route python-socketio's per-client sends through :func:`send` (gevent only)."""
    if not workers.under_gevent():
        return
    original = server._send_eio_packet
    last = [None, b""]  # the last packet and its frame

    def send(eio_sid, pkt):
        sock = server.eio.sockets.get(eio_sid)
        ws = writable(sock) if sock is not None and pkt.packet_type == eio_packet.MESSAGE \
            and isinstance(pkt.data, str) else None
        if ws is None:
            stats["queued"] += 1
            return original(eio_sid, pkt)
        if last[0] is not pkt:
            last[0], last[1] = pkt, frame(pkt.encode().encode("utf-8"))
        data = last[1]
        try:
            n = ws.sock.send(data, 0, 0.0)  # never waits: a full socket buffer raises BlockingIOError
        except BlockingIOError:
            n = 0
        except OSError:  # the connection is going: python-engineio's path notices and closes it
            stats["queued"] += 1
            return original(eio_sid, pkt)
        if n < len(data):
            stats["partial"] += 1
            sock.queue.put(_Rest(data[n:]))
        else:
            stats["direct"] += 1

    server._send_eio_packet = send
