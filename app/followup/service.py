"""Follow-up use cases: rules in, store + journal through ``commit``, out through the broadcast point.

Facilitators act on the ideas they are in charge of (the ``own`` cells of
the ``followup.*`` rows), the organiser on every idea, participants report
their own organisation's outcome. Every write is one transaction with its
journal events, so the report can be recomputed "as of" any date.
"""
from __future__ import annotations

import uuid

from ..rules import permissions, statuses, validation as V, visibility
from ..services import ServiceError, authorize, check, commit, require
from ..store import now_iso
from . import dates, figures, impact as I

NS = uuid.UUID("6f1c2f0e-3d0b-4c52-9a3e-8f7c2b6a1d40")
ORGANISER_ONLY = ("facilitator_id", "followup")
# Which figures a stage takes: estimated while it is being discussed, actual once carried out.
STAGE_STATUSES = {"estimated": ("explore", "discussion", "soon", "done", "standby"), "actual": ("done",)}


def derived_id(*parts) -> str:
    return str(uuid.uuid5(NS, ":".join(parts)))


def timezone(ws) -> str:
    return (ws.store.workshop() or {}).get("timezone") or dates.DEFAULT_TZ


def factor_table(ws) -> dict:
    return I.table(ws.store.all("factor", order="key"))


def _own(actor, idea) -> bool | None:
    role = actor["role"]
    if role == "facilitator":
        return bool(idea.get("facilitator_id")) and idea.get("facilitator_id") == actor.get("id")
    if role == "participant":
        return actor.get("org") is not None and actor.get("org") in (idea.get("org_ids") or [])
    return None


def _idea(ws, actor, idea_id, action):
    """The live idea, after the rights check (so a refusal says nothing about what exists)."""
    if permissions.cell(actor["role"], action) is False:
        authorize(ws, actor, action)  # refused by the cell alone, before reading anything
    idea = ws.store.get("idea", idea_id) if isinstance(idea_id, str) else None
    if idea is None or idea.get("merged_into") or idea.get("hidden"):
        raise ServiceError(404, "err.not_found")
    info = authorize(ws, actor, action, own=_own(actor, idea))
    return idea, info


def _load(tx, idea_id, version=None):
    idea = tx.get("idea", idea_id)
    if idea is None or idea.get("merged_into") or idea.get("hidden"):
        raise ServiceError(404, "err.not_found")
    if version is not None and int(version) != idea["version"]:
        raise ServiceError(409, "err.conflict", current=idea, entity="idea")
    return idea


# -- writes ------------------------------------------------------------------------------------------
def update(ws, actor, idea_id, data):
    """Status (the follow-up workflow), next step, due date; who is in charge (organiser)."""
    clean = check(V.FOLLOWUP_UPDATE, data)
    _, info = _idea(ws, actor, idea_id, "followup.update")
    if actor["role"] != "organiser" and any(k in clean for k in ORGANISER_ONLY):
        field = next(k for k in ORGANISER_ONLY if k in clean)
        raise ServiceError(403, "err.organiser_only", fields={field: ("err.organiser_only", {})})
    if clean.get("facilitator_id"):
        fac = require(ws, "facilitator", clean["facilitator_id"])
        if fac.get("revoked"):
            raise ServiceError(422, "err.invalid", fields={"facilitator_id": ("err.revoked", {})})
    version, request_id = clean.pop("version"), clean.pop("request_id", None)

    def fn(tx):
        idea = _load(tx, idea_id, version)
        changes = {k: clean[k] for k in ("next_step", "due_date", "facilitator_id") if k in clean}
        if "followup" in clean:
            changes["followup"] = int(clean["followup"])
        action = "followup"
        target = clean.get("status")
        if target and target != idea["status"]:
            try:
                changes.update(statuses.check_move(idea["status"], target, clean.get("reason"), info["phase"]))
            except statuses.MoveError as exc:
                field = "reason" if exc.key == "err.reason_required" else "status"
                raise ServiceError(422, exc.key, fields={field: (exc.key, {})}) from None
            changes["status_at"] = now_iso()
            action = "move"
        elif target == idea["status"] == "abandoned" and clean.get("reason"):
            changes["abandon_reason"] = clean["reason"]
        return tx.update("idea", idea["id"], changes, version, action=action)

    return commit(ws, actor, fn, request_id=request_id, entity="idea")


