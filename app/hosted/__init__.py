"""Hosted mode: several single-worker processes behind nginx, Redis as the Socket.IO message queue.

Off unless ``--message-queue`` (or ``ATELIER_MESSAGE_QUEUE``) is given: the laptop imports nothing of
Redis. With it, every broadcast goes through Redis to every process, so a screen connected anywhere gets
its workshop's changes; each workshop is written by one process only, its *owner* on the nginx hash
ring over ``--upstreams`` (see :mod:`.ring`), which opens only the workshop files it owns.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from .ring import Ring

ENV = {"MESSAGE_QUEUE": "ATELIER_MESSAGE_QUEUE", "UPSTREAMS": "ATELIER_UPSTREAMS",
       "ADVERTISE": "ATELIER_ADVERTISE"}


def split_upstreams(value) -> list[str]:
    """``"a:1,b:2"``, ``"a:1 b:2"`` or a list -> ``["a:1", "b:2"]`` in the given order (the ring's order)."""
    if not value:
        return []
    items = value if isinstance(value, (list, tuple)) else [value]
    out = []
    for item in items:
        out += [s for s in str(item).replace(",", " ").split() if s]
    return out


def settings(config) -> dict:
    """The hosted settings from the app's config, else the environment."""
    return {key: config.get(key) or os.environ.get(env) or None for key, env in ENV.items()}


@dataclass
class Placement:
    """Which workshops this process owns. Without ``upstreams`` (one process on Redis) it owns all."""

    me: str | None
    ring: Ring | None

    def owner(self, key: str) -> str | None:
        return self.ring.owner(key) if self.ring else self.me

    def owns(self, key: str) -> bool:
        return self.ring is None or self.ring.owner(key) == self.me


def placement(config) -> Placement | None:
    s = settings(config)
    if not s["MESSAGE_QUEUE"]:
        return None
    ups = split_upstreams(s["UPSTREAMS"])
    me = s["ADVERTISE"] or (f"{config.get('LISTEN_HOST')}:{config.get('LISTEN_PORT')}"
                            if config.get("LISTEN_PORT") else None)
    if ups and me not in ups:
        raise SystemExit(f"--advertise {me} is not one of --upstreams {' '.join(ups)}")
    return Placement(me, Ring(ups) if ups else None)


def queue_manager(url: str):
    """The Socket.IO client manager on Redis (python ``redis`` imported here only)."""
    from importlib.util import find_spec

    if find_spec("redis") is None:
        raise SystemExit("--message-queue needs the redis package: pip install -r requirements-hosted.txt")
    from .queue import QueueManager

    return QueueManager(url, channel="atelier", redis_options={"socket_connect_timeout": 1,
                                                               "socket_keepalive": True})


def install(app, registry, where: Placement):
    """Hosted-only parts: the owner's internal routes and heartbeat, routing checks, proxy headers."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from . import remote, routing

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    app.extensions["placement"] = where
    routing.install(app, registry, where)
    remote.install(app, registry, where)
