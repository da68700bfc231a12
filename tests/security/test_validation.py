"""Bad input for every field: ``app.rules.validation`` unit by unit, then the API
on a real server (4xx with a French message, never a 5xx, nothing changed)."""
from __future__ import annotations

import json

import pytest
import requests

from app.rules import validation as V
from tests.security.world import FR, World, snapshot_db, uid

U = "123e4567-e89b-42d3-a456-426614174000"


def errors(schema, data):
    return V.validate(schema, data)[1]


def ok(schema, data):
    clean, errs = V.validate(schema, data)
    assert not errs, errs
    return clean


# -- unit: every type ---------------------------------------------------------------------------
SHEET = {"id": U, "kind": "offer", "category": "other", "title": "Palettes"}


def test_a_good_sheet_passes_and_is_normalised():
    clean = ok(V.SHEET_CREATE, {**SHEET, "id": U.upper(), "title": "  Palettes  ", "quantity": "1,5",
                                "available_from": "2026-11-26", "anonymous": "on"})
    assert clean["id"] == U and clean["title"] == "Palettes" and clean["quantity"] == 1.5
    assert clean["anonymous"] is True


@pytest.mark.parametrize("data", [None, [], "texte", 3, 2.5, True, [SHEET]])
def test_the_body_must_be_an_object(data):
    assert errors(V.SHEET_CREATE, data) == {"_": ("err.body", {})}


def test_unknown_fields_are_refused_not_ignored():
    errs = errors(V.SHEET_CREATE, {**SHEET, "hidden": 1, "author": "moi", "x" * 500: 1})
    assert errs["hidden"][0] == errs["author"][0] == "err.unknown_field"
    assert all(len(k) <= 60 for k in errs)


@pytest.mark.parametrize("field", ["id", "kind", "category", "title"])
def test_required_fields(field):
    data = dict(SHEET)
    del data[field]
    assert errors(V.SHEET_CREATE, data)[field][0] == "err.required"
    assert errors(V.SHEET_CREATE, {**SHEET, field: None})[field][0] == "err.required"
    assert errors(V.SHEET_CREATE, {**SHEET, field: "   "})[field][0] == "err.required"


@pytest.mark.parametrize("value", [1, 1.5, True, [], {}, ["a"], {"a": 1}])
def test_text_must_be_text(value):
    assert errors(V.SHEET_CREATE, {**SHEET, "title": value})["title"][0] == "err.type_text"


def test_text_lengths():
    assert errors(V.SHEET_CREATE, {**SHEET, "title": "x"})["title"] == ("err.too_short", {"min": 2})
    assert errors(V.SHEET_CREATE, {**SHEET, "title": "x" * 141})["title"] == ("err.too_long", {"max": 140})
    ok(V.SHEET_CREATE, {**SHEET, "title": "x" * 140})
    assert errors(V.SHEET_CREATE, {**SHEET, "description": "x" * 2001})["description"][0] == "err.too_long"
    assert errors(V.IDEA_UPDATE, {"version": 1, "notes": "x" * 4001})["notes"][0] == "err.too_long"


def test_control_characters_are_refused_but_newlines_rtl_and_emoji_kept():
    assert errors(V.SHEET_CREATE, {**SHEET, "title": "a\x00b"})["title"][0] == "err.control"
    assert errors(V.SHEET_CREATE, {**SHEET, "title": "a\x1bb"})["title"][0] == "err.control"
    clean = ok(V.SHEET_CREATE, {**SHEET, "title": "\u202eabc 🪵", "description": "l1\r\nl2\tx"})
    assert clean["title"] == "\u202eabc 🪵" and clean["description"] == "l1\nl2\tx"


@pytest.mark.parametrize("value", ["offre", "OFFER", "", 1, None, ["offer"], {"v": "offer"}])
def test_enums(value):
    assert errors(V.SHEET_CREATE, {**SHEET, "kind": value})["kind"][0] in ("err.choice", "err.required")


