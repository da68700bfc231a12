"""The OpenAPI 3 document, rendered from the same schemas the server validates with."""
from __future__ import annotations

from ..rules import validation as V

TYPE_MAP = {
    "string": {"type": "string"}, "text": {"type": "string"}, "email": {"type": "string"},  # its pattern says it
    "phone": {"type": "string"}, "uuid": {"type": "string", "format": "uuid"},
    "date": {"type": "string", "format": "date"}, "integer": {"type": "integer"}, "number": {"type": "number"},
    "boolean": {"type": "boolean"},
}


def field_schema(f: V.F) -> dict:
    if f.type == "enum":
        s = {"type": "string", "enum": list(f.enum)}
    elif f.type == "uuid_list":
        s = {"type": "array", "items": {"type": "string", "format": "uuid"}}
        if f.max_items:
            s["maxItems"] = f.max_items
    elif f.type == "amounts":
        s = {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}}
    elif f.type == "interest":
        s = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 3}}
    else:
        s = dict(TYPE_MAP[f.type])
    if f.max_len:
        s["maxLength"] = f.max_len
    if f.type in ("string", "text", "email", "phone"):
        s["pattern"] = V.text_pattern(f)  # control characters, trimming, blank = absent: as the server checks
        s["not"] = {"pattern": V.NONCHARACTERS_BEYOND_BMP}
        if f.min_len and (f.required or not f.nullable):  # (an optional field left blank is taken, as absent)
            s["minLength"] = f.min_len
    elif f.min_len:
        s["minLength"] = f.min_len
    if f.minimum is not None:
        s["minimum"] = f.minimum
    if f.maximum is not None:
        s["maximum"] = f.maximum
    elif f.type == "integer":
        s["maximum"] = V.MAX_INT
    if f.doc:
        s["description"] = f.doc
    if f.nullable and not f.required:
        s["nullable"] = True
    return s


def schema_object(schema: V.Schema) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {k: field_schema(f) for k, f in schema.fields.items()},
        "required": [k for k, f in schema.fields.items() if f.required],
    }


WID = {"name": "wid", "in": "path", "required": True, "schema": {"type": "string"}}


def _id(name):
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


ERROR = {"$ref": "#/components/responses/Error"}
SESSION_COOKIE = "atelier"  # app/__init__.py: SESSION_COOKIE_NAME
WRITE_OK = {"description": "The record as the caller may see it, and the journal seq.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WriteResult"}}}}
ANY_OK = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}


def op(summary, schema=None, params=(), ok=WRITE_OK, tag="write", status="200"):
    o = {"summary": summary, "tags": [tag], "parameters": [WID, *params],
         "responses": {status: ok, "4XX": ERROR}}
    if schema is not None:
        o["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{schema.name}"}}}}
    return o


def _join_op() -> dict:
    o = op("A participant's phone picks its organisation: in at once (first phone, or with the short code), "
           "or asks and waits for consent (202)", V.JOIN)
    o["responses"]["202"] = {"description": "Asked: waiting for a member, a facilitator or the organiser.",
                             "content": {"application/json": {"schema": {"type": "object", "properties": {
                                 "record": {"type": "object", "nullable": True},
                                 "request": {"type": "object", "nullable": True},
                                 "seq": {"type": "integer"}}, "required": ["request", "seq"]}}}}
    return o


