"""Reads the knowledge base's data files (``app/matching/data``), once per process."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=None)
def load(name: str):
    with open(DATA / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def concept_files() -> tuple:
    """Every ``data/kb/*.yaml`` file as ``(path name, parsed content)``, in name order."""
    out = []
    for path in sorted((DATA / "kb").glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            out.append((path.name, yaml.safe_load(fh)))
    return tuple(out)
