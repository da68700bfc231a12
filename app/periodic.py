"""The server's background loops (automatic backups, weekly reminders, start-up warm-ups), in one place.

A loop runs ``fn`` every ``every`` seconds (or once, after a delay), logs an
exception and goes on, and stops at :meth:`Loop.stop` within a second, even in
the middle of a long wait. With a Socket.IO server in this process it is one of
its background tasks (a greenlet under gevent, so it never holds the event
loop); without one (a command, a test) it is a daemon thread. Neither keeps
the process alive when the server stops.
"""
from __future__ import annotations

import logging
import threading
import time

log = logging.getLogger("atelier")

STEP = 1.0  # longest nap between two looks at the stop flag (seconds)


class Loop:
    def __init__(self, name: str, fn, every: float | None, after: float):
        self.name, self.fn, self.every, self.after = name, fn, every, after
        self.runs = 0  # calls of ``fn`` finished (with or without an exception)
        self._stop = threading.Event()
        self._done = threading.Event()
        self._sleep = time.sleep

    def stop(self) -> None:
        """End the loop: a call of ``fn`` under way finishes, no other starts."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    @property
    def alive(self) -> bool:
        return not self._done.is_set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the loop to end; True if it has."""
        return self._done.wait(timeout)

    def _nap(self, seconds: float) -> bool:
        """Sleep ``seconds`` in short naps; False as soon as the loop is stopped."""
        end = time.monotonic() + seconds
        while not self._stop.is_set():
            left = end - time.monotonic()
            if left <= 0:
                return True
            self._sleep(min(left, STEP))
        return False

    def _run(self) -> None:
        try:
            wait = self.after
            while self._nap(wait):
                try:
                    self.fn()
                except Exception:  # never let the loop die
                    log.exception("background task %s", self.name)
                self.runs += 1
                if self.every is None:
                    break
                wait = self.every
        finally:
            self._done.set()


_started: list[Loop] = []


def stop_all() -> None:
    """The server is stopping: no loop starts another call."""
    for loop in list(_started):
        loop.stop()


def _launch(loop: Loop) -> Loop:
    from .realtime import socketio

    _started[:] = [x for x in _started if x.alive]
    _started.append(loop)

    if socketio.server is not None:
        loop._sleep = socketio.sleep
        socketio.start_background_task(loop._run)
    else:
        threading.Thread(target=loop._run, name=f"atelier-{loop.name}", daemon=True).start()
    return loop


def every(name: str, seconds: float, fn, *, after: float | None = None) -> Loop:
    """Call ``fn()`` every ``seconds`` (the first time after ``after``, default ``seconds``)."""
    return _launch(Loop(name, fn, float(seconds), float(seconds if after is None else after)))


def once(name: str, after: float, fn) -> Loop:
    """Call ``fn()`` once, ``after`` seconds from now (start-up work that must not delay the first screens)."""
    return _launch(Loop(name, fn, None, float(after)))
