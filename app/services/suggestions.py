"""Suggested synergies: the matcher's pairs (``app.matching``) and the facilitators' decisions on them
(accept = the idea, dismiss, restore).

The matcher runs where :func:`use` put it (``app.matching.process``): in this process, or in a worker
process of its own for the live server. Every 250 ms the broadcast point (``realtime``) asks
:func:`changes` what moved since the last commits and sends it, filtered per role by
``app.rules.visibility``. A dismissed or accepted pair (and any pair already linked by an idea) is never
suggested again; the decision lives in the ``suggestions`` table, so it survives a restart.
"""
from __future__ import annotations

import uuid
from pathlib import Path

from .. import realtime
from ..matching import process, tracker
from ..matching.tracker import DECIDED, pair_id as _pair_id
from ..rules import validation as V, visibility
from . import ServiceError, authorize, check, commit, ideas, require

NS = tracker.NS
_matcher: process.Inline | process.Remote = process.Inline()


def use(where: str):
    """Run the matcher ``"inline"`` (this process: scripts, most tests) or in its own ``"process"``
    (the live server). Engines are rebuilt there from the files on first use."""
    global _matcher
    if where != _matcher.name:
        old, _matcher = _matcher, (process.Remote() if where == "process" else process.Inline())
        old.stop()


def matcher() -> str:
    return _matcher.name


def pair_id(ws, offer_id: str, need_id: str) -> str:
    return _pair_id(ws, offer_id, need_id)


def idea_id_for(ws, offer_id: str, need_id: str) -> str:
    """The idea an accepted suggestion becomes: the same id whoever taps, however often."""
    return str(uuid.uuid5(NS, f"idea:{ws.id}:{offer_id}:{need_id}"))


def forget(ws):
    """Drop a workshop's engine (tests, restore of a backup): the next use rebuilds it from the file."""
    _matcher.forget(ws)


def warm(registry, limit: int = 20, pause=None) -> int:
    """Build the engines of the most recently written workshops now, at start-up, so that the
    first write after a restart does not wait for a full run (8 s at 10x on a busy laptop).
    ``pause`` (``socketio.sleep``) lets screens be served between two workshops."""
    def written(ws):
        path = Path(ws.store.path)
        try:
            return max(p.stat().st_mtime for p in path.parent.glob(path.name + "*"))
        except (OSError, ValueError):
            return 0
    return _matcher.warm(sorted(registry.all(), key=written, reverse=True)[:limit], pause)


def changes(ws, events: list[dict], pause=None) -> tuple[list[dict], list[dict], int] | None:
    """After commits: ``(records added or changed, records removed, public count)``, or ``None``
    when nothing the matcher reads changed (see :func:`app.matching.tracker.changes`)."""
    if not any(ev["entity"] in tracker.READS for ev in events):
        return None
    return _matcher.changes(ws, events, pause)


def public_count(ws) -> int:
    """Suggestions between two sheets everyone may see (the wall's counter), as of the last broadcast."""
    return _matcher.public_count(ws)


# -- reads ------------------------------------------------------------------------------

def listing(ws, actor, scope: str = "all", sheet_id: str | None = None, limit: int = 300) -> dict:
    """Suggestions the caller may see, best first; staff also get the decisions."""
    authorize(ws, actor, "suggestion.read")
    role, org = actor["role"], actor.get("org")
    table = actor.get("table") if scope == "table" else None
    shown, total, seq = _matcher.listing(ws, role, org, table, sheet_id, limit)
    body = {"suggestions": shown, "total": total, "seq": seq}
    if visibility.suggestion_decision({}, role) is not None:
        body["decisions"] = decisions(ws)
    return body


def decisions(ws) -> list[dict]:
    """Accepted and dismissed suggestions, newest first (the book, the XLSX, the board)."""
    return ws.store.all("suggestion", "state IN (?, ?)", DECIDED, order="updated_at DESC, id")


def relevance(ws, actor) -> dict:
    """For a participant's room list: each other organisation's sheet it may see, scored by how
    well it matches one of the participant's own sheets (only from sheets the participant sees)."""
    authorize(ws, actor, "suggestion.read")
    org = actor.get("org")
    if actor["role"] != "participant" or not org:
        return {"scores": {}}
    out = {}
    for other, sc in _matcher.candidates(ws, org).items():
        if visibility.sheet(ws.store.get("sheet", other), "participant", org) is not None:
            out[other] = sc
    return {"scores": out}


