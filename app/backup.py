"""Backups of each workshop file: automatic during the event, on demand, and restore.

Where: ``<data_dir>/backups/<workshop id>/<YYYYmmdd-HHMMSS-ffffff>.sqlite``
(UTC time in the name, so names sort in time order).

How: the SQLite online backup API copies the whole file in **one step**
from a separate read connection. In WAL mode a reader never blocks the
writer, so writes go on during the copy; one step means the copy is one
consistent snapshot (a multi-step backup restarts whenever another
connection writes in between, and may never finish under steady writes).
The copy is written to ``*.partial``, switched to a self-contained
rollback-journal file, checked (``quick_check``), fsynced and only then
renamed into place: a crash during a backup never leaves a half file with a
valid name. In gevent mode the copy runs in gevent's native thread pool, so
the event loop keeps serving screens meanwhile.

When: ``start_periodic`` backs up every few minutes (``python run.py
--backup-every M``, default 5, 0 turns it off) each workshop whose journal
moved since its last backup; the organiser page can ask for one at any time
(:func:`on_demand`); ``python run.py backup <workshop>`` does it from a shell
(also while the server runs).

Rotation: the newest 12 files are kept, plus the newest file of every
clock hour (UTC) before them.

Restore: **stop the server first** (Ctrl+C), then ``python run.py restore
<backup file>``. The live file of that workshop is kept next to it as
``<id>.sqlite.before-restore-<timestamp>`` and the backup becomes the live
file. A restore is refused while any process still has the workshop file
open (detected by SQLite itself: leaving WAL mode needs every other
connection closed).
"""
from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import workers
from .paths import default_data_dir

log = logging.getLogger("atelier.backup")

KEEP_NEWEST = 12
STAMP = "%Y%m%d-%H%M%S-%f"
SUFFIX = ".sqlite"


