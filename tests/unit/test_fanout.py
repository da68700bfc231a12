"""The broadcast fast path (app.fanout): one frame per message, written at once, order kept when a socket is
full. Fakes stand in for python-engineio's socket; the frames are checked byte for byte (RFC 6455 §5.2)."""
import queue
import socket
import types
import zlib

from engineio import packet as eio_packet

from app import fanout, workers
from app.socket_guard import _GuardedWebSocket


def parse(frame: bytes) -> tuple[int, str | bytes, bytes]:
    """(first byte, text — or the compressed bytes —, what is left after the frame)."""
    n = frame[1] & 0x7F
    at = 2
    if n == 126:
        n, at = int.from_bytes(frame[2:4], "big"), 4
    elif n == 127:
        n, at = int.from_bytes(frame[2:10], "big"), 10
    assert not frame[1] & 0x80, "server frames are not masked"
    body = frame[at:at + n]
    return frame[0], body if frame[0] & 0x40 else body.decode("utf-8"), frame[at + n:]


def test_frames_have_the_right_length_field_for_every_size():
    for size in (0, 1, 125, 126, 65535, 65536, 70000):
        text = "é" * (size // 2) + "a" * (size % 2)
        first, got, rest = parse(fanout.frame(text.encode("utf-8")))
        assert (first, got, rest) == (0x81, text, b"")


class FakeRaw:
    """A socket that takes ``room`` bytes, then nothing (a phone that stopped reading)."""

    def __init__(self, room):
        self.room, self.got = room, b""

    def send(self, data, flags=0, timeout=None):
        assert timeout == 0.0, "the fast path must never wait for a socket"
        if self.room <= 0:
            raise BlockingIOError
        n = min(self.room, len(data))
        self.room -= n
        self.got += bytes(data[:n])
        return n


def _server(monkeypatch, raw):
    monkeypatch.setattr(workers, "under_gevent", lambda: True)
    ws = types.SimpleNamespace(busy=False, frames="plain", sock=raw)
    sock = types.SimpleNamespace(queue=queue.Queue(), upgrading=False, closing=False, closed=False, fast_ws=ws)
    slow_path = []
    server = types.SimpleNamespace(eio=types.SimpleNamespace(sockets={"e1": sock}),
                                   _send_eio_packet=lambda sid, pkt: slow_path.append(pkt))
    fanout.install(server)
    return server, sock, ws, slow_path


def _pkt(text):
    return eio_packet.Packet(eio_packet.MESSAGE, text)


def test_a_message_is_written_at_once_as_one_frame(monkeypatch):
    raw = FakeRaw(10 ** 6)
    server, sock, ws, slow_path = _server(monkeypatch, raw)
    server._send_eio_packet("e1", _pkt('2["changes",{"changes":[]}]'))
    first, text, rest = parse(raw.got)
    assert (first, text, rest) == (0x81, '42["changes",{"changes":[]}]', b"") and slow_path == []
    assert sock.queue.empty()


def test_what_a_full_socket_does_not_take_waits_in_its_queue_and_later_packets_queue_behind_it(monkeypatch):
    raw = FakeRaw(7)
    server, sock, ws, slow_path = _server(monkeypatch, raw)
    one, two = _pkt('2["changes",{"n":1}]'), _pkt('2["changes",{"n":2}]')
    server._send_eio_packet("e1", one)
    assert len(raw.got) == 7
    rest = sock.queue.get_nowait()
    assert isinstance(rest.encode(), fanout.RawFrame) and raw.got + rest.encode() == fanout.frame(b'42["changes",{"n":1}]')
    sock.queue.put(rest)
    server._send_eio_packet("e1", two)  # the queue is not empty: python-engineio's path, behind the rest
    assert slow_path == [two] and sock.queue.qsize() == 1


def test_no_fast_path_while_writing_upgrading_or_closing_or_with_another_extension(monkeypatch):
    for state in ({"busy": True}, {"frames": None}, {"upgrading": True}, {"closing": True}, {"closed": True}):
        raw = FakeRaw(10 ** 6)
        server, sock, ws, slow_path = _server(monkeypatch, raw)
        for k, v in state.items():
            setattr(ws if k in ("busy", "frames") else sock, k, v)
        pkt = _pkt("2[\"x\"]")
        server._send_eio_packet("e1", pkt)
        assert raw.got == b"" and slow_path == [pkt], state
    raw = FakeRaw(10 ** 6)
    server, sock, ws, slow_path = _server(monkeypatch, raw)
    binary = eio_packet.Packet(eio_packet.MESSAGE, b"\x00\x01")
    server._send_eio_packet("e1", binary)
    assert raw.got == b"" and slow_path == [binary]


def test_threading_mode_keeps_python_engineio_path(monkeypatch):
    monkeypatch.setattr(workers, "under_gevent", lambda: False)
    original = object()
    server = types.SimpleNamespace(_send_eio_packet=original)
    fanout.install(server)
    assert server._send_eio_packet is original


def test_the_connection_writer_sends_a_queued_rest_as_raw_bytes_and_is_busy_meanwhile():
    a, b = socket.socketpair()
    try:
        seen = []

        class WebSocketWSGI:  # python-engineio's wrapper around simple_websocket's connection (``ws``)
            ws = types.SimpleNamespace(sock=a, ws=types.SimpleNamespace(
                connection=types.SimpleNamespace(_proto=types.SimpleNamespace(extensions=[]))))

            def send(self, message):
                seen.append(message)

        guard = _GuardedWebSocket(WebSocketWSGI(), types.SimpleNamespace(sid="e1"), None)
        assert guard.frames == "plain" and not guard.busy
        rest = fanout.RawFrame(fanout.frame(b"4hello")[3:])
        guard.send(rest)
        assert b.recv(100) == rest and seen == [] and not guard.busy
        guard.send("4bonjour")  # anything else goes through the websocket library
        assert seen == ["4bonjour"]
    finally:
        a.close()
        b.close()


def test_compressed_screens_share_one_frame_compressed_once_and_readable_on_its_own(monkeypatch):
    """Browsers negotiate permessage-deflate without server context takeover: one compressed frame per
    message serves them all, and a fresh decompressor reads it (RFC 7692 §7.2.1)."""
    raws = [FakeRaw(10 ** 6) for _ in range(3)]
    server, sock, ws, slow_path = _server(monkeypatch, raws[0])
    ws.frames = 15
    for n, raw in enumerate(raws[1:], 2):
        server.eio.sockets[f"e{n}"] = types.SimpleNamespace(
            queue=queue.Queue(), upgrading=False, closing=False, closed=False,
            fast_ws=types.SimpleNamespace(busy=False, frames=15 if n == 2 else "plain", sock=raw))
    text = '2["changes",{"changes":[' + ",".join(['{"title":"Palettes bois"}'] * 40) + "]}]"
    pkt = _pkt(text)
    for sid in ("e1", "e2", "e3"):
        server._send_eio_packet(sid, pkt)
    assert raws[0].got == raws[1].got != raws[2].got
    first, body, rest = parse(raws[0].got)
    assert first == 0xC1 and rest == b""  # FIN + RSV1 (compressed) + text
    assert zlib.decompressobj(-15).decompress(body + b"\x00\x00\xff\xff").decode() == "4" + text
    assert len(body) < len(text) / 4
    assert parse(raws[2].got)[1] == "4" + text


def test_compression_is_granted_without_context_takeover_and_other_extensions_are_not_fast():
    from wsproto.extensions import PerMessageDeflate

    fanout.deflate_offer()
    import simple_websocket.ws

    ext = simple_websocket.ws.PerMessageDeflate()
    answer = ext.accept("permessage-deflate; client_max_window_bits")
    assert "server_no_context_takeover" in answer and "client_no_context_takeover" in answer
    conn = types.SimpleNamespace(_proto=types.SimpleNamespace(extensions=[ext]))
    assert fanout.frames_of(conn) == 15
    keeping = PerMessageDeflate()
    keeping.accept("permessage-deflate")
    assert fanout.frames_of(types.SimpleNamespace(_proto=types.SimpleNamespace(extensions=[keeping]))) is None
    assert fanout.frames_of(types.SimpleNamespace(_proto=types.SimpleNamespace(extensions=[]))) == "plain"