@pytest.mark.parametrize("value,key", [
    ("abc", "err.number"), ("1e", "err.number"), (True, "err.number"), ([], "err.number"), ({}, "err.number"),
    (float("nan"), "err.number"), (float("inf"), "err.number"), (-1, "err.min"), (1e10, "err.max"),
    (10 ** 400, "err.max"), ("NaN", "err.number"), ("-inf", "err.number"),
])
def test_numbers(value, key):
    assert errors(V.SHEET_CREATE, {**SHEET, "quantity": value})["quantity"][0] == key


@pytest.mark.parametrize("value,key", [(1.5, "err.integer"), ("2.5", "err.integer"), (-1, "err.min"),
                                       (-5, "err.min"), (501, "err.max"), (10 ** 30, "err.max"),
                                       (False, "err.number"), ("douze", "err.number")])
def test_integers(value, key):
    assert errors(V.ORGANISATION_UPDATE, {"version": 1, "table_no": value})["table_no"][0] == key
    assert ok(V.ORGANISATION_UPDATE, {"version": 1, "table_no": "12"})["table_no"] == 12


def test_versions_must_be_positive_integers():
    for v in (0, -1, "un", 1.2, None, True):
        assert "version" in errors(V.IDEA_MOVE, {"version": v, "status": "explore"})
    assert ok(V.IDEA_MOVE, {"version": 10 ** 12, "status": "explore"})["version"] == 10 ** 12
    assert errors(V.IDEA_MOVE, {"version": 2 ** 53, "status": "explore"})["version"][0] == "err.max"


@pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "26/11/2026", "2026-11-26T10:00:00", "demain",
                                   20261126, "2026-11-26" + "0" * 20, ""])
def test_dates(value):
    errs = errors(V.SHEET_CREATE, {**SHEET, "available_from": value})
    if value == "":
        assert not errs  # empty optional field: no value
    else:
        assert errs["available_from"][0] == "err.date"


@pytest.mark.parametrize("value", ["123", U[:-1], U + "0", U.replace("-", ""), "g" * 36, 12, None, ["x"],
                                   "' OR 1=1 --", "../../etc/passwd"])
def test_uuids(value):
    errs = errors(V.SHEET_CREATE, {**SHEET, "id": value})
    assert errs["id"][0] in ("err.uuid", "err.required")


def test_uuid_lists_and_interest_maps():
    assert errors(V.IDEA_CREATE, {"id": U, "org_ids": "x"})["org_ids"][0] == "err.uuid"
    assert errors(V.IDEA_CREATE, {"id": U, "org_ids": [U, 3]})["org_ids"][0] == "err.uuid"
    assert errors(V.IDEA_CREATE, {"id": U, "org_ids": [uid() for _ in range(41)]})["org_ids"][0] == "err.too_many"
    assert ok(V.IDEA_CREATE, {"id": U, "org_ids": [U, U.upper()]})["org_ids"] == [U]
    for bad in ([], "x", {U: 4}, {U: 0}, {U: True}, {"pas-un-uuid": 1}, {U: "2"}, {U: {"n": 1}}):
        assert errors(V.IDEA_UPDATE, {"version": 1, "interest": bad})["interest"][0] == "err.interest"
    assert ok(V.IDEA_UPDATE, {"version": 1, "interest": {U: 3}})["interest"] == {U: 3}


def test_email_phone_and_booleans():
    org = {"id": U, "name": "Structure"}
    for bad in ("a@b", "pas un mail", "<a@b.fr>", "a b@c.fr"):
        assert errors(V.ORGANISATION_CREATE, {**org, "email": bad})["email"][0] == "err.email"
    for bad in ("abc", "12", "+33 <script>"):
        assert errors(V.ORGANISATION_CREATE, {**org, "phone": bad})["phone"][0] == "err.phone"
    for bad in ("oui", 2, [], {}, "yes"):
        assert errors(V.ORGANISATION_CREATE, {**org, "consent": bad})["consent"][0] == "err.boolean"


def test_every_schema_refuses_every_wrong_type_in_every_field():
    """Whatever the field, an object or a list where a scalar is expected is an error, never an exception."""
    for schema in V.ALL_SCHEMAS:
        for name, f in schema.fields.items():
            for value in ({"nested": {"deep": [1, 2]}}, [[1]], float("nan"), 10 ** 400, -(10 ** 400)):
                clean, errs = V.validate(schema, {name: value})
                if f.type in ("interest",) and isinstance(value, dict):
                    continue
                assert name in errs, (schema.name, name, value)


