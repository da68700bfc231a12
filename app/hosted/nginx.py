"""``python run.py nginx-config --upstreams …``: the nginx configuration in front of the app processes.

- A workshop's pages and API (``/j/CODE``, ``/w/CODE/…``, ``/api/w/ID/…``) go to its owner by
  ``hash … consistent`` on that path segment, the ring :mod:`.ring` computes in the app; the app gives each
  new workshop an id and a code that land on the process creating it. When the owner is down nginx tries
  the next process, which answers a clean 503 (the phone keeps its outbox).
- Socket.IO (``/socket.io/?workshop=ID&client=ID``) is sticky per screen (hash of the screen's own id,
  needed by the long-polling fallback), with the WebSocket upgrade; any process can carry any screen.
- ``/static/`` is served by nginx from the app's folder. ``/_hosted/`` (the processes' own calls) is closed.
"""
from __future__ import annotations

import sys
from pathlib import Path

from . import split_upstreams

SNIPPET = """\
# Atelier de détection de synergies: {n} app process(es) behind nginx ({prog} nginx-config).
# Put this file in /etc/nginx/conf.d/ (http context). The processes must be started with the same
# --upstreams, in the same order: the app and nginx compute the same owner for each workshop.

# The workshop in the path: the join code in pages, the id in the API.
map $uri $atelier_workshop {{
    ~^/(?:j|w|api/w)/(?<atelier_w>[^/]+)  $atelier_w;
    default                                "";
}}
# A screen's own id in the Socket.IO URL (client=…), else its address.
map $arg_client $atelier_screen {{
    ""       $remote_addr;
    default  $arg_client;
}}
map $http_upgrade $atelier_connection {{
    default  upgrade;
    ""       "";
}}

upstream atelier_owner {{
    hash $atelier_workshop consistent;
{servers}
    keepalive 32;
}}
upstream atelier_screens {{
    hash $atelier_screen consistent;
{servers}
}}
upstream atelier_any {{
    least_conn;
{servers}
    keepalive 16;
}}

server {{
    listen {listen};
    server_name {server_name};
    client_max_body_size 1m;

    proxy_http_version 1.1;
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header Connection "";
    proxy_connect_timeout 2s;
    proxy_next_upstream error timeout http_502;
    proxy_next_upstream_tries 3;

    # Nobody answers (every process down): the app's own 503, in French first.
    error_page 502 504 = @atelier_down;
    location @atelier_down {{
        default_type application/json;
        add_header Retry-After 2 always;
        return 503 '{down_json}';
    }}

    location /static/ {{
        alias {static}/;
        expires 1h;
        gzip on;
        gzip_types text/css application/javascript image/svg+xml application/json;
    }}
    location /_hosted/ {{
        return 404;
    }}
    location /socket.io/ {{
        proxy_pass http://atelier_screens;
        # (a proxy_set_header here drops the server's ones: all of them again)
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $atelier_connection;
        proxy_buffering off;
        proxy_read_timeout 1h;
        proxy_send_timeout 1h;
    }}
    location ~ ^/(?:j|w|api/w)/ {{
        proxy_pass http://atelier_owner;
    }}
    location / {{
        proxy_pass http://atelier_any;
    }}
}}
"""

STANDALONE = """\
# A whole nginx.conf for `nginx -p {prefix} -c {prefix}/nginx.conf` (pid, logs and temporary files in {prefix}).
worker_processes {workers};
worker_rlimit_nofile 65536;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 16384;
}}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    types {{
        text/html html; text/css css; application/javascript js mjs; application/json json;
        image/svg+xml svg; image/png png; image/x-icon ico; font/woff2 woff2; text/plain txt;
    }}
    default_type application/octet-stream;
{body}
}}
"""


def static_root() -> Path:
    from ..paths import ROOT

    return ROOT / "static"


def _down_json() -> str:
    import json

    from ..i18n import t

    key = "hosted.owner_unavailable"
    return json.dumps({"error": t(key, "fr"), "code": key}, ensure_ascii=False).replace("'", "\\'")


def render(upstreams: list[str], *, listen: str = "80", server_name: str = "_", static: str | None = None,
           standalone: str | None = None, workers: int | str = "auto", prog: str = "python run.py") -> str:
    """The configuration text (an http-context file, or with ``standalone`` a whole nginx.conf)."""
    if not upstreams:
        raise ValueError("no upstream")
    servers = "\n".join(f"    server {u} max_fails=1 fail_timeout=3s;" for u in upstreams)
    body = SNIPPET.format(n=len(upstreams), prog=prog, servers=servers, listen=listen, server_name=server_name,
                          static=str(static or static_root()).rstrip("/"), down_json=_down_json())
    if not standalone:
        return body
    prefix = str(Path(standalone).resolve())
    return STANDALONE.format(prefix=prefix, workers=workers,
                             body="\n".join(("    " + line) if line else "" for line in body.splitlines()))


def add_command(sub):
    p = sub.add_parser("nginx-config", help="print the nginx configuration for several app processes (hosted)")
    p.add_argument("--upstreams", required=True, nargs="+", metavar="HOST:PORT",
                   help="every app process (comma or space separated), the same list and order as their "
                        "--upstreams")
    p.add_argument("--listen", default="80", help="what nginx listens on, e.g. 80 or 127.0.0.1:8080 (default 80)")
    p.add_argument("--server-name", default="_", help="nginx server_name (default: any)")
    p.add_argument("--static-root", default=None, help="the app's static/ folder (default: this install's)")
    p.add_argument("--standalone", default=None, metavar="DIR",
                   help="print a whole nginx.conf keeping its pid, logs and temporary files in DIR")
    p.add_argument("--workers", default="auto", help="worker_processes with --standalone (default auto)")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from ..paths import prog

    ups = split_upstreams(args.upstreams)
    if not ups:
        print("--upstreams: no HOST:PORT given", file=sys.stderr)
        return 2
    if args.standalone:
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (Path(args.standalone) / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    print(render(ups, listen=args.listen, server_name=args.server_name, static=args.static_root,
                 standalone=args.standalone, workers=args.workers, prog=prog()), end="")
    return 0
