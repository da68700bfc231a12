"""The authorization matrix, tested cell by cell from ``permissions.MATRIX``.

For every action, every route that needs it (``permissions.ROUTES``) and
every role, the action is performed over HTTP (rooms: over Socket.IO with a
real python-socketio client) on a real server, and the outcome must be what
``permissions.decide`` says for the workshop's phase: 2xx (connected) when
allowed; 401/403 with the French message when refused, and then not one
row of the SQLite file changed (journal included).

Phases: every write action is also run in a workshop with intake closed,
``closed``, ``locked`` and ``followup``.
"""
from __future__ import annotations

import re

import pytest
import requests
import socketio

from app import create_app
from app.rules import permissions
from app.rules.permissions import MATRIX, PHASE_FREE, ROLES, ROUTES

from tests.security import flowstudy_performers, followup_performers
from tests.security.world import FR, PASSWORD, World, assert_refused, clone, uid

# -- one performer per route: ``prep(w, variant) -> act(session) -> response`` -------------------
# ``variant`` is "own" / "other" for the participant's "own" cells, else None.


def _org_target(w, variant):
    return w.org_b if variant == "other" else w.org_a


def _sheet_owner(w, variant):
    return w.org_b["id"] if variant == "other" else w.org_a["id"]


def p_create_workshop(w, v):
    return lambda s: s.post(w.srv.url("/api/workshops"), json={"name": "Atelier bis", "password": PASSWORD})


def p_login_organiser(w, v):
    return lambda s: s.post(w.api("/login/organiser"), json={"password": PASSWORD})


def p_login_facilitator(w, v):
    return lambda s: s.post(w.api("/login/facilitator"), json={"code": w.fac["code"]})


def p_logout(w, v):
    return lambda s: s.post(w.api("/logout"), json={})


def p_state(w, v):
    return lambda s: s.get(w.api("/state"))


def p_events(w, v):
    return lambda s: s.get(w.api("/events"), params={"since": 0})


def p_org_create(w, v):
    return lambda s: s.post(w.api("/organisations"), json={"id": uid(), "name": f"Nouvelle {uid()[:8]}"})


def p_org_update(w, v):
    org = _org_target(w, v)

    def act(s):
        return s.patch(w.api(f"/organisations/{org['id']}"),
                       json={"version": w.version("organisations", org["id"]), "commune": f"Ville {uid()[:6]}"})
    return act


def p_join(w, v):
    return lambda s: s.post(w.api("/join"), json={"organisation_id": w.org_b["id"]})


def p_sheet_create(w, v):
    def act(s):
        body = {"id": uid(), "kind": "need", "category": "other", "title": "Cartons"}
        if v == "other" or v is None:
            body["organisation_id"] = _sheet_owner(w, v)
        return s.post(w.api("/sheets"), json=body)
    return act


def p_sheet_update(w, v):
    sheet = w.fresh_sheet(_sheet_owner(w, v))
    return lambda s: s.patch(w.api(f"/sheets/{sheet['id']}"), json={"version": 1, "title": "Palettes neuves"})


def p_sheet_hide(w, v):
    sheet = w.fresh_sheet()
    return lambda s: s.post(w.api(f"/sheets/{sheet['id']}/hide"), json={"version": 1, "hidden": True})


def p_idea_create(w, v):
    return lambda s: s.post(w.api("/ideas"), json={"id": uid(), "title": "Mutualiser un broyeur",
                                                  "org_ids": [w.org_a["id"], w.org_b["id"]]})


def p_idea_update(w, v):
    idea = w.fresh_idea()
    return lambda s: s.patch(w.api(f"/ideas/{idea['id']}"), json={"version": 1, "notes": "Rappeler lundi"})


def p_idea_move(w, v):
    idea = w.fresh_idea()
    return lambda s: s.post(w.api(f"/ideas/{idea['id']}/move"), json={"version": 1, "status": "explore"})


def p_undo(w, v):
    idea = w.fresh_idea()

    def act(s):
        s.post(w.api(f"/ideas/{idea['id']}/move"), json={"version": 1, "status": "soon"})
        return s.post(w.api("/undo"), json={})
    return act


def p_idea_b2b(w, v):
    idea = w.fresh_idea()
    return lambda s: s.post(w.api(f"/ideas/{idea['id']}/b2b"), json={"version": 1, "b2b": True})


