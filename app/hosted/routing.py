"""Requests for a workshop this process does not own get a clean 503, never a second writer.

nginx sends a workshop's routes to its owner; when the owner is down nginx tries the next process,
which lands here: the phone keeps its outbox and retries, the page says to wait a moment.
"""
from __future__ import annotations

import re

from flask import jsonify, redirect, render_template, request

from ..i18n import t
from ..registry import normalise_code

# The workshop key in a path: the join code in pages, the id in the API (nginx hashes the same segment).
KEY = re.compile(r"^/(?:j|w|api/w)/([^/]+)")


def workshop_key(path: str) -> str | None:
    m = KEY.match(path)
    return m.group(1) if m else None


def unavailable():
    key = "hosted.owner_unavailable"
    if request.path.startswith("/api/"):
        resp = jsonify({"error": t(key), "code": key})
    else:
        resp = render_template("error.html", message=t(key), status=503)
    return resp, 503, {"Retry-After": "2"}


def install(app, registry, where):
    @app.before_request
    def _owner_only():
        if request.path == "/join" and request.args.get("code"):
            # Only the owner knows the code: send the browser to the path nginx routes by it.
            return redirect(f"/j/{normalise_code(request.args['code'])}", 303)
        key = workshop_key(request.path)
        if key is None or where.owns(key):
            return None
        if request.path.startswith("/j/") and normalise_code(key) != key:
            return redirect(f"/j/{normalise_code(key)}", 303)  # a code typed in lower case: route it again
        return unavailable()
