"""Use cases: rules + store + journal + broadcast.

Every write goes through :func:`commit`: it runs the change in the store's
group commit (rows + journal, one savepoint in a shared transaction), then
hands the committed events to ``app.realtime`` — the one broadcast point. Services raise
:class:`ServiceError` with a translation key; the API turns it into a
4xx answer in the user's language.
"""
from __future__ import annotations

from ..errors import ServiceError
from ..rules import permissions
from ..rules.validation import validate
from ..store import Conflict, NotFound, Replay, StorageError

__all__ = ["ServiceError", "authorize", "check", "commit", "require"]


def check(schema, data):
    # Bodies that came as JSON are held to JSON types exactly (see app.api.body.JsonBody).
    clean, errors = validate(schema, data, strict=getattr(data, "from_json", False))
    if errors:
        raise ServiceError(422, "err.invalid", fields=errors)
    return clean


def authorize(ws, actor: dict, action: str, own: bool | None = None):
    info = ws.store.workshop()
    key = permissions.decide(actor["role"], action, phase=info["phase"], intake_open=bool(info["intake_open"]),
                             own=own)
    if key:
        raise ServiceError(401 if key == "err.not_signed_in" else 403, key)
    return info


def commit(ws, actor: dict, fn, *, request_id: str | None = None, entity: str | None = None, on_replay=None):
    """Run ``fn(tx)`` in the store's next group commit, publish its events, return ``(result, seq)``.

    ``fn`` may share its transaction with other writes (each in its own
    savepoint): it must do all its reads through ``tx``. It returns only
    once the commit is on disk. A replayed ``request_id`` returns
    ``on_replay(seq)`` (or the record it created) without writing anything.
    """
    from .. import realtime

    try:
        result, events = ws.store.write(actor, fn, request_id, on_commit=lambda evs: realtime.queue(ws, evs))
    except Replay as r:
        if entity and r.entity != entity:
            raise ServiceError(409, "err.id_taken")
        if on_replay:
            return on_replay(r.seq), r.seq
        return ws.store.get(r.entity, r.entity_id), r.seq
    except Conflict as c:
        raise ServiceError(409, "err.conflict", current=c.current, entity=entity)
    except NotFound:
        raise ServiceError(404, "err.not_found")
    except StorageError as exc:
        import logging

        logging.getLogger("atelier").error("storage error on %s: %s", ws.id, exc)
        realtime.storage_alert(ws, str(exc))
        raise ServiceError(503, "err.storage")
    if events:
        realtime.flush(ws)
        return result, events[-1]["seq"]
    return result, ws.store.last_seq()


def require(ws, entity: str, id_, *, hidden_ok: bool = True):
    rec = ws.store.get(entity, id_) if isinstance(id_, str) else None
    if rec is None or (not hidden_ok and rec.get("hidden")):
        raise ServiceError(404, "err.not_found")
    return rec
