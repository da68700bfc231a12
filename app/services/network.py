"""The room's network: which address phones are given, the wifi check, the second backup folder.

Server-wide, not journaled: the address is a fact about tonight's laptop and
venue, not about the workshop's records (it lives in ``app.config`` until the
server stops; at the next start the default route is found again). The
second backup folder is remembered in ``<data>/settings.json`` so the USB
stick keeps receiving copies after a restart. Wifi-check results are kept in
memory per workshop: they only matter before the doors open.
"""
from __future__ import annotations

import json
import re
import os
import statistics
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from .. import netinfo
from ..rules import validation as V
from . import ServiceError, authorize, check

SLOW_MS = 300          # a round trip above this makes typing on a phone feel sluggish
CHECK_WINDOW_S = 3600  # wifi checks older than an hour no longer describe the room
_checks: dict[str, dict[str, dict]] = {}
_lock = threading.Lock()


# -- the address phones are given ---------------------------------------------------------------------------
def addresses(app) -> tuple[list[dict], str | None]:
    """``(offered, current)``: every address this laptop can offer phones, best first, with its
    interface's name and kind, and the one phones are given now — from one reading of the interfaces."""
    port = app.config.get("LISTEN_PORT") or 5000
    found = netinfo.interfaces()
    current = _current(app, found)
    return [{**i.as_dict(), "url": f"http://{i.address}:{port}", "current": f"http://{i.address}:{port}" == current}
            for i in found], current


def current_url(app) -> str | None:
    return _current(app, None)


def _current(app, found) -> str | None:
    url = app.config.get("PUBLIC_URL")
    if url:
        return url.rstrip("/")
    listed = [i for i in (netinfo.interfaces() if found is None else found) if i.up]
    return f"http://{listed[0].address}:{app.config.get('LISTEN_PORT') or 5000}" if listed else None


def _valid_url(url) -> str | None:
    if not isinstance(url, str) or len(url) > 200:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        return None
    try:
        parts.port
    except ValueError:
        return None
    if not re.fullmatch(r"[A-Za-z0-9.-]{1,253}|[0-9A-Fa-f:.]+", parts.hostname):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def choose_address(app, ws, actor, data: dict) -> dict:
    """The organiser picks the address in the QR, posters and wall (another wifi card, a hotspot)."""
    authorize(ws, actor, "server.network")
    url = _valid_url(check(V.NETWORK_ADDRESS, data)["url"])
    if url is None:
        raise ServiceError(422, "err.invalid", fields={"url": ("net.bad_url", {})})
    app.config["PUBLIC_URL"] = url
    from .. import realtime

    registry = app.extensions["registry"]
    for other in registry.all():
        realtime.notice(other, "address", {"join_url": f"{url}/j/{other.code}", "base_url": url},
                        roles=("organiser", "facilitator", "projector"))
    return {"url": url, "join_url": f"{url}/j/{ws.code}"}


# -- the wifi check ------------------------------------------------------------------------------------------
def record_check(ws, actor, data: dict) -> dict:
    """One phone's result from the "Testez votre connexion" page."""
    authorize(ws, actor, "wifi.check")
    clean = check(V.WIFI_CHECK, data)
    result = {"median_ms": round(float(clean["median_ms"]), 1), "worst_ms": round(float(clean["worst_ms"]), 1),
              "lost": clean["lost"], "websocket": bool(clean["websocket"]), "at": time.time()}
    with _lock:
        mine = _checks.setdefault(ws.id, {})
        mine[clean["phone"]] = result
        _prune(mine, result["at"])
    summary = check_summary(ws)
    from .. import realtime

    realtime.notice(ws, "wifi_check", summary, roles=("organiser",))
    return {"result": {k: v for k, v in result.items() if k != "at"},
            "slow": result["median_ms"] > SLOW_MS or result["lost"] > 0}


MAX_CHECKS = 2000  # phones remembered per workshop: a day of checks at a big forum, bounded memory


def _prune(mine: dict, now: float) -> None:
    """Forget checks past the window, then the oldest beyond ``MAX_CHECKS`` (the server runs for days)."""
    for phone in [p for p, r in mine.items() if now - r["at"] > CHECK_WINDOW_S]:
        del mine[phone]
    if len(mine) > MAX_CHECKS:
        for phone, _ in sorted(mine.items(), key=lambda kv: kv[1]["at"])[:len(mine) - MAX_CHECKS]:
            del mine[phone]


def check_summary(ws) -> dict:
    now = time.time()
    with _lock:
        rows = [r for r in _checks.get(ws.id, {}).values() if now - r["at"] <= CHECK_WINDOW_S]
    slow = [r for r in rows if r["median_ms"] > SLOW_MS]
    dropped = [r for r in rows if r["lost"] > 0]
    no_ws = [r for r in rows if not r["websocket"]]
    return {"phones": len(rows), "slow": len(slow), "dropped": len(dropped), "no_websocket": len(no_ws),
            "median_ms": round(statistics.median([r["median_ms"] for r in rows]), 1) if rows else None,
            "worst_ms": max((r["worst_ms"] for r in rows), default=None), "slow_ms": SLOW_MS}


def forget_checks(ws_id: str | None = None) -> None:
    with _lock:
        if ws_id is None:
            _checks.clear()
        else:
            _checks.pop(ws_id, None)


# -- the second backup folder --------------------------------------------------------------------------------
def _settings_path(app) -> Path:
    return Path(app.config["DATA_DIR"]) / "settings.json"


def load_settings(app) -> dict:
    try:
        data = json.loads(_settings_path(app).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def apply_saved_settings(app) -> None:
    """At start: the USB folder chosen last time (unless the command line named one)."""
    folder = load_settings(app).get("backup_copy_to")
    if folder and not app.config.get("BACKUP_COPY_TO"):
        app.config["BACKUP_COPY_TO"] = folder


def choose_backup_folder(app, ws, actor, data: dict) -> dict:
    """Also copy every automatic backup to this folder (a USB stick); ``""`` turns it off. The folder
    must exist and be writable now: a copy is made at once to prove it."""
    authorize(ws, actor, "server.network")
    folder = (check(V.BACKUP_FOLDER, data).get("folder") or "").strip()
    settings = load_settings(app)
    copied = None
    if folder:
        path = Path(folder).expanduser()
        if not path.is_absolute() or not path.is_dir() or not os.access(path, os.W_OK):
            raise ServiceError(422, "err.invalid", fields={"folder": ("net.folder_missing", {"folder": folder})})
        from .. import backup

        try:
            first = backup.backup_now(ws)
            copied = str(backup.copy_to_second_folder(first, ws.id, path))
        except OSError as exc:
            raise ServiceError(422, "err.invalid",
                               fields={"folder": ("net.folder_failed", {"error": exc.strerror or str(exc)})})
        folder = str(path)
    settings["backup_copy_to"] = folder or None
    try:
        tmp = _settings_path(app).with_suffix(".json.part")
        tmp.write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, _settings_path(app))
    except OSError:
        raise ServiceError(503, "err.storage")
    app.config["BACKUP_COPY_TO"] = folder or None
    return {"folder": folder or None, "copied": copied}