def test_every_error_key_is_translated():
    from app.i18n import catalogue

    keys = {"err.required", "err.type_text", "err.control", "err.too_long", "err.too_short", "err.email",
            "err.phone", "err.uuid", "err.too_many", "err.choice", "err.boolean", "err.number", "err.integer",
            "err.min", "err.max", "err.date", "err.interest", "err.unknown_field", "err.body"}
    for lang in ("fr", "en"):
        assert keys <= set(catalogue(lang))


# -- the API on a real server -------------------------------------------------------------------
@pytest.fixture(scope="module")
def w(server):
    return World(server, devices=0, name="Entrées invalides")


@pytest.fixture(scope="module")
def other(server):
    """A second workshop: its ids must be unknown in the first."""
    return World(server, devices=0, name="Autre atelier")


def _writes(w):
    idea = w.fresh_idea()
    sheet = w.fresh_sheet()
    return [
        ("post", "/organisations"), ("patch", f"/organisations/{w.org_a['id']}"), ("post", "/sheets"),
        ("patch", f"/sheets/{sheet['id']}"), ("post", f"/sheets/{sheet['id']}/hide"), ("post", "/ideas"),
        ("patch", f"/ideas/{idea['id']}"), ("post", f"/ideas/{idea['id']}/move"),
        ("post", f"/ideas/{idea['id']}/b2b"), ("post", f"/ideas/{idea['id']}/hide"),
        ("post", f"/ideas/{idea['id']}/merge"), ("post", "/undo"), ("post", "/facilitators"),
        ("post", f"/facilitators/{w.fac['id']}/revoke"), ("post", "/intake"), ("post", "/phase"),
        ("post", "/login/organiser"), ("post", "/login/facilitator"), ("post", "/join"), ("post", "/logout"),
    ]


TOP_LEVEL = ["[]", "[1, 2]", '"texte"', "42", "-1e999", "null", "true", "NaN", "Infinity",
             '{"a": ' * 200 + "1" + "}" * 200, "{", "", "\u00ff\u00fe", '{"id": 1e999999}',
             '{"version": 99999999999999999999999999999999999999, "status": "explore"}',
             '{"version": NaN, "title": "x"}', '{"version": 1, "title": {"$gt": ""}}']


@pytest.mark.parametrize("raw", TOP_LEVEL, ids=range(len(TOP_LEVEL)))
def test_wrong_json_never_gets_a_5xx_and_changes_nothing(w, raw):
    before = snapshot_db(w.db_path)
    for method, path in _writes(w):
        session = w.pa if path == "/join" else w.org
        mid = snapshot_db(w.db_path)
        r = session.request(method, w.api(path), data=raw.encode("utf-8"),
                            headers={"Content-Type": "application/json"})
        assert 400 <= r.status_code < 500, (method, path, raw[:40], r.status_code, r.text[:200])
        body = r.json()
        assert body["error"] == FR[body["code"]], body
        assert snapshot_db(w.db_path) == mid, (method, path, raw[:40])
    assert requests.post(w.srv.url("/api/workshops"), data=raw.encode(),
                         headers={"Content-Type": "application/json"}).status_code in (400, 422)
    del before


