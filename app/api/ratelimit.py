"""In-memory sliding-window limits: generous for a person, blocking for a script.

``write``: content writes per device or facilitator per minute; ``write_ip``:
the same per address (a script that throws its cookie away to get a fresh
device still hits it). ``login``: sign-in attempts per address (never per
cookie, which a guesser controls), then a lock-out; a good sign-in clears
the count. ``workshop``: workshops created per address. ``socket``: messages
per Socket.IO connection.

Limits are ``[count, seconds]`` (``None``: off), tuned in
``app.config["RATE_LIMITS"]`` or the ``ATELIER_RATE_LIMITS`` environment
variable (JSON, e.g. ``{"login": [5, 2]}``), read by ``create_app``.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from flask import current_app, has_app_context, request

from ..errors import ServiceError

DEFAULTS = {
    "write": (120, 60),      # 120 writes a minute per device or facilitator
    "write_ip": (300, 60),   # 300 writes a minute per address
    "login": (10, 300),      # 10 tries per 5 minutes per address, then locked out
    "workshop": (20, 3600),  # 20 workshops an hour per address
    "socket": (60, 10),      # 60 socket messages per 10 s per connection
    "org": (5, 600),         # organisations created by one phone per 10 minutes
    "org_ip": (20, 600),     # organisations created by phones of one address per 10 minutes
    "join_code": (10, 300),  # organisation short codes tried per phone or address per 5 minutes
}
# Off with ``write`` (``--no-rate-limits``) unless set on their own.
FOLLOW_WRITE = ("write_ip", "org", "org_ip", "join_code")
_hits: dict[tuple, deque] = defaultdict(deque)
_lock = threading.Lock()


def limits(kind):
    conf = (current_app.config.get("RATE_LIMITS") or {}) if has_app_context() else {}
    if kind in conf:
        return conf[kind]
    if kind in FOLLOW_WRITE and "write" in conf and not conf["write"]:
        return None  # rate limits off
    if kind == "socket" and conf and all(not v for v in conf.values()):
        return None
    return DEFAULTS[kind]


_limits = limits  # older name


def hit(kind: str, key) -> int | None:
    """Count one hit; the seconds to wait if over the limit, else ``None``."""
    limit = limits(kind)
    if not limit:
        return None
    count, window = limit
    now = time.monotonic()
    with _lock:
        q = _hits[(kind, key)]
        while q and now - q[0] > window:
            q.popleft()
        if len(q) >= count:
            return int(window - (now - q[0])) + 1
        q.append(now)
    return None


def check(kind: str, wid: str, who):
    wait = hit(kind, (wid, who))
    if wait is not None:
        raise ServiceError(429, "err.locked_out" if kind == "login" else "err.rate", {"seconds": wait})


def check_request(kind: str, wid: str, actor: dict):
    """The limits for one API request of this actor."""
    addr = request.remote_addr
    if kind == "login":
        return check("login", wid, addr)
    if kind == "write":
        check("write", wid, actor.get("id") or addr)
        return check("write_ip", wid, addr)
    return check(kind, wid, actor.get("id") or addr)


def check_org_create(wid: str, actor: dict):
    """A phone creates its organisation once, maybe twice: a script creating hundreds is stopped."""
    if actor.get("role") == "participant":
        check("org", wid, actor.get("phone") or actor.get("device") or actor.get("id"))
        check("org_ip", wid, request.remote_addr)


def check_join_code(wid: str, actor: dict):
    check("join_code", wid, actor.get("phone") or actor.get("device") or actor.get("id"))
    check("join_code", wid, request.remote_addr)


def success(kind: str, wid: str, who):
    """A good sign-in clears the failures counted against this address."""
    with _lock:
        _hits.pop((kind, (wid, who)), None)


def forget(kind: str, key):
    with _lock:
        _hits.pop((kind, key), None)


def reset():
    with _lock:
        _hits.clear()