def p_idea_hide(w, v):
    idea = w.fresh_idea()
    return lambda s: s.post(w.api(f"/ideas/{idea['id']}/hide"), json={"version": 1, "hidden": True})


def p_idea_merge(w, v):
    dup, target = w.fresh_idea(), w.fresh_idea()
    return lambda s: s.post(w.api(f"/ideas/{dup['id']}/merge"), json={"version": 1, "into_id": target["id"]})


def p_history(w, v):
    idea = w.fresh_idea()
    return lambda s: s.get(w.api(f"/ideas/{idea['id']}/history"))


def p_b2b(w, v):
    return lambda s: s.get(w.api("/b2b"))


def p_fac_create(w, v):
    return lambda s: s.post(w.api("/facilitators"), json={"id": uid(), "name": "Chloé", "table_no": 3})


def p_fac_revoke(w, v):
    fac = w.fresh_facilitator()
    return lambda s: s.post(w.api(f"/facilitators/{fac['id']}/revoke"), json={"revoked": True})


def p_fac_qr(w, v):
    fac = w.fresh_facilitator()
    return lambda s: s.get(w.srv.url(f"/w/{w.code}/facilitators/{fac['id']}/qr.png"))


def p_device_revoke(w, v):
    did = w.fresh_device()
    return lambda s: s.post(w.api(f"/devices/{did}/revoke"), json={})


def p_intake(w, v):
    return lambda s: s.post(w.api("/intake"), json={"open": w.intake})


def p_phase(w, v):
    return lambda s: s.post(w.api("/phase"), json={"phase": w.phase})


def p_backup(w, v):
    return lambda s: s.post(w.api("/backup"), json={})


def p_network(w, v):
    return lambda s: s.get(w.api("/network"))


def p_network_address(w, v):
    return lambda s: s.post(w.api("/network/address"), json={"url": w.srv.base})


def p_backup_folder(w, v):
    return lambda s: s.post(w.api("/network/backup-folder"), json={"folder": ""})


def p_wifi_check(w, v):
    return lambda s: s.post(w.api("/wifi-check"), json={"phone": uid(), "median_ms": 12.5, "worst_ms": 40,
                                                        "lost": 0, "websocket": True})


def p_export(w, v):
    return lambda s: s.get(w.srv.url(f"/w/{w.code}/export/json"))


def _pending_request(w, org_id):
    """A phone that asked to join ``org_id`` (asked while live: the world's phase is put back after)."""
    phase = w.rows("workshop")[0]["phase"]
    intake = w.rows("workshop")[0]["intake_open"]
    if phase != "live":
        w.org.post(w.api("/phase"), json={"phase": "live"}).raise_for_status()
    s = _visitor(w)
    r = s.post(w.api("/join"), json={"organisation_id": org_id, "label": "Nouvelle venue"})
    assert r.status_code == 202, r.text
    if phase != "live":
        w.org.post(w.api("/phase"), json={"phase": phase}).raise_for_status()
    if not intake:
        w.org.post(w.api("/intake"), json={"open": False}).raise_for_status()
    return r.json()["request"]["id"]


def p_join_answer(w, v):
    did = _pending_request(w, _org_target(w, v)["id"])
    return lambda s: s.post(w.api(f"/join-requests/{did}"), json={"accept": True})


def _mistake(w):
    r = w.org.post(w.api("/organisations"), json={"id": uid(), "name": f"Erreur {uid()[:8]}"})
    r.raise_for_status()
    return r.json()["record"]


def _suggested_pair(w):
    offer = w.fresh_sheet(w.org_a["id"], kind="offer", category="packaging", title="Palettes bois")
    need = w.fresh_sheet(w.org_b["id"], kind="need", category="packaging", title="Palettes pour expédier")
    return {"offer_sheet_id": offer["id"], "need_sheet_id": need["id"]}


def p_suggestions(w, v):
    return lambda s: s.get(w.api("/suggestions"))


def p_relevance(w, v):
    return lambda s: s.get(w.api("/suggestions/relevance"))


def p_sugg_accept(w, v):
    body = _suggested_pair(w)
    return lambda s: s.post(w.api("/suggestions/accept"), json=body)


def p_sugg_dismiss(w, v):
    body = _suggested_pair(w)
    return lambda s: s.post(w.api("/suggestions/dismiss"), json=body)


