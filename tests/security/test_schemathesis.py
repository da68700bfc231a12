"""Schemathesis against /api/openapi.json on a running server, as the organiser.

Every documented operation gets a bounded number of generated requests,
valid ones (positive) and invalid ones (negative). Checks: never a 5xx; the
status code, content type and body conform to the document; invalid data is
rejected; and every rejected (4xx) request changed nothing — every row of
the workshop's SQLite file (journal included) and the list of workshop
files are the same before and after.
"""
from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTRY, load_all_checks

from tests.security.world import World, clone, snapshot_db

EXAMPLES = {GenerationMode.POSITIVE: int(os.environ.get("SCHEMATHESIS_POSITIVE", "14")),
            GenerationMode.NEGATIVE: int(os.environ.get("SCHEMATHESIS_NEGATIVE", "8"))}
load_all_checks()
ALL_CHECKS = list(REGISTRY.get_all())  # schemathesis's full set, whatever this version registers


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
    schema = schemathesis.openapi.from_url(server.url("/api/openapi.json"))
    params = {"wid": w.wid, "oid": w.org_a["id"], "sid": sheet["id"], "iid": idea["id"], "fid": w.fac["id"],
              "did": w.device_pool[0]}
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
        before, files = snapshot_db(w.db_path), _files(w)
        response = case.call(base_url=w.srv.base, session=session, timeout=15)
        seen["calls"] += 1
        seen["statuses"].add(response.status_code)
        assert response.status_code < 500, (label, case.body, response.text[:300])
        case.validate_response(response, checks=ALL_CHECKS)
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
    schema = schemathesis.openapi.from_dict(doc)
    labels = [op.ok().label for op in schema.get_all_operations()]
    assert len(labels) == len(list(_operations())) >= 25
