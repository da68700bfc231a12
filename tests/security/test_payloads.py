"""What actually leaves the server for a participant's phone (and the projector).

Every message type a participant can receive is captured raw — HTTP state,
the events resync over HTTP and over the socket ``sync``, socket ``change``
for sheets, ideas and organisations, ``hello`` — and searched for what must
never be there: another organisation's confidential, withdrawn or hidden
sheets, contact details without consent, facilitator notes, abandon reasons,
hidden or merged ideas, facilitator codes, the password (hash) and the
projector token. Participants never get ``stats``.
"""
from __future__ import annotations

import json
import time

import pytest
import requests
import socketio

from tests.security.world import PASSWORD, World, uid


class Raw(socketio.Client):
    """Keeps every event as the JSON text it arrived as."""

    def __init__(self):
        super().__init__(reconnection=False)
        self.events: list[tuple[str, str]] = []
        self.on("*", self._any)
        self.on("hello", lambda data: self.events.append(("hello", json.dumps(data, ensure_ascii=False))))

    def _any(self, event, data=None):
        """Batches (``changes``) are kept as one ``change`` entry per change, as a screen applies them."""
        if event == "changes" and isinstance(data, dict):
            for c in data.get("changes") or []:
                self.events.append(("change", json.dumps(c, ensure_ascii=False)))
            return
        self.events.append((event, json.dumps(data, ensure_ascii=False)))

    def text(self, kind=None):
        return "\n".join(d for e, d in self.events if kind is None or e == kind)


def connect(w, session) -> Raw:
    c = Raw()
    cookie = "; ".join(f"{k.name}={k.value}" for k in session.cookies)
    c.connect(w.srv.base, headers={"Cookie": cookie}, auth={"workshop": w.wid}, transports=["websocket"],
              wait_timeout=10)
    return c


@pytest.fixture(scope="module")
def scene(server):
    w = World(server, devices=0, name="Atelier confidentiel")
    o, api = w.org, w.api
    secrets_ = {}

    def post(path, body, session=o):
        r = session.post(api(path), json=body)
        assert r.status_code < 300, r.text
        return r.json()["record"]

    def patch(path, body, session=o):
        r = session.patch(api(path), json=body)
        assert r.status_code < 300, r.text
        return r.json()["record"]

    a, b = w.org_a, w.org_b
    c = post("/organisations", {"id": uid(), "name": "Structure C consentante", "contact_name": "Carla Public",
                                "email": "carla@c.example", "phone": "0111111111", "consent": True})
    # -- before the phones connect: moderated and confidential items
    post("/sheets", {"id": uid(), "organisation_id": b["id"], "kind": "offer", "category": "other",
                     "title": "SECRET-B-SHEET", "visibility": "facilitators"})
    hidden_sheet = post("/sheets", {"id": uid(), "organisation_id": b["id"], "kind": "offer", "category": "other",
                                    "title": "HIDDEN-B-SHEET"})
    post(f"/sheets/{hidden_sheet['id']}/hide", {"version": 1, "hidden": True})
    withdrawn = post("/sheets", {"id": uid(), "organisation_id": b["id"], "kind": "need", "category": "other",
                                 "title": "WITHDRAWN-B-SHEET"})
    patch(f"/sheets/{withdrawn['id']}", {"version": 1, "state": "withdrawn"})
    made_confidential = post("/sheets", {"id": uid(), "organisation_id": b["id"], "kind": "offer",
                                         "category": "other", "title": "LATER-CONFIDENTIAL-B"})
    patch(f"/sheets/{made_confidential['id']}", {"version": 1, "visibility": "facilitators"})
    own_conf = post("/sheets", {"id": uid(), "organisation_id": a["id"], "kind": "offer", "category": "other",
                                "title": "A-OWN-CONFIDENTIAL", "visibility": "facilitators"})
    public_b = post("/sheets", {"id": uid(), "organisation_id": b["id"], "kind": "offer", "category": "other",
                                "title": "PUBLIC-B-SHEET"})
    hidden_idea = post("/ideas", {"id": uid(), "title": "HIDDEN-IDEA", "org_ids": [a["id"], b["id"]]})
    post(f"/ideas/{hidden_idea['id']}/hide", {"version": 1, "hidden": True})
    dup = post("/ideas", {"id": uid(), "title": "MERGED-IDEA", "org_ids": [a["id"], b["id"]]})
    target = post("/ideas", {"id": uid(), "title": "TARGET-IDEA", "org_ids": [a["id"], b["id"]]})
    post(f"/ideas/{dup['id']}/merge", {"version": 1, "into_id": target["id"]})
    other = post("/ideas", {"id": uid(), "title": "OTHER-ORGS-IDEA", "org_ids": [b["id"], c["id"]]})
    hidden_late = post("/ideas", {"id": uid(), "title": "HIDDEN-LATE-IDEA", "org_ids": [b["id"], c["id"]],
                                  "description": "HIDDEN-LATE-DESC"})

    # -- the phones and the projector connect
    pa_sock = connect(w, w.pa)
    visitor_sock = connect(w, w.visitor)
    proj_sock = connect(w, w.proj)

    # -- live changes while they watch
    ab = post("/ideas", {"id": uid(), "title": "AB-IDEA", "org_ids": [a["id"], b["id"]]}, w.fac_session)
    ab = patch(f"/ideas/{ab['id']}", {"version": 1, "notes": "NOTE-SECRET", "next_step": "Appeler B"},
               w.fac_session)
    ab2 = post("/ideas", {"id": uid(), "title": "AB-ABANDONED", "org_ids": [a["id"], b["id"]]}, w.fac_session)
    post(f"/ideas/{ab2['id']}/move", {"version": 1, "status": "abandoned", "reason": "distance"}, w.fac_session)
    post(f"/ideas/{hidden_late['id']}/hide", {"version": 1, "hidden": True})
    patch(f"/ideas/{other['id']}", {"version": 1, "notes": "NOTE-OTHER"})
    patch(f"/sheets/{hidden_sheet['id']}", {"version": 2, "title": "HIDDEN-B-SHEET-2"})
    post("/sheets", {"id": uid(), "organisation_id": b["id"], "kind": "offer", "category": "other",
                     "title": "SECRET-B-NEW", "visibility": "facilitators"})
    patch(f"/organisations/{b['id']}", {"version": w.version("organisations", b["id"]), "phone": "0607080911",
                                        "commune": "Villeneuve"})
    post("/organisations", {"id": uid(), "name": "Structure D", "contact_name": "Dan Secret",
                            "email": "dan@d.example", "phone": "0699999999"})
    patch(f"/organisations/{a['id']}", {"version": w.version("organisations", a["id"]), "commune": "Mon village"},
          w.pa)
    post("/sheets", {"id": uid(), "kind": "need", "category": "other", "title": "A-NEW-NEED"}, w.pa)
    for sock in (pa_sock, visitor_sock, proj_sock):
        end = time.time() + 5
        while time.time() < end and "A-NEW-NEED" not in sock.text("change"):
            time.sleep(0.05)
    sync = {}
    for name, sock in (("pa", pa_sock), ("visitor", visitor_sock), ("proj", proj_sock)):
        sync[name] = json.dumps(sock.call("sync", {"workshop": w.wid, "since": 0}, timeout=10), ensure_ascii=False)
    yield {"w": w, "socks": {"pa": pa_sock, "visitor": visitor_sock, "proj": proj_sock}, "sync": sync,
           "a": a, "b": b, "c": c, "own_conf": own_conf, "public_b": public_b, "ab": ab}
    for sock in (pa_sock, visitor_sock, proj_sock):
        sock.disconnect()


