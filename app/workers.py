"""Heavy work off the event loop.

* :func:`run_in_worker` runs a function in a worker *process* (so it uses
  the laptop's other core and never pauses a screen): exports, import
  parsing, and any heavy computation (suggestions, B2B planning). The
  function and its arguments must be picklable (a module-level function,
  plain data: pass a workshop's file path, not its store); it reads the
  workshop through :class:`app.store.Snapshot`. Portable: the "spawn" start
  method (no ``fork``), and it works under gevent's monkey-patching.
* :func:`run_native` runs blocking work (SQLite commits, file copies) in a
  native thread when the server runs under gevent, so the loop keeps going.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

log = logging.getLogger("atelier.workers")

try:
    from gevent import monkey as _monkey
except ImportError:  # pragma: no cover - gevent is a dependency, but keep the module usable without it
    _monkey = None


def under_gevent() -> bool:
    return bool(_monkey and _monkey.is_module_patched("threading"))


def native_thread_id() -> int:
    """The OS thread's id (under gevent, ``threading.get_ident`` names the greenlet instead)."""
    if under_gevent():
        return _monkey.get_original("_thread", "get_ident")()
    return threading.get_ident()


def current_id() -> tuple[int, int]:
    """This OS thread and, under gevent, this greenlet: who is running now."""
    return native_thread_id(), threading.get_ident()


def run_native(fn, *args):
    """``fn(*args)``, in a native thread of gevent's pool when the server runs under gevent."""
    if under_gevent():
        import gevent

        return gevent.get_hub().threadpool.apply(fn, args)
    return fn(*args)


def worker_count() -> int:
    """``ATELIER_WORKERS`` (default 1: the laptop has two cores and the server uses one)."""
    try:
        return max(1, int(os.environ.get("ATELIER_WORKERS", "1")))
    except ValueError:
        return 1


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


_closed = False  # the server is stopping: no new worker process


class Stopping(RuntimeError):
    """The server is stopping: the job was not (or no longer) run. The request gets a 503, nothing is logged."""


def _get_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _closed:
            raise Stopping("the server is stopping")
        if _pool is None:
            _pool = ProcessPoolExecutor(max_workers=worker_count(), mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_worker_init)
        return _pool


def _worker_init(nice: int = 10):
    """In the worker: quiet, and ``nice`` below the live server where the OS allows it (exports: +10, on
    two busy cores the screens come first, a download waits a little longer). It ends with the server:
    a server killed or crashed leaves no worker behind, holding memory, until the laptop restarts."""
    logging.basicConfig(level=logging.WARNING)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent,), name="end-with-server", daemon=True).start()
    if nice:
        try:
            os.nice(nice)
        except (AttributeError, OSError):
            pass


def _end_with(parent):
    parent.join()  # returns once the server's process is gone (its sentinel pipe closes)
    os._exit(0)


def run_in_worker(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` in a worker process; returns its result or raises its exception.

    The caller (a request's greenlet or thread) waits; the loop does not. If
    the worker process died (killed, out of memory), a new one is started and
    the call is made once more."""
    return _call(_get_pool, _drop_pool, fn, args, kwargs)


def _drop_pool(pool):
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None


def _call(get, drop, fn, args, kwargs):
    """Submit to ``get()``'s pool and wait; a lost process (``BrokenProcessPool``) is dropped and the call
    made once more on a new one."""
    for attempt in (1, 2):
        pool = get()
        try:
            return pool.submit(fn, *args, **kwargs).result()
        except BrokenProcessPool:
            if _closed:
                raise Stopping("the server is stopping") from None
            log.warning("worker process lost; starting a new one")
            drop(pool)
            pool.shutdown(wait=False, cancel_futures=True)
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


class Dedicated:
    """A worker process of its own for work that keeps state between calls (the matcher's engines):
    calls run one after another, never behind an export. ``starts`` counts the processes started: a
    new one (the last was lost, or stopped) has no state and rebuilds it from the files. ``nice``: how
    far below the server it runs (0: as the server, for work the screens wait for)."""

    def __init__(self, name: str, nice: int = 10):
        self.name = name
        self.nice = nice
        self.starts = 0
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        with _pool_lock:
            _dedicated.append(self)

    def _get(self) -> ProcessPoolExecutor:
        with self._lock:
            if _closed:
                raise Stopping("the server is stopping")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_worker_init, initargs=(self.nice,))
                self.starts += 1
            return self._pool

    def _drop(self, pool):
        with self._lock:
            if self._pool is pool:
                self._pool = None

    def call(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)`` in this process; as :func:`run_in_worker` otherwise."""
        return _call(self._get, self._drop, fn, args, kwargs)

    def stop(self, wait: bool = True):
        """End the process; a later call starts a new one."""
        with self._lock:
            pool, self._pool = self._pool, None
        _stop_pool(pool, wait)

    def close(self):
        """Stop for good: no longer one of the processes :func:`shutdown` stops."""
        self.stop(wait=False)
        with _pool_lock:
            if self in _dedicated:
                _dedicated.remove(self)


_dedicated: list[Dedicated] = []


_warmed = False


def warm(*modules: str):
    """Start the worker process now, in the background, and import ``modules`` in it, so that the
    first export does not wait for a Python to start (seconds on a busy laptop). Returns at once."""
    global _warmed
    if _warmed:
        return
    _warmed = True
    try:
        _get_pool().submit(_import_modules, modules)
    except Stopping:
        pass
    except Exception:  # noqa: BLE001 - a warm-up is only a head start
        log.exception("worker warm-up")


def _import_modules(modules):
    import importlib

    for name in modules:
        importlib.import_module(name)
    return os.getpid()


def shutdown(wait: bool = True):
    """Stop the worker processes (tests, clean exit).

    ``wait=False`` is the server stopping: the processes are ended at once and no new one is started, so
    a stop never waits for an export or a warm-up under way (seconds to tens of seconds on a busy laptop).
    Nothing is lost: a worker only reads (a snapshot of a workshop file, an uploaded spreadsheet) and the
    request that waited for it is not answered anyway."""
    global _pool, _closed
    with _pool_lock:
        pool, _pool = _pool, None
        _closed = _closed or not wait
        dedicated = list(_dedicated)
    _stop_pool(pool, wait)
    for d in dedicated:
        d.stop(wait)


def _stop_pool(pool: ProcessPoolExecutor | None, wait: bool):
    if pool is None:
        return
    if not wait:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):  # (3.14: terminate_workers())
            try:
                proc.terminate()
            except (OSError, AttributeError):
                pass
    pool.shutdown(wait=wait, cancel_futures=True)


def ping() -> int:
    """A trivial job: the worker's process id (tests, warm-up)."""
    return os.getpid()
