"""Uploaded files waiting for the organiser's confirmation, on the laptop's disk
(data folder ``imports/<workshop id>/<token>/``): the file as sent and the
choices made so far, so going back and forth between the steps never asks for
the file again. Abandoned uploads are swept after a day."""
from __future__ import annotations

import json
import secrets
import shutil
import time
from pathlib import Path

TTL = 24 * 3600


def folder(data_dir, ws_id: str) -> Path:
    return Path(data_dir) / "imports" / ws_id


def save(base: Path, content: bytes, filename: str, kind: str) -> str:
    token = secrets.token_hex(12)
    d = base / token
    d.mkdir(parents=True, exist_ok=True)
    (d / "file").write_bytes(content)
    write_meta(base, token, {"filename": filename, "kind": kind, "tab": None, "columns": {}, "values": {},
                             "created": time.time()})
    return token


def _dir(base: Path, token: str) -> Path | None:
    if not token or not token.isalnum() or len(token) > 64:
        return None
    d = base / token
    return d if (d / "file").is_file() and (d / "meta.json").is_file() else None


def load(base: Path, token: str):
    """(content, meta) or None when the upload is unknown or was swept."""
    d = _dir(base, token)
    if d is None:
        return None
    try:
        return (d / "file").read_bytes(), json.loads((d / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_meta(base: Path, token: str, meta: dict) -> None:
    d = base / token
    tmp = d / "meta.json.tmp"
    tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    tmp.replace(d / "meta.json")


def drop(base: Path, token: str) -> None:
    d = _dir(base, token)
    if d is not None:
        shutil.rmtree(d, ignore_errors=True)


def sweep(base: Path, ttl: float = TTL, now: float | None = None) -> int:
    """Remove uploads older than ``ttl`` seconds (and broken leftovers); returns how many."""
    now = time.time() if now is None else now
    removed = 0
    if not base.is_dir():
        return 0
    for d in base.iterdir():
        if not d.is_dir():
            continue
        try:
            age = now - d.stat().st_mtime
        except OSError:
            continue
        if age > ttl:
            shutil.rmtree(d, ignore_errors=True)
            removed += 1
    return removed