# -- decisions --------------------------------------------------------------------------

def _pair(ws, data):
    clean = check(V.SUGGESTION_DECISION, data)
    offer = require(ws, "sheet", clean["offer_sheet_id"], hidden_ok=False)
    need = require(ws, "sheet", clean["need_sheet_id"], hidden_ok=False)
    if offer["kind"] != "offer":
        raise ServiceError(422, "err.invalid", fields={"offer_sheet_id": ("err.not_offer", {})})
    if need["kind"] != "need":
        raise ServiceError(422, "err.invalid", fields={"need_sheet_id": ("err.not_need", {})})
    if offer["organisation_id"] == need["organisation_id"]:
        raise ServiceError(422, "err.invalid", fields={"need_sheet_id": ("err.same_org", {})})
    return clean, offer, need


def _decide(ws, actor, offer, need, state: str, action: str, idea_id=None, request_id=None):
    pid = pair_id(ws, offer["id"], need["id"])
    reasons, score = _matcher.explain(ws, offer["id"], need["id"])

    def fn(tx):
        cur = tx.get("suggestion", pid)
        changes = {"state": state, "idea_id": idea_id or (cur or {}).get("idea_id"),
                   "decided_by": actor.get("label")}
        if cur is None:
            return tx.insert("suggestion", {"id": pid, "offer_sheet_id": offer["id"], "need_sheet_id": need["id"],
                                            "offer_org": offer["organisation_id"],
                                            "need_org": need["organisation_id"], "score": score,
                                            "reasons": reasons, **changes}, action=action)
        if cur["state"] == state:
            return cur
        if cur["state"] == "accepted":  # an accepted pair stays accepted: its idea exists
            return cur
        return tx.update("suggestion", pid, changes, action=action)

    return commit(ws, actor, fn, request_id=request_id, entity="suggestion")


def accept(ws, actor, data):
    """One tap: the idea (origin ``suggestion``, linked to both sheets) and the decision.
    Two facilitators tapping at once get the same single idea: its id comes from the pair."""
    authorize(ws, actor, "suggestion.decide")
    clean, offer, need = _pair(ws, data)
    existing = ws.store.rows("SELECT * FROM ideas WHERE offer_sheet_id = ? AND need_sheet_id = ? "
                             "AND merged_into IS NULL ORDER BY created_at LIMIT 1", [offer["id"], need["id"]])
    if existing:
        idea, seq = existing[0], ws.store.last_seq()
    else:
        idea, seq = ideas.create(ws, actor, {"id": idea_id_for(ws, offer["id"], need["id"]),
                                             "offer_sheet_id": offer["id"], "need_sheet_id": need["id"]},
                                 origin="suggestion")
    dec, seq2 = _decide(ws, actor, offer, need, "accepted", "accept", idea_id=idea["id"],
                        request_id=clean.get("request_id"))
    return {"idea": visibility.idea(idea, actor["role"], actor.get("org")),
            "record": visibility.suggestion_decision(dec, actor["role"]), "seq": max(seq, seq2)}


def dismiss(ws, actor, data):
    """Never suggested again for this pair (journaled; :func:`restore` undoes it)."""
    authorize(ws, actor, "suggestion.decide")
    clean, offer, need = _pair(ws, data)
    return _decide(ws, actor, offer, need, "dismissed", "dismiss", request_id=clean.get("request_id"))


def restore(ws, actor, data):
    """Undo a dismissal: the pair may be suggested again."""
    authorize(ws, actor, "suggestion.decide")
    clean, offer, need = _pair(ws, data)
    cur = ws.store.get("suggestion", pair_id(ws, offer["id"], need["id"]))
    if cur is None or cur["state"] != "dismissed":
        raise ServiceError(404, "err.nothing_to_undo")
    return _decide(ws, actor, offer, need, "open", "restore", request_id=clean.get("request_id"))


realtime.provide(pairs=changes, pair_reads=tracker.READS)  # the broadcast point sends what moved every 250 ms
