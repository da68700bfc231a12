"""The addresses phones and projectors are given (LAN address, never localhost)."""
from __future__ import annotations

from flask import current_app, request, url_for

from .. import netinfo


def base_url() -> str:
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/")
    host = request.host.split(":")[0] if request else "localhost"
    if host in ("localhost", "127.0.0.1", "::1", "[::1]"):
        addrs = netinfo.lan_addresses()
        if addrs:
            port = request.host.split(":")[1] if ":" in request.host else "80"
            return f"{request.scheme}://{addrs[0]}:{port}"
    return request.host_url.rstrip("/")


def join_url(ws, table: int | None = None) -> str:
    url = f"{base_url()}/j/{ws.code}"
    return f"{url}?t={table}" if table else url


def organiser_url(ws) -> str:
    return f"{base_url()}{url_for('organiser.page', code=ws.code)}"
