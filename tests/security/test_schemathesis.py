"""Schemathesis against /api/openapi.json on a running server, as the organiser.

Every documented operation gets a bounded number of generated requests,
valid ones (positive) and invalid ones (negative), checked with schemathesis's
full set of checks (``ALL_CHECKS``): never a 5xx; status code, content type,
headers and body as the document says; invalid data rejected and valid data
accepted (but for the rules no schema can say, listed by operation in
``RULES_BEYOND_THE_SCHEMA``); unsupported methods refused; an operation
declaring the session refuses a request without it (``ignored_auth``). And
every rejected (4xx) request changed nothing — every row of the workshop's
SQLite file (journal included) and the list of workshop files are the same
before and after.
"""
from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTRY, load_all_checks
from schemathesis.core.parameters import ParameterLocation

from tests.security.world import World, clone, snapshot_db

# Bounded for CI: every case runs the full set of checks, some of which send probes of their own.
EXAMPLES = {GenerationMode.POSITIVE: int(os.environ.get("SCHEMATHESIS_POSITIVE", "10")),
            GenerationMode.NEGATIVE: int(os.environ.get("SCHEMATHESIS_NEGATIVE", "6"))}
load_all_checks()
ALL_CHECKS = list(REGISTRY.get_all())  # schemathesis's full set, whatever this version registers
COOKIE = "atelier"  # the session cookie the document's security scheme names
ACCEPTANCE = next(c for c in ALL_CHECKS if c.__name__ == "positive_data_acceptance")
# Rules no JSON Schema can say, by operation: what else a schema-valid request must get right, and the only
# fields a 422 may then name. Everything else the document says exactly (types, patterns for text, lengths).
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/w/{wid}/sheets": {"organisation_id", "subcategory"},  # staff name the organisation (a phone's is
    "PATCH /api/w/{wid}/sheets/{sid}": {"subcategory"},               # its own); a sub-category of its category
    "POST /api/w/{wid}/ideas": {"org_ids", "sheet_id", "offer_sheet_id", "need_sheet_id"},  # one of them, together
    "POST /api/w/{wid}/ideas/{iid}/move": {"status", "reason"},  # not the column it is in; abandoned needs a reason
    "POST /api/w/{wid}/network/address": {"url"},  # one of this laptop's addresses, or a host it can be reached by
    "POST /api/w/{wid}/network/backup-folder": {"folder"},  # a folder that exists on this laptop and can be written
    "PUT /api/w/{wid}/followup/ideas/{iid}/impact/{stage}": {"_", "euros"},  # actual once done; € by organisation id
    "POST /api/w/{wid}/organisations/{oid}/attendance": {"arrives", "leaves"},  # leaves after it arrives
    "PATCH /api/w/{wid}/followup/settings": {"remind_day", "remind_hour", "timezone"},  # both, and a known zone
    "POST /api/w/{wid}/meetings": {"org_ids"},  # two organisations at least, of this workshop
    "POST /api/w/{wid}/meetings/setup": {"sessions", "places", "arrives", "leaves"},  # times that follow each other
    "POST /api/w/{wid}/meetings/{mid}/place": {"slot", "place", "place_id"},  # a slot and a place of the plan
    "PATCH /api/w/{wid}/ideas/{iid}": {"interest"},  # interest only for the idea's own organisations
    "POST /api/w/{wid}/visits": {"organisation_id", "organisation_name"},  # a known organisation, or a new name
    "POST /api/w/{wid}/visits/{vid}/sheets": {"subcategory", "available_until"},  # as a sheet: its category's
    "POST /api/w/{wid}/visits": {"organisation_id", "organisation_name"},  # the one visited, or a new one's name
}


def _operations(negative=False):
    """Operation labels; for negative runs only those with something to get wrong besides the fixed path."""
    from app.api.openapi import document

    for path, ops in document()["paths"].items():
        for method, op in ops.items():
            has_input = "requestBody" in op or any(p["in"] == "query" for p in op.get("parameters", []))
            if not negative or has_input:
                yield f"{method.upper()} {path}"


