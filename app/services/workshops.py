"""Workshops: creation, sign-in of organiser and facilitators, intake and
phase, the counters, and the role-filtered state a screen starts from."""
from __future__ import annotations

import hmac
import secrets

from werkzeug.security import check_password_hash, generate_password_hash

from .. import journal, realtime
from ..derived import refreshes
from ..rules import permissions, validation as V, visibility
from . import ServiceError, authorize, check, commit

SYSTEM = {"role": "organiser", "id": None, "label": "system"}


def create(registry, data: dict, *, workshop_id: str | None = None, code: str | None = None):
    clean = check(V.WORKSHOP_CREATE, data)
    wid = workshop_id or registry.new_workshop_id()
    store = registry.open_new(wid)
    zones = [z.strip() for z in (clean.get("zones") or "").split(",") if z.strip()]
    row = {
        "id": wid, "code": code or registry.unused_code(), "name": clean["name"], "date": clean.get("date"),
        "venue": clean.get("venue"), "zones": zones,
        "password_hash": generate_password_hash(clean["password"]),
        "intake_open": 1, "phase": "live", "projector_token": secrets.token_urlsafe(16),
        "categories_extra": [],
        **{k: clean.get(k) for k in CONTACT_FIELDS},
    }
    try:
        store.write(SYSTEM, lambda tx: tx.insert("workshop", row))
    except BaseException:
        discard(store)  # a refused creation leaves no file behind (nor its -wal / -shm)
        raise
    return registry.register(store)


def discard(store):
    """Close a store that was never registered and remove its files."""
    from pathlib import Path

    store.close()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(store.path + suffix).unlink(missing_ok=True)


CONTACT_FIELDS = ("organiser_name", "organiser_email", "organiser_phone")
LOGO_MAX_BYTES = 1_000_000      # what the organiser may upload
LOGO_MAX_SIDE = 4000            # px, refused above (a decompression bomb otherwise)
LOGO_KEEP_SIDE = 800            # px, stored at most (documents print it a few cm wide)


