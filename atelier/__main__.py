"""``atelier [command] [options]`` — start the server (default) or run a command; ``--help`` lists them."""
import os
import sys


def _serving_with_gevent(argv) -> bool:
    if argv and argv[0] not in ("serve",) and not argv[0].startswith("-"):
        return False
    if "-h" in argv or "--help" in argv:
        return False
    for i, a in enumerate(argv):
        if a == "--async-mode" and i + 1 < len(argv) and argv[i + 1] != "gevent":
            return False
        if a.startswith("--async-mode=") and a.split("=", 1)[1] != "gevent":
            return False
    return True


# python-socketio imports its clients (requests, websocket-client) and its Redis manager (redis) with itself;
# a server on one laptop uses none of them: left out, they are 12 MB less memory (71 -> 59 MB at start).
# python-socketio and python-engineio take a missing one as "not installed". Hosted mode keeps redis.
UNUSED_BY_A_LOCAL_SERVER = ("redis", "valkey", "requests", "websocket")


def _leave_out_unused(argv):
    hosted = os.environ.get("ATELIER_MESSAGE_QUEUE") or any(
        a == "--message-queue" or a.startswith("--message-queue=") for a in argv)
    for name in UNUSED_BY_A_LOCAL_SERVER:
        if name not in sys.modules and not (hosted and name in ("redis", "valkey")):
            sys.modules[name] = None  # ``import name`` now raises ImportError


def _cli():
    from importlib.util import find_spec

    if find_spec(__package__ + ".app") is not None:  # installed from the wheel: atelier.app
        from .app import cli
    else:  # run from the repository: app/ sits beside atelier/
        from app import cli
    return cli


def run(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if _serving_with_gevent(argv):
        # gevent must patch the standard library before anything else imports it.
        from gevent import monkey

        monkey.patch_all()
        _leave_out_unused(argv)
    if sys.platform == "win32":  # French accents in a Windows console
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (AttributeError, ValueError):
                pass
    return _cli().main(argv)


if __name__ == "__main__":
    sys.exit(run())