CASES = [pytest.param(label, GenerationMode.POSITIVE, id=f"{label}-positive") for label in _operations()] + \
        [pytest.param(label, GenerationMode.NEGATIVE, id=f"{label}-negative") for label in _operations(True)]


@pytest.fixture(scope="module")
def target(server):
    w = World(server, devices=4, name="Atelier schemathesis")
    sheet = w.fresh_sheet()
    idea = w.fresh_idea()
    visit = w.org.post(w.api("/visits"), json={"id": str(__import__("uuid").uuid4()), "organisation_id": w.org_a["id"],
                                               "date": "2026-11-20", "visited_by": "Claire", "source": "Visite"})
    visit.raise_for_status()
    schema = schemathesis.openapi.from_url(server.url("/api/openapi.json"))
    params = {"wid": w.wid, "oid": w.org_a["id"], "sid": sheet["id"], "iid": idea["id"], "fid": w.fac["id"],
              "did": w.device_pool[0], "vid": visit.json()["record"]["id"]}
    return {"w": w, "schema": schema, "params": params, "stats": {}}


def _files(w):
    return sorted(p.name for p in w.srv.data_dir.glob("*.sqlite"))


@pytest.mark.parametrize("label,mode", CASES)
def test_operation(target, label, mode):
    w, schema = target["w"], target["schema"]
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    names = {p.name for p in operation.path_parameters}
    strategy = operation.as_strategy(generation_mode=mode,
                                     path_parameters={k: v for k, v in target["params"].items() if k in names})
    seen = {"calls": 0, "rejected": 0, "statuses": set()}

    @given(case=strategy)
    @settings(max_examples=EXAMPLES[mode], deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    def run(case):
        session = clone(w.org)  # a sign-out or sign-in only changes this copy of the organiser's browser
        if case.meta is not None and case.meta.is_negative_at(ParameterLocation.COOKIE):
            session = requests.Session()  # the case is about the session cookie: as generated, not ours
        before, files = snapshot_db(w.db_path), _files(w)
        # The session cookie given explicitly: ignored_auth then sends the request again without it, and with a
        # forged one, and expects 401/403 wherever the document declares the session.
        auth = {"Cookie": f"{COOKIE}={session.cookies.get(COOKIE)}"} if session.cookies.get(COOKIE) else None
        response = case.call(base_url=w.srv.base, session=session, headers=auth, timeout=15)
        seen["calls"] += 1
        seen["statuses"].add(response.status_code)
        assert response.status_code < 500, (label, case.body, response.text[:300])
        beyond = RULES_BEYOND_THE_SCHEMA.get(label) if mode == GenerationMode.POSITIVE else None
        case.validate_response(response, checks=ALL_CHECKS, excluded_checks=[ACCEPTANCE] if beyond else None,
                               headers=auth)
        if beyond and response.status_code == 422:  # positive_data_acceptance, but for the rules above
            named = set(response.json().get("fields") or {})
            assert named and named <= beyond, (label, case.body, response.text[:300])
        elif beyond:
            assert response.status_code < 400 or response.status_code in (401, 403, 404, 409, 429), response.text
        if 400 <= response.status_code < 500:
            seen["rejected"] += 1
            assert snapshot_db(w.db_path) == before, f"{label}: a rejected request changed the database"
            assert _files(w) == files, f"{label}: a rejected request created a workshop file"
            body = response.json()
            assert body["error"] and body["code"], body

    run()
    assert seen["calls"] >= 1, "schemathesis ran no example"


def test_the_document_is_served_and_valid(server):
    doc = requests.get(server.url("/api/openapi.json")).json()
    session = requests.Session()
    session.post(server.url("/api/workshops"), json={"name": "Atelier du document", "password": "motdepasse"})
    assert doc["components"]["securitySchemes"]["session"]["name"] == COOKIE
    assert COOKIE in {c.name for c in session.cookies}
    schema = schemathesis.openapi.from_dict(doc)
    labels = [op.ok().label for op in schema.get_all_operations()]
    assert len(labels) == len(list(_operations())) >= 25
