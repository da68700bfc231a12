"""In-memory sliding-window limits: generous for a person, blocking for a script.

``write``: content writes per actor per minute. ``login``: failed sign-ins
per address, then a lock-out. ``workshop``: workshops created per address.
Limits can be tuned in ``app.config["RATE_LIMITS"]`` (benchmarks do).
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from flask import current_app

from ..services import ServiceError

DEFAULTS = {
    "write": (120, 60),      # 120 writes a minute per device or facilitator
    "login": (10, 300),      # 10 tries per 5 minutes per address, then locked out
    "workshop": (20, 3600),  # 20 workshops an hour per address
}
_hits: dict[tuple, deque] = defaultdict(deque)
_lock = threading.Lock()


def _limits(kind):
    conf = current_app.config.get("RATE_LIMITS") or {}
    return conf.get(kind, DEFAULTS[kind])


def check(kind: str, wid: str, who):
    limit = _limits(kind)
    if not limit:
        return
    count, window = limit
    key = (kind, wid, who)
    now = time.monotonic()
    with _lock:
        q = _hits[key]
        while q and now - q[0] > window:
            q.popleft()
        if len(q) >= count:
            wait = int(window - (now - q[0])) + 1
            raise ServiceError(429, "err.locked_out" if kind == "login" else "err.rate", {"seconds": wait})
        q.append(now)


def success(kind: str, wid: str, who):
    """A good sign-in clears the failures counted against this address."""
    with _lock:
        _hits.pop((kind, wid, who), None)


def reset():
    with _lock:
        _hits.clear()
