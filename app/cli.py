"""Command line: serve (default), demo, export, import, backup, restore."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .paths import DEFAULT_DATA



def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python run.py",
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

    serve_args(p)
    serve_args(sub.add_parser("serve", help="start the server (the default)"))

    d = sub.add_parser("demo", help="build the deterministic demo workshop (the real event's scale)")
    d.add_argument("--scale", type=int, default=1, help="K times larger (for benchmarks)")
    d.add_argument("--data-dir", default=DEFAULT_DATA)
    d.add_argument("--json", action="store_true", help="print one JSON object for scripts")
    d.add_argument("--base-url", default="http://127.0.0.1:5000", help="for the printed URLs")

    try:
        from .exports.cli import add_commands
    except ImportError:
        add_commands = None
    if add_commands:
        add_commands(sub)
    try:
        from .backup import add_commands as add_backup
    except ImportError:
        add_backup = None
    if add_backup:
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


def serve(args) -> int:
    from . import create_app, netinfo, qr
    from .realtime import socketio

    config = {"DATA_DIR": args.data_dir, "PUBLIC_URL": args.public_url, "ASYNC_MODE": args.async_mode}
    if args.no_rate_limits:
        config["RATE_LIMITS"] = {"write": None, "login": None, "workshop": None}
    app = create_app(config)
    port = args.port
    if args.public_url:
        urls = [args.public_url.rstrip("/")]
    else:
        urls = [f"http://{a}:{port}" for a in netinfo.lan_addresses()] or [f"http://localhost:{port}"]
    print("Atelier de détection de synergies", flush=True)
    print(f"  sur cet ordinateur : http://localhost:{port}/", flush=True)
    for u in urls:
        print(f"  pour les téléphones (même wifi) : {u}/", flush=True)
    registry = app.extensions["registry"]
    for ws in registry.all():
        info = ws.info()
        print(f"  atelier « {info['name']} » : {urls[0]}/j/{ws.code}", flush=True)
    if urls and os.environ.get("ATELIER_QUIET") != "1":
        target = f"{urls[0]}/j/{registry.all()[-1].code}" if registry.all() else f"{urls[0]}/"
        print(qr.terminal(target), flush=True)
    if args.backup_every and args.backup_every > 0:
        try:
            from .backup import start_periodic
            start_periodic(app, registry, minutes=args.backup_every)
        except ImportError:
            pass
    extra = {}
    if args.async_mode == "gevent":
        extra["handler_class"] = _nodelay_handler()
    socketio.run(app, host=args.host, port=port, allow_unsafe_werkzeug=True, log_output=False, **extra)
    return 0
