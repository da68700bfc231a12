"""JSON routes of the room's network: address phones are given, wifi check, second backup folder."""
from __future__ import annotations

from flask import Blueprint, current_app

from ..services import authorize, network
from .common import endpoint

bp = Blueprint("api_network", __name__, url_prefix="/api")


@bp.get("/w/<wid>/network")
@endpoint()
def state(ws, actor, data):
    authorize(ws, actor, "server.network")
    app = current_app
    offered, current = network.addresses(app)
    return {"addresses": offered, "current": current,
            "listen_host": app.config.get("LISTEN_HOST"), "checks": network.check_summary(ws),
            "backup_copy_to": app.config.get("BACKUP_COPY_TO")}


@bp.post("/w/<wid>/network/address")
@endpoint()
def address(ws, actor, data):
    return network.choose_address(current_app, ws, actor, data)


@bp.post("/w/<wid>/network/backup-folder")
@endpoint()
def backup_folder(ws, actor, data):
    return network.choose_backup_folder(current_app._get_current_object(), ws, actor, data)


@bp.post("/w/<wid>/wifi-check")
@endpoint(rate="write")
def wifi_check(ws, actor, data):
    return network.record_check(ws, actor, data)