def _secrets(scene):
    w = scene["w"]
    return ["SECRET-B-SHEET", "SECRET-B-NEW", "HIDDEN-B-SHEET", "WITHDRAWN-B-SHEET", "LATER-CONFIDENTIAL-B",
            "HIDDEN-IDEA", "HIDDEN-LATE", "MERGED-IDEA", "NOTE-SECRET", "NOTE-OTHER", "OTHER-ORGS-IDEA",
            "Bob Secret", "bob@b.example", "0607080910", "0607080911", "Dan Secret", "dan@d.example",
            "0699999999", w.fac["code"], PASSWORD, w.projector_token,
            '"password_hash"', '"projector_token"', '"abandon_reason"', '"notes"', '"merged_into"',
            '"author"', "scrypt:", "pbkdf2:"]


def _assert_clean(text: str, scene, what: str, projector=False):
    leaks = [s for s in _secrets(scene) if s in text]
    if projector:  # the projector sees every organisation's public ideas, never their secrets
        leaks = [s for s in leaks if s not in ("OTHER-ORGS-IDEA",)]
    assert not leaks, f"{what} leaks {leaks}"


def _payloads(scene, who):
    w = scene["w"]
    session = {"pa": w.pa, "visitor": w.visitor, "proj": w.proj}[who]
    return {
        "http state": session.get(w.api("/state")).text,
        "http events": session.get(w.api("/events"), params={"since": 0}).text,
        "socket sync": scene["sync"][who],
        "socket change (sheet)": "\n".join(d for e, d in scene["socks"][who].events
                                           if e == "change" and '"entity": "sheet"' in d),
        "socket change (idea)": "\n".join(d for e, d in scene["socks"][who].events
                                          if e == "change" and '"entity": "idea"' in d),
        "socket change (organisation)": "\n".join(d for e, d in scene["socks"][who].events
                                                  if e == "change" and '"entity": "organisation"' in d),
        "socket change (other)": "\n".join(d for e, d in scene["socks"][who].events if e == "change"),
        "socket hello": scene["socks"][who].text("hello"),
        "every socket message": scene["socks"][who].text(),
    }


