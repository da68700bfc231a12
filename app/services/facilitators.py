"""Facilitators: personal codes the organiser hands out, and revokes."""
from __future__ import annotations

import secrets

from ..registry import CODE_ALPHABET
from ..rules import validation as V
from . import authorize, check, commit, require


def new_code(ws) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not ws.store.all("facilitator", "code = ?", [code]):
            return code


def create(ws, actor, data):
    authorize(ws, actor, "facilitator.manage")
    clean = check(V.FACILITATOR_CREATE, data)
    existing = ws.store.get("facilitator", clean["id"])
    if existing:
        return existing, ws.store.last_seq()
    row = {**clean, "code": new_code(ws), "revoked": 0}
    return commit(ws, actor, lambda tx: tx.insert("facilitator", row), request_id=clean["id"], entity="facilitator")


def set_revoked(ws, actor, fac_id, revoked: bool):
    authorize(ws, actor, "facilitator.manage")
    fac = require(ws, "facilitator", fac_id)
    rec, seq = commit(ws, actor, lambda tx: tx.update("facilitator", fac["id"], {"revoked": int(bool(revoked))},
                                                      action="revoke" if revoked else "reinstate"))
    if revoked:
        from .. import realtime
        realtime.disconnect_facilitator(ws, fac["id"])
    return rec, seq
