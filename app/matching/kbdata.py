"""Reads the knowledge base's data files (``app/matching/data``), once per process."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
# libyaml's parser when PyYAML was built with it (every wheel is): ten times faster than the pure one
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(fh):
    return yaml.load(fh, Loader=Loader)  # noqa: S506 (a safe loader)


@lru_cache(maxsize=None)
def load(name: str):
    with open(DATA / f"{name}.yaml", encoding="utf-8") as fh:
        return _read(fh)


@lru_cache(maxsize=1)
def concept_files() -> tuple:
    """Every ``data/kb/*.yaml`` file as ``(path name, parsed content)``, in name order."""
    out = []
    for path in sorted((DATA / "kb").glob("*.yaml")):
        with open(path, encoding="utf-8") as fh:
            out.append((path.name, _read(fh)))
    return tuple(out)