def add_contact(ws, actor, idea_id, data):
    """One line of the facilitator's notebook; its next step and due date become the idea's."""
    clean = check(V.CONTACT_CREATE, data)
    _idea(ws, actor, idea_id, "followup.contact")
    existing = ws.store.get("contact", clean["id"])
    if existing:
        if existing["idea_id"] != idea_id:
            raise ServiceError(409, "err.id_taken")
        return existing, ws.store.last_seq()
    row = {**clean, "idea_id": idea_id, "who": clean.get("who") or actor.get("label"),
           "author": actor.get("id"), "author_label": actor.get("label")}

    def fn(tx):
        idea = _load(tx, idea_id)
        rec = tx.insert("contact", row)
        step = {k: clean[k] for k in ("next_step", "due_date") if clean.get(k)}
        if step:
            tx.update("idea", idea["id"], step, action="contact")
        return rec

    return commit(ws, actor, fn, request_id=clean["id"], entity="contact")


def set_impact(ws, actor, idea_id, stage, data):
    """Estimated or actual figures; tCO2e computed from the factor table, the factors kept with them."""
    if stage not in I.STAGES:
        raise ServiceError(404, "err.not_found")
    clean = check(V.IMPACT_SET, data)
    idea, _ = _idea(ws, actor, idea_id, "followup.impact")
    if idea["status"] not in STAGE_STATUSES[stage]:
        raise ServiceError(422, f"err.impact_{stage}", fields={"_": (f"err.impact_{stage}", {})})
    bad = [k for k in (clean.get("euros") or {}) if k not in (idea.get("org_ids") or [])]
    if bad:
        raise ServiceError(422, "err.invalid", fields={"euros": ("err.amounts_party", {})})
    version, request_id = clean.pop("version", None), clean.pop("request_id", None)
    try:
        figs = I.compute(clean, factor_table(ws))
    except I.ImpactError as exc:
        raise ServiceError(422, "err.invalid", fields={exc.field: (exc.key, {})}) from None
    rid = derived_id(idea_id, stage)
    row = {"tonnes": None, "material": None, "water_m3": None, "mwh": None, "energy": None, "euros": {},
           "jobs": None, "note": None, **figs, "id": rid, "idea_id": idea_id, "stage": stage,
           "org_ids": idea.get("org_ids") or []}

    def fn(tx):
        cur = _load(tx, idea_id)
        existing = tx.get("impact", rid)
        if existing is None:
            rec = tx.insert("impact", row)
        else:
            if version is None:
                raise ServiceError(422, "err.invalid", fields={"version": ("err.required", {})})
            rec = tx.update("impact", rid, {k: v for k, v in row.items() if k != "id"}, version)
        # The idea's own impact columns show the best figures known (actual over estimated) in every export.
        best = rec if stage == "actual" else (tx.get("impact", derived_id(idea_id, "actual")) or rec)
        used = {f["key"]: f for f in best.get("factors_used") or []}
        mat = used.get(best.get("material") or "")
        tx.update("idea", cur["id"], {"impact_tonnes": best.get("tonnes"), "impact_co2": best.get("co2_t"),
                                      "impact_euros": I.euros_total(best.get("euros")) or None,
                                      "impact_jobs": best.get("jobs"),
                                      "co2_factor": mat["kg_co2e"] if mat else None}, action="impact")
        return rec

    return commit(ws, actor, fn, request_id=request_id, entity="impact")


def set_outcome(ws, actor, idea_id, data):
    """A participant's own word on where the idea stands for their organisation (staff then move the card)."""
    clean = check(V.OUTCOME_SET, data)
    _idea(ws, actor, idea_id, "followup.outcome")
    org = actor["org"]
    rid = derived_id(idea_id, "outcome", org)
    row = {"id": rid, "idea_id": idea_id, "organisation_id": org, "status": clean["status"],
           "comment": clean.get("comment"), "euros": clean.get("euros"), "author": actor.get("id")}

    def fn(tx):
        _load(tx, idea_id)
        if tx.get("outcome", rid) is None:
            return tx.insert("outcome", row)
        return tx.update("outcome", rid, {k: v for k, v in row.items() if k != "id"}, action="outcome")

    return commit(ws, actor, fn, request_id=clean.get("request_id"), entity="outcome")


