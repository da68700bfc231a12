"""The facilitators' board over a real server: several facilitators move the
same cards at the same moment; one wins per version, the others get 409 with
the current card; every screen converges to the database; the history is
complete; participants never receive notes, reasons or hidden items."""
import threading

import pytest

from tests.live import uid

TARGETS = ["explore", "soon", "abandoned"]
PRIVATE = {"notes", "abandon_reason", "hidden", "merged_into", "author"}


def api(server, ws, path):
    return server.url(f"/api/w/{ws['workshop']}{path}")


def post(session, url, body, ok=(200,)):
    r = session.post(url, json=body)
    assert r.status_code in ok, r.text
    return r


@pytest.fixture
def room(server):
    ws, organiser = server.new_workshop("Atelier concurrence")
    facs = [server.facilitator(ws, organiser, name=n, table_no=i + 1) for i, n in enumerate(["Anne", "Bruno", "Chloé"])]
    phone, p_org = server.participant(ws, "Maraîcher Martin")
    other, o_org = server.participant(ws, "Menuiserie Dupont")
    third = post(organiser, api(server, ws, "/organisations"), {"id": uid(), "name": "Ehpad Les Tilleuls",
                                                                 "presence": "represented"}).json()["record"]
    screens = {"organiser": server.socket(organiser, ws), "participant": server.socket(phone, ws)}
    for (s, fac) in facs:
        screens[fac["name"]] = server.socket(s, ws)
    yield dict(ws=ws, organiser=organiser, facs=facs, phone=phone, p_org=p_org, other=other, o_org=o_org,
               third=third, screens=screens)
    for c in screens.values():
        c.disconnect()


def _ideas(server, room, n):
    """Ideas involving the participant's organisation: half proposed on the phone, half by facilitators."""
    ws, out = room["ws"], []
    offer = post(room["other"], api(server, ws, "/sheets"), {"id": uid(), "kind": "offer", "category": "packaging",
                                                             "title": "Caisses en bois"}).json()["record"]
    need = post(room["phone"], api(server, ws, "/sheets"), {"id": uid(), "kind": "need", "category": "packaging",
                                                            "title": "Caisses de récolte"}).json()["record"]
    for i in range(n):
        if i % 2:
            body = {"id": uid(), "sheet_id": offer["id"], "comment": f"idée {i}"}
            r = post(room["phone"], api(server, ws, "/ideas"), body)
        else:
            body = {"id": uid(), "offer_sheet_id": offer["id"], "need_sheet_id": need["id"]}
            r = post(room["facs"][i % 3][0], api(server, ws, "/ideas"), body)
        out.append(r.json()["record"])
    return out


