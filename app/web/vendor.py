"""Front-end libraries installed from the npm registry (package-lock.json), served by the app."""
from __future__ import annotations

from flask import Blueprint, abort, send_from_directory

from ..paths import ROOT

bp = Blueprint("vendor", __name__)

ALLOWED = {
    "socket.io.esm.min.js": "socket.io-client/dist",
    "axe.min.js": "axe-core",
}


@bp.get("/vendor/<name>")
def asset(name):
    folder = ALLOWED.get(name)
    if not folder:
        abort(404)
    return send_from_directory(ROOT / "node_modules" / folder, name, max_age=3600)
