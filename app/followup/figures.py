"""The year's figures, computed from a workshop's state as of a date
(:func:`app.followup.asof.state_at`): what a PTCE puts in its annual report."""
from __future__ import annotations

from datetime import date, timedelta

from ..rules.vocab import CATEGORY_KEYS, STATUSES
from . import asof, dates
from .impact import STAGES, euros_total

# The funnel's last stage: the B2B ideas by where they stand now (DESIGN.md §1: 87 -> 9 / 14 / 64).
FUNNEL_OUTCOMES = [("explore", ("new", "explore", "discussion")), ("soon", ("soon",)), ("done", ("done",)),
                   ("abandoned", ("abandoned",)), ("standby", ("standby",))]
IMPACT_FIELDS = ("tonnes", "water_m3", "mwh", "euros", "jobs", "co2_t")


def _live(recs, *, hidden_key="hidden"):
    return [r for r in recs if not r.get(hidden_key)]


def live_ideas(state) -> list[dict]:
    return [i for i in state.get("idea", {}).values() if not i.get("hidden") and not i.get("merged_into")]


def in_followup(idea: dict) -> bool:
    """B2B ideas, and any other the organiser added to the follow-up."""
    return bool(idea.get("b2b") or idea.get("followup"))


def idea_zone(idea, orgs) -> str:
    for oid in [idea.get("provider_id")] + list(idea.get("org_ids") or []):
        z = (orgs.get(oid) or {}).get("zone") if oid else None
        if z:
            return z
    return ""


def impact_totals(impacts: list[dict], ideas_by_id: dict) -> dict:
    """Per stage: totals of each figure over live ideas; ``by_family``: tCO2e per factor family/key."""
    out = {st: {k: 0.0 for k in IMPACT_FIELDS} | {"ideas": 0} for st in STAGES}
    by_factor: dict[str, dict[str, float]] = {st: {} for st in STAGES}
    for imp in impacts:
        st = imp.get("stage")
        idea = ideas_by_id.get(imp.get("idea_id"))
        if st not in out or idea is None:
            continue
        tot = out[st]
        tot["ideas"] += 1
        for k in ("tonnes", "water_m3", "mwh", "jobs", "co2_t"):
            tot[k] += float(imp.get(k) or 0)
        tot["euros"] += euros_total(imp.get("euros"))
        for f in imp.get("factors_used") or []:
            by_factor[st][f["key"]] = by_factor[st].get(f["key"], 0.0) + float(f.get("co2_t") or 0)
    for st in STAGES:
        out[st] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in out[st].items()}
        out[st]["co2_by_factor"] = {k: round(v, 3) for k, v in sorted(by_factor[st].items(), key=lambda x: -x[1])}
    return out


def compute(state: dict) -> dict:
    """All report figures from one state (plain data in, plain data out)."""
    orgs = {k: o for k, o in state.get("organisation", {}).items() if not o.get("hidden")}
    sheets = [s for s in state.get("sheet", {}).values() if not s.get("hidden") and s.get("state") != "withdrawn"]
    ideas = live_ideas(state)
    ideas_by_id = {i["id"]: i for i in ideas}
    facs = [f for f in state.get("facilitator", {}).values() if not f.get("revoked")]
    b2b = [i for i in ideas if i.get("b2b")]
    followed = [i for i in ideas if in_followup(i)]
    by_status = {s: 0 for s in STATUSES}
    for i in ideas:
        by_status[i.get("status") or "new"] = by_status.get(i.get("status") or "new", 0) + 1
    outcome = {name: sum(1 for i in b2b if i.get("status") in sts) for name, sts in FUNNEL_OUTCOMES}
    by_category = {c: {"offers": 0, "needs": 0, "ideas": 0, "done": 0} for c in CATEGORY_KEYS}
    for s in sheets:
        c = by_category.setdefault(s.get("category") or "other", {"offers": 0, "needs": 0, "ideas": 0, "done": 0})
        c["offers" if s.get("kind") == "offer" else "needs"] += 1
    for i in ideas:
        c = by_category.setdefault(i.get("category") or "other", {"offers": 0, "needs": 0, "ideas": 0, "done": 0})
        c["ideas"] += 1
        c["done"] += i.get("status") == "done"
    by_zone: dict[str, dict] = {}
    for o in orgs.values():
        z = by_zone.setdefault(o.get("zone") or "", {"organisations": 0, "ideas": 0, "followed": 0, "done": 0})
        z["organisations"] += 1
    for i in ideas:
        z = by_zone.setdefault(idea_zone(i, orgs), {"organisations": 0, "ideas": 0, "followed": 0, "done": 0})
        z["ideas"] += 1
        z["followed"] += in_followup(i)
        z["done"] += i.get("status") == "done"
    impacts = list(state.get("impact", {}).values())
    return {
        "organisations": len(orgs),
        "present": sum(1 for o in orgs.values() if o.get("presence") != "represented"),
        "represented": sum(1 for o in orgs.values() if o.get("presence") == "represented"),
        "facilitators": len(facs),
        "sheets": len(sheets),
        "offers": sum(1 for s in sheets if s.get("kind") == "offer"),
        "needs": sum(1 for s in sheets if s.get("kind") == "need"),
        "ideas": len(ideas),
        "b2b": len(b2b),
        "followed": len(followed),
        "by_status": by_status,
        "funnel": {"sheets": len(sheets), "ideas": len(ideas), "b2b": len(b2b), **outcome},
        "by_category": {k: v for k, v in by_category.items() if any(v.values())},
        "by_zone": dict(sorted(by_zone.items())),
        "contacts": len(state.get("contact", {})),
        "impact": impact_totals(impacts, ideas_by_id),
    }