def _race(calls):
    """Run ``calls`` at the same moment, one thread each; return their responses in order."""
    barrier = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def run(i, fn):
        barrier.wait()
        out[i] = fn()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def test_concurrent_moves_one_winner_per_version_and_same_state_everywhere(server, room):
    ws = room["ws"]
    ideas = _ideas(server, room, 8)
    winners = {i["id"]: [] for i in ideas}  # the moves that succeeded, in order, per idea
    current = {i["id"]: i for i in ideas}
    for rnd in range(3):
        for idea in ideas:
            cur = current[idea["id"]]
            calls = []
            for k, (s, fac) in enumerate(room["facs"]):
                target = [t for t in ["new", *TARGETS] if t != cur["status"]][(k + rnd) % 3]
                body = {"version": cur["version"], "status": target, "request_id": uid()}
                if target == "abandoned":
                    body["reason"] = "distance"
                calls.append(lambda s=s, body=body: (body, s.post(api(server, ws, f"/ideas/{idea['id']}/move"),
                                                                  json=body)))
            results = _race(calls)
            ok = [(b, r) for b, r in results if r.status_code == 200]
            lost = [(b, r) for b, r in results if r.status_code != 200]
            assert len(ok) == 1, [r.text for _, r in results]
            body, win = ok[0]
            rec = win.json()["record"]
            assert rec["version"] == cur["version"] + 1 and rec["status"] == body["status"]
            for b, r in lost:
                assert r.status_code == 409, r.text
                j = r.json()
                assert j["code"] == "err.conflict" and j["current"] == rec
                assert j["error"].startswith("Quelqu’un vient de modifier")
            # A replay of the winning request returns the same card and writes nothing.
            again = room["facs"][0][0].post(api(server, ws, f"/ideas/{idea['id']}/move"), json=body)
            assert again.status_code == 200 and again.json()["record"] == rec
            winners[idea["id"]].append((cur["status"], rec["status"]))
            current[idea["id"]] = rec

    # Concurrent B2B toggles and detail edits on the same card: one wins each time.
    for idea in ideas[:4]:
        cur = current[idea["id"]]
        (a, _), (b, _), (c, _) = room["facs"]
        res = _race([
            lambda: a.post(api(server, ws, f"/ideas/{idea['id']}/b2b"), json={"version": cur["version"], "b2b": True}),
            lambda: b.patch(api(server, ws, f"/ideas/{idea['id']}"), json={"version": cur["version"],
                                                                            "notes": "Confidentiel : appeler"}),
            lambda: c.post(api(server, ws, f"/ideas/{idea['id']}/hide"), json={"version": cur["version"],
                                                                                "hidden": True}),
        ])
        assert sorted(r.status_code for r in res) == [200, 409, 409], [r.text for r in res]
        current[idea["id"]] = next(r for r in res if r.status_code == 200).json()["record"]

    # Notes and reasons everywhere, one hidden card, one hidden sheet, one merge.
    fac = room["facs"][0][0]
    for idea in ideas:
        cur = current[idea["id"]]
        if cur["hidden"]:
            continue
        r = fac.patch(api(server, ws, f"/ideas/{idea['id']}"),
                      json={"version": cur["version"], "notes": "Note privée", "next_step": "Appeler"})
        assert r.status_code == 200, r.text
        current[idea["id"]] = r.json()["record"]
    visible = [i for i in ideas if not current[i["id"]]["hidden"]]
    to_hide = visible[0]
    current[to_hide["id"]] = post(fac, api(server, ws, f"/ideas/{to_hide['id']}/hide"),
                                  {"version": current[to_hide["id"]]["version"], "hidden": True}).json()["record"]
    dup, keep = visible[1], visible[2]
    post(fac, api(server, ws, f"/ideas/{dup['id']}/merge"), {"version": current[dup["id"]]["version"],
                                                            "into_id": keep["id"]})
    st = room["organiser"].get(api(server, ws, "/state")).json()
    sheet = next(s for s in st["sheets"] if s["title"] == "Caisses en bois")
    post(fac, api(server, ws, f"/sheets/{sheet['id']}/hide"), {"version": sheet["version"], "hidden": True})

    # The participant may not do any of it, and gets told in French.
    phone = room["phone"]
    target = current[keep["id"]]
    for path, body in [(f"/ideas/{keep['id']}/move", {"version": target["version"], "status": "new"}),
                       (f"/ideas/{keep['id']}/b2b", {"version": target["version"], "b2b": False}),
                       (f"/ideas/{keep['id']}/hide", {"version": target["version"], "hidden": True}),
                       (f"/ideas/{keep['id']}/merge", {"version": target["version"], "into_id": dup["id"]}),
                       ("/undo", {})]:
        r = phone.post(api(server, ws, path), json=body)
        assert r.status_code == 403 and r.json()["error"] == "Vous n’avez pas le droit de faire cela.", path
    r = phone.patch(api(server, ws, f"/ideas/{keep['id']}"), json={"version": target["version"], "notes": "x"})
    assert r.status_code == 403
    assert phone.get(api(server, ws, f"/ideas/{keep['id']}/history")).status_code == 403

    # Every screen converges to the database.
    staff_state = room["organiser"].get(api(server, ws, "/state")).json()
    last = staff_state["seq"]
    for name, c in room["screens"].items():
        assert c.wait_for(lambda c: c.changes and max(m["seq"] for m in c.changes) >= last, 20), name
    db_ideas = {i["id"]: i for i in staff_state["ideas"]}
    for name, c in room["screens"].items():
        if name == "participant":
            continue
        assert c.records("idea") == db_ideas, name
    p_state = phone.get(api(server, ws, "/state")).json()
    p_view = room["screens"]["participant"].records("idea")
    assert p_view == {i["id"]: i for i in p_state["ideas"]}
    assert to_hide["id"] not in p_view and dup["id"] not in p_view and keep["id"] in p_view
    assert sheet["id"] not in room["screens"]["participant"].records("sheet")
    assert sheet["id"] not in {s["id"] for s in p_state["sheets"]}

    # Participants never received a private field or a hidden/merged item, in any payload.
    hidden_at = {}
    for m in room["screens"]["organiser"].changes:
        if m["record"] and (m["record"].get("hidden") or m["record"].get("merged_into")):
            hidden_at.setdefault(m["id"], m["seq"])
    for m in room["screens"]["participant"].changes:
        rec = m["record"]
        if rec is None:
            continue
        assert not PRIVATE & set(rec), m
        assert m["id"] not in hidden_at or m["seq"] < hidden_at[m["id"]], m
    for rec in p_state["ideas"]:
        assert not PRIVATE & set(rec)

    # History is complete: every successful move, in order, with who did it.
    for idea in ideas:
        h = room["organiser"].get(api(server, ws, f"/ideas/{idea['id']}/history")).json()["history"]
        own = [e for e in h if e["idea_id"] == idea["id"]]
        moves = [tuple(e["changes"]["status"]) for e in own if e["action"] == "move"]
        assert moves == winners[idea["id"]], idea["id"]
        assert all(e["who"] in ("Anne", "Bruno", "Chloé") for e in own if e["action"] == "move")


