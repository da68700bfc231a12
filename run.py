"""Start the workshop server, or run a command: ``python run.py --help``."""
import sys


def _serving_with_gevent(argv):
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


if __name__ == "__main__":
    argv = sys.argv[1:]
    if _serving_with_gevent(argv):
        # gevent must patch the standard library before anything else imports it.
        from gevent import monkey

        monkey.patch_all()
    from app.cli import main

    sys.exit(main(argv))
