"""What every JSON route module needs: the workshop and the actor of a request, its checked body, and
errors as ``{error, code, fields, current}`` in the caller's language (the :func:`endpoint` wrapper)."""
from __future__ import annotations

from functools import wraps

from flask import Response, current_app, jsonify, request

from .. import auth
from ..i18n import t
from ..rules import visibility
from ..services import ServiceError, workshops
from . import body, ratelimit


def registry():
    return current_app.extensions["registry"]


def error_response(exc: ServiceError, role: str = "anonymous", org=None, src=None):
    body = {"error": t(exc.key, **exc.params), "code": exc.key}
    if exc.fields:
        body["fields"] = {k: t(v[0], **v[1]) for k, v in exc.fields.items()}
    if exc.current is not None and exc.entity:
        body["current"] = visibility.for_role(exc.entity, exc.current, role, org, src)
    return jsonify(body), exc.status


def json_body():
    """The request's JSON body, read by :mod:`app.api.body` (depth, size and text checked); ``{}`` for reads."""
    if request.method not in ("POST", "PATCH", "PUT", "DELETE"):
        return {}
    if not request.is_json:
        raise ServiceError(415, "err.json_only")
    try:
        return body.parse(request.get_data(cache=True))
    except body.BodyError as exc:
        raise ServiceError(exc.status, exc.key, fields={k: (v, {}) for k, v in exc.fields.items()}) from None


def endpoint(entity: str | None = None, rate: str | None = None):
    """Wrap a handler ``fn(ws, actor, data, **kw) -> (record, seq) | dict``."""

    def deco(fn):
        @wraps(fn)
        def wrapper(wid, **kw):
            actor, ws = auth.ANON, None
            try:
                ws = workshops.require_workshop(registry(), wid)
                actor = auth.actor(ws)
                if rate:
                    ratelimit.check_request(rate, ws.id, actor)
                data = json_body()
                out = fn(ws, actor, data, **kw)
            except ServiceError as exc:
                return error_response(exc, actor["role"], actor.get("org"),
                                      visibility.Sources(ws.store) if ws is not None else None)
            if isinstance(out, tuple) and isinstance(out[0], Response):  # an answer already made (body, status)
                return out
            if isinstance(out, tuple):
                rec, seq = out
                if entity and rec is not None:
                    rec = visibility.for_role(entity, rec, actor["role"], actor.get("org"),
                                              visibility.Sources(ws.store))
                return jsonify({"record": rec, "seq": seq}), 200
            return jsonify(out)

        return wrapper

    return deco
