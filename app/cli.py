"""Command line: serve (default), demo, export, import, backup, restore."""
from __future__ import annotations

import argparse
import json
import os
import sys

from .paths import default_data_dir, prog

DEFAULT_DATA = default_data_dir()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog(),
                                description="Atelier de détection de synergies — live workshop server.")
    sub = p.add_subparsers(dest="command")

    def serve_args(sp):
        sp.add_argument("--host", default="0.0.0.0", help="interface to listen on (default: all)")
        sp.add_argument("--port", type=int, default=5000, help="port (default: 5000)")
        sp.add_argument("--data-dir", default=DEFAULT_DATA, help="folder of workshop files (default: sessions/)")
        sp.add_argument("--public-url", default=None,
                        help="address phones should use, e.g. http://192.168.1.20:5000 (default: detected)")
        sp.add_argument("--async-mode", default="gevent", choices=["gevent", "threading"],
                        help="Socket.IO server mode (default: gevent, see README)")
        sp.add_argument("--backup-every", type=float, default=5.0, help="minutes between automatic backups (0: off)")
        sp.add_argument("--reminder-check", type=float, default=60.0, metavar="SECONDS",
                        help="seconds between checks of the weekly reminder e-mails (0: never sent automatically)")
        sp.add_argument("--no-rate-limits", action="store_true", help="for benchmarks only")
        sp.add_argument("--allow-sleep", action="store_true",
                        help="do not keep the laptop awake while the server runs")
        sp.add_argument("--backup-copy-to", default=None, metavar="FOLDER",
                        help="also copy each automatic backup to this folder (e.g. a USB stick)")
        hosted = sp.add_argument_group("hosted (several processes behind nginx, see README)")
        hosted.add_argument("--message-queue", default=None, metavar="URL",
                            help="Redis for Socket.IO between processes, e.g. redis://127.0.0.1:6379/0 "
                                 "(or ATELIER_MESSAGE_QUEUE)")
        hosted.add_argument("--upstreams", default=None, metavar="HOST:PORT,…",
                            help="every app process, in nginx's order (or ATELIER_UPSTREAMS)")
        hosted.add_argument("--advertise", default=None, metavar="HOST:PORT",
                            help="this process in --upstreams (default HOST:PORT; or ATELIER_ADVERTISE)")

    serve_args(p)
    serve_args(sub.add_parser("serve", help="start the server (the default)"))

    d = sub.add_parser("demo", help="build the deterministic demo workshop (the real event's scale)")
    d.add_argument("--scale", type=int, default=1, help="K times larger (for benchmarks)")
    d.add_argument("--data-dir", default=DEFAULT_DATA)
    d.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    d.add_argument("--base-url", default="http://127.0.0.1:5000", help="for the printed URLs")

    from .backup import add_commands as add_backup
    from .exports.cli import add_commands
    from .hosted.nginx import add_command as add_nginx

    add_commands(sub)
    add_backup(sub)
    add_nginx(sub)
    return p


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    cmd = args.command or "serve"
    if cmd == "serve":
        return serve(args)
    if cmd == "demo":
        return demo(args)
    return args.func(args)


def demo(args) -> int:
    from .demo import build

    out = build(args.data_dir, scale=args.scale, base_url=args.base_url)
    if args.json:
        print(json.dumps(out, ensure_ascii=False))
    else:
        for k, v in out.items():
            print(f"{k}: {v}")
    return 0


def _nodelay_handler():
    """gevent's server writes headers and body separately; without TCP_NODELAY the body
    waits ~40 ms for the phone's delayed ACK (measured: POST a sheet 48 ms -> 11 ms)."""
    import socket

    from gevent.pywsgi import WSGIHandler

    class NoDelayHandler(WSGIHandler):
        def __init__(self, sock, *a, **kw):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
            super().__init__(sock, *a, **kw)

    return NoDelayHandler


def _warm_workers(data_dir):
    """The export worker process starts once the server is up (not on the first download); the export
    files a killed server left behind go."""
    from . import workers
    from .exports import remove_leftovers

    remove_leftovers(data_dir)
    workers.warm("app.exports.pdf_book", "app.exports.tables", "app.exports.backup_json", "app.imports.read")


def serve(args) -> int:
    from . import create_app, keepawake, periodic, startup, workers
    from .realtime import socketio

    port = startup.free_port_from(args.host, args.port)
    if port is None:
        print(startup.msg("port_none", port=args.port), file=sys.stderr, flush=True)
        return 2
    config = {"DATA_DIR": args.data_dir, "PUBLIC_URL": args.public_url, "ASYNC_MODE": args.async_mode,
              "LISTEN_HOST": args.host, "LISTEN_PORT": port, "MESSAGE_QUEUE": args.message_queue,
              "UPSTREAMS": args.upstreams, "ADVERTISE": args.advertise}
    if args.no_rate_limits:
        config["RATE_LIMITS"] = {"write": None, "login": None, "workshop": None}
    if getattr(args, "backup_copy_to", None):
        config["BACKUP_COPY_TO"] = args.backup_copy_to
    app = create_app(config)
    registry = app.extensions["registry"]
    lines, target = startup.banner(args.host, port, args.port, args.public_url, registry)
    awake = keepawake.KeepAwake(enabled=not args.allow_sleep)
    lines.insert(-1, startup.msg(awake.start()))
    for line in lines:
        print(line, flush=True)
    if target and os.environ.get("ATELIER_QUIET") != "1":
        from . import qr

        print(qr.terminal(target), flush=True)
    if args.backup_every and args.backup_every > 0:
        from .backup import start_periodic

        start_periodic(app, registry, minutes=args.backup_every)
    if getattr(args, "reminder_check", 0) and args.reminder_check > 0:
        from .followup import weekly

        weekly.start(app, registry, every=args.reminder_check)
    _start_suggestions(registry)
    extra = {}
    if args.async_mode == "gevent":
        extra["handler_class"] = _nodelay_handler()
    periodic.once("warm-workers", 1.0, lambda: _warm_workers(registry.data_dir))
    startup.stop_on_terminate()
    try:
        socketio.run(app, host=args.host, port=port, allow_unsafe_werkzeug=True, log_output=False, **extra)
    except OSError as e:
        print(startup.msg("listen_failed", host=args.host, port=port, reason=e.strerror or str(e)),
              file=sys.stderr, flush=True)
        return 2
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        periodic.stop_all()
        workers.shutdown(wait=False)  # an export or warm-up under way must not hold the stop
        awake.stop()
    print(startup.msg("stopped"), flush=True)
    import gc

    gc.freeze()  # the process ends now: no seconds spent collecting a heap of places and engines on the way out
    return 0


def _start_suggestions(registry):
    """The matcher in a worker process of its own (``ATELIER_MATCHER=inline`` keeps it in the server, for
    measurements side by side), its engines built in the background once the server listens (not by the
    first write); a failure is logged and a cold engine is built on first use instead."""
    import logging
    import time

    from . import periodic, workers
    from .realtime import socketio
    from .services import suggestions

    suggestions.use("inline" if os.environ.get("ATELIER_MATCHER") == "inline" else "process")

    def run():
        t0 = time.monotonic()
        try:
            built = suggestions.warm(registry, pause=socketio.sleep)
        except workers.Stopping:  # the server stops before the engines were built: nothing to say
            return
        logging.getLogger("atelier").info("suggestions ready (%s): places read, %d workshop(s) warmed in %.1f s",
                                          suggestions.matcher(), built, time.monotonic() - t0)

    return periodic.once("warm-suggestions", 0.5, run)
