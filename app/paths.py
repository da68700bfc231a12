"""Where things are: the project folder and the default data folder (no imports of the app: any module may use it)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = str(ROOT / "sessions")
