"""The room's network, seen by the organiser (addresses, wifi check, USB backups) and by any phone
("Testez votre connexion", linked from the poster). The JSON side is app/api/network.py."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, url_for

from .. import auth, i18n
from ..services import network
from .common import SCRIPT_KEYS, page, workshop_or_404

bp = Blueprint("network", __name__)
KEYS = (*SCRIPT_KEYS, "net.")


@bp.get("/w/<code>/check")
def check(code):
    """The wifi check a phone opens before the doors open: reached the laptop? how fast? websocket?"""
    ws = workshop_or_404(code)
    return page("network/check.html", ws, boot_extra={"i18n": i18n.subset(KEYS),
                                                        "join_path": url_for("participant.join", code=ws.code)})


@bp.get("/w/<code>/check/ping")
def ping(code):
    """What a round trip is timed against: the smallest answer the server can give, never cached."""
    workshop_or_404(code)
    return Response(status=204, headers={"Cache-Control": "no-store"})


@bp.get("/w/<code>/organiser/network")
def organiser(code):
    ws = workshop_or_404(code)
    from .organiser import page_ as organiser_page

    if auth.actor(ws)["role"] != "organiser":
        return organiser_page(code)  # the sign-in form
    app = current_app
    offered, current = network.addresses(app)
    return page("network/organiser.html", ws, addresses=offered, current=current,
                listen_host=app.config.get("LISTEN_HOST"), checks=network.check_summary(ws),
                backup_copy_to=app.config.get("BACKUP_COPY_TO"),
                check_url=f"{current or ''}{url_for('network.check', code=ws.code)}",
                boot_extra={"i18n": i18n.subset(KEYS)})