def p_sugg_restore(w, v):
    body = _suggested_pair(w)
    w.org.post(w.api("/suggestions/dismiss"), json=body).raise_for_status()
    return lambda s: s.post(w.api("/suggestions/restore"), json=body)
# -- B2B meetings ---------------------------------------------------------------------------------
def _fresh_org(w):
    r = w.org.post(w.api("/organisations"), json={"id": uid(), "name": f"Structure {uid()[:8]}"})
    r.raise_for_status()
    return r.json()["record"]["id"]


def _fresh_meeting(w, first=None):
    r = w.org.post(w.api("/meetings"), json={"id": uid(), "org_ids": [first or _fresh_org(w), _fresh_org(w)]})
    r.raise_for_status()
    return r.json()["record"]


def p_org_merge(w, v):
    org = _mistake(w)
    return lambda s: s.post(w.api(f"/organisations/{org['id']}/merge"), json={"version": 1,
                                                                           "into_id": w.org_a["id"]})


def p_org_delete(w, v):
    org = _mistake(w)
    return lambda s: s.post(w.api(f"/organisations/{org['id']}/delete"), json={"version": 1})


def p_meetings(w, v):
    return lambda s: s.get(w.api("/meetings"))


def p_meeting_setup(w, v):
    return lambda s: s.post(w.api("/meetings/setup"), json={"slot_minutes": 20, "pause_minutes": 5})


def p_attendance(w, v):
    org = _org_target(w, v)
    return lambda s: s.post(w.api(f"/organisations/{org['id']}/attendance"), json={"people": 2})


def p_meeting_request(w, v):
    other = _fresh_org(w)
    return lambda s: s.post(w.api("/meetings"), json={"id": uid(), "org_ids": [w.org_a["id"], other]})


def p_meeting_answer(w, v):
    m = _fresh_meeting(w, _org_target(w, v)["id"])
    return lambda s: s.post(w.api(f"/meetings/{m['id']}/answer"), json={"version": 1, "answer": "decline"})


def p_meeting_plan(w, v):
    return lambda s: s.post(w.api("/meetings/plan"), json={"time_limit": 1})


def p_meeting_place(w, v):
    m = _fresh_meeting(w)
    return lambda s: s.post(w.api(f"/meetings/{m['id']}/place"), json={"version": 1, "locked": False})


def p_meeting_status(w, v):
    m = _fresh_meeting(w)
    return lambda s: s.post(w.api(f"/meetings/{m['id']}/status"), json={"version": 1, "status": "held"})


def p_meeting_outcome(w, v):
    side = _org_target(w, v)["id"]
    m = _fresh_meeting(w, side)
    return lambda s: s.post(w.api(f"/meetings/{m['id']}/outcome"),
                            json={"version": 1, "outcome": "valuable", "org_id": side})


def p_meeting_agenda(w, v):
    org = _org_target(w, v)
    return lambda s: s.get(w.srv.url(f"/w/{w.code}/meetings/{org['id']}/agenda.ics"))


