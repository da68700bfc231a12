"""The territory view: several workshops of this laptop side by side.

Each workshop file is opened read-only (``mode=ro``) for the time of the read: the server's own
store stays the only writer of every file, and a territory view can never change a workshop."""
from __future__ import annotations

import sqlite3
from contextlib import closing

from ..store import decode
from . import asof, dates, figures

ENTITIES = {"organisation": "organisations", "sheet": "sheets", "idea": "ideas", "facilitator": "facilitators",
            "impact": "impacts", "contact": "contacts", "outcome": "outcomes", "workshop": "workshop",
            "visit": "visits"}


def read_only(path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def state_of(path) -> dict:
    """``{entity: {id: record}}`` of one workshop file, read in one read transaction."""
    out: dict = {}
    with closing(read_only(path)) as conn:
        conn.execute("BEGIN")
        have = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        for entity, table in ENTITIES.items():
            rows = conn.execute(f"SELECT * FROM [{table}]").fetchall() if table in have else []
            out[entity] = {r["id"]: decode(r) for r in rows}
        out["_events"] = asof.read_events(conn) if "events" in have else []
        conn.execute("COMMIT")
    return out


def view(workshops) -> dict:
    """Workshops, ideas in follow-up, open offers and needs, impact totals, across ``workshops``."""
    rows, followed, base, reports, states = [], [], [], [], []
    for ws in workshops:
        st = state_of(ws.store.path)
        info = next(iter(st["workshop"].values()), {}) or {}
        tz = info.get("timezone") or dates.DEFAULT_TZ
        day = dates.today(tz)
        f = figures.compute(st)
        reports.append({**f, "workshop": {"name": info.get("name"), "date": info.get("date"), "code": ws.code},
                        "series": []})
        rows.append({"code": ws.code, "name": info.get("name"), "date": info.get("date"), "phase": info.get("phase"),
                     "kind": info.get("kind"), "visits": len(st["visit"]),
                     **{k: f[k] for k in ("organisations", "sheets", "ideas", "b2b", "followed")},
                     "done": f["by_status"].get("done", 0)})
        orgs, facs = st["organisation"], st["facilitator"]
        for i in figures.live_ideas(st):
            if figures.in_followup(i):
                followed.append({"workshop": info.get("name"), "code": ws.code, "title": i["title"],
                                 "status": i["status"], "due_date": i.get("due_date"),
                                 "due_state": dates.due_state(i.get("due_date"), i.get("status"), day),
                                 "facilitator": (facs.get(i.get("facilitator_id")) or {}).get("name"),
                                 "orgs": ", ".join((orgs.get(o) or {}).get("name") or "?" for o in i.get("org_ids") or [])})
        for s in st["sheet"].values():
            if s.get("hidden") or s.get("state") != "open":
                continue
            o = orgs.get(s.get("organisation_id")) or {}
            visit = st["visit"].get(s.get("visit_id")) if s.get("visit_id") else None
            base.append({"workshop": info.get("name"), "code": ws.code, "kind": s["kind"], "category": s["category"],
                         "title": s["title"], "quantity": s.get("quantity"), "unit": s.get("unit"),
                         "org": o.get("name"), "zone": o.get("zone"), "confidential": s.get("visibility") == "facilitators",
                         "id": s["id"], "visit": {k: visit.get(k) for k in ("date", "visited_by", "source")}
                         if visit else None})
        states.append((ws.code, info, st))
    order = {"overdue": 0, "week": 1, "later": 2, None: 3}
    followed.sort(key=lambda r: (order[r["due_state"]], r["due_date"] or "9999", r["title"]))
    base.sort(key=lambda r: (r["category"], r["kind"], r["title"].lower()))
    total = figures.combine(reports) if reports else None
    from ..flowstudy import suggest

    return {"workshops": rows, "followed": followed, "base": base, "total": total,
            "suggestions": suggest.across(states),
            "offers": sum(1 for b in base if b["kind"] == "offer"), "needs": sum(1 for b in base if b["kind"] == "need")}
