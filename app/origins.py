"""The server's own origins: the only pages allowed to open its socket or to write.

A browser sends ``Origin`` on every websocket handshake and every POST or
PATCH. With ``cors_allowed_origins=[]`` python-engineio skipped its check,
so a page on another port of the same host could open the organiser's
socket with the organiser's cookie. Own origins are the configured public
URL and the addresses the server listens on (every local address when it
listens on all of them), with its port. A request with no ``Origin`` (a
script, a test client, an old browser's same-origin GET) is not a
cross-site page and is let through to the usual role checks.
"""
from __future__ import annotations

import socket
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app, has_app_context

ANY_HOST = ("", "0.0.0.0", "::", "[::]")
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _origin(url: str) -> str | None:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    default = 443 if parts.scheme == "https" else 80
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + ("" if (port or default) == default else f":{port}")


@lru_cache(maxsize=8)
def _local_hosts(listen_host: str) -> tuple[str, ...]:
    if listen_host not in ANY_HOST:
        hosts = {listen_host}
        if listen_host in LOOPBACK:
            hosts.update(LOOPBACK)
        return tuple(sorted(hosts))
    from .netinfo import lan_addresses

    name = socket.gethostname()
    return tuple(sorted({*LOOPBACK, *lan_addresses(), name, f"{name}.local"}))


def own_origins(config, port) -> set[str]:
    out = set()
    public = config.get("PUBLIC_URL")
    if public and _origin(public):
        out.add(_origin(public))
    for extra in config.get("TRUSTED_ORIGINS") or ():
        if _origin(extra):
            out.add(_origin(extra))
    if port:
        for host in _local_hosts(str(config.get("LISTEN_HOST") or "")):
            for scheme in ("http", "https"):
                o = _origin(f"{scheme}://{'[' + host + ']' if ':' in host else host}:{port}")
                if o:
                    out.add(o)
    return out


def is_own(origin: str | None, environ: dict) -> bool:
    """Checked by engineio on the socket handshake and by the app on every write."""
    if not origin:
        return True
    # engineio checks the handshake outside the app context: it uses the config install() kept.
    config = current_app.config if has_app_context() else _CONFIG.get("config", {})
    wanted = _origin(origin)
    return wanted is not None and wanted in own_origins(config, environ.get("SERVER_PORT"))


_CONFIG: dict = {}


def install(app):
    """Remember the app's config for engineio's handshake check (it runs outside the app context)."""
    _CONFIG["config"] = app.config