PERFORMERS = {
    ("POST", "/api/w/{wid}/join-requests/{did}"): p_join_answer,
    ("POST", "/api/w/{wid}/organisations/{oid}/merge"): p_org_merge,
    ("POST", "/api/w/{wid}/organisations/{oid}/delete"): p_org_delete,
    ("POST", "/api/workshops"): p_create_workshop,
    ("POST", "/api/w/{wid}/login/organiser"): p_login_organiser,
    ("POST", "/api/w/{wid}/login/facilitator"): p_login_facilitator,
    ("POST", "/api/w/{wid}/logout"): p_logout,
    ("GET", "/api/w/{wid}/state"): p_state,
    ("GET", "/api/w/{wid}/events"): p_events,
    ("POST", "/api/w/{wid}/organisations"): p_org_create,
    ("PATCH", "/api/w/{wid}/organisations/{oid}"): p_org_update,
    ("GET", "/api/w/{wid}/organisations/suggest"): lambda w, v: lambda s: s.get(
        w.api("/organisations/suggest"), params={"name": "structure"}),
    ("POST", "/api/w/{wid}/join"): p_join,
    ("POST", "/api/w/{wid}/sheets"): p_sheet_create,
    ("PATCH", "/api/w/{wid}/sheets/{sid}"): p_sheet_update,
    ("POST", "/api/w/{wid}/sheets/{sid}/hide"): p_sheet_hide,
    ("POST", "/api/w/{wid}/ideas"): p_idea_create,
    ("PATCH", "/api/w/{wid}/ideas/{iid}"): p_idea_update,
    ("POST", "/api/w/{wid}/ideas/{iid}/move"): p_idea_move,
    ("POST", "/api/w/{wid}/undo"): p_undo,
    ("POST", "/api/w/{wid}/ideas/{iid}/b2b"): p_idea_b2b,
    ("POST", "/api/w/{wid}/ideas/{iid}/hide"): p_idea_hide,
    ("POST", "/api/w/{wid}/ideas/{iid}/merge"): p_idea_merge,
    ("GET", "/api/w/{wid}/ideas/{iid}/history"): p_history,
    ("GET", "/api/w/{wid}/b2b"): p_b2b,
    ("POST", "/api/w/{wid}/facilitators"): p_fac_create,
    ("POST", "/api/w/{wid}/facilitators/{fid}/revoke"): p_fac_revoke,
    ("GET", "/w/{code}/facilitators/{fid}/qr.png"): p_fac_qr,
    ("POST", "/api/w/{wid}/devices/{did}/revoke"): p_device_revoke,
    ("POST", "/api/w/{wid}/intake"): p_intake,
    ("POST", "/api/w/{wid}/phase"): p_phase,
    ("POST", "/api/w/{wid}/backup"): p_backup,
    ("GET", "/w/{code}/export/{fmt}"): p_export,
    ("GET", "/api/w/{wid}/suggestions"): p_suggestions,
    ("GET", "/api/w/{wid}/suggestions/relevance"): p_relevance,
    ("POST", "/api/w/{wid}/suggestions/accept"): p_sugg_accept,
    ("POST", "/api/w/{wid}/suggestions/dismiss"): p_sugg_dismiss,
    ("POST", "/api/w/{wid}/suggestions/restore"): p_sugg_restore,
    ("GET", "/api/w/{wid}/meetings"): p_meetings,
    ("POST", "/api/w/{wid}/meetings/setup"): p_meeting_setup,
    ("POST", "/api/w/{wid}/organisations/{oid}/attendance"): p_attendance,
    ("POST", "/api/w/{wid}/meetings"): p_meeting_request,
    ("POST", "/api/w/{wid}/meetings/{mid}/answer"): p_meeting_answer,
    ("POST", "/api/w/{wid}/meetings/plan"): p_meeting_plan,
    ("POST", "/api/w/{wid}/meetings/{mid}/place"): p_meeting_place,
    ("POST", "/api/w/{wid}/meetings/{mid}/status"): p_meeting_status,
    ("POST", "/api/w/{wid}/meetings/{mid}/outcome"): p_meeting_outcome,
    ("GET", "/w/{code}/meetings/{oid}/agenda.{fmt}"): p_meeting_agenda,
    ("GET", "/api/w/{wid}/network"): p_network,
    ("POST", "/api/w/{wid}/network/address"): p_network_address,
    ("POST", "/api/w/{wid}/network/backup-folder"): p_backup_folder,
    ("POST", "/api/w/{wid}/wifi-check"): p_wifi_check,
}
PERFORMERS.update(followup_performers.PERFORMERS)
PERFORMERS.update(flowstudy_performers.PERFORMERS)

# The participant acting on "own" cells: own records (variant "own") and someone else's ("other").
# For creating with no organisation of one's own, "other" is a phone that has not picked one yet.
NO_ORG_VARIANT = {"idea.create", "meeting.request"}
WORLDS = {"live": ("live", True), "intake_closed": ("live", False), "closed": ("closed", False),
          "locked": ("locked", False), "followup": ("followup", False)}
PHASE_ONLY_LIVE = PHASE_FREE  # reads and sign-in do not depend on the phase: tested in the live world


def _cells():
    for world in WORLDS:
        for (method, path), action in ROUTES.items():
            if world != "live" and action in PHASE_ONLY_LIVE:
                continue
            for role in ROLES:
                variants = ["own", "other"] if permissions.cell(role, action) == "own" else [None]
                for variant in variants:
                    label = f"{world}-{action}-{method} {path}-{role}" + (f"-{variant}" if variant else "")
                    yield pytest.param(world, method, path, action, role, variant, id=label)


@pytest.fixture(scope="module")
def worlds(server):
    built = {}

    def get(name):
        if name not in built:
            phase, intake = WORLDS[name]
            built[name] = World(server, phase=phase, intake=intake, devices=8)
        return built[name]
    return get