def followup_paths() -> dict:
    """The follow-up routes (app/api/followup.py)."""
    iid = [_id("iid")]
    return {
        "/api/w/{wid}/followup": {"get": op("The follow-up board: ideas followed, due states, figures, factors",
                                            ok=ANY_OK, tag="read")},
        "/api/w/{wid}/followup/mine": {"get": op("A participant's ideas in follow-up and own outcomes", ok=ANY_OK,
                                                 tag="read")},
        "/api/w/{wid}/followup/ideas/{iid}": {
            "get": op("One idea's follow-up: contacts, impact, outcomes, history", ok=ANY_OK, params=iid, tag="read"),
            "patch": op("Follow-up status, next step, due date, who is in charge", V.FOLLOWUP_UPDATE, iid)},
        "/api/w/{wid}/followup/ideas/{iid}/contacts": {"post": op("Log a contact", V.CONTACT_CREATE, iid)},
        "/api/w/{wid}/followup/ideas/{iid}/impact/{stage}": {"put": op(
            "Estimated or actual impact figures (tCO2e computed from the factor table)", V.IMPACT_SET,
            [*iid, {"name": "stage", "in": "path", "required": True,
                    "schema": {"type": "string", "enum": ["estimated", "actual"]}}])},
        "/api/w/{wid}/followup/ideas/{iid}/outcome": {"post": op("A participant reports their own outcome",
                                                                 V.OUTCOME_SET, iid)},
        "/api/w/{wid}/followup/factors/{key}": {"put": op("Edit or add an emission factor", V.FACTOR_SET, [
            {"name": "key", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": V.FACTOR_KEY_RE.pattern}}])},
        "/api/w/{wid}/followup/settings": {"patch": op("The workshop's time zone and weekly reminder e-mails", V.FOLLOWUP_SETTINGS)},
        "/api/w/{wid}/followup/facilitators/{fid}": {"patch": op("A facilitator's e-mail address for reminders",
                                                                 V.FACILITATOR_EMAIL, [_id("fid")])},
        "/api/w/{wid}/followup/reminders": {"post": op("Send the reminder e-mails now (needs SMTP configured)",
                                                       V.REMINDERS, ok=ANY_OK)},
    }


def document() -> dict:
    paths = {
        "/api/workshops": {"post": {**op("Create a workshop (signs the caller in as organiser)",
                                         V.WORKSHOP_CREATE, ok=ANY_OK, status="201"), "parameters": []}},
        "/api/w/{wid}/login/organiser": {"post": op("Organiser sign-in", V.ORGANISER_LOGIN, ok=ANY_OK, tag="auth")},
        "/api/w/{wid}/login/facilitator": {"post": op("Facilitator sign-in with a personal code",
                                                      V.FACILITATOR_LOGIN, ok=ANY_OK, tag="auth")},
        "/api/w/{wid}/state": {"get": op("Everything the caller may see, with its seq", ok=ANY_OK, tag="read")},
        "/api/w/{wid}/events": {"get": op("Journal events since a seq, filtered for the caller", ok=ANY_OK,
                                          tag="read", params=[{"name": "since", "in": "query", "required": False,
                                                               "schema": {"type": "integer", "minimum": 0}}])},
        "/api/w/{wid}/organisations": {"post": op("Create an organisation", V.ORGANISATION_CREATE)},
        "/api/w/{wid}/organisations/suggest": {"get": op(
            "Existing organisations close to a name (accents, case, punctuation, legal forms ignored)", ok=ANY_OK,
            tag="read", params=[{"name": "name", "in": "query", "required": True,
                                 "schema": {"type": "string", "maxLength": 120}}])},
        "/api/w/{wid}/organisations/{oid}": {"patch": op("Edit an organisation", V.ORGANISATION_UPDATE,
                                                         [_id("oid")])},
        "/api/w/{wid}/sheets": {"post": op("Create a sheet (offer or need)", V.SHEET_CREATE)},
        "/api/w/{wid}/sheets/{sid}": {"patch": op("Edit or withdraw a sheet", V.SHEET_UPDATE, [_id("sid")])},
        "/api/w/{wid}/sheets/{sid}/hide": {"post": op("Hide or restore a sheet", V.HIDE, [_id("sid")])},
        "/api/w/{wid}/ideas": {"post": op("Propose a synergy idea", V.IDEA_CREATE)},
        "/api/w/{wid}/ideas/{iid}": {"patch": op("Edit an idea's details", V.IDEA_UPDATE, [_id("iid")])},
        "/api/w/{wid}/ideas/{iid}/move": {"post": op("Move an idea to a status column", V.IDEA_MOVE,
                                                     [_id("iid")])},
        "/api/w/{wid}/ideas/{iid}/b2b": {"post": op("Select or unselect for B2B", V.IDEA_B2B, [_id("iid")])},
        "/api/w/{wid}/ideas/{iid}/hide": {"post": op("Hide or restore an idea", V.HIDE, [_id("iid")])},
        "/api/w/{wid}/ideas/{iid}/merge": {"post": op("Merge a duplicate into another idea", V.MERGE,
                                                      [_id("iid")])},
        "/api/w/{wid}/ideas/{iid}/history": {"get": op("An idea's history from the journal", ok=ANY_OK,
                                                       params=[_id("iid")], tag="read")},
        "/api/w/{wid}/undo": {"post": op("Undo the caller's last move", V.UNDO)},
        "/api/w/{wid}/b2b": {"get": op("Selected B2B ideas with contacts", ok=ANY_OK, tag="read")},
        "/api/w/{wid}/facilitators": {"post": op("Create a facilitator code", V.FACILITATOR_CREATE)},
        "/api/w/{wid}/join": {"post": _join_op()},
        "/api/w/{wid}/join-requests/{did}": {"post": op("Let a phone that asked into the organisation, or not",
                                                         V.ADMIT, [_id("did")])},
        "/api/w/{wid}/organisations/{oid}/merge": {"post": op("Merge an organisation created by mistake into "
                                                              "another", V.ORG_MERGE, [_id("oid")])},
        "/api/w/{wid}/organisations/{oid}/delete": {"post": op("Delete an organisation created by mistake, with "
                                                               "its sheets", V.ORG_DELETE, [_id("oid")])},
        "/api/w/{wid}/logout": {"post": op("Sign this browser out of the workshop", V.EMPTY, ok=ANY_OK, tag="auth")},
        "/api/w/{wid}/facilitators/{fid}/revoke": {"post": op("Revoke or reinstate a facilitator code", V.REVOKE,
                                                              [_id("fid")])},
        "/api/w/{wid}/devices/{did}/revoke": {"post": op("Revoke a participant's device", V.EMPTY, [_id("did")])},
        "/api/w/{wid}/intake": {"post": op("Open or close intake", V.INTAKE)},
        "/api/w/{wid}/phase": {"post": op("Set the workshop phase", V.PHASE)},
        "/api/w/{wid}/backup": {"post": op("Back up the workshop file now (organiser)", V.EMPTY, ok=ANY_OK)},
        "/api/w/{wid}/suggestions": {"get": op(
            "Suggested synergies the caller may see, best first, with their reasons (staff: and decisions)",
            ok=ANY_OK, tag="read", params=[
                {"name": "scope", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["all", "table"]}},
                {"name": "sheet", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 64}}])},
        "/api/w/{wid}/suggestions/relevance": {"get": op(
            "A participant's room list: other organisations' sheets scored against its own", ok=ANY_OK, tag="read")},
        "/api/w/{wid}/suggestions/accept": {"post": op(
            "Accept a suggestion: the idea (origin suggestion), one per pair however many taps", V.SUGGESTION_DECISION,
            ok=ANY_OK)},
        "/api/w/{wid}/suggestions/dismiss": {"post": op("Dismiss a suggestion: never suggested again",
                                                        V.SUGGESTION_DECISION)},
        "/api/w/{wid}/suggestions/restore": {"post": op("Undo a dismissal", V.SUGGESTION_DECISION)},
        "/api/w/{wid}/network": {"get": op("The laptop's addresses, the one phones get, wifi-check counts",
                                           ok=ANY_OK, tag="read")},
        "/api/w/{wid}/network/address": {"post": op("Choose the address in the QR, posters and wall",
                                                    V.NETWORK_ADDRESS, ok=ANY_OK)},
        "/api/w/{wid}/network/backup-folder": {"post": op("Also copy every backup to this folder (USB stick)",
                                                          V.BACKUP_FOLDER, ok=ANY_OK)},
        "/api/w/{wid}/wifi-check": {"post": op("A phone's wifi-check result", V.WIFI_CHECK, ok=ANY_OK)},
    }
    from . import b2b as b2b_api
    paths.update(followup_paths())
    from ..rules.permissions import ROUTES, cell

    paths.update(b2b_api.openapi_paths(op, _id, ANY_OK))
    from . import flowstudy as flowstudy_api

    paths.update(flowstudy_api.openapi_paths(op, _id, ANY_OK))
    for path, ops in paths.items():
        for method, o in ops.items():
            action = ROUTES.get((method.upper(), path))
            if action:
                o["x-action"] = action
                o["description"] = f"Authorization: `{action}` in the matrix (docs/authorization.md)."
                if cell("anonymous", action) is False:  # a browser without the session is refused (401/403)
                    o["security"] = [{"session": []}]
    schemas = {s.name: schema_object(s) for s in V.ALL_SCHEMAS}
    schemas.update(b2b_api.openapi_schemas(schema_object))
    schemas["WriteResult"] = {"type": "object", "properties": {
        "record": {"type": "object", "nullable": True}, "seq": {"type": "integer"}}, "required": ["record", "seq"]}
    schemas["Error"] = {"type": "object", "properties": {
        "error": {"type": "string"}, "code": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "current": {"type": "object", "nullable": True}}, "required": ["error"]}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Atelier synergies API", "version": "1",
                 "description": "Writes are JSON, idempotent on the client-generated id (or request_id), "
                                "and checked by version. Errors are in the caller's language."},
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {"session": {
            "type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
            "description": "The browser's signed session: organiser password, facilitator code or a phone's join "
                           "link, then the role's rights in the matrix."}}, "responses": {"Error": {
            "description": "Refused: nothing was changed.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}},
    }
