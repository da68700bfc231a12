"""Command line: serve (default), demo, export, import, backup, restore."""
from __future__ import annotations

import argparse
import json
import os
import logging
import sys
from pathlib import Path

from .paths import default_data_dir

DEFAULT_DATA = default_data_dir()


def _prog() -> str:
    """How the user started us, for --help: ``atelier`` once installed, ``python run.py`` in the repository."""
    from .paths import installed

    return "atelier" if installed() else "python run.py"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=_prog(),
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
        sp.add_argument("--no-rate-limits", action="store_true", help="for benchmarks only")
        sp.add_argument("--allow-sleep", action="store_true",
                        help="do not keep the laptop awake while the server runs")
        sp.add_argument("--backup-copy-to", default=None, metavar="FOLDER",
                        help="also copy each automatic backup to this folder (e.g. a USB stick)")

    serve_args(p)
    serve_args(sub.add_parser("serve", help="start the server (the default)"))

    d = sub.add_parser("demo", help="build the deterministic demo workshop (the real event's scale)")
    d.add_argument("--scale", type=int, default=1, help="K times larger (for benchmarks)")
    d.add_argument("--data-dir", default=DEFAULT_DATA)
    d.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    d.add_argument("--base-url", default="http://127.0.0.1:5000", help="for the printed URLs")

    from .backup import add_commands as add_backup
    from .exports.cli import add_commands

    add_commands(sub)
    add_backup(sub)
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


def _warm_workers():
    """The export worker process starts once the server is up (not on the first download)."""
    from . import workers
    from .realtime import socketio

    socketio.sleep(1.0)
    workers.warm("app.exports.pdf_book", "app.exports.tables", "app.exports.backup_json", "app.imports.read")
    from .matching import geo

    try:
        geo.preload(workers.run_native)  # the suggestions' distances, read before the first sheet needs them
    except Exception:  # noqa: BLE001 - a head start only; the first distance reads them otherwise
        logging.getLogger("atelier").exception("places preload")


def serve(args) -> int:
    from . import create_app, keepawake, startup
    from .realtime import socketio

    port = startup.free_port_from(args.host, args.port)
    if port is None:
        print(startup.msg("port_none", port=args.port), file=sys.stderr, flush=True)
        return 2
    config = {"DATA_DIR": args.data_dir, "PUBLIC_URL": args.public_url, "ASYNC_MODE": args.async_mode,
              "LISTEN_HOST": args.host, "LISTEN_PORT": port}
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
    extra = {}
    if args.async_mode == "gevent":
        extra["handler_class"] = _nodelay_handler()
    socketio.start_background_task(_warm_workers)
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
        awake.stop()
    print(startup.msg("stopped"), flush=True)
    return 0
