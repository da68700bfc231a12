"""What each role may read of each record: an ALLOW-LIST, applied to every
payload that leaves the server (HTTP answers, socket ``change`` / ``sync``,
error bodies), never to pages only.

How it works
------------
``RULES[entity]`` is a :class:`Rule`:

* ``see(rec, viewer, src)``: may this viewer see the record at all? (``False``:
  the payload is ``None``, i.e. "remove it from your screen").
* ``fields[role]``: the fields this role may read, by name. ``own[role]``:
  extra fields when the record belongs to the viewer's organisation
  (``own_if`` says what "belongs" means for the entity). A field in neither
  is never sent to that role: nothing is sent by default.
* ``derive[field](rec, viewer, src)``: fields whose value is *built from other
  records* (an idea's automatic title, the ids of its linked sheets, the
  author's label). They are recomputed for each viewer from what that viewer
  may see; ``DROP`` removes the field.

``src`` (:class:`Sources`) looks up the records a derived field is built
from; realtime, state and resync pass one over the workshop's store.

Adding a record type (suggestions, B2B meetings, contact logs…)
--------------------------------------------------------------
1. Add ``RULES["<entity>"] = Rule(see=..., fields={role: (...)}, ...)`` below,
   naming for every role the fields it may read (roles not listed read
   nothing). Staff roles may use ``columns("<table>")`` for "every column".
2. Any field built from other records (a reason that quotes a sheet, a count
   of someone else's items, an id of a record the role may not see) goes
   in ``derive``, computed from what the viewer may see.
3. ``tests/security/test_allowlist.py`` walks every entity of
   ``app.store.ENTITY_TABLE`` × role × channel and fails for an entity with
   no rule, for a column no rule mentions, and for any field sent that the
   rule does not allow.

The roles' rights come from the ``read.*`` cells of
:data:`app.rules.permissions.MATRIX`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .permissions import allowed

STAFF = ("organiser", "facilitator")
DROP = object()  # a derive function returns this to leave the field out


@dataclass(frozen=True)
class Viewer:
    role: str
    org: str | None = None

    @property
    def staff(self) -> bool:
        return self.role in STAFF


class Sources:
    """Looks up the records derived fields are built from (cached for one payload batch)."""

    def __init__(self, store=None, records: dict | None = None):
        self.store = store
        self.cache: dict = dict(records or {})

    def get(self, entity: str, id_):
        if not isinstance(id_, str):
            return None
        key = (entity, id_)
        if key not in self.cache:
            self.cache[key] = self.store.get(entity, id_) if self.store is not None else None
        return self.cache[key]


NO_SOURCES = Sources()


@dataclass
class Rule:
    see: Callable
    fields: dict
    own: dict = field(default_factory=dict)
    own_if: Callable | None = None
    derive: dict = field(default_factory=dict)
    never: tuple = ()  # columns no role ever reads (documented, so the walking test knows they were decided)


def columns(table: str, *, without: tuple = ()) -> tuple:
    from ..store import COMMON, TABLES

    return tuple(k for k in (*TABLES[table], *COMMON) if k not in without)


COMMON_FIELDS = ("id", "created_at", "updated_at", "version")


# -- organisations ----------------------------------------------------------
ORG_PUBLIC = COMMON_FIELDS + ("name", "kind", "kind_label", "sector", "commune", "postcode", "zone", "presence", "table_no",
                              "consent")
CONTACT_FIELDS = ("contact_name", "email", "phone")


def _see_org(rec, v: Viewer, src):
    return allowed(v.role, "read.organisation") and (not rec.get("hidden") or allowed(v.role, "read.hidden"))


def _org_contact(name):
    def fn(rec, v: Viewer, src):
        if allowed(v.role, "read.organisation.contact", rec.get("id") == v.org or bool(rec.get("consent"))):
            return rec.get(name)
        return None  # the field stays, empty: screens show "not shared"
    return fn


# -- sheets -------------------------------------------------------------------
SHEET_PUBLIC = COMMON_FIELDS + ("kind", "paper_no", "category", "subcategory", "title", "description", "quantity",
                                "unit", "frequency", "available_from", "available_until", "condition",
                                "waste_code", "logistics", "terms", "visibility", "anonymous", "state",
                                "organisation_id", "table_no",
                                # the value as written in an imported file: the sheet's own text, like its title
                                "category_label", "unit_label", "frequency_label", "condition_label", "terms_label")


def _own_sheet(rec, v: Viewer):
    return v.org is not None and rec.get("organisation_id") == v.org


def _see_sheet(rec, v: Viewer, src):
    if not allowed(v.role, "read.sheet"):
        return False
    if rec.get("hidden") and not allowed(v.role, "read.hidden"):
        return False
    if rec.get("visibility") == "facilitators" or rec.get("state") == "withdrawn":
        return allowed(v.role, "read.sheet.confidential", _own_sheet(rec, v))
    return True


def sheet_visible(rec, v: Viewer) -> bool:
    return rec is not None and _see_sheet(rec, v, NO_SOURCES)


def _sheet_owner(name):
    """An anonymous sheet does not say whose it is (nor its table) but to staff and its own organisation."""
    def fn(rec, v: Viewer, src):
        if rec.get("anonymous") and not v.staff and not _own_sheet(rec, v):
            return DROP
        return rec.get(name)
    return fn


# -- ideas --------------------------------------------------------------------
IDEA_PUBLIC = COMMON_FIELDS + ("title", "description", "comment", "kind", "provider_id", "receiver_id", "org_ids",
                               "category", "offer_sheet_id", "need_sheet_id", "origin", "status", "status_at",
                               "b2b", "table_no", "author_label", "followup")
IDEA_PARTICIPANT = IDEA_PUBLIC + ("interest", "meeting_slot", "next_step", "due_date", "impact_tonnes",
                                  "impact_euros", "impact_co2", "co2_factor", "impact_jobs")


def _see_idea(rec, v: Viewer, src):
    own = v.org is not None and v.org in (rec.get("org_ids") or [])
    if not allowed(v.role, "read.idea", own):
        return False
    if rec.get("hidden") and not allowed(v.role, "read.hidden"):
        return False
    return not (rec.get("merged_into") and not allowed(v.role, "read.idea.private"))


def _hidden_sources(rec, v: Viewer, src) -> list[dict]:
    """The linked sheets this viewer may not see."""
    out = []
    for key in ("offer_sheet_id", "need_sheet_id"):
        if not rec.get(key):
            continue
        s = src.get("sheet", rec.get(key))
        if s is None:  # deleted, or a caller gave no sources: treated as hidden (fail safe)
            out.append({"id": rec.get(key)})
        elif not sheet_visible(s, v):
            out.append(s)
    return out


def _linked_sheet(key):
    def fn(rec, v: Viewer, src):
        s = src.get("sheet", rec.get(key))
        if rec.get(key) and (s is None or not sheet_visible(s, v)) and not v.staff:
            return None  # the id of a sheet this viewer may not see is not sent
        return rec.get(key)
    return fn


def _mentions(text, secrets) -> bool:
    low = text.casefold()
    return any(len(s) >= 3 and s.casefold() in low for s in secrets)


def _secret_texts(rec, v, src) -> list[str]:
    return [t for s in _hidden_sources(rec, v, src) for t in (s.get("title"), s.get("description")) if t]


def auto_title(offer, need, org_name, *, lang="fr") -> str:
    """An idea's automatic title from its sheets (``org_name(id)`` gives the receiver's name)."""
    from ..i18n import t

    if offer and need:
        return t("idea.auto_title", lang, what=offer["title"], to=org_name(need["organisation_id"]) or "?")[:200]
    sheet = offer or need
    return sheet["title"][:200] if sheet else ""


def _idea_title(rec, v: Viewer, src):
    if v.staff:
        return rec.get("title")
    if not _hidden_sources(rec, v, src):
        return rec.get("title")
    if rec.get("title_auto") or _mentions(rec.get("title") or "", _secret_texts(rec, v, src)):
        from ..i18n import t

        placeholder = {"title": t("idea.hidden_sheet", "fr"), "organisation_id": None}

        def seen(key):
            if not rec.get(key):
                return None
            s = src.get("sheet", rec.get(key))
            return s if s is not None and sheet_visible(s, v) else placeholder

        def org_name(oid):
            o = src.get("organisation", oid)
            return o["name"] if o and _see_org(o, v, src) else None

        offer, need = seen("offer_sheet_id"), seen("need_sheet_id")
        if need is placeholder:  # whose need it is comes from the hidden sheet: say who from the idea itself
            need = {"title": need["title"], "organisation_id": rec.get("receiver_id")}
        return auto_title(offer, need, org_name) or t("idea.hidden_sheet", "fr")
    return rec.get("title")


def _idea_text(name):
    def fn(rec, v: Viewer, src):
        text = rec.get(name)
        if v.staff or not text:
            return text
        return None if _mentions(text, _secret_texts(rec, v, src)) else text
    return fn


def _author_label(rec, v: Viewer, src):
    """Who proposed it: an organisation's name is public; a facilitator's name is not (``read.facilitator``)."""
    if allowed(v.role, "read.facilitator") or rec.get("origin") == "participant":
        return rec.get("author_label")
    return None


# -- devices (phones) ---------------------------------------------------------
DEVICE_PUBLIC = COMMON_FIELDS + ("organisation_id", "state", "label")


def _see_device(rec, v: Viewer, src):
    if allowed(v.role, "read.device"):
        return True
    return allowed(v.role, "read.join_request", v.org is not None and rec.get("organisation_id") == v.org)


# -- follow-up records (app/followup) -------------------------------------------
def _see_impact(rec, v: Viewer, src):
    return allowed(v.role, "read.impact", v.org is not None and v.org in (rec.get("org_ids") or []))


def _see_outcome(rec, v: Viewer, src):
    return allowed(v.role, "read.outcome", v.org is not None and rec.get("organisation_id") == v.org)


# -- B2B meetings (app/services/meetings.py) ------------------------------------
MEETING_PROJECTED = ("id", "org_ids", "idea_id", "slot", "place_id", "status", "request_status", "version")


def _see_meeting(rec, v: Viewer, src):
    if not allowed(v.role, "read.meeting", v.org is not None and v.org in (rec.get("org_ids") or [])):
        return False
    if v.role == "projector":  # the planned ones only
        return rec.get("request_status") == "accepted" and rec.get("slot") is not None \
            and rec.get("status") != "cancelled"
    return True


def _meeting_outcomes(rec, v: Viewer, src):
    """Each side's outcome: staff all, a participant its own side's."""
    return {o: x for o, x in (rec.get("outcomes") or {}).items()
            if allowed(v.role, "read.meeting.outcome", o == v.org)}


# The organiser's weekly reminder schedule and its last sending or error: the organiser's alone.
REMIND = ("remind_on", "remind_day", "remind_hour", "remind_since", "remind_last", "remind_error")

RULES: dict[str, Rule] = {
    "visit": Rule(
        see=lambda rec, v, src: allowed(v.role, "read.visit"),
        fields={"organiser": columns("visits"), "facilitator": columns("visits")},
    ),
    "workshop": Rule(
        see=lambda rec, v, src: True,
        fields={"organiser": columns("workshop", without=("password_hash",)),
                "facilitator": columns("workshop", without=("password_hash", "projector_token", *REMIND)),
                "participant": columns("workshop", without=("password_hash", "projector_token", *REMIND)),
                "projector": columns("workshop", without=("password_hash", "projector_token", *REMIND)),
                "anonymous": ()},
        never=("password_hash",),
    ),
    "organisation": Rule(
        see=_see_org,
        fields={"organiser": columns("organisations"), "facilitator": columns("organisations"),
                "participant": ORG_PUBLIC + CONTACT_FIELDS, "projector": ORG_PUBLIC},
        own={"participant": ("join_code",)},
        own_if=lambda rec, v: v.org is not None and rec.get("id") == v.org,
        derive={k: _org_contact(k) for k in CONTACT_FIELDS},
    ),
    "sheet": Rule(
        see=_see_sheet,
        fields={"organiser": columns("sheets"), "facilitator": columns("sheets"),
                "participant": SHEET_PUBLIC, "projector": tuple(f for f in SHEET_PUBLIC if f != "paper_no")},
        derive={"organisation_id": _sheet_owner("organisation_id"), "table_no": _sheet_owner("table_no")},
    ),
    "idea": Rule(
        see=_see_idea,
        fields={"organiser": columns("ideas"), "facilitator": columns("ideas"),
                "participant": IDEA_PARTICIPANT, "projector": IDEA_PUBLIC},
        derive={"title": _idea_title, "description": _idea_text("description"), "comment": _idea_text("comment"),
                "next_step": _idea_text("next_step"), "offer_sheet_id": _linked_sheet("offer_sheet_id"),
                "need_sheet_id": _linked_sheet("need_sheet_id"), "author_label": _author_label},
    ),
    "facilitator": Rule(
        see=lambda rec, v, src: allowed(v.role, "read.facilitator"),
        fields={"organiser": columns("facilitators"),
                "facilitator": columns("facilitators", without=("code",))},
    ),
    "device": Rule(
        see=_see_device,
        fields={"organiser": columns("devices"), "facilitator": DEVICE_PUBLIC, "participant": DEVICE_PUBLIC},
    ),
    # The facilitator's notebook: staff only.
    "contact": Rule(see=lambda rec, v, src: allowed(v.role, "read.contact"),
                    fields={"organiser": columns("contacts"), "facilitator": columns("contacts")}),
    # Impact figures: participants read their organisation's ideas' figures, not the staff's note.
    "impact": Rule(see=_see_impact,
                   fields={"organiser": columns("impacts"), "facilitator": columns("impacts"),
                           "participant": columns("impacts", without=("note",))}),
    "outcome": Rule(see=_see_outcome,
                    fields={"organiser": columns("outcomes"), "facilitator": columns("outcomes"),
                            "participant": columns("outcomes")}),
    "factor": Rule(see=lambda rec, v, src: allowed(v.role, "read.factor"),
                   fields={"organiser": columns("factors"), "facilitator": columns("factors")}),
    "meeting": Rule(
        see=_see_meeting,
        fields={"organiser": columns("meetings"), "facilitator": columns("meetings"),
                "participant": columns("meetings", without=("unplaced_reason",)), "projector": MEETING_PROJECTED},
        derive={"outcomes": _meeting_outcomes, "sheet_id": _linked_sheet("sheet_id")},
    ),
    "b2b_setup": Rule(
        see=lambda rec, v, src: allowed(v.role, "b2b.read"),
        fields={"organiser": columns("b2b_setup"), "facilitator": columns("b2b_setup"),
                "participant": columns("b2b_setup", without=("plan_stats",)),
                "projector": columns("b2b_setup", without=("plan_stats",))},
    ),
    "b2b_place": Rule(
        see=lambda rec, v, src: allowed(v.role, "b2b.read") and (not rec.get("hidden")
                                                                 or allowed(v.role, "read.hidden")),
        fields={r: columns("b2b_places") for r in ("organiser", "facilitator", "participant", "projector")},
    ),
    # Suggestions a facilitator accepted or dismissed (the stored decisions): staff only.
    "suggestion": Rule(see=lambda rec, v, src: allowed(v.role, "read.suggestion.decision"),
                       fields={"organiser": columns("suggestions"), "facilitator": columns("suggestions")}),
    "b2b_attendance": Rule(
        see=lambda rec, v, src: allowed(v.role, "read.attendance", rec.get("id") == v.org),
        fields={r: columns("b2b_attendance") for r in ("organiser", "facilitator", "participant")},
    ),
}


# Derived fields depend on other records: when one of these fields of a source changes, the records that
# link to it (through the listed columns) are sent again (``app.derived``), so no screen keeps a derived
# value built from what it may no longer see.
FEEDS = {
    "sheet": {"fields": ("hidden", "visibility", "state", "anonymous", "organisation_id"),
              "into": {"idea": ("offer_sheet_id", "need_sheet_id")}},
}


def allowed_fields(entity: str, role: str, own: bool = False) -> set[str]:
    """What the allow-list lets ``role`` read of ``entity`` (the walking test compares payloads to this)."""
    rule = RULES.get(entity)
    if rule is None:
        return set()
    return set(rule.fields.get(role, ())) | (set(rule.own.get(role, ())) if own else set())


def for_role(entity: str, rec: dict | None, role: str, viewer_org: str | None = None,
             src: Sources | None = None):
    """The record as ``role`` (of organisation ``viewer_org``) may read it, or ``None``."""
    rule = RULES.get(entity)
    if rec is None or rule is None:
        return None  # an entity without a rule is never sent
    v = Viewer(role, viewer_org)
    src = src or NO_SOURCES
    if not rule.see(rec, v, src):
        return None
    names = allowed_fields(entity, role, bool(rule.own_if and rule.own_if(rec, v)))
    out = {}
    for k in rec:
        if k not in names:
            continue
        fn = rule.derive.get(k)
        val = fn(rec, v, src) if fn else rec[k]
        if val is not DROP:
            out[k] = val
    return out


def event_view(ev: dict, role: str, viewer_org: str | None = None, src: Sources | None = None,
               after=DROP) -> tuple[str | None, dict | None]:
    """``(id, record)`` of one journal event for a viewer. ``record`` ``None`` means "remove it"; the id is
    sent only if the viewer could see the record before or after the change: an event about a record it
    never saw (a confidential sheet created) arrives as ``(None, None)``, keeping ``seq`` without the id.
    ``after``: the record as it is now, when a resync replays the journal for a reader of no hidden items."""
    rec = for_role(ev["entity"], ev["after"] if after is DROP else after, role, viewer_org, src)
    if rec is not None:
        return ev["entity_id"], rec
    if ev.get("before") is not None and for_role(ev["entity"], ev["before"], role, viewer_org, src) is not None:
        return ev["entity_id"], None
    return None, None


# Older entry points, kept for callers outside this module.
FILTERS = RULES


def workshop(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    return for_role("workshop", rec, role, viewer_org)


def suggestion_decision(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    return for_role("suggestion", rec, role, viewer_org)


def suggestion(rec: dict, role: str, viewer_org: str | None = None) -> dict | None:
    """A suggested pair (computed, not stored): staff see every one; a participant only those on its own
    organisation's sheets whose other sheet it may see (never a facilitators-only sheet of another
    organisation). Its reasons are built from the two sheets, both visible to the reader."""
    if rec is None:
        return None
    sides = {"offer": rec.get("offer_org"), "need": rec.get("need_org")}
    mine = [k for k, org in sides.items() if viewer_org is not None and org == viewer_org]
    if not allowed(role, "read.suggestion", bool(mine)):
        return None
    if allowed(role, "read.sheet.confidential"):
        return rec
    other = "need" if mine == ["offer"] else "offer"
    if rec.get(f"{other}_visibility") == "facilitators":
        return None
    return {k: v for k, v in rec.items() if k not in ("decided_by",)}


def _entry(entity):
    def filter_(rec, role, viewer_org=None, src=None):
        return for_role(entity, rec, role, viewer_org, src)
    filter_.__name__ = entity
    filter_.__doc__ = f"``for_role({entity!r}, …)``: kept for callers that name the record type."
    return filter_


organisation, sheet, idea, facilitator, device = (_entry(e) for e in
                                                  ("organisation", "sheet", "idea", "facilitator", "device"))
