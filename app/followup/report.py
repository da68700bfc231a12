"""The year's report of one workshop or several: figures from each journal, combined."""
from __future__ import annotations

from datetime import date

from . import figures, service


def events_of(ws) -> list[dict]:
    return ws.store.rows("SELECT seq, at, entity, entity_id, action, after FROM events ORDER BY seq")


def for_workshop(ws, as_of: date | None = None) -> dict:
    return figures.report(events_of(ws), as_of=as_of, tz=service.timezone(ws), workshop=ws.store.workshop())


def for_workshops(workshops, as_of: date | None = None) -> dict:
    reps = [for_workshop(ws, as_of) for ws in workshops]
    out = figures.combine(reps)
    out["parts"] = reps if len(reps) > 1 else []
    return out


def pdf(workshops, *, as_of: date | None = None, lang: str = "fr") -> bytes:
    from . import report_pdf

    return report_pdf.build(for_workshops(workshops, as_of), lang=lang, factors=service.factor_table(workshops[0]))
