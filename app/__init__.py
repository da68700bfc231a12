"""Application factory: configuration, extensions, blueprints, security headers."""
from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask, g, jsonify, render_template, request, session

from . import compress, i18n
from .paths import ROOT, default_data_dir
from .registry import Registry, load_secret_key

DEFAULT_ASYNC_MODE = "gevent"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def _rate_limits_from_env(app):
    """``ATELIER_RATE_LIMITS='{"login": [5, 2]}'`` tunes limits (tests use small windows)."""
    import json

    raw = os.environ.get("ATELIER_RATE_LIMITS")
    if not raw:
        return
    try:
        extra = json.loads(raw)
    except ValueError:
        logging.getLogger("atelier").warning("ATELIER_RATE_LIMITS is not JSON: ignored")
        return
    if isinstance(extra, dict):
        app.config["RATE_LIMITS"] = {**(app.config.get("RATE_LIMITS") or {}),
                                     **{k: (tuple(v) if v else None) for k, v in extra.items()}}


def create_app(config: dict | None = None) -> Flask:
    config = config or {}
    app = Flask(__name__, template_folder=str(ROOT / "templates"), static_folder=str(ROOT / "static"))
    data_dir = Path(config.get("DATA_DIR") or default_data_dir())
    app.config.update(
        DATA_DIR=str(data_dir),
        SECRET_KEY=load_secret_key(data_dir),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="atelier",
        PERMANENT_SESSION_LIFETIME=timedelta(days=30),
        SESSION_REFRESH_EACH_REQUEST=False,  # don't re-sign the cookie on every API write
        MAX_CONTENT_LENGTH=256 * 1024,
        PUBLIC_URL=None,
        ASYNC_MODE=DEFAULT_ASYNC_MODE,
        JSON_SORT_KEYS=False,
    )
    app.config.update(config)
    _rate_limits_from_env(app)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from . import hosted  # several processes behind nginx on Redis, only with --message-queue

    where = hosted.placement(app.config)
    registry = Registry(data_dir, placement=where)
    app.extensions["registry"] = registry
    from .services.network import apply_saved_settings

    apply_saved_settings(app)

    from . import realtime

    from . import fanout, origins

    origins.install(app)
    realtime.socketio.server_options.pop("client_manager", None)  # an earlier app's queue (tests)
    realtime.socketio.init_app(app, async_mode=app.config["ASYNC_MODE"], cors_allowed_origins=origins.is_own,
                               max_http_buffer_size=64 * 1024, ping_interval=10, ping_timeout=20,
                               manage_session=False, serializer=fanout.Packet,
                               **({"client_manager": hosted.queue_manager(hosted.settings(app.config)["MESSAGE_QUEUE"])}
                                  if where else {}))
    realtime.ELSEWHERE = None
    from .api import sockets

    sockets.init_handlers(registry)
    from . import socket_guard

    socket_guard.install(realtime.socketio.server)

    from .api import bp as api_bp
    from .api.b2b import bp as api_b2b_bp
    from .api.followup import bp as api_followup_bp
    from .api.flowstudy import bp as api_flowstudy_bp
    from .api.network import bp as api_network_bp
    from .api.suggestions import bp as api_suggestions_bp
    from .web import b2b as b2b_pages
    from .web import facilitator, followup, home, network, organiser, participant, projector, vendor
    from .web import flowstudy as flowstudy_pages

    for bp in (home.bp, participant.bp, organiser.bp, facilitator.bp, projector.bp, vendor.bp, network.bp, api_bp,
               api_suggestions_bp, api_network_bp, api_followup_bp, followup.bp, api_b2b_bp, b2b_pages.bp,
               api_flowstudy_bp, flowstudy_pages.bp):
        app.register_blueprint(bp)

    from flask_babel import Babel  # dates, numbers and plural forms from CLDR, in the page's language

    Babel(app, locale_selector=i18n.babel_locale)
    app.jinja_env.filters["long_date"] = i18n.long_date
    app.jinja_env.filters["number"] = i18n.number

    @app.before_request
    def _lang_and_csrf():
        i18n.pick_lang()
        if request.method not in ("GET", "HEAD", "OPTIONS") and \
                not origins.is_own(request.headers.get("Origin"), request.environ):
            return _error(403, "err.origin")
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(24)

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"
        resp.headers["X-Frame-Options"] = "DENY"
        if request.args.get("lang") in i18n.LANGS:
            resp.set_cookie("lang", request.args["lang"], max_age=3600 * 24 * 365, samesite="Lax", httponly=True)
        return compress.gzip_response(resp)

    @app.context_processor
    def _globals():
        return {"_": i18n.t, "label": i18n.label, "lang": g.get("lang", i18n.DEFAULT),
                "csrf_token": session.get("csrf", "")}

    def _error(status, key):
        if request.path.startswith("/api/"):
            return jsonify({"error": i18n.t(key), "code": key}), status
        return render_template("error.html", message=i18n.t(key), status=status), status

    app.register_error_handler(404, lambda e: _error(404, "err.page_not_found"))
    app.register_error_handler(405, lambda e: _error(405, "err.method"))
    app.register_error_handler(413, lambda e: _error(413, "err.too_large"))
    app.register_error_handler(400, lambda e: _error(400, "err.body"))
    app.register_error_handler(500, lambda e: _error(500, "err.server"))
    from .workers import Stopping

    app.register_error_handler(Stopping, lambda e: _error(503, "err.server"))  # a job cut short by the stop
    if where:
        hosted.install(app, registry, where)
    return app
