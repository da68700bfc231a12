"""/api/openapi.json stays true: every API route is documented, and the
documented request schemas are the ones the server validates with."""
import re

from app import create_app
from app.api.openapi import document, schema_object
from app.rules import validation as V


def _flask_paths(app):
    out = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/openapi.json":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for m in rule.methods - {"HEAD", "OPTIONS"}:
            out.add((path, m.lower()))
    return out


def test_every_route_is_documented_and_nothing_else(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    doc = document()
    documented = {(p, m) for p, ops in doc["paths"].items() for m in ops}
    assert _flask_paths(app) == documented


def test_request_schemas_are_the_validation_schemas():
    doc = document()
    for schema in V.ALL_SCHEMAS:
        assert doc["components"]["schemas"][schema.name] == schema_object(schema)
    for path, ops in doc["paths"].items():
        for op in ops.values():
            ref = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
            if ref:
                assert ref.split("/")[-1] in doc["components"]["schemas"]


def test_served_document_is_openapi_3(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    r = app.test_client().get("/api/openapi.json")
    assert r.status_code == 200
    body = r.get_json()
    assert body["openapi"].startswith("3.")
    assert "/api/w/{wid}/sheets" in body["paths"]
    sheet = body["components"]["schemas"]["SheetCreate"]
    assert sheet["properties"]["title"]["maxLength"] == 140
    assert set(sheet["required"]) == {"id", "kind", "category", "title"}
