"""The counters every screen shows (organisations, sheets, ideas per status and category…).

Plain reads of one workshop's store, used by the services (a screen's state)
and by the broadcast point's throttled ``stats`` message."""
from __future__ import annotations


def stats(ws) -> dict:
    """The counters every screen shows; one pass of small COUNT queries."""
    s = ws.store
    orgs = s.rows("SELECT presence, COUNT(*) n FROM organisations WHERE COALESCE(hidden,0)=0 GROUP BY presence")
    sheets = s.rows("SELECT kind, category, COUNT(*) n FROM sheets WHERE COALESCE(hidden,0)=0 "
                    "AND state != 'withdrawn' GROUP BY kind, category")
    ideas = s.rows("SELECT status, category, SUM(b2b) b2b, COUNT(*) n FROM ideas WHERE COALESCE(hidden,0)=0 "
                   "AND merged_into IS NULL GROUP BY status, category")
    by_status = {k: 0 for k in ("new", "explore", "soon", "abandoned", "done")}
    by_category: dict[str, dict] = {}
    for r in ideas:
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["n"]
        c = by_category.setdefault(r["category"] or "other", {"sheets": 0, "ideas": 0})
        c["ideas"] += r["n"]
    for r in sheets:
        c = by_category.setdefault(r["category"] or "other", {"sheets": 0, "ideas": 0})
        c["sheets"] += r["n"]
    return {
        "organisations": sum(r["n"] for r in orgs),
        "represented": sum(r["n"] for r in orgs if r["presence"] == "represented"),
        "sheets": sum(r["n"] for r in sheets),
        "offers": sum(r["n"] for r in sheets if r["kind"] == "offer"),
        "needs": sum(r["n"] for r in sheets if r["kind"] == "need"),
        "ideas": sum(r["n"] for r in ideas),
        "b2b": sum(r["b2b"] or 0 for r in ideas),
        "by_status": by_status,
        "by_category": by_category,
        "facilitators": s.scalar("SELECT COUNT(*) FROM facilitators WHERE COALESCE(revoked,0)=0") or 0,
    }
