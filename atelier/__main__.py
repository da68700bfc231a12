"""``atelier [command] [options]`` — start the server (default) or run a command; ``--help`` lists them."""
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
    if sys.platform == "win32":  # French accents in a Windows console
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (AttributeError, ValueError):
                pass
    return _cli().main(argv)


if __name__ == "__main__":
    sys.exit(run())
