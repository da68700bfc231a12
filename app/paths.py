"""Where things live: the repository checkout, or the installed package.

Run from the repository (``python run.py``), the workshop files go to
``sessions/`` beside the code, as they always have. Installed from the wheel
(``atelier``), the code lives in site-packages, which is no place for data:
the files go to the user's data folder (``platformdirs``), e.g.
``%LOCALAPPDATA%\\atelier-synergies`` on Windows. ``ATELIER_DATA_DIR``
overrides both.
"""
from __future__ import annotations

import os
from pathlib import Path

#: Folder that holds ``templates/``, ``static/`` and ``node_modules/`` (the repository, or the
#: installed ``atelier`` package, where the wheel build puts the same three folders).
ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "atelier-synergies"


def installed() -> bool:
    """True when running from the wheel: the build leaves a BUILD_INFO marker beside the code."""
    return (ROOT / "BUILD_INFO.json").is_file()


def prog() -> str:
    """How the user started us, for --help: ``atelier`` once installed, ``python run.py`` in the repository."""
    return "atelier" if installed() else "python run.py"


def default_data_dir() -> str:
    env = os.environ.get("ATELIER_DATA_DIR")
    if env:
        return env
    if not installed():
        return str(ROOT / "sessions")
    from platformdirs import user_data_dir

    return str(Path(user_data_dir(APP_NAME, appauthor=False)) / "sessions")
