"""A workshop followed for months: ideas moved on known dates (the journal's times are set to them),
contacts, impact figures. Built in process on a real SQLite file."""
from __future__ import annotations

from contextlib import contextmanager
from email import message_from_bytes, policy

import pytest

from app.followup import service
from app.services import facilitators, ideas, organisations, workshops
from tests.conftest import ORGANISER, uid
from tests.live import free_port

# (title, b2b, path of (status, UTC time)) — times as the journal writes them
PLAN = [
    ("Caisses bois pour le maraîcher", True, [("explore", "2026-03-12T15:00:00.000+00:00"),
                                              ("discussion", "2026-04-02T08:00:00.000+00:00"),
                                              ("soon", "2026-05-20T08:00:00.000+00:00"),
                                              ("done", "2026-06-01T22:30:00.000+00:00")]),  # 2 June, Paris
    ("Chaleur fatale vers la serre", True, [("explore", "2026-03-12T15:01:00.000+00:00"),
                                            ("soon", "2026-05-02T08:00:00.000+00:00")]),
    ("Cartons vers la recyclerie", True, [("explore", "2026-03-12T15:02:00.000+00:00"),
                                          ("abandoned", "2026-04-15T08:00:00.000+00:00")]),
    ("Mutualiser un broyeur", True, [("explore", "2026-03-12T15:03:00.000+00:00")]),
    ("Palettes vers l'Ehpad", False, [("soon", "2026-03-12T15:04:00.000+00:00")]),
    ("Idée restée nouvelle", False, []),
]
CREATED_AT = "2026-03-12T14:00:00.000+00:00"


def _set_time(ws, seq, at):
    with ws.store.lock:
        ws.store.conn.execute("UPDATE events SET at = ? WHERE seq = ?", [at, seq])


@pytest.fixture
def followed(ws):
    orgs = [organisations.create(ws, ORGANISER, {"id": uid(), "name": n, "zone": z,
                                                 "presence": "represented" if n == "Ehpad" else "present"})[0]
            for n, z in (("Menuiserie Dupont", "Mauges"), ("Maraîcher Martin", "Mauges"), ("Ehpad", "Layon"),
                         ("Recyclerie", "Layon"))]
    anne, _ = facilitators.create(ws, ORGANISER, {"id": uid(), "name": "Anne", "table_no": 1})
    bruno, _ = facilitators.create(ws, ORGANISER, {"id": uid(), "name": "Bruno", "table_no": 2})
    workshops.set_phase(ws, ORGANISER, {"phase": "followup"})
    for seq in range(1, ws.store.last_seq() + 1):
        _set_time(ws, seq, CREATED_AT)
    made = []
    for n, (title, b2b, path) in enumerate(PLAN):
        pair = [orgs[n % 4]["id"], orgs[(n + 1) % 4]["id"]]
        idea, seq = ideas.create(ws, ORGANISER, {"id": uid(), "title": title, "org_ids": pair,
                                                 "category": ["packaging", "energy", "waste", "equipment",
                                                              "packaging", "other"][n]})
        _set_time(ws, seq, CREATED_AT)
        fac = anne if n % 2 == 0 else bruno
        idea, seq = service.update(ws, ORGANISER, idea["id"], {"version": idea["version"], "facilitator_id": fac["id"],
                                                               "followup": b2b})
        _set_time(ws, seq, CREATED_AT)
        if b2b:
            idea, seq = ideas.set_b2b(ws, ORGANISER, idea["id"], {"version": idea["version"], "b2b": True})
            _set_time(ws, seq, CREATED_AT)
        for status, at in path:
            body = {"version": idea["version"], "status": status}
            if status == "abandoned":
                body["reason"] = "distance"
            idea, seq = service.update(ws, ORGANISER, idea["id"], body)
            _set_time(ws, seq, at)
        made.append(idea)
    # figures for the carried-out one, a contact for two
    done = made[0]
    service.set_impact(ws, ORGANISER, done["id"], "actual", {"tonnes": 30, "material": "wood",
                                                              "euros": {done["org_ids"][1]: 2500}, "jobs": 0.5})
    service.set_impact(ws, ORGANISER, made[1]["id"], "estimated", {"mwh": 200, "energy": "steam"})
    service.add_contact(ws, ORGANISER, made[1]["id"], {"id": uid(), "date": "2026-05-02", "channel": "visit",
                                                       "summary": "Visite de la serre", "next_step": "Devis",
                                                       "due_date": "2020-01-06"})
    service.add_contact(ws, ORGANISER, made[3]["id"], {"id": uid(), "date": "2026-05-03", "channel": "phone",
                                                       "summary": "Relance", "next_step": "Rappeler",
                                                       "due_date": "2099-01-05"})
    return dict(orgs=orgs, anne=anne, bruno=bruno, ideas=made)


# -- a real SMTP server on 127.0.0.1 (aiosmtpd), started by the test ------------------------------------
class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                              message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@contextmanager
def smtp_server():
    """``(controller, inbox)`` of an SMTP server on 127.0.0.1 and a free port, for the ``with`` block."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    ctl = Controller(inbox, hostname="127.0.0.1", port=free_port())
    ctl.start()
    try:
        yield ctl, inbox
    finally:
        ctl.stop()


@pytest.fixture
def smtp():
    with smtp_server() as found:
        yield found
