"""The matcher where it runs: in the server's own process (:class:`Inline`), or in a worker process of
its own (:class:`Remote`), which the live server uses.

At the real event's size the matcher's catch-up and its records were a third of the server's work on
the event loop (the profile at 72 screens, 20 writes/s), and its engines a growing part of the server's
memory (about 22 KB per sheet and a 14 MB spelling index). In its own process it takes the laptop's
other core and its memory out of the server: the server sends which workshop changed, the process
reads the workshop file itself (read-only, :class:`app.store.Reader`), catches its engine up from the
journal and returns what moved. Both backends answer the same calls; :mod:`app.services.suggestions`
does not know which one it talks to.
"""
from __future__ import annotations

from .. import workers
from . import tracker


def _compact(ev: dict) -> dict:
    """What :func:`tracker.changes` reads of an event, without the records' full contents (pickled)."""
    after = ev.get("after") or {}
    return {"entity": ev["entity"], "entity_id": ev.get("entity_id"), "seq": ev.get("seq"),
            "after": {k: after.get(k) for k in ("id", "offer_sheet_id", "need_sheet_id")} if after else None}


class Inline:
    """The matcher in this process: ``pause`` (``socketio.sleep``) gives the loop turns during its work."""

    name = "inline"

    def changes(self, ws, events, pause=None):
        return tracker.changes(ws, events, pause)

    def listing(self, ws, *args):
        return tracker.listing(ws, *args)

    def candidates(self, ws, org):
        return tracker.candidates(ws, org)

    def explain(self, ws, offer_id, need_id):
        return tracker.explain(ws, offer_id, need_id)

    def public_count(self, ws):
        return tracker.public_count(ws.id)

    def warm(self, workshops, pause=None):
        from . import geo

        geo.preload(workers.run_native)
        done = 0
        for ws in workshops:
            done += tracker.warm(ws)
            if pause:
                pause(0)
        return done

    def forget(self, ws):
        tracker.forget(ws.id)

    def stop(self):
        pass


class Remote:
    """The matcher in a worker process of its own (``workers.Dedicated``): calls wait for it without
    holding the loop. The wall's counter is kept here from its answers (read under the store's lock)."""

    name = "process"

    def __init__(self):
        # At the server's own priority: suggestions are live, the screens wait for them. Below it (as the
        # exports are), two busy cores starved it: 20 s and more for the first suggestion after a start.
        self.worker = workers.Dedicated("matcher", nice=0)
        self.public: dict[str, int] = {}

    def _call(self, fn, ws, *args):
        return self.worker.call(fn, ws.id, ws.store.path, *args)

    def changes(self, ws, events, pause=None):
        out = self._call(_changes, ws, [_compact(ev) for ev in events])
        if out is not None:
            self.public[ws.id] = out[2]
        return out

    def listing(self, ws, *args):
        return self._call(_listing, ws, *args)

    def candidates(self, ws, org):
        return self._call(_candidates, ws, org)

    def explain(self, ws, offer_id, need_id):
        return self._call(_explain, ws, offer_id, need_id)

    def public_count(self, ws):
        return self.public.get(ws.id, 0)

    def warm(self, workshops, pause=None):
        counts = self.worker.call(_warm, [(ws.id, ws.store.path) for ws in workshops])
        self.public.update(counts)
        return len(counts)

    def forget(self, ws):
        self.public.pop(ws.id, None)
        if self.worker.starts:
            self.worker.call(_forget, ws.id)

    def stop(self):
        self.worker.close()


# -- in the matcher's process ------------------------------------------------------------------
class _Workshop:
    """What the tracker reads a workshop through in the matcher's process."""

    def __init__(self, wid: str, path: str):
        from ..store import Reader

        self.id, self.store = wid, Reader(path)


_open: dict[str, _Workshop] = {}


def _ws(wid: str, path: str) -> _Workshop:
    ws = _open.get(wid)
    if ws is None or ws.store.path != str(path):
        ws = _open[wid] = _Workshop(wid, str(path))
    return ws


def _changes(wid, path, events):
    return tracker.changes(_ws(wid, path), events)


def _listing(wid, path, *args):
    return tracker.listing(_ws(wid, path), *args)


def _candidates(wid, path, org):
    return tracker.candidates(_ws(wid, path), org)


def _explain(wid, path, offer_id, need_id):
    return tracker.explain(_ws(wid, path), offer_id, need_id)


def _warm(items):
    """The places for distances, then the engines of ``items`` (``(id, path)``): ``{id: wall's count}``
    of those built now."""
    from . import geo

    geo.preload()
    out = {}
    for wid, path in items:
        ws = _ws(wid, path)
        if tracker.warm(ws):
            out[wid] = tracker.public_count(wid)
    return out


def _forget(wid):
    tracker.forget(wid)
    ws = _open.pop(wid, None)
    if ws is not None:
        ws.store.close()
