"""A bare Socket.IO 5 / Engine.IO 4 client on a raw RFC 6455 socket, for tests that need to see the frames.

It can offer permessage-deflate (RFC 7692) as browsers do, read slowly (a small receive buffer, paused), and
tells how each frame arrived (compressed or not), which python-socketio's client hides.
"""
from __future__ import annotations

import base64
import json
import os
import socket
import zlib


class RawSocketIO:
    def __init__(self, base_url: str, cookie: str, workshop: str, *, deflate=False, rcvbuf: int | None = None):
        host, port = base_url.split("//")[1].split(":")
        self.sock = socket.socket()
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(10)
        self.sock.connect((host, int(port)))
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET /socket.io/?EIO=4&transport=websocket HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13",
                 f"Origin: {base_url}", f"Cookie: {cookie}"]
        if deflate:
            lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            head += chunk
        text = head.decode("latin-1")
        assert text.startswith("HTTP/1.1 101"), text
        self.extensions = [line.split(":", 1)[1].strip() for line in text.split("\r\n")
                           if line.lower().startswith("sec-websocket-extensions:")]
        self._inflate = zlib.decompressobj(-15)
        self._buf = b""
        self.compressed = 0  # messages that came compressed
        self.plain = 0
        self.changes: list[dict] = []
        opened = self.message()
        assert opened.startswith("0"), opened
        self.send("40" + json.dumps({"workshop": workshop}))
        while True:
            reply = self.message()
            if reply.startswith("40"):
                break
            assert not reply.startswith("44"), reply  # refused

    # -- frames ----------------------------------------------------------------
    def _read(self, n: int) -> bytes:
        while len(self._buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self._buf += chunk
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def message(self) -> str:
        """The next text message (continuations joined, compressed ones inflated)."""
        parts, compressed = [], False
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = int.from_bytes(self._read(2), "big")
            elif n == 127:
                n = int.from_bytes(self._read(8), "big")
            assert not b1 & 0x80, "a server frame must not be masked"
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 0x9:  # ping
                self._frame(0xA, payload)
                continue
            if opcode in (0x1, 0x0):
                if opcode == 0x1:
                    compressed = bool(b0 & 0x40)
                parts.append(payload)
                if b0 & 0x80:
                    break
                continue
            if opcode == 0x8:
                raise ConnectionError("closed by the server")
        data = b"".join(parts)
        if compressed:
            self.compressed += 1
            data = self._inflate.decompress(data + b"\x00\x00\xff\xff")
            if any("server_no_context_takeover" in e for e in self.extensions):
                self._inflate = zlib.decompressobj(-15)  # as the server promised: no history between messages
        else:
            self.plain += 1
        return data.decode("utf-8")

    def _frame(self, opcode: int, payload: bytes):
        mask = os.urandom(4)
        n = len(payload)
        head = bytes((0x80 | opcode,)) + (bytes((0x80 | n,)) if n < 126 else bytes((0x80 | 126,)) + n.to_bytes(2, "big"))
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def send(self, text: str):
        self._frame(0x1, text.encode("utf-8"))

    # -- Socket.IO ---------------------------------------------------------------
    def until(self, predicate, limit: int = 100000):
        """Read messages (answering pings) until ``predicate(self)``; every ``changes`` event is kept."""
        for _ in range(limit):
            if predicate(self):
                return True
            msg = self.message()
            if msg == "2":
                self.send("3")
            elif msg.startswith("42"):
                name, *args = json.loads(msg[2:])
                if name == "changes":
                    self.changes.extend(args[0]["changes"])
        return predicate(self)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