def test_undo_and_bad_input_over_http(server, room):
    ws = room["ws"]
    idea = _ideas(server, room, 1)[0]
    anne, bruno = room["facs"][0][0], room["facs"][1][0]
    url = api(server, ws, f"/ideas/{idea['id']}/move")
    r = anne.post(url, json={"version": 1, "status": "abandoned"})
    assert r.status_code == 422 and r.json()["code"] == "err.reason_required"
    assert r.json()["error"] == "Indiquez pourquoi l’idée est abandonnée."
    r = anne.post(url, json={"version": 1, "status": "done"})
    assert r.status_code == 422 and r.json()["code"] == "err.transition"
    r = anne.post(api(server, ws, f"/ideas/{uid()}/move"), json={"version": 1, "status": "explore"})
    assert r.status_code == 404
    r = anne.post(url + "?lang=en", json={"version": 1, "status": "abandoned"}, headers={"X-Lang": "en"})
    assert r.status_code == 422
    moved = post(anne, url, {"version": 1, "status": "abandoned", "reason": "volume"}).json()["record"]
    undone = post(anne, api(server, ws, "/undo"), {"request_id": uid()}).json()["record"]
    assert undone["status"] == "new" and undone["abandon_reason"] is None and undone["version"] == moved["version"] + 1
    r = anne.post(api(server, ws, "/undo"), json={})
    assert r.status_code == 404 and r.json()["code"] == "err.nothing_to_undo"
    post(anne, url, {"version": undone["version"], "status": "explore"})
    post(bruno, api(server, ws, f"/ideas/{idea['id']}/b2b"), {"version": undone["version"] + 1, "b2b": True})
    r = anne.post(api(server, ws, "/undo"), json={})
    assert r.status_code == 409 and r.json()["code"] == "err.undo_stale"
    assert r.json()["current"]["b2b"] == 1 and r.json()["current"]["status"] == "explore"
    # A revoked code loses its rights at once.
    fac = room["facs"][2][1]
    post(room["organiser"], api(server, ws, f"/facilitators/{fac['id']}/revoke"), {"revoked": True})
    r = room["facs"][2][0].post(url, json={"version": 1, "status": "soon"})
    assert r.status_code == 401
    r = room["facs"][2][0].post(api(server, ws, "/login/facilitator"), json={"code": fac["code"]})
    assert r.status_code == 403 and r.json()["code"] == "err.code_revoked"