KINDS = ["http state", "http events", "socket sync", "socket change (sheet)", "socket change (idea)",
         "socket change (organisation)", "socket change (other)", "socket hello", "every socket message"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("who", ["pa", "visitor"])
def test_participant_payloads_hold_no_secret(scene, who, kind):
    text = _payloads(scene, who)[kind]
    assert text, f"{kind}: nothing received"
    _assert_clean(text, scene, f"{who} {kind}")


@pytest.mark.parametrize("kind", KINDS)
def test_projector_payloads_hold_no_secret(scene, kind):
    text = _payloads(scene, "proj")[kind]
    assert text
    _assert_clean(text, scene, f"projector {kind}", projector=True)
    for contact in ("Alice Secret", "alice@a.example", "Carla Public"):
        assert contact not in text


def test_participants_get_no_stats(scene):
    for who in ("pa", "visitor"):
        assert not [e for e, _ in scene["socks"][who].events if e == "stats"]
        assert json.loads(scene["sync"][who]).get("stats") is None
    assert [e for e, _ in scene["socks"]["proj"].events if e == "stats"], "the projector gets the counters"


def test_participants_do_see_what_is_theirs_or_public(scene):
    """The filters are not vacuous: own contacts, own confidential sheet, consented contacts, own ideas."""
    state = _payloads(scene, "pa")["http state"]
    for visible in ("Alice Secret", "A-OWN-CONFIDENTIAL", "Carla Public", "PUBLIC-B-SHEET", "AB-IDEA",
                    "AB-ABANDONED", "TARGET-IDEA", "Appeler B", "A-NEW-NEED"):
        assert visible in state, visible
    changes = _payloads(scene, "pa")["socket change (other)"]
    assert "AB-IDEA" in changes and "A-NEW-NEED" in changes and "Mon village" in changes
    visitor = _payloads(scene, "visitor")["http state"]
    assert "PUBLIC-B-SHEET" in visitor and "Carla Public" in visitor
    assert "A-OWN-CONFIDENTIAL" not in visitor and "Alice Secret" not in visitor and "AB-IDEA" not in visitor


def test_staff_do_see_the_confidential_fields(scene):
    """And the secrets above really exist in the workshop (the organiser sees them)."""
    w = scene["w"]
    state = w.org.get(w.api("/state")).text
    for s in ("SECRET-B-SHEET", "NOTE-SECRET", "Bob Secret", w.fac["code"], w.projector_token, "HIDDEN-IDEA", "HIDDEN-LATE-IDEA"):
        assert s in state
    assert "password_hash" not in state and "scrypt:" not in state and "pbkdf2:" not in state
    fac_state = w.fac_session.get(w.api("/state")).text
    assert w.fac["code"] not in fac_state and w.projector_token not in fac_state


def test_error_bodies_hold_no_secret(scene):
    """A refused write's ``current`` is filtered like any payload."""
    w = scene["w"]
    r = w.pa.patch(w.api(f"/sheets/{scene['public_b']['id']}"), json={"version": 1, "title": "Piraté"})
    assert r.status_code == 403
    r = w.pa.patch(w.api(f"/organisations/{scene['a']['id']}"), json={"version": 1, "commune": "Vieux"})
    assert r.status_code == 409
    _assert_clean(r.text, scene, "conflict body")


def test_revoking_a_device_disconnects_its_socket_at_once(server):
    w = World(server, devices=0, name="Révocations")
    sock = connect(w, w.pa)
    dev = w.state(w.pa)["me"]["id"]
    assert sock.connected
    w.org.post(w.api(f"/devices/{dev}/revoke"), json={}).raise_for_status()
    end = time.time() + 5
    while sock.connected and time.time() < end:
        time.sleep(0.05)
    assert not sock.connected
    assert w.pa.get(w.api("/state")).status_code == 401
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(w, w.pa)
    r = w.pa.post(w.api("/sheets"), json={"id": uid(), "kind": "offer", "category": "other", "title": "Après"})
    assert r.status_code == 401


def test_revoking_a_facilitator_disconnects_its_socket_at_once(server):
    w = World(server, devices=0, name="Révocations animateur")
    sock = connect(w, w.fac_session)
    w.org.post(w.api(f"/facilitators/{w.fac['id']}/revoke"), json={"revoked": True}).raise_for_status()
    end = time.time() + 5
    while sock.connected and time.time() < end:
        time.sleep(0.05)
    assert not sock.connected
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(w, w.fac_session)
    assert w.fac_session.get(w.api("/b2b")).status_code == 401
    r = requests.post(w.api("/login/facilitator"), json={"code": w.fac["code"]})
    assert r.status_code == 403 and r.json()["code"] == "err.code_revoked"


def test_closing_intake_applies_to_the_next_write_of_an_open_phone(server):
    w = World(server, devices=0, name="Clôture")
    sock = connect(w, w.pa)
    ok = w.pa.post(w.api("/sheets"), json={"id": uid(), "kind": "offer", "category": "other", "title": "Avant"})
    assert ok.status_code == 200
    w.org.post(w.api("/intake"), json={"open": False}).raise_for_status()
    end = time.time() + 5
    while time.time() < end and '"intake_open": 0' not in sock.text("change"):
        time.sleep(0.05)
    assert '"intake_open": 0' in sock.text("change"), "open screens learn that intake is closed"
    r = w.pa.post(w.api("/sheets"), json={"id": uid(), "kind": "offer", "category": "other", "title": "Après"})
    assert r.status_code == 403 and r.json()["code"] == "err.intake_closed"
    sock.disconnect()