class BackupError(Exception):
    """A backup or restore that could not be done; ``key`` is a translation key."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key, self.params = key, params

    def message(self, lang: str | None = None) -> str:
        from .i18n import t

        return t(self.key, lang, **self.params)


@dataclass
class Backup:
    path: Path
    at: datetime
    size: int

    def as_dict(self) -> dict:
        return {"file": self.path.name, "path": str(self.path), "at": self.at.isoformat(timespec="seconds"),
                "size": self.size}


# -- where ------------------------------------------------------------------
def data_dir_of(ws) -> Path:
    return Path(ws.store.path).resolve().parent


def folder(data_dir, workshop_id: str) -> Path:
    return Path(data_dir) / "backups" / workshop_id


def _stamp(name: str) -> datetime | None:
    if not name.endswith(SUFFIX):
        return None
    try:
        return datetime.strptime(name[: -len(SUFFIX)], STAMP).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _files(dir_: Path) -> list[tuple[datetime, Path]]:
    """Backup files of one folder, newest first (other files are ignored)."""
    if not dir_.is_dir():
        return []
    out = []
    for p in dir_.iterdir():
        at = _stamp(p.name)
        if at is not None and p.is_file():
            out.append((at, p))
    out.sort(key=lambda x: x[0], reverse=True)
    return out


def list_backups(data_dir, workshop_id: str) -> list[Backup]:
    """The backups of one workshop, newest first."""
    out = []
    for at, p in _files(folder(data_dir, workshop_id)):
        try:
            out.append(Backup(p, at, p.stat().st_size))
        except OSError:
            continue
    return out


# -- copy -------------------------------------------------------------------
def _fsync_dir(path: Path):
    try:
        fd = os.open(str(path), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path):
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


def copy_database(src_path, dest_path) -> int:
    """One consistent snapshot of ``src_path`` into a new, self-contained file.

    Returns the journal ``seq`` the copy holds. Plain sqlite3 and file calls
    only, so it can run in a native thread (gevent's thread pool).
    """
    dest_path = Path(dest_path)
    tmp = dest_path.with_name(dest_path.name + ".partial")
    if tmp.exists():
        tmp.unlink()
    src = sqlite3.connect(str(src_path), timeout=10)
    try:
        src.execute("PRAGMA busy_timeout=10000")
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst, pages=-1)  # one step: one read snapshot, writers not blocked (WAL)
            dst.execute("PRAGMA journal_mode=DELETE")
            ok = dst.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise sqlite3.DatabaseError(f"backup copy failed its check: {ok}")
            try:
                seq = dst.execute("SELECT MAX(seq) FROM events").fetchone()[0] or 0
            except sqlite3.OperationalError:
                seq = 0
        finally:
            dst.close()
    except BaseException:
        src.close()
        tmp.unlink(missing_ok=True)
        raise
    src.close()
    _fsync_file(tmp)
    os.replace(tmp, dest_path)
    _fsync_dir(dest_path.parent)
    return seq


_last_seq: dict[str, int] = {}
_lock = threading.Lock()


def _backup(ws, dest_dir=None, keep: int = KEEP_NEWEST) -> tuple[Path, int]:
    dest = Path(dest_dir) if dest_dir else folder(data_dir_of(ws), ws.id)
    dest.mkdir(parents=True, exist_ok=True)
    now = datetime.now(timezone.utc)
    path = dest / (now.strftime(STAMP) + SUFFIX)
    while path.exists():  # two backups in the same microsecond
        now = now.replace(microsecond=(now.microsecond + 1) % 1_000_000)
        path = dest / (now.strftime(STAMP) + SUFFIX)
    seq = workers.run_native(copy_database, ws.store.path, path)
    _last_seq[ws.id] = seq
    rotate(dest, keep=keep)
    log.info("backup of %s: %s (seq %s)", ws.id, path, seq)
    return path, seq


def backup_now(ws, dest_dir=None, keep: int = KEEP_NEWEST) -> Path:
    """Back up one workshop now; returns the new file. Raises ``OSError`` / ``sqlite3.Error``."""
    return _backup(ws, dest_dir, keep)[0]


def rotate(dir_, keep: int = KEEP_NEWEST) -> list[Path]:
    """Keep the newest ``keep`` files plus the newest of each clock hour; returns the deleted files."""
    files = _files(Path(dir_))
    kept = {p for _, p in files[:keep]}
    hours = set()
    for at, p in files:  # newest first: the first seen in an hour is that hour's newest
        h = at.strftime("%Y%m%d%H")
        if h not in hours:
            hours.add(h)
            kept.add(p)
    deleted = []
    for _, p in files:
        if p not in kept:
            try:
                p.unlink()
                deleted.append(p)
            except OSError as exc:
                log.warning("could not delete old backup %s: %s", p, exc)
    return deleted


def _seq_of(path: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return conn.execute("SELECT MAX(seq) FROM events").fetchone()[0] or 0
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def backed_up_seq(ws) -> int | None:
    """The journal seq of this workshop's newest backup (None: no usable backup)."""
    if ws.id in _last_seq:
        return _last_seq[ws.id]
    for b in list_backups(data_dir_of(ws), ws.id):
        seq = _seq_of(b.path)
        if seq is not None:
            _last_seq[ws.id] = seq
            return seq
    return None


def copy_to_second_folder(path: Path, workshop_id: str, second) -> Path:
    """Copy a finished backup to the organiser's second folder (a USB stick): checked file, fsynced,
    renamed into place, rotated like the first copies. Raises ``OSError`` when the folder is gone."""
    dest = Path(second) / "atelier-backups" / workshop_id
    dest.mkdir(parents=True, exist_ok=True)
    tmp = dest / (path.name + ".part")
    shutil.copyfile(path, tmp)
    _fsync_file(tmp)
    final = dest / path.name
    os.replace(tmp, final)
    _fsync_dir(dest)
    rotate(dest)
    return final


def backup_changed(registry, copy_to=None) -> list[Path]:
    """One pass: back up every workshop whose journal moved since its last backup (and, when
    ``copy_to`` names a folder, copy each new backup there too)."""
    made = []
    with _lock:
        for ws in registry.all():
            try:
                if backed_up_seq(ws) == ws.store.last_seq():
                    continue
                path = backup_now(ws)
                made.append(path)
                if copy_to:
                    made.append(copy_to_second_folder(path, ws.id, copy_to))
            except Exception as exc:  # a full disk must not stop the loop, nor the server
                log.error("automatic backup of %s failed: %s", ws.id, exc)
                try:
                    from . import realtime

                    realtime.storage_alert(ws, f"backup: {exc}")
                except Exception:
                    pass
    return made


def start_periodic(app, registry, minutes: float = 5):
    """Back up changed workshops every ``minutes``, in a background loop (:mod:`app.periodic`).

    ``app.extensions["backup_loop"].stop()`` stops it.
    """
    from . import periodic

    seconds = max(float(minutes) * 60.0, 0.2)
    loop = periodic.every("backup", seconds, lambda: backup_changed(
        registry, copy_to=getattr(app, "config", {}).get("BACKUP_COPY_TO")))
    app.extensions["backup_loop"] = loop
    log.info("automatic backups every %.3g min in %s", seconds / 60, Path(registry.data_dir) / "backups")
    return loop


# -- for the web layer ------------------------------------------------------
def on_demand(ws, actor) -> dict:
    """The organiser's "back up now" button: ``{file, path, at, size, count, message}``.

    Organiser only; raises ``ServiceError`` (403, or 503 ``backup.failed`` when
    the disk refuses), so an API route can hand it to ``error_response``.
    """
    from .i18n import t
    from .services import ServiceError, authorize

    authorize(ws, actor, "workshop.manage")
    try:
        path = backup_now(ws)
    except (OSError, sqlite3.Error) as exc:
        log.error("on-demand backup of %s failed: %s", ws.id, exc)
        raise ServiceError(503, "backup.failed", {"error": str(exc)}) from None
    backups = list_backups(data_dir_of(ws), ws.id)
    info = next((b for b in backups if b.path == path), Backup(path, datetime.now(timezone.utc), 0))
    return {**info.as_dict(), "count": len(backups), "message": t("backup.done", file=path.name)}


# -- restore ------------------------------------------------------------------
def _read_backup(path: Path) -> dict:
    if not path.is_file():
        raise BackupError("backup.bad_file", file=str(path))
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("backup.bad_file", file=str(path))
            row = conn.execute("SELECT id, code, name FROM workshop LIMIT 1").fetchone()
            seq = conn.execute("SELECT MAX(seq) FROM events").fetchone()[0] or 0
        finally:
            conn.close()
    except sqlite3.Error:
        raise BackupError("backup.bad_file", file=str(path)) from None
    if not row:
        raise BackupError("backup.bad_file", file=str(path))
    return {"id": row[0], "code": row[1], "name": row[2], "seq": seq}


def in_use(db_path) -> bool:
    """True if another connection (this process or another) has the file open.

    Leaving WAL mode needs every other connection closed; as a side effect a
    free file is checkpointed into one self-contained file, which is what we
    keep aside before a restore.
    """
    conn = sqlite3.connect(str(db_path), timeout=0.5, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        return str(mode).lower() != "delete"
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def restore(backup_path, data_dir) -> dict:
    """Make a backup the live file of its workshop. **Stop the server first.**

    Returns ``{workshop, code, name, seq, live, kept}`` (``kept``: the
    replaced file, or None). Raises :class:`BackupError`.
    """
    backup_path = Path(backup_path)
    data_dir = Path(data_dir)
    info = _read_backup(backup_path)
    data_dir.mkdir(parents=True, exist_ok=True)
    live = data_dir / f"{info['id']}.sqlite"
    if live.resolve() == backup_path.resolve():
        raise BackupError("backup.bad_file", file=str(backup_path))
    kept = None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    if live.exists():
        if in_use(live):
            raise BackupError("backup.server_running", file=str(live))
        kept = live.with_name(f"{live.name}.before-restore-{stamp}")
        os.replace(live, kept)
    # A WAL or shared-memory file left next to the old file must never be applied to the restored one.
    for ext in ("-wal", "-shm", "-journal"):
        side = live.with_name(live.name + ext)
        if side.exists():
            os.replace(side, live.with_name(f"{live.name}.before-restore-{stamp}{ext}"))
    tmp = live.with_name(live.name + ".restoring")
    shutil.copyfile(backup_path, tmp)
    _fsync_file(tmp)
    os.replace(tmp, live)
    _fsync_dir(data_dir)
    _last_seq.pop(info["id"], None)
    log.info("restored %s from %s (kept %s)", live, backup_path, kept)
    return {"workshop": info["id"], "code": info["code"], "name": info["name"], "seq": info["seq"],
            "live": str(live), "kept": str(kept) if kept else None}


# -- command line -------------------------------------------------------------
def _find(registry, ref: str):
    return registry.get(ref) or registry.by_code(ref)


def cmd_backup(args) -> int:
    from .i18n import t
    from .registry import Registry

    reg = Registry(args.data_dir)
    try:
        targets = reg.all() if args.workshop == "all" else [w for w in [_find(reg, args.workshop)] if w]
        if not targets:
            print(t("backup.not_found", ref=args.workshop), file=sys.stderr)
            return 2
        for ws in targets:
            try:
                path = backup_now(ws, args.dest)
            except (OSError, sqlite3.Error) as exc:
                print(t("backup.failed", error=str(exc)), file=sys.stderr)
                return 1
            print(t("backup.done", file=str(path)))
    finally:
        reg.close()
    return 0


def cmd_restore(args) -> int:
    from .i18n import t

    if args.list:
        ref = args.list
        wid = ref
        if not (Path(args.data_dir) / f"{ref}.sqlite").exists() and not folder(args.data_dir, ref).is_dir():
            from .registry import Registry

            reg = Registry(args.data_dir)
            try:
                ws = _find(reg, ref)
                wid = ws.id if ws else None
            finally:
                reg.close()
        backups = list_backups(args.data_dir, wid) if wid else []
        if not backups:
            print(t("backup.none", ref=ref))
            return 0 if wid else 2
        print(t("backup.list_header", ref=ref))
        for b in backups:
            print(f"  {b.path}  {b.at.isoformat(timespec='seconds')}  {b.size // 1024} Kio")
        return 0
    if not args.backup:
        print(t("backup.need_file"), file=sys.stderr)
        return 2
    try:
        out = restore(args.backup, args.data_dir)
    except BackupError as exc:
        print(exc.message(), file=sys.stderr)
        return 1
    except OSError as exc:
        print(t("backup.failed", error=str(exc)), file=sys.stderr)
        return 1
    print(t("backup.restored", name=out["name"], file=str(args.backup), seq=out["seq"]))
    if out["kept"]:
        print(t("backup.kept", file=out["kept"]))
    return 0


def add_commands(subparsers):
    DEFAULT_DATA = default_data_dir()

    b = subparsers.add_parser(
        "backup", help="back up a workshop file now (also while the server runs)",
        description="Copy a workshop's SQLite file, consistently, into <data-dir>/backups/<workshop id>/. "
                    "Safe while the server runs; the newest 12 backups and one per hour are kept.")
    b.add_argument("workshop", help="workshop id or join code, or 'all'")
    b.add_argument("--data-dir", default=DEFAULT_DATA, help="folder of workshop files (default: sessions/)")
    b.add_argument("--dest", default=None, help="folder for the copy (default: <data-dir>/backups/<id>/)")
    b.set_defaults(func=cmd_backup)

    r = subparsers.add_parser(
        "restore", help="bring a backup back as the live workshop file (stop the server first)",
        description="Stop the server first. The backup becomes <data-dir>/<workshop id>.sqlite; the replaced "
                    "file is kept as <id>.sqlite.before-restore-<timestamp>. Refused while the file is open.")
    r.add_argument("backup", nargs="?", help="the backup file (.sqlite) to restore")
    r.add_argument("--data-dir", default=DEFAULT_DATA, help="folder of workshop files (default: sessions/)")
    r.add_argument("--list", metavar="WORKSHOP", help="list the backups of a workshop (id or join code)")
    r.set_defaults(func=cmd_restore)
