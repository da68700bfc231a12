"""Workshops on disk: one SQLite file each under the data folder.

The registry opens each file once (one :class:`Store`, one writer) and keeps
the join code -> workshop map in memory, rebuilt from the files at start.
"""
from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from .store import Store

# No 0/O, 1/I/L: a code read aloud or from a projector is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LEN = 6


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LEN))


def normalise_code(code: str) -> str:
    """Forgive case, spaces and dashes a person may type."""
    if not isinstance(code, str):
        return ""
    return code.strip().upper().replace("-", "").replace(" ", "")[:CODE_LEN * 2]


@dataclass
class Workshop:
    id: str
    code: str
    store: Store

    def info(self) -> dict:
        return self.store.workshop()


class Registry:
    def __init__(self, data_dir, placement=None):
        """``placement`` (hosted mode, app.hosted): only the workshops this process owns are opened, and new
        ones get an id and a code that this process owns."""
        self.placement = placement
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._by_id: dict[str, Workshop] = {}
        self._by_code: dict[str, str] = {}
        self._lock = threading.RLock()
        self.scan()

    def path_for(self, workshop_id: str) -> Path:
        return self.data_dir / f"{workshop_id}.sqlite"

    def scan(self):
        with self._lock:
            for p in sorted(self.data_dir.glob("*.sqlite")):
                wid = p.stem
                if wid in self._by_id or (self.placement and not self.placement.owns(wid)):
                    continue
                try:
                    store = Store(p)
                    info = store.workshop()
                except Exception:  # a foreign or damaged file must not stop the server
                    continue
                if not info:
                    store.close()
                    continue
                self._add(Workshop(info["id"], info["code"], store))

    def _add(self, ws: Workshop):
        self._by_id[ws.id] = ws
        self._by_code[ws.code] = ws.id

    def open_new(self, workshop_id: str) -> Store:
        return Store(self.path_for(workshop_id))

    def register(self, store: Store) -> Workshop:
        info = store.workshop()
        ws = Workshop(info["id"], info["code"], store)
        with self._lock:
            self._add(ws)
        return ws

    def unused_code(self) -> str:
        with self._lock:
            while True:
                code = new_code()
                if code not in self._by_code and (self.placement is None or self.placement.owns(code)):
                    return code

    def new_workshop_id(self) -> str:
        from .store import new_id

        while True:
            wid = new_id()
            if self.placement is None or self.placement.owns(wid):
                return wid

    def get(self, workshop_id: str) -> Workshop | None:
        if not isinstance(workshop_id, str):
            return None
        return self._by_id.get(workshop_id)

    def by_code(self, code: str) -> Workshop | None:
        wid = self._by_code.get(normalise_code(code))
        return self._by_id.get(wid) if wid else None

    def all(self) -> list[Workshop]:
        return list(self._by_id.values())

    def close(self):
        for ws in self._by_id.values():
            ws.store.close()


def load_secret_key(data_dir) -> bytes:
    """Generated once per install and kept with the data, never in the code."""
    path = Path(data_dir) / ".secret_key"
    if path.exists():
        return path.read_bytes()
    key = secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".secret_key.{os.getpid()}")
    fd = os.open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    try:  # several processes starting together on one data folder (hosted): the first one's key wins
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_bytes()
    except OSError:  # no hard links here (some USB sticks): plain rename, last one wins before any use
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return key
