"""The baseline for ``tests.benchmarks.live``: a bare python-socketio broadcast server.

No Flask, no app logic, no rooms, no journal, no role filtering: an HTTP
``POST /write`` does one SQLite commit (WAL + ``synchronous=FULL``, as the
app's store) and broadcasts the payload to every connected socket. It runs
on the same web server as the app in the same async mode (gevent's
``pywsgi`` with simple-websocket, or Werkzeug's threaded server), with the
same Engine.IO settings, so the difference the benchmark measures is the
app's own cost.

    python -m tests.benchmarks.bare_server --port 5099 --async-mode gevent --db /tmp/bare.sqlite

Listens on 127.0.0.1 only. ``GET /health`` answers 204 once it is up.
"""
from __future__ import annotations

import argparse
import sys


def parse(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--async-mode", default="gevent", choices=["gevent", "threading"])
    p.add_argument("--db", required=True, help="SQLite file for the one commit per write")
    p.add_argument("--nodelay", action="store_true",
                   help="set TCP_NODELAY on accepted sockets (the servers' default is Nagle on)")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse(argv)
    if args.async_mode == "gevent":
        # As run.py does for the app: patch before anything imports the stdlib pieces.
        from gevent import monkey

        monkey.patch_all()

    import json
    import sqlite3
    import threading

    import socketio

    conn = sqlite3.connect(args.db, isolation_level=None, check_same_thread=False, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("CREATE TABLE IF NOT EXISTS writes (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT, body TEXT)")
    lock = threading.RLock()

    # Same Engine.IO settings as app/__init__.py.
    sio = socketio.Server(async_mode=args.async_mode, cors_allowed_origins=[], max_http_buffer_size=64 * 1024,
                          ping_interval=10, ping_timeout=20)

    @sio.event
    def connect(sid, environ, auth=None):
        return True

    def http(environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/health":
            start_response("204 No Content", [])
            return [b""]
        if path != "/write" or method != "POST":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        try:
            size = int(environ.get("CONTENT_LENGTH") or 0)
            body = json.loads(environ["wsgi.input"].read(size))
            rid = str(body["id"])
        except (ValueError, KeyError, TypeError):
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"bad body"]
        with lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                seq = conn.execute("INSERT INTO writes (id, body) VALUES (?, ?)",
                                   [rid, json.dumps(body, ensure_ascii=False)]).lastrowid
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        # One emit to everyone, after the commit (the app also publishes after its commit).
        sio.emit("change", {"seq": seq, "entity": "sheet", "id": rid, "action": "create", "record": body})
        out = json.dumps({"seq": seq, "id": rid}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(out)))])
        return [out]

    wsgi = socketio.WSGIApp(sio, http)
    print(f"bare server on 127.0.0.1:{args.port} ({args.async_mode})", flush=True)
    import socket

    def nodelay(sock):
        if args.nodelay:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass

    if args.async_mode == "gevent":
        from gevent import pywsgi

        class Handler(pywsgi.WSGIHandler):
            def __init__(self, sock, address, server, rfile=None):
                nodelay(sock)
                super().__init__(sock, address, server, rfile)

        # As Flask-SocketIO's run() builds it when gevent-websocket is absent (log_output=False).
        pywsgi.WSGIServer(("127.0.0.1", args.port), wsgi, log=None, handler_class=Handler).serve_forever()
    else:
        from werkzeug.serving import WSGIRequestHandler, run_simple

        class RequestHandler(WSGIRequestHandler):
            disable_nagle_algorithm = args.nodelay  # socketserver sets TCP_NODELAY in setup()

        # As Flask's app.run(threaded=True) does under Flask-SocketIO's threading mode.
        run_simple("127.0.0.1", args.port, wsgi, threaded=True, use_reloader=False, request_handler=RequestHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