def set_factor(ws, actor, key, data):
    authorize(ws, actor, "factors.manage")
    if not isinstance(key, str) or not V.FACTOR_KEY_RE.match(key):
        raise ServiceError(422, "err.invalid", fields={"key": ("err.factor_key", {})})
    clean = check(V.FACTOR_SET, data)
    row = {**clean, "key": key, "unit": I.UNIT_OF_FAMILY[clean["family"]], "id": derived_id("factor", key)}

    def fn(tx):
        if tx.get("factor", row["id"]) is None:
            return tx.insert("factor", row)
        return tx.update("factor", row["id"], row)

    return commit(ws, actor, fn, entity="factor")


SCHEDULE = ("remind_on", "remind_day", "remind_hour")


def set_settings(ws, actor, data):
    """Time zone and weekly reminders: only the fields sent change; a new schedule starts from now
    (a slot already past when it is set is not sent)."""
    authorize(ws, actor, "followup.settings")
    clean = check(V.FOLLOWUP_SETTINGS, data)
    tz = clean.get("timezone")
    if "timezone" in clean and tz is not None and not dates.valid_zone(tz):
        raise ServiceError(422, "err.invalid", fields={"timezone": ("err.timezone", {})})
    info = ws.store.workshop()
    changes = {k: clean[k] for k in ("timezone", *SCHEDULE) if k in clean}
    if "remind_on" in changes:
        changes["remind_on"] = int(bool(changes["remind_on"]))
    merged = {**info, **changes}
    if merged.get("remind_on"):
        missing = [k for k in ("remind_day", "remind_hour") if merged.get(k) is None]
        if missing:
            raise ServiceError(422, "err.invalid", fields={k: ("err.remind_when", {}) for k in missing})
    if any(k in changes for k in SCHEDULE) or "timezone" in changes:
        if any(merged.get(k) != info.get(k) for k in (*SCHEDULE, "timezone")):
            changes["remind_since"] = now_iso()
    return commit(ws, actor, lambda tx: tx.update("workshop", info["id"], changes, action="settings"),
                  entity="workshop")


def set_facilitator_email(ws, actor, fac_id, data):
    authorize(ws, actor, "followup.settings")
    clean = check(V.FACILITATOR_EMAIL, data)
    require(ws, "facilitator", fac_id)
    return commit(ws, actor, lambda tx: tx.update("facilitator", fac_id, {"email": clean.get("email")}),
                  entity="facilitator")


# -- reads -------------------------------------------------------------------------------------------
def current_state(ws) -> dict:
    """``{entity: {id: record}}`` from the tables (what the journal replays to, see asof)."""
    s = ws.store
    with s.snapshot():
        out = {e: {r["id"]: r for r in s.all(e)} for e in
               ("organisation", "sheet", "idea", "facilitator", "contact", "impact", "outcome")}
        out["workshop"] = {r["id"]: r for r in s.rows("SELECT * FROM workshop")}
    return out


def _rows(ws, actor, ideas, st, day):
    """Board rows: the idea as the reader may see it, plus what the board shows next to it."""
    role, org = actor["role"], actor.get("org")
    orgs = st["organisation"]
    last_contact: dict[str, dict] = {}
    n_contacts: dict[str, int] = {}
    for c in st["contact"].values():
        n_contacts[c["idea_id"]] = n_contacts.get(c["idea_id"], 0) + 1
        if c["idea_id"] not in last_contact or (c["date"], c["created_at"]) > (
                last_contact[c["idea_id"]]["date"], last_contact[c["idea_id"]]["created_at"]):
            last_contact[c["idea_id"]] = c
    impacts: dict[str, dict] = {}
    for imp in st["impact"].values():
        impacts.setdefault(imp["idea_id"], {})[imp["stage"]] = visibility.for_role("impact", imp, role, org)
    outcomes: dict[str, list] = {}
    for o in st["outcome"].values():
        v = visibility.for_role("outcome", o, role, org)
        if v:
            outcomes.setdefault(o["idea_id"], []).append(v)
    out = []
    src = visibility.Sources(ws.store)  # an idea's derived title is built from the sheets this reader may see
    for i in ideas:
        v = visibility.for_role("idea", i, role, org, src)
        if v is None:
            continue
        lc = last_contact.get(i["id"]) if permissions.allowed(role, "read.contact") else None
        out.append({**v, "due_state": dates.due_state(i.get("due_date"), i.get("status"), day),
                    "zone": figures.idea_zone(i, orgs),
                    "org_names": [(orgs.get(o) or {}).get("name") for o in i.get("org_ids") or []],
                    "last_contact": {"date": lc["date"], "channel": lc["channel"], "who": lc["who"]} if lc else None,
                    "contacts": n_contacts.get(i["id"], 0) if lc else None,
                    "impact": impacts.get(i["id"], {}), "outcomes": outcomes.get(i["id"], [])})
    order = {"overdue": 0, "week": 1, "later": 2, None: 3}
    out.sort(key=lambda r: (order[r["due_state"]], r.get("due_date") or "9999", r.get("title") or ""))
    return out


