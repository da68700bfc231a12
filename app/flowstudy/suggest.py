"""Suggested synergies across the files of the territory view: the same matcher as a workshop's
suggestions (``app.matching.engine``), over every open sheet of every file read, keeping the pairs whose
two sheets are in *different* files (a pair inside one file is that file's own suggestion already).

Flow-study sheets take part like any other: a need typed at a workshop meets an offer found on a company
visit. The files are only read (``app.followup.territory`` reads them read-only); an organisation is
known across files by its name, so a company is never suggested to itself from two files.
"""
from __future__ import annotations

from ..matching.engine import Engine, eligible
from ..matching.score import MIN_SCORE
from ..rules import names

PER_SHEET = 3   # counterparts kept per need
LIMIT = 200     # pairs shown


def _org_key(org: dict | None, code: str, oid) -> str:
    name = (org or {}).get("name")
    return f"n:{names.normalise_name(name)}" if name else f"{code}:{oid}"


def across(states) -> list[dict]:
    """``states``: ``[(code, workshop info, state)]``. Returns the cross-file pairs, best first."""
    if len(states) < 2:
        return []
    sheets, orgs, where = [], {}, {}
    for code, info, st in states:
        for s in st["sheet"].values():
            if not eligible(s) or s.get("state") != "open":
                continue
            org = st["organisation"].get(s.get("organisation_id"))
            if org is not None and org.get("hidden"):
                continue
            key = f"{code}:{s['id']}"
            okey = _org_key(org, code, s.get("organisation_id"))
            orgs.setdefault(okey, org or {})
            sheets.append({**s, "id": key, "organisation_id": okey})
            where[key] = (code, info, s, org or {})
    eng = Engine().full(sheets, orgs)
    out = []
    for sid, p in eng.profiles.items():
        if p.kind != "need":
            continue
        code = where[sid][0]
        kept = 0
        for score, oid in eng.ranked(sid):
            if score < MIN_SCORE or kept >= PER_SHEET:
                break
            if where[oid][0] == code:
                continue
            kept += 1
            out.append(_pair(where[oid], where[sid], score, eng.explain(oid, sid)))
    out.sort(key=lambda r: (-r["score"], r["need"]["title"], r["offer"]["title"]))
    return out[:LIMIT]


def _side(w) -> dict:
    code, info, s, org = w
    return {"code": code, "workshop": info.get("name"), "flow_study": info.get("kind") == "flow_study",
            "id": s["id"], "title": s["title"], "org": org.get("name"), "visit": bool(s.get("visit_id")),
            "confidential": s.get("visibility") == "facilitators"}


def _pair(offer, need, score, reasons) -> dict:
    return {"offer": _side(offer), "need": _side(need), "score": score,
            "reasons": reasons}
