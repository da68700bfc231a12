"""What the terminal says when the server starts, and the port it can really use.

The organiser reads this, not a developer: plain French (English with
``ATELIER_LANG=en``), no traceback. Everything is decided before the first
line is printed, so the addresses and the QR code are only shown for a server
that can actually listen.
"""
from __future__ import annotations

import os
import signal
import socket
import sys

from . import i18n, netinfo

PORT_TRIES = 20


def lang() -> str:
    return "en" if os.environ.get("ATELIER_LANG", "").lower().startswith("en") else "fr"


def msg(key: str, **params) -> str:
    return i18n.t(f"startup.{key}", lang(), **params)


def port_free(host: str, port: int) -> bool:
    """Can a server listen on (host, port)? Bound the way the web server binds (SO_REUSEADDR on POSIX,
    where it only forgives old TIME_WAIT connections; not on Windows, where it would let two servers share)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    try:
        if sys.platform != "win32":
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def free_port_from(host: str, port: int, tries: int = PORT_TRIES) -> int | None:
    """``port`` if free, else the next free one within ``tries`` (macOS keeps 5000 for AirPlay)."""
    for p in range(port, min(port + tries, 65536)):
        if port_free(host, p):
            return p
    return None


def banner(host: str, port: int, asked_port: int, public_url: str | None, registry,
           interfaces: list | None = None) -> tuple[list[str], str | None]:
    """The lines to print, and the address the terminal QR code should show (None: no QR)."""
    lines, target = _addresses(host, port, asked_port, public_url, registry, interfaces)
    return [*lines, msg("stop_hint")], target


def _addresses(host, port, asked_port, public_url, registry, interfaces):
    lines = [msg("title")]
    if port != asked_port:
        lines.append(msg("port_moved", asked=asked_port, port=port))
    lines.append(msg("local", url=f"http://localhost:{port}/"))
    if not public_url and not netinfo.listens_on_lan(host):
        # (With --public-url the address is the user's word: e.g. a reverse proxy in front of 127.0.0.1.)
        lines.append(msg("loopback_only", host=host))
        return lines, None
    if public_url:
        urls = [public_url.rstrip("/")]
        lines.append(msg("phones_given", url=urls[0] + "/"))
    else:
        found = [i for i in (netinfo.interfaces() if interfaces is None else interfaces) if i.up]
        if not found:
            lines.append(msg("no_network"))
            return lines, None
        urls = [f"http://{i.address}:{port}" for i in found]
        best = found[0]
        lines.append(msg("phones", url=urls[0] + "/", name=f"{msg('kind_' + best.kind)}, {best.name}"))
        for i, u in zip(found[1:], urls[1:]):
            lines.append(msg("other_address", url=u + "/", name=f"{msg('kind_' + i.kind)}, {i.name}"))
        if len(found) > 1:
            lines.append(msg("switch_hint"))
    workshops = registry.all()
    for ws in workshops:
        lines.append(msg("workshop", name=ws.info().get("name", ""), url=f"{urls[0]}/j/{ws.code}"))
    target = f"{urls[0]}/j/{workshops[-1].code}" if workshops else f"{urls[0]}/"
    return lines, target


def stop_on_terminate() -> None:
    """SIGTERM (a service manager, ``kill``, a test) stops the server like Ctrl+C does, so the laptop is
    allowed to sleep again and the workshops are closed cleanly. SIGTERM exists on every platform."""
    def _stop(signum, frame):
        raise SystemExit(0)

    try:
        from . import workers

        if workers.under_gevent():
            # A plain handler raises in whichever greenlet runs when the signal comes (a request, a warm-up),
            # which may end that greenlet alone and leave the server running. gevent's handler runs in the
            # hub instead, and the stop is thrown into the greenlet that runs the server.
            import gevent

            server = gevent.getcurrent()
            gevent.signal_handler(signal.SIGTERM, lambda: gevent.get_hub().loop.run_callback(
                server.throw, SystemExit(0)))
            return
        signal.signal(signal.SIGTERM, _stop)
    except (ValueError, OSError):  # not the main thread (embedded use): leave the default
        pass