def _clean_logo(data: bytes) -> bytes:
    """A PNG or JPEG image, checked by decoding it, re-encoded as a PNG without metadata."""
    import io

    from PIL import Image, UnidentifiedImageError

    if len(data) > LOGO_MAX_BYTES:
        raise ServiceError(413, "err.logo_too_big", {"max": LOGO_MAX_BYTES // 1000})
    if not (data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff")):
        raise ServiceError(422, "err.logo_format")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("PNG", "JPEG"):
                raise ServiceError(422, "err.logo_format")
            if max(probe.size) > LOGO_MAX_SIDE:
                raise ServiceError(422, "err.logo_dimensions", {"max": LOGO_MAX_SIDE})
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            img = img.convert("RGBA")
            img.thumbnail((LOGO_KEEP_SIDE, LOGO_KEEP_SIDE))
            out = io.BytesIO()
            img.save(out, "PNG", optimize=True)
            return out.getvalue()
    except ServiceError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise ServiceError(422, "err.logo_format")


def update_contact(ws, actor, data: dict, *, logo: bytes | None = None, remove_logo: bool = False):
    """Set the organiser's contact (name, email, phone) and, optionally, replace or remove the logo."""
    authorize(ws, actor, "workshop.manage")
    clean = check(V.WORKSHOP_CONTACT, data)
    png = _clean_logo(logo) if logo else None
    info = ws.store.workshop()

    def write(tx):
        changes = {k: clean.get(k) for k in CONTACT_FIELDS}
        if png is not None:
            changes.update(logo_sha=tx.put_blob(png, "image/png"), logo_type="image/png")
        elif remove_logo:
            changes.update(logo_sha=None, logo_type=None)
        return tx.update("workshop", info["id"], changes, action="update")

    return commit(ws, actor, write)


def logo(ws):
    """``(png bytes, content type)`` of the workshop's logo, or None."""
    info = ws.store.workshop() or {}
    return ws.store.blob(info["logo_sha"]) if info.get("logo_sha") else None


def check_organiser(ws, password) -> bool:
    info = ws.store.workshop()
    return isinstance(password, str) and check_password_hash(info["password_hash"], password)


def check_projector(ws, token) -> bool:
    info = ws.store.workshop()
    return isinstance(token, str) and hmac.compare_digest(info["projector_token"], token)


def facilitator_by_code(ws, code):
    if not isinstance(code, str) or not code.strip():
        return None
    code = code.strip().upper().replace(" ", "").replace("-", "")
    rows = ws.store.all("facilitator", "code = ?", [code])
    return rows[0] if rows else None


def set_intake(ws, actor, data):
    authorize(ws, actor, "intake.set")
    clean = check(V.INTAKE, data)
    info = ws.store.workshop()
    return commit(ws, actor, lambda tx: tx.update("workshop", info["id"], {"intake_open": int(clean["open"])},
                                                  action="intake"))


def set_phase(ws, actor, data):
    authorize(ws, actor, "workshop.phase")
    clean = check(V.PHASE, data)
    info = ws.store.workshop()
    changes = {"phase": clean["phase"]}
    if clean["phase"] in ("closed", "locked"):
        changes["intake_open"] = 0
    return commit(ws, actor, lambda tx: tx.update("workshop", info["id"], changes, action="phase"))


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
        "suggested": _suggested(ws),
    }


def _suggested(ws) -> int:
    """Open suggestions between sheets everyone may see (the wall's "rapprochements suggérés")."""
    from . import suggestions

    return suggestions.public_count(ws)


def state(ws, actor: dict) -> dict:
    """Everything a screen may see, with the ``seq`` it is consistent with."""
    authorize(ws, actor, "workshop.read")
    role, org = actor["role"], actor.get("org")
    s = ws.store
    with s.snapshot():
        seq = s.last_seq()
        info = s.workshop()
        orgs = s.all("organisation", order="name COLLATE NOCASE")
        sheets = s.all("sheet")
        if role == "participant":
            ideas = s.rows("SELECT * FROM ideas WHERE org_ids LIKE ? ORDER BY created_at", [f'%{org}%']) if org else []
        else:
            ideas = s.all("idea")
        facs = s.all("facilitator", order="table_no, name") if role in ("organiser", "facilitator") else []
        asking = s.all("device", "state = 'pending' AND COALESCE(revoked, 0) = 0") \
            if permissions.cell(role, "read.join_request") else []

    src = visibility.Sources(s, {("sheet", r["id"]): r for r in sheets})
    src.cache.update({("organisation", r["id"]): r for r in orgs})

    def keep(entity, rows):
        out = []
        for r in rows:
            v = visibility.for_role(entity, r, role, org, src)
            if v is not None:
                out.append(v)
        return out

    return {
        "seq": seq,
        "workshop": visibility.workshop(info, role),
        "organisations": keep("organisation", orgs),
        "sheets": keep("sheet", sheets),
        "ideas": keep("idea", ideas),
        "facilitators": keep("facilitator", facs),
        "join_requests": keep("device", asking),
        "stats": stats(ws) if permissions.allowed(role, "read.stats") else None,
        "me": {"role": role, "id": actor.get("id"), "org": org, "asking": actor.get("asking"),
               "join_state": actor.get("join_state")},
    }


RESYNC_LIMIT = 500


def events_since(ws, actor: dict, since: int) -> dict:
    """What a reconnecting screen missed, filtered for its role; ``reset`` if too far behind."""
    authorize(ws, actor, "workshop.read")
    last = ws.store.last_seq()
    if since < 0 or since > last:
        return {"reset": True, "last_seq": last, "events": []}
    if last - since > RESYNC_LIMIT:
        return {"reset": True, "last_seq": last, "events": []}
    out = []
    # Roles that do not see moderated items get each record as it is *now*: a sheet made confidential
    # or an idea hidden since is not replayed from the journal's older copy.
    current = None if permissions.allowed(actor["role"], "read.hidden") else {}
    src = visibility.Sources(ws.store)
    missed = []  # each event, then the records whose derived fields it changed (same seq)
    for ev in journal.since(ws.store, since, RESYNC_LIMIT + 1):
        missed += [ev, *refreshes(ws.store, [ev])]
    for ev in missed:
        after = ev["after"]
        if current is not None and ev["entity"] in visibility.RULES:
            key = (ev["entity"], ev["entity_id"])
            if key not in current:
                current[key] = ws.store.get(ev["entity"], ev["entity_id"])
            after = current[key]
        id_, rec = visibility.event_view(ev, actor["role"], actor.get("org"), src, after=after)
        out.append({"seq": ev["seq"], "entity": ev["entity"], "id": id_, "action": ev["action"], "record": rec})
    return {"reset": False, "last_seq": last, "events": out,
            "stats": stats(ws) if permissions.allowed(actor["role"], "read.stats") else None}


def require_workshop(registry, wid):
    ws = registry.get(wid)
    if ws is None:
        raise ServiceError(404, "err.workshop_not_found")
    return ws


realtime.provide(counters=stats)  # the broadcast point sends these figures every 250 ms
