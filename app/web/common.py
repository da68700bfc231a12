"""What every page blueprint needs: the workshop from its code, CSRF for
form posts, and the boot data a page's script starts from."""
from __future__ import annotations

import hmac

from flask import abort, current_app, make_response, render_template, request, session

from .. import auth, i18n
from ..rules import vocab
from . import urls

SCRIPT_KEYS = ("js.", "err.", "status.", "cat.", "sub.", "unit.", "freq.", "terms.", "cond.", "org_kind.",
               "sheet_kind.", "reason.", "presence.", "idea_kind.", "origin.", "conn.", "vis.", "state.", "status_n.")


def registry():
    return current_app.extensions["registry"]


def workshop_or_404(code):
    ws = registry().by_code(code)
    if ws is None:
        abort(make_response(render_template("error.html", message=i18n.t("err.bad_join_code"), status=404), 404))
    return ws


def wall_refusal(ws):
    """A wall page (any of its modes) opens for staff, or with the projector link's token, which
    signs the browser in as the projector; ``None`` when allowed, else the refusal page."""
    from ..services import workshops

    if auth.actor(ws)["role"] in ("organiser", "facilitator", "projector"):
        return None
    if not workshops.check_projector(ws, request.args.get("t")):
        return make_response(render_template("error.html", message=i18n.t("err.wall_link"), status=403), 403)
    auth.sign_in(ws, "projector")
    return None


def check_csrf():
    sent = request.form.get("csrf", "")
    expected = session.get("csrf", "")
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        abort(make_response(render_template("error.html", message=i18n.t("err.csrf"), status=400), 400))


def field_messages(exc, whole: str = "_") -> dict:
    """A refusal (``ServiceError``) as a form shows it: ``{field: message}`` in the reader's language; a
    refusal of the whole form (no field named) under ``whole``, so no message is ever lost."""
    return {k: i18n.t(v[0], **v[1]) for k, v in exc.fields.items()} or {whole: i18n.t(exc.key, **exc.params)}


def require_action(ws, action: str, own=None):
    """Pages that are matrix actions (exports, follow-up, facilitator QR codes): refuse with a page in the
    user's language. ``own``: whether the page is about the reader's own record, where the matrix asks."""
    from ..rules import permissions

    key = permissions.decide(auth.actor(ws)["role"], action, phase=ws.info()["phase"], own=own)
    if key:
        status = 401 if key == "err.not_signed_in" else 403
        abort(make_response(render_template("error.html", message=i18n.t(key), status=status), status))


def boot(ws, actor, **extra) -> dict:
    info = ws.info()
    return {
        "workshop": ws.id, "code": ws.code, "name": info["name"], "lang": i18n.pick_lang(),
        "role": actor["role"], "me": {"id": actor.get("id"), "org": actor.get("org"), "label": actor.get("label"),
                                      "table": actor.get("table")},
        "join_url": urls.join_url(ws),
        "i18n": i18n.subset(SCRIPT_KEYS),
        "vocab": {"categories": vocab.CATEGORIES, "units": vocab.UNITS, "frequencies": vocab.FREQUENCIES,
                  "statuses": vocab.STATUSES, "reasons": vocab.ABANDON_REASONS, "org_kinds": vocab.ORG_KINDS},
        **extra,
    }


def page(template: str, ws, **ctx):
    actor = auth.actor(ws)
    return render_template(template, ws=ws, info=ws.info(), actor=actor, vocab=vocab,
                           boot_data=boot(ws, actor, **ctx.pop("boot_extra", {})), **ctx)


class Routes:
    """Pages written in one module and registered on its audience's blueprint by the module that owns it
    (``routes.register(bp)``), so the blueprint's module imports its parts and no part imports it back."""

    def __init__(self):
        self._rules: list[tuple[str, str, object, list[str]]] = []

    def route(self, rule: str, methods=("GET",), endpoint: str | None = None):
        def deco(fn):
            self._rules.append((rule, endpoint or fn.__name__, fn, list(methods)))
            return fn

        return deco

    def get(self, rule: str, endpoint: str | None = None):
        return self.route(rule, ("GET",), endpoint)

    def post(self, rule: str, endpoint: str | None = None):
        return self.route(rule, ("POST",), endpoint)

    def register(self, bp) -> None:
        for rule, endpoint, fn, methods in self._rules:
            bp.add_url_rule(rule, endpoint, fn, methods=methods)
