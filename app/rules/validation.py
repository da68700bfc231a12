"""Request schemas as data: one source for server-side validation and for the
OpenAPI document (``app/api/openapi.py`` renders these same objects).

``validate(schema, data)`` returns ``(clean, errors)``; ``errors`` maps a field
to a translation key and its parameters, so the API can answer in the
user's language and the page can show the message next to the field.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from . import vocab

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
PHONE_RE = re.compile(r"^[0-9+().\s-]{4,40}$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # what date.fromisoformat also reads: 20261126, 2026-W48
# Control characters other than tab/newline are refused; bidi overrides are kept as typed
# (they are shown as text, never interpreted) but NUL would break exports.
MAX_INT = 2 ** 53 - 1
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Not valid text: lone surrogates (reachable through JSON \u escapes) and Unicode non-characters.
BAD_TEXT = re.compile("[\ud800-\udfff\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)) + "]")


def bad_text(value) -> bool:
    return isinstance(value, str) and BAD_TEXT.search(value) is not None


# -- the same text rules as JSON Schema patterns, for the OpenAPI document ----------------------------------
# What the document calls valid the server takes, and what it calls invalid the server refuses (schemathesis
# checks both ways): no control character, no non-character; a value is trimmed (str.strip()) before its
# minimum length, e-mail and phone checks, and an optional one left blank counts as absent. Lone surrogates
# are not text at all (no JSON Schema engine reads them): the server refuses them, the patterns do not name them.
_SPACE = r"\t\n\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"  # isspace(), not refused
_BAD = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufdd0-\ufdef\ufffe\uffff"  # as CONTROL_RE and BAD_TEXT (plane 0)
# The other planes' non-characters, as literal characters: pattern tools rewrite escapes beyond U+FFFF badly,
# so the document names them apart, in a ``not`` (see app/api/openapi.py).
NONCHARACTERS_BEYOND_BMP = "[" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17)) + "]"
_ANY, _INK, _BLANK = f"[^{_BAD}]", f"[^{_BAD}{_SPACE}]", f"[{_SPACE}]"
_ALL_BLANK = rf"[\x0b\x0c\x1c-\x1f{_SPACE}]"  # blank is absent, whatever its spaces: before the control check
_EMAIL_PART = f"[^@<>{_BAD}{_SPACE}]+"
_PHONE_END, _PHONE_MID = "[0-9+().\\-]", f"[0-9+().\\-{_SPACE}]"


def text_pattern(f: F) -> str:
    """The JSON Schema ``pattern`` that says exactly which strings ``_check`` takes for this field."""
    must = f.required or not f.nullable  # blank is refused, not taken as absent
    if f.type == "email":
        core = f"{_BLANK}*{_EMAIL_PART}@{_EMAIL_PART}\\.{_EMAIL_PART}{_BLANK}*"
    elif f.type == "phone":
        core = f"{_BLANK}*{_PHONE_END}{_PHONE_MID}{{2,38}}{_PHONE_END}{_BLANK}*"
    else:
        least = max(f.min_len or 0, 1 if must else 0)
        core = f"{_ANY}*" if least == 0 else \
            f"{_BLANK}*{_INK}{_ANY}*" if least == 1 else f"{_BLANK}*{_INK}{_ANY}{{{least - 2},}}{_INK}{_BLANK}*"
    return f"^{core}$" if must else f"^(?:{_ALL_BLANK}*|{core})$"


@dataclass
class F:
    type: str  # string, text, integer, number, boolean, uuid, date, enum, email, phone, uuid_list, interest
    required: bool = False
    max_len: int | None = None
    min_len: int | None = None
    enum: list | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_items: int | None = None
    nullable: bool = True
    doc: str = ""


@dataclass
class Schema:
    name: str
    fields: dict = field(default_factory=dict)


def S(schema_name, **fields):
    return Schema(schema_name, fields)


NAME = F("string", required=True, max_len=120, min_len=1)
SHORT = F("string", max_len=120)

WORKSHOP_CREATE = S(
    "WorkshopCreate",
    name=F("string", required=True, max_len=120, min_len=2),
    date=F("date"),
    venue=F("string", max_len=200),
    zones=F("string", max_len=500, doc="Comma-separated territories"),
    password=F("string", required=True, min_len=6, max_len=200, nullable=False),
    organiser_name=F("string", max_len=120, doc="Who participants contact after the workshop"),
    organiser_email=F("email", max_len=200),
    organiser_phone=F("phone", max_len=40),
)
WORKSHOP_CONTACT = S(
    "WorkshopContact",
    organiser_name=F("string", max_len=120), organiser_email=F("email", max_len=200),
    organiser_phone=F("phone", max_len=40),
)
ORGANISER_LOGIN = S("OrganiserLogin", password=F("string", required=True, max_len=200, nullable=False))
FACILITATOR_LOGIN = S("FacilitatorLogin", code=F("string", required=True, max_len=40, nullable=False))

ORG_FIELDS = dict(
    name=NAME,
    kind=F("enum", enum=vocab.ORG_KINDS),
    kind_label=F("string", max_len=120, doc="The type as written in an imported file, when not one of the list"),
    sector=F("string", max_len=20),
    commune=F("string", max_len=80),
    postcode=F("string", max_len=10),
    zone=F("string", max_len=80),
    contact_name=F("string", max_len=120),
    email=F("email", max_len=200),
    phone=F("phone", max_len=40),
    consent=F("boolean"),
    presence=F("enum", enum=vocab.PRESENCE),
    table_no=F("integer", minimum=0, maximum=500),
)
ORGANISATION_CREATE = S("OrganisationCreate", id=F("uuid", required=True, nullable=False), **ORG_FIELDS)
ORGANISATION_UPDATE = S("OrganisationUpdate", version=F("integer", required=True, minimum=1, nullable=False),
                        request_id=F("uuid"),
                        **{k: F(**{**v.__dict__, "required": False}) for k, v in ORG_FIELDS.items()})

SHEET_FIELDS = dict(
    organisation_id=F("uuid"),
    kind=F("enum", required=True, enum=vocab.SHEET_KINDS, nullable=False),
    paper_no=F("string", max_len=20),
    category=F("enum", required=True, enum=vocab.CATEGORY_KEYS, nullable=False),
    subcategory=F("enum", enum=vocab.SUBCATEGORY_KEYS),
    title=F("string", required=True, min_len=2, max_len=140, nullable=False),
    description=F("text", max_len=2000),
    quantity=F("number", minimum=0, maximum=1e9),
    unit=F("enum", enum=vocab.UNITS),
    frequency=F("enum", enum=vocab.FREQUENCIES),
    # The value as written in an imported file when it is not one of the list ("soirées", "en continu")
    category_label=F("string", max_len=120),
    unit_label=F("string", max_len=60),
    frequency_label=F("string", max_len=120),
    condition_label=F("string", max_len=120),
    terms_label=F("string", max_len=120),
    available_from=F("date"),
    available_until=F("date"),
    condition=F("enum", enum=vocab.CONDITIONS),
    waste_code=F("string", max_len=20),
    logistics=F("string", max_len=300),
    terms=F("enum", enum=vocab.TERMS),
    visibility=F("enum", enum=vocab.VISIBILITY),
    anonymous=F("boolean"),
)
SHEET_CREATE = S("SheetCreate", id=F("uuid", required=True, nullable=False), **SHEET_FIELDS)
SHEET_UPDATE = S("SheetUpdate", version=F("integer", required=True, minimum=1, nullable=False),
                 state=F("enum", enum=vocab.SHEET_STATES, nullable=False), request_id=F("uuid"),
                 **{k: F(**{**v.__dict__, "required": False}) for k, v in SHEET_FIELDS.items()
                    if k != "organisation_id"})

IDEA_CREATE = S(
    "IdeaCreate",
    id=F("uuid", required=True, nullable=False),
    kind=F("enum", enum=vocab.IDEA_KINDS),
    title=F("string", max_len=200),
    description=F("text", max_len=2000),
    comment=F("text", max_len=2000),
    category=F("enum", enum=vocab.CATEGORY_KEYS),
    sheet_id=F("uuid", doc="The sheet that interests the participant's organisation"),
    offer_sheet_id=F("uuid"),
    need_sheet_id=F("uuid"),
    org_ids=F("uuid_list", max_items=40, doc="Organisations involved (pooling)"),
)
IDEA_UPDATE = S(
    "IdeaUpdate",
    version=F("integer", required=True, minimum=1, nullable=False),
    request_id=F("uuid"),
    title=F("string", max_len=200, min_len=2, nullable=False),
    description=F("text", max_len=2000),
    category=F("enum", enum=vocab.CATEGORY_KEYS),
    interest=F("interest", doc="Map organisation id -> interest 1..3"),
    facilitator_id=F("uuid"),
    next_step=F("string", max_len=300),
    due_date=F("date"),
    notes=F("text", max_len=4000),
    meeting_slot=F("string", max_len=40),
    impact_tonnes=F("number", minimum=0, maximum=1e7),
    impact_euros=F("number", minimum=0, maximum=1e10),
    impact_co2=F("number", minimum=0, maximum=1e7),
    co2_factor=F("number", minimum=0, maximum=1e4),
    impact_jobs=F("number", minimum=0, maximum=1e4),
)
IDEA_MOVE = S(
    "IdeaMove",
    version=F("integer", required=True, minimum=1, nullable=False),
    status=F("enum", required=True, enum=vocab.STATUSES, nullable=False),
    reason=F("enum", enum=vocab.ABANDON_REASONS),
    request_id=F("uuid"),
)
IDEA_B2B = S("IdeaB2B", version=F("integer", required=True, minimum=1, nullable=False),
             b2b=F("boolean", required=True, nullable=False), request_id=F("uuid"))
HIDE = S("Hide", version=F("integer", required=True, minimum=1, nullable=False),
         hidden=F("boolean", required=True, nullable=False), request_id=F("uuid"))
MERGE = S("IdeaMerge", version=F("integer", required=True, minimum=1, nullable=False),
          into_id=F("uuid", required=True, nullable=False), request_id=F("uuid"))
FACILITATOR_CREATE = S("FacilitatorCreate", id=F("uuid", required=True, nullable=False), name=NAME,
                       table_no=F("integer", minimum=0, maximum=500))
UNDO = S("Undo", request_id=F("uuid"))
SUGGESTION_DECISION = S("SuggestionDecision", offer_sheet_id=F("uuid", required=True, nullable=False),
                        need_sheet_id=F("uuid", required=True, nullable=False), request_id=F("uuid"))
JOIN = S("Join", organisation_id=F("uuid", required=True, nullable=False),
         code=F("string", max_len=20, doc="The organisation's short code, shown on its members' phones"),
         label=F("string", max_len=60, doc="Who is asking (a first name), shown to the members"))
ADMIT = S("Admit", accept=F("boolean", required=True, nullable=False), request_id=F("uuid"))
ORG_MERGE = S("OrganisationMerge", version=F("integer", required=True, minimum=1, nullable=False),
              into_id=F("uuid", required=True, nullable=False), request_id=F("uuid"))
ORG_DELETE = S("OrganisationDelete", version=F("integer", required=True, minimum=1, nullable=False),
               request_id=F("uuid"))
REVOKE = S("Revoke", revoked=F("boolean", nullable=False))
EMPTY = S("Empty")
INTAKE = S("Intake", open=F("boolean", required=True, nullable=False))
PHASE = S("Phase", phase=F("enum", required=True, enum=["before", "live", "closed", "locked", "followup"],
                           nullable=False))

NETWORK_ADDRESS = S("NetworkAddress", url=F("string", required=True, min_len=8, max_len=200, nullable=False,
                                           doc="http(s)://host[:port] phones are given"))
BACKUP_FOLDER = S("BackupFolder", folder=F("string", max_len=500,
                                           doc="absolute folder for a second copy of every backup; empty: off"))
WIFI_CHECK = S("WifiCheck", phone=F("uuid", required=True, nullable=False),
               median_ms=F("number", required=True, minimum=0, maximum=60000, nullable=False),
               worst_ms=F("number", required=True, minimum=0, maximum=60000, nullable=False),
               lost=F("integer", required=True, minimum=0, maximum=50, nullable=False),
               websocket=F("boolean", required=True, nullable=False))

# -- follow-up after the afternoon (app/followup) ------------------------------------------------
FACTOR_KEY_RE = re.compile(r"^[a-z0-9_]{2,40}$")
FOLLOWUP_UPDATE = S(
    "FollowupUpdate",
    version=F("integer", required=True, minimum=1, nullable=False),
    request_id=F("uuid"),
    status=F("enum", enum=vocab.STATUSES, nullable=False),
    reason=F("enum", enum=vocab.ABANDON_REASONS),
    next_step=F("string", max_len=300),
    due_date=F("date"),
    facilitator_id=F("uuid", doc="Facilitator in charge (organiser only)"),
    followup=F("boolean", doc="Add to (or take out of) the follow-up (organiser only)"),
)
CONTACT_CREATE = S(
    "ContactCreate",
    id=F("uuid", required=True, nullable=False),
    date=F("date", required=True, nullable=False),
    who=F("string", max_len=200, doc="Who spoke to whom (default: the author)"),
    channel=F("enum", required=True, enum=vocab.CONTACT_CHANNELS, nullable=False),
    summary=F("text", required=True, min_len=2, max_len=2000, nullable=False),
    next_step=F("string", max_len=300),
    due_date=F("date"),
)
IMPACT_SET = S(
    "ImpactSet",
    version=F("integer", minimum=1, doc="Required when the figures exist already"),
    request_id=F("uuid"),
    tonnes=F("number", minimum=0, maximum=1e7, doc="t/year diverted or substituted"),
    material=F("string", max_len=40, doc="Factor key for the tonnes (material family)"),
    water_m3=F("number", minimum=0, maximum=1e9, doc="m³/year of water"),
    mwh=F("number", minimum=0, maximum=1e7, doc="MWh/year"),
    energy=F("string", max_len=40, doc="Factor key for the MWh (energy carrier)"),
    euros=F("amounts", doc="Map organisation id -> € saved or earned per year (>= 0)"),
    jobs=F("number", minimum=0, maximum=1e4, doc="Jobs (FTE) created or kept"),
    note=F("text", max_len=1000),
)
OUTCOME_SET = S(
    "OutcomeSet",
    request_id=F("uuid"),
    status=F("enum", required=True, enum=vocab.OUTCOME_STATUSES, nullable=False),
    comment=F("text", max_len=1000),
    euros=F("number", minimum=0, maximum=1e10, doc="€ saved or earned per year by my organisation"),
)
FACTOR_SET = S(
    "FactorSet",
    family=F("enum", required=True, enum=vocab.FACTOR_FAMILIES, nullable=False),
    kg_co2e=F("number", required=True, minimum=0, maximum=1e6, nullable=False,
              doc="kg CO2e avoided per unit (t, MWh or m³ by family)"),
    label_fr=F("string", required=True, min_len=2, max_len=120, nullable=False),
    label_en=F("string", max_len=120),
    source=F("string", required=True, min_len=2, max_len=200, nullable=False),
    year=F("integer", required=True, minimum=1990, maximum=2100, nullable=False),
)
FOLLOWUP_SETTINGS = S(
    "FollowupSettings",
    timezone=F("string", max_len=64, doc="IANA time zone, e.g. Europe/Paris"),
    remind_on=F("boolean", doc="Send the reminder e-mails every week (needs SMTP configured)"),
    remind_day=F("integer", minimum=0, maximum=6, doc="Day of the weekly reminders, 0 = Monday"),
    remind_hour=F("integer", minimum=0, maximum=23, doc="Hour of the weekly reminders, in the workshop's time zone"),
)
FACILITATOR_EMAIL = S("FacilitatorEmail", email=F("email", max_len=200))
REMINDERS = S("Reminders", dry_run=F("boolean"))
HOST_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
                     r"|^[0-9A-Fa-f:.]{2,45}$")
SMTP_SET = S(
    "SmtpSet",
    host=F("string", max_len=253, doc="SMTP server name or address; empty: no e-mail is ever sent"),
    port=F("integer", minimum=1, maximum=65535),
    sender=F("email", max_len=200, doc="The From address of the reminders"),
    user=F("string", max_len=200),
    password=F("string", max_len=200, doc="Empty: keep the one saved"),
    starttls=F("boolean"),
)

# -- flow studies: sheets recorded from a company visit (app/flowstudy) ---------------------------
VISIT_CREATE = S(
    "VisitCreate",
    id=F("uuid", required=True, nullable=False),
    organisation_id=F("uuid", doc="The organisation visited, if it is in this file already"),
    organisation_name=F("string", max_len=120, doc="Or: the name of a new organisation, created with the visit"),
    kind=F("enum", enum=vocab.ORG_KINDS, doc="Kind of the new organisation"),
    sector=F("string", max_len=20), commune=F("string", max_len=80), postcode=F("string", max_len=10),
    zone=F("string", max_len=80), contact_name=F("string", max_len=120),
    date=F("date", required=True, nullable=False, doc="Day of the visit"),
    visited_by=F("string", required=True, min_len=2, max_len=200, nullable=False, doc="Who visited"),
    source=F("string", required=True, min_len=2, max_len=200, nullable=False,
             doc="Where the figures come from (site visit, flow study, interview...)"),
    note=F("text", max_len=2000),
)
VISIT_SHEET = S("VisitSheet", id=F("uuid", required=True, nullable=False),
                **{k: v for k, v in SHEET_FIELDS.items() if k != "organisation_id"})
FLOWSTUDY_CREATE = S("FlowStudyCreate", name=F("string", required=True, min_len=2, max_len=120, nullable=False,
                                               doc="Name of the territory's book of flow studies"))

ALL_SCHEMAS = [NETWORK_ADDRESS, BACKUP_FOLDER, WIFI_CHECK, WORKSHOP_CREATE, ORGANISER_LOGIN, FACILITATOR_LOGIN, ORGANISATION_CREATE, ORGANISATION_UPDATE,
               SHEET_CREATE, SHEET_UPDATE, IDEA_CREATE, IDEA_UPDATE, IDEA_MOVE, IDEA_B2B, HIDE, MERGE,
               FACILITATOR_CREATE, UNDO, JOIN, ADMIT, ORG_MERGE, ORG_DELETE, REVOKE, EMPTY, INTAKE, PHASE,
               FOLLOWUP_UPDATE, CONTACT_CREATE, IMPACT_SET, OUTCOME_SET, FACTOR_SET, FOLLOWUP_SETTINGS,
               FACILITATOR_EMAIL, REMINDERS, SMTP_SET, SUGGESTION_DECISION, VISIT_CREATE, VISIT_SHEET,
               FLOWSTUDY_CREATE]


def _check(f: F, v, strict: bool = False):
    """Return (value, error) for one field; error is (key, params) or None.

    ``strict`` (API requests): JSON types exactly as the OpenAPI document says — no ``"12"`` for a
    number, no ``"on"`` for a boolean. Spreadsheet imports read text and convert it (not strict)."""
    if bad_text(v):
        return None, ("err.unicode", {})
    if v is None or (isinstance(v, str) and v.strip() == "" and f.type not in ("boolean",)):
        if f.required or not f.nullable:
            return None, ("err.required", {})
        return None, None
    t = f.type
    if t in ("string", "text", "email", "phone"):
        if not isinstance(v, str):
            return None, ("err.type_text", {})
        # Measured as sent (the OpenAPI maxLength), then trimmed: str.strip() also eats \x1c-\x1f.
        if CONTROL_RE.search(v):
            return None, ("err.control", {})
        if f.max_len and len(v) > f.max_len:
            return None, ("err.too_long", {"max": f.max_len})
        v = v.strip() if t != "text" else v.replace("\r\n", "\n").strip()
        if f.min_len and len(v) < f.min_len:
            return None, ("err.too_short", {"min": f.min_len})
        if t == "email" and not EMAIL_RE.match(v):
            return None, ("err.email", {})
        if t == "phone" and not PHONE_RE.match(v):
            return None, ("err.phone", {})
        return v, None
    if t == "uuid":
        if not isinstance(v, str) or not UUID_RE.match(v):
            return None, ("err.uuid", {})
        return str(uuid.UUID(v)), None
    if t == "uuid_list":
        if not isinstance(v, list) or not all(isinstance(x, str) and UUID_RE.match(x) for x in v):
            return None, ("err.uuid", {})
        if f.max_items and len(v) > f.max_items:
            return None, ("err.too_many", {"max": f.max_items})
        return list(dict.fromkeys(str(uuid.UUID(x)) for x in v)), None
    if t == "enum":
        if not isinstance(v, str) or v not in f.enum:
            return None, ("err.choice", {})
        return v, None
    if t == "boolean":
        if isinstance(v, bool):
            return v, None
        if strict:
            return None, ("err.boolean", {})
        if v in ("on", "true", "1", 1, 0, "0", "false"):
            return v in ("on", "true", "1", 1), None
        return None, ("err.boolean", {})
    if t in ("integer", "number"):
        if isinstance(v, bool):
            return None, ("err.number", {})
        if isinstance(v, str) and strict:
            return None, ("err.number", {})
        if isinstance(v, str):
            try:
                v = float(v.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
            except ValueError:
                return None, ("err.number", {})
        if not isinstance(v, (int, float)) or v != v or v in (float("inf"), float("-inf")):
            return None, ("err.number", {})
        if t == "integer":
            if int(v) != v:
                return None, ("err.integer", {})
            v = int(v)
            if abs(v) > MAX_INT:  # beyond what SQLite and JavaScript hold exactly
                return None, ("err.max", {"max": MAX_INT}) if v > 0 else ("err.min", {"min": -MAX_INT})
        if f.minimum is not None and v < f.minimum:
            return None, ("err.min", {"min": f.minimum if t == "number" else int(f.minimum)})
        if f.maximum is not None and v > f.maximum:
            return None, ("err.max", {"max": f.maximum if t == "number" else int(f.maximum)})
        return v, None
    if t == "date":
        if not isinstance(v, str) or len(v) > 10 or (strict and not DATE_RE.match(v)):  # API: the OpenAPI full-date
            return None, ("err.date", {})
        try:
            return date.fromisoformat(v).isoformat(), None
        except ValueError:
            return None, ("err.date", {})
    if t == "interest":
        if not isinstance(v, dict) or len(v) > 40:
            return None, ("err.interest", {})
        out = {}
        for k, n in v.items():
            if not UUID_RE.match(str(k)) or isinstance(n, bool) or n not in (1, 2, 3):
                return None, ("err.interest", {})
            out[str(k)] = n
        return out, None
    if t == "amounts":
        if not isinstance(v, dict) or len(v) > 40:
            return None, ("err.amounts", {})
        out = {}
        for k, n in v.items():
            if not UUID_RE.match(str(k)):
                return None, ("err.amounts", {})
            n, err = _check(F("number", minimum=0, maximum=1e10), n)
            if err:
                return None, err
            if n is not None:
                out[str(k)] = n
        return out, None
    raise ValueError(t)


def validate(schema: Schema, data, partial_ok: bool = True, strict: bool = False):
    """Check ``data`` against ``schema``: unknown fields are refused, not ignored."""
    if not isinstance(data, dict):
        return None, {"_": ("err.body", {})}
    errors, clean = {}, {}
    for k in data:
        if k not in schema.fields:
            name = str(k)[:60]
            errors[name.encode("utf-8", "backslashreplace").decode() if bad_text(name) else name] = \
                ("err.unicode", {}) if bad_text(name) else ("err.unknown_field", {})
    for name, f in schema.fields.items():
        if name not in data:
            if f.required:
                errors[name] = ("err.required", {})
            continue
        v, err = _check(f, data[name], strict)
        if err:
            errors[name] = err
        else:
            clean[name] = v
    return clean, errors


# The same rules for the browser: pages embed these so a phone refuses what the server would refuse
# (static/js/lib/validate.js applies them exactly as ``_check`` does), before anything is called saved.
PATTERNS = {"uuid": UUID_RE.pattern, "email": EMAIL_RE.pattern, "phone": PHONE_RE.pattern,
            "control": CONTROL_RE.pattern}


def to_json(schema: Schema) -> dict:
    """A schema as plain data: ``{"name", "fields": {name: {type, required, ...}}, "patterns", "max_int"}``."""
    fields = {}
    for name, f in schema.fields.items():
        d = {"type": f.type, "required": f.required, "nullable": f.nullable}
        for k in ("max_len", "min_len", "enum", "minimum", "maximum", "max_items"):
            v = getattr(f, k)
            if v is not None:
                d[k] = list(v) if k == "enum" else v
        fields[name] = d
    return {"name": schema.name, "fields": fields, "patterns": PATTERNS, "max_int": MAX_INT}


def schemas_json(*schemas: Schema) -> dict:
    return {s.name: to_json(s) for s in schemas}