def _visitor(w):
    """A phone that opened the join page and has not picked an organisation (a fresh one each time:
    the binding is kept server-side, by device id)."""
    s = requests.Session()
    s.get(w.srv.url(f"/j/{w.code}")).raise_for_status()
    return s


def _actor_session(w, role, action, variant):
    if role == "participant" and variant == "other" and action in NO_ORG_VARIANT:
        return _visitor(w)
    if role == "participant" and action in ("organisation.create", "organisation.join"):
        return _visitor(w)
    return clone(w.session(role))


def _expected(w, role, action, variant):
    own = {"own": True, "other": False}.get(variant)
    return permissions.decide(role, action, phase=w.phase, intake_open=w.intake, own=own)


@pytest.mark.parametrize("world,method,path,action,role,variant", list(_cells()))
def test_http_cell(worlds, world, method, path, action, role, variant):
    w = worlds(world)
    act = PERFORMERS[(method, path)](w, variant)
    session = _actor_session(w, role, action, variant)
    expected = _expected(w, role, action, variant)
    before = w.snapshot()
    resp = act(session)
    if expected is None:
        assert 200 <= resp.status_code < 300, (resp.status_code, resp.text[:400])
    else:
        assert_refused(resp, expected)
        assert w.snapshot() == before, "a refused request changed the database"


# -- Socket.IO rooms ----------------------------------------------------------------------------
ROOMS = {"room.staff": "staff", "room.participant": "participant", "room.projector": "projector"}


def _connect(w, session, room, errors=None):
    client = socketio.Client(reconnection=False)
    hello = []
    client.on("hello", lambda m: hello.append(m))
    client.on("connect_error", lambda data: (errors if errors is not None else []).append(data))
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    client.connect(w.srv.base, headers={"Cookie": cookie} if cookie else {},
                   auth={"workshop": w.wid, "room": room}, transports=["websocket"], wait_timeout=10)
    return client, hello


@pytest.mark.parametrize("world", ["live", "locked"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", [a for a in MATRIX if a.startswith("room.")])
def test_socket_room_cell(worlds, world, role, action):
    w = worlds(world)
    expected = permissions.decide(role, action, phase=w.phase, intake_open=w.intake)
    if expected is None:
        client, hello = _connect(w, w.session(role), ROOMS[action])
        try:
            deadline = __import__("time").time() + 5
            while not hello and __import__("time").time() < deadline:
                __import__("time").sleep(0.02)
            assert hello and hello[0]["role"] == role
        finally:
            client.disconnect()
    else:
        errors = []
        with pytest.raises(socketio.exceptions.ConnectionError):
            _connect(w, w.session(role), ROOMS[action], errors)
        assert errors and FR[expected] in str(errors[0]), errors


# -- the table itself ---------------------------------------------------------------------------
def test_every_route_and_socket_event_maps_to_one_action(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    guarded = set()
    for rule in app.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for m in rule.methods - {"HEAD", "OPTIONS"}:
            if path.startswith("/api/") and path != "/api/openapi.json":
                guarded.add((m, path))
    assert guarded <= set(ROUTES), sorted(guarded - set(ROUTES))
    assert set(ROUTES) <= set(PERFORMERS), "every route of the matrix is exercised"
    assert set(ROUTES.values()) | {a for a in MATRIX if a.startswith(("read.", "room."))} | {"workshop.manage"} \
        == set(MATRIX)
    assert all(a in MATRIX for a in ROUTES.values())
    from app import realtime

    handlers = set(realtime.socketio.server.handlers.get("/", {})) if realtime.socketio.server else set()
    assert handlers <= set(permissions.SOCKET_EVENTS) | {"disconnect"}, handlers


def test_openapi_names_the_action_of_every_operation(server):
    doc = requests.get(server.url("/api/openapi.json")).json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            assert op["x-action"] == ROUTES[(method.upper(), path)]


def test_markdown_table_is_generated_from_the_matrix():
    md = permissions.markdown_table()
    for action in MATRIX:
        assert f"| `{action}` |" in md
    assert md.splitlines()[0].count("|") == len(ROLES) + 4


def test_docs_authorization_is_up_to_date():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "authorization.md"
    assert permissions.markdown_table() in doc.read_text(encoding="utf-8"), \
        "regenerate: python -m app.rules.permissions > docs/authorization.md"
