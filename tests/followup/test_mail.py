"""Reminder e-mails against a real SMTP server on 127.0.0.1 (aiosmtpd), started by the test:
nothing is sent without configuration; with it, each facilitator gets their own overdue and
due-this-week ideas, in French, with the board's address."""
from __future__ import annotations

import json

import pytest
import requests

from tests.live import Server, free_port, uid

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def own_server(tmp_path):
    srv = Server(tmp_path / "sessions").start()
    yield srv
    srv.stop()


def _setup(srv):
    ws, org = srv.new_workshop("Atelier des relances")
    api = lambda p: srv.url(f"/api/w/{ws['workshop']}{p}")  # noqa: E731
    _, anne = srv.facilitator(ws, org, name="Anne", table_no=1)
    _, bruno = srv.facilitator(ws, org, name="Bruno", table_no=2)
    _, carla = srv.facilitator(ws, org, name="Carla", table_no=3)
    _, a = srv.participant(ws, "Menuiserie Dupont")
    _, b = srv.participant(ws, "Maraîcher Martin")
    for fac, email in ((anne, "anne@ptce.example"), (bruno, "bruno@ptce.example")):  # Carla has no address
        org.patch(api(f"/followup/facilitators/{fac['id']}"), json={"email": email}).raise_for_status()
    plan = [("Caisses bois pour le maraîcher", anne, "2020-01-06", "Rappeler M. Martin"),
            ("Chaleur fatale vers la serre", anne, "2099-01-05", "Devis"),       # not due: not in the mail
            ("Mutualiser un broyeur", carla, "2020-01-06", "Visite")]            # Carla: no address
    for title, fac, due, step in plan:
        idea = org.post(api("/ideas"), json={"id": uid(), "title": title, "org_ids": [a["id"], b["id"]]}).json()["record"]
        org.patch(api(f"/followup/ideas/{idea['id']}"), json={
            "version": idea["version"], "followup": True, "facilitator_id": fac["id"], "due_date": due,
            "next_step": step}).raise_for_status()
    return ws, org, api


def test_nothing_is_sent_without_configuration(own_server, smtp):
    _, inbox = smtp
    ws, org, api = _setup(own_server)
    r = org.post(api("/followup/reminders"), json={})
    assert r.status_code == 200 and r.json()["configured"] is False and r.json()["sent"] == 0
    assert "SMTP" in r.json()["message"] and "aucun e-mail" in r.json()["message"]
    assert inbox.messages == []


def test_each_facilitator_gets_their_own_reminders(own_server, smtp):
    ctl, inbox = smtp
    ws, org, api = _setup(own_server)
    (own_server.data_dir / "smtp.json").write_text(json.dumps(
        {"host": "127.0.0.1", "port": ctl.port, "from": "PTCE <suivi@ptce.example>"}), encoding="utf-8")
    dry = org.post(api("/followup/reminders"), json={"dry_run": True}).json()
    assert dry["recipients"] == ["Anne <anne@ptce.example>"] and dry["sent"] == 0 and inbox.messages == []
    r = org.post(api("/followup/reminders"), json={})
    assert r.status_code == 200 and r.json()["sent"] == 1, r.text
    assert len(inbox.messages) == 1
    sender, rcpts, msg = inbox.messages[0]
    assert sender == "suivi@ptce.example" and rcpts == ["anne@ptce.example"]
    assert msg["Subject"] == "Relances — Atelier des relances : 1 en retard, 0 cette semaine"
    body = msg.get_content()
    assert "Bonjour Anne" in body and "Caisses bois pour le maraîcher" in body and "Rappeler M. Martin" in body
    assert "Chaleur fatale" not in body and "broyeur" not in body
    assert f"/w/{ws['code']}/followup" in body
    # only the organiser sends; a facilitator cannot
    fac_s, _ = own_server.facilitator(ws, org, name="Denis", table_no=4)
    assert fac_s.post(api("/followup/reminders"), json={}).status_code == 403
    assert len(inbox.messages) == 1


def test_an_unreachable_server_is_a_clear_message(own_server):
    ws, org, api = _setup(own_server)
    (own_server.data_dir / "smtp.json").write_text(json.dumps(
        {"host": "127.0.0.1", "port": free_port(), "from": "suivi@ptce.example"}), encoding="utf-8")
    r = org.post(api("/followup/reminders"), json={})
    assert r.status_code == 422 and r.json()["error"].startswith("L’envoi des e-mails a échoué")
    assert requests.get(own_server.url("/favicon.ico")).status_code == 204
