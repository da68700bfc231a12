"""Imports of organisations and resource sheets from the files people really have.

A guided import in five plain steps, one module each:

- :mod:`.read`     bytes -> tabs of typed cells (XLSX, XLS, ODS, CSV in any common encoding/separator)
- :mod:`.headers`  header row(s) found, every column recognised, remembered, chosen or ignored
- :mod:`.values`   cells parsed; values outside a fixed list listed with a proposed mapping
- :mod:`.preview`  the plan: every row as it will be stored, created / updated / skipped / rejected
- :mod:`.apply`    one transaction, journaled, one broadcast

Used by the organiser's wizard (app/web/imports.py) and ``python run.py import``.
"""
from __future__ import annotations

from .apply import ORGANISER, apply
from .preview import PlanError, analyse

__all__ = ["ORGANISER", "PlanError", "analyse", "apply", "run"]


def ready(plan: dict) -> bool:
    """Nothing left to decide: required columns present, every column and value seen and settled."""
    return not plan["problems"] and not plan["undecided_columns"] and not plan["undecided_values"]


def run(ws, content: bytes, filename: str, kind: str, *, accept: bool = False, dry_run: bool = False,
        skip_rejected: bool = False, columns: dict | None = None, values: dict | None = None,
        lang: str = "fr") -> dict:
    """Analyse, then write when allowed: ``accept`` takes every proposed mapping (unknown columns stay
    ignored); rejected rows block the write unless ``skip_rejected``. Returns the plan with
    ``written`` and, when written, ``result``."""
    plan = analyse(ws, content, filename, kind, columns=columns, values=values, lang=lang)
    plan["written"] = False
    blocked = bool(plan["problems"]) or (not accept and not ready(plan)) or \
        (plan["counts"]["reject"] and not skip_rejected)
    if dry_run or blocked:
        return plan
    plan["result"] = apply(ws, plan)
    plan["written"] = True
    return plan
