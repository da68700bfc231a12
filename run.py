"""Start the workshop server, or run a command: ``python run.py --help``.

Same as ``python -m atelier`` (and the ``atelier`` command once installed).
"""
import os
import subprocess
import sys
from pathlib import Path


def _venv_python():
    """The .venv that scripts/setup.sh made where the system Python refuses packages (PEP 668), if we are not
    already running in it."""
    here = Path(__file__).resolve().parent / ".venv"
    exe = here / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    if exe.exists() and Path(sys.prefix).resolve() != here.resolve():
        return exe
    return None


if __name__ == "__main__":
    venv = _venv_python()
    if venv is not None:
        args = [str(venv), __file__, *sys.argv[1:]]
        if os.name == "posix":
            os.execv(args[0], args)  # the same process: Ctrl+C and SIGTERM reach the server itself
        sys.exit(subprocess.call(args))
    from atelier.__main__ import run

    sys.exit(run())
