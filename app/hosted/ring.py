"""Which process owns a workshop: nginx's ``hash … consistent`` ring, computed the same way in Python.

nginx (ngx_http_upstream_hash_module, "ketama" points compatible with Cache::Memcached::Fast) gives every
``server`` of an upstream 160 points per unit of weight: point *j* of ``HOST:PORT`` is
``crc32(HOST "\\0" PORT prev)`` where ``prev`` is point *j-1* as 4 little-endian bytes (0 for the first).
A key goes to the server of the first point at or after ``crc32(key)``, wrapping round. The app and nginx
must agree on the owner of a workshop, so the app computes exactly this over the same server names, in the
same order as ``python run.py nginx-config --upstreams`` writes them (a test checks it against real nginx).
"""
from __future__ import annotations

import bisect
import struct
import zlib

POINTS_PER_WEIGHT = 160


def _points(server: str) -> list[int]:
    host, sep, port = server.rpartition(":")
    if not sep or server.startswith("unix:"):
        host, port = (server[5:] if server.startswith("unix:") else server), ""
    base = host.encode() + b"\0" + port.encode()
    out, prev = [], 0
    for _ in range(POINTS_PER_WEIGHT):
        prev = zlib.crc32(base + struct.pack("<I", prev))
        out.append(prev)
    return out


class Ring:
    """The consistent-hash ring over ``servers`` ("HOST:PORT" as written in nginx's ``upstream``)."""

    def __init__(self, servers: list[str]):
        if not servers:
            raise ValueError("a ring needs at least one server")
        self.servers = list(servers)
        pts: dict[int, str] = {}
        for s in self.servers:
            for p in _points(s):
                pts.setdefault(p, s)  # equal points (very rare): nginx keeps one
        self._hashes = sorted(pts)
        self._owner = [pts[h] for h in self._hashes]

    def owner(self, key: str) -> str:
        h = zlib.crc32(key.encode())
        i = bisect.bisect_left(self._hashes, h)
        return self._owner[i % len(self._hashes)]