def series_points(first: date, last: date, tz: str | None) -> list[tuple[date, str]]:
    """Days to sample the status curve at: weekly over a short span, month ends over a long one."""
    if last < first:
        first = last
    span = (last - first).days
    days: list[date] = []
    if span <= 120:
        d = first
        while d < last:
            days.append(d)
            d += timedelta(days=7 if span > 21 else 1)
    else:
        d = first
        while d < last:
            days.append(d)
            nxt_first = (d.replace(day=1) + timedelta(days=32)).replace(day=1)
            end = nxt_first - timedelta(days=1)  # the month's last day, or the next month's
            d = end if end > d else (nxt_first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    days.append(last)
    return [(d, dates.end_of_day_utc(d, tz)) for d in sorted(set(days))]


def report(events: list[dict], *, as_of: date | None, tz: str | None, workshop: dict | None = None) -> dict:
    """The report for one workshop from its journal: figures at ``as_of`` (end of that day where the
    workshop is; ``None``: everything journaled) and the status curve from the first event to then."""
    cutoff = dates.end_of_day_utc(as_of, tz) if as_of else None
    state = asof.state_at(events, cutoff)
    figs = compute(state)
    kept = [e for e in events if cutoff is None or e["at"] <= cutoff]
    if kept:
        first = dates.local_day(min(e["at"] for e in kept), tz)
        last = as_of or dates.local_day(max(e["at"] for e in kept), tz)
        pts = series_points(first, last, tz)
        counts = asof.status_series(kept, [p for _, p in pts])
        figs["series"] = [{"day": d.isoformat(), "by_status": c} for (d, _), c in zip(pts, counts)]
    else:
        figs["series"] = []
    info = (state.get("workshop") or {})
    ws = next(iter(info.values()), None) or workshop or {}
    figs["workshop"] = {"name": ws.get("name"), "date": ws.get("date"), "code": ws.get("code")}
    figs["as_of"] = as_of.isoformat() if as_of else None
    return figs


def combine(reports: list[dict]) -> dict:
    """Several workshops' reports as one (the territory's year): counts and impact totals summed."""
    if len(reports) == 1:
        return reports[0]
    out: dict = {"workshops": [r["workshop"] for r in reports], "as_of": reports[0].get("as_of") if reports else None}
    for k in ("organisations", "present", "represented", "facilitators", "sheets", "offers", "needs", "ideas", "b2b",
              "followed", "contacts"):
        out[k] = sum(r[k] for r in reports)
    for k in ("by_status", "funnel"):
        out[k] = {}
        for r in reports:
            for s, n in r[k].items():
                out[k][s] = out[k].get(s, 0) + n
    for k in ("by_category", "by_zone"):
        out[k] = {}
        for r in reports:
            for name, row in r[k].items():
                tgt = out[k].setdefault(name, {f: 0 for f in row})
                for f, n in row.items():
                    tgt[f] = tgt.get(f, 0) + n
    out["impact"] = {}
    for st in STAGES:
        tot = {f: 0.0 for f in IMPACT_FIELDS} | {"ideas": 0, "co2_by_factor": {}}
        for r in reports:
            src = r["impact"][st]
            for f in IMPACT_FIELDS:
                tot[f] = round(tot[f] + src[f], 3)
            tot["ideas"] += src["ideas"]
            for fk, v in src["co2_by_factor"].items():
                tot["co2_by_factor"][fk] = round(tot["co2_by_factor"].get(fk, 0) + v, 3)
        out["impact"][st] = tot
    out["series"] = []
    out["workshop"] = {"name": " + ".join(str(r["workshop"].get("name")) for r in reports), "date": None, "code": None}
    return out