def board(ws, actor) -> dict:
    """Every idea in follow-up, with due state in the workshop's time zone, and the figures."""
    authorize(ws, actor, "followup.board")
    tz = timezone(ws)
    day = dates.today(tz)
    st = current_state(ws)
    ideas = [i for i in figures.live_ideas(st) if figures.in_followup(i)]
    facs = [visibility.for_role("facilitator", f, actor["role"]) for f in st["facilitator"].values()]
    return {"today": day.isoformat(), "week_end": dates.week_end(day).isoformat(), "timezone": tz,
            "ideas": _rows(ws, actor, ideas, st, day), "facilitators": [f for f in facs if f],
            "zones": (ws.store.workshop() or {}).get("zones") or [],
            "figures": figures.compute(st), "factors": list(factor_table(ws).values()),
            "seq": ws.store.last_seq(), "me": {"role": actor["role"], "id": actor.get("id")}}


def mine(ws, actor) -> dict:
    """A participant's phone: their organisation's ideas in follow-up and their own reported outcomes."""
    authorize(ws, actor, "followup.mine")
    org = actor.get("org")
    st = current_state(ws)
    day = dates.today(timezone(ws))
    ideas = [i for i in figures.live_ideas(st) if figures.in_followup(i) and org in (i.get("org_ids") or [])]
    return {"today": day.isoformat(), "ideas": _rows(ws, actor, ideas, st, day), "seq": ws.store.last_seq()}


def detail(ws, actor, idea_id) -> dict:
    idea, _ = _idea(ws, actor, idea_id, "followup.read")
    role, org = actor["role"], actor.get("org")
    s = ws.store
    contacts = [visibility.for_role("contact", c, role, org)
                for c in s.all("contact", "idea_id = ?", [idea_id], order="date DESC, created_at DESC")]
    impacts = {r["stage"]: visibility.for_role("impact", r, role, org) for r in s.all("impact", "idea_id = ?", [idea_id])}
    outcomes = [visibility.for_role("outcome", r, role, org) for r in s.all("outcome", "idea_id = ?", [idea_id])]
    out = {"idea": visibility.for_role("idea", idea, role, org, visibility.Sources(s)),
           "contacts": [c for c in contacts if c is not None],
           "impact": {k: v for k, v in impacts.items() if v is not None},
           "outcomes": [o for o in outcomes if o is not None],
           "due_state": dates.due_state(idea.get("due_date"), idea.get("status"), dates.today(timezone(ws)))}
    if role in ("organiser", "facilitator"):
        from ..services import ideas

        out["history"] = ideas.history(ws, actor, idea_id)
    return out


def due_list(ws, fac_id: str | None = None) -> list[dict]:
    """Overdue and due-this-week ideas in follow-up (of one facilitator, or all): the homes' reminder list."""
    tz = timezone(ws)
    day = dates.today(tz)
    st = current_state(ws)
    orgs = st["organisation"]
    facs = st["facilitator"]
    out = []
    for i in figures.live_ideas(st):
        if not figures.in_followup(i) or (fac_id and i.get("facilitator_id") != fac_id):
            continue
        state = dates.due_state(i.get("due_date"), i.get("status"), day)
        if state in ("overdue", "week"):
            out.append({"id": i["id"], "title": i["title"], "status": i["status"], "due_date": i["due_date"],
                        "due_state": state, "next_step": i.get("next_step"),
                        "facilitator_id": i.get("facilitator_id"),
                        "facilitator": (facs.get(i.get("facilitator_id")) or {}).get("name"),
                        "org_names": [(orgs.get(o) or {}).get("name") for o in i.get("org_ids") or []]})
    out.sort(key=lambda r: (r["due_state"] != "overdue", r["due_date"], r["title"]))
    return out