def test_ids_of_another_workshop_are_unknown(w, other):
    o_sheet, o_idea = other.fresh_sheet(), other.fresh_idea()
    before = snapshot_db(w.db_path)
    cases = [
        ("patch", f"/organisations/{other.org_a['id']}", {"version": 1, "commune": "Ailleurs"}),
        ("patch", f"/sheets/{o_sheet['id']}", {"version": 1, "title": "Ailleurs"}),
        ("post", f"/sheets/{o_sheet['id']}/hide", {"version": 1, "hidden": True}),
        ("patch", f"/ideas/{o_idea['id']}", {"version": 1, "notes": "Ailleurs"}),
        ("post", f"/ideas/{o_idea['id']}/move", {"version": 1, "status": "explore"}),
        ("post", f"/ideas/{w.fresh_idea()['id']}/merge", {"version": 1, "into_id": o_idea["id"]}),
        ("post", "/ideas", {"id": uid(), "title": "Mélange", "org_ids": [w.org_a["id"], other.org_b["id"]]}),
        ("post", "/ideas", {"id": uid(), "offer_sheet_id": o_sheet["id"], "org_ids": [w.org_a["id"]]}),
        ("post", "/sheets", {"id": uid(), "organisation_id": other.org_a["id"], "kind": "offer",
                             "category": "other", "title": "Ailleurs"}),
        ("post", f"/facilitators/{other.fac['id']}/revoke", {"revoked": True}),
        ("post", f"/devices/{other.state(other.pa)['me']['id']}/revoke", {}),
        ("get", f"/ideas/{o_idea['id']}/history", None),
    ]
    before = snapshot_db(w.db_path)
    other_before = snapshot_db(other.db_path)
    for method, path, body in cases:
        r = w.org.request(method, w.api(path), json=body)
        assert r.status_code == 404, (path, r.status_code, r.text[:200])
        assert r.json()["error"] == FR[r.json()["code"]]
    assert snapshot_db(w.db_path) == before
    assert snapshot_db(other.db_path) == other_before


def test_the_same_id_in_another_workshop_cannot_be_reused_to_overwrite(w, other):
    """A client-generated id is per workshop: the same UUID in another workshop does not touch this one."""
    sid = uid()
    body = {"id": sid, "organisation_id": w.org_a["id"], "kind": "offer", "category": "other", "title": "Ici"}
    assert w.org.post(w.api("/sheets"), json=body).status_code == 200
    body2 = {**body, "organisation_id": other.org_a["id"], "title": "Là-bas"}
    assert other.org.post(other.api("/sheets"), json=body2).status_code == 200
    mine = [s for s in w.state(w.org)["sheets"] if s["id"] == sid]
    assert mine[0]["title"] == "Ici"


@pytest.mark.parametrize("field,value", [
    ("title", "x" * 141), ("quantity", -1), ("quantity", 1e300), ("unit", "brouettes"), ("available_from", "hier"),
    ("id", "pas-un-uuid"), ("kind", None), ("category", ["other"]), ("secret", 1), ("organisation_id", 12),
])
def test_api_answers_field_errors_in_french(w, field, value):
    before = snapshot_db(w.db_path)
    body = {"id": uid(), "organisation_id": w.org_a["id"], "kind": "offer", "category": "other", "title": "Ok",
            field: value}
    r = w.org.post(w.api("/sheets"), data=json.dumps(body), headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    b = r.json()
    assert b["code"] == "err.invalid" and b["error"] == FR["err.invalid"] and field in b["fields"]
    en = w.org.post(w.api("/sheets"), json=body, headers={"X-Lang": "en"}).json()
    assert en["fields"][field] != b["fields"][field] or field == "secret"
    assert snapshot_db(w.db_path) == before


def test_socket_sync_refuses_bad_input_without_crashing(w):
    client = w.srv.socket(w.pa, w.ws)
    try:
        for bad in (None, [], "x", {"workshop": w.wid}, {"workshop": w.wid, "since": "0"},
                    {"workshop": w.wid, "since": True}, {"workshop": w.wid, "since": 2 ** 70},
                    {"workshop": w.wid, "since": -5}, {"workshop": 12, "since": 0}, {"workshop": ["x"]}):
            answer = client.call("sync", bad, timeout=10)
            assert isinstance(answer, dict), bad
            if "error" not in answer:
                assert answer.get("reset") is True, (bad, answer)
        assert "events" in client.call("sync", {"workshop": w.wid, "since": 0}, timeout=10)
        # a 400-digit number: python-engineio drops the packet (no answer), the connection stays up
        import socketio

        with pytest.raises(socketio.exceptions.TimeoutError):
            client.call("sync", {"workshop": w.wid, "since": 10 ** 400}, timeout=2)
        assert client.connected
        assert "events" in client.call("sync", {"workshop": w.wid, "since": 0}, timeout=10)
    finally:
        client.disconnect()
