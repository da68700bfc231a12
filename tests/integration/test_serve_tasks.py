"""What `python run.py serve` starts besides the web server, seen from outside: the weekly reminder
e-mails go out by themselves (a schedule that fell due while the laptop was off is sent at the first
check), and the suggestion engines are built at start-up, before anybody asks for a list."""
from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta, timezone

import requests

from app.followup import service
from app.registry import Registry
from app.services import facilitators, ideas, organisations, sheets, workshops
from tests.conftest import ORGANISER, uid
from tests.followup.conftest import smtp_server
from tests.live import Server, until


def _followed_workshop(data_dir, smtp_port) -> dict:
    """A workshop left with a weekly reminder (Mondays 9:00) set eight days ago, an overdue idea followed by
    Anne, and an offer and a need that match; the SMTP server in the data folder's smtp.json."""
    reg = Registry(data_dir)
    try:
        ws = workshops.create(reg, {"name": "Atelier des Mauges", "password": "motdepasse"})
        a, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Menuiserie Dupont", "commune": "Cholet"})
        b, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Maraîcher Martin", "commune": "Beaupréau"})
        offer, _ = sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": a["id"], "kind": "offer",
                                      "category": "packaging", "subcategory": "pallets",
                                      "title": "Palettes bois en fin de vie"})
        need, _ = sheets.create(ws, ORGANISER, {"id": uid(), "organisation_id": b["id"], "kind": "need",
                                      "category": "packaging", "subcategory": "pallets",
                                      "title": "Palettes pour la vente directe"})
        anne, _ = facilitators.create(ws, ORGANISER, {"id": uid(), "name": "Anne", "table_no": 1})
        service.set_facilitator_email(ws, ORGANISER, anne["id"], {"email": "anne@ptce.example"})
        idea, _ = ideas.create(ws, ORGANISER, {"id": uid(), "title": "Caisses bois pour le maraîcher",
                                               "org_ids": [a["id"], b["id"]]})
        service.update(ws, ORGANISER, idea["id"], {
            "version": idea["version"], "followup": True, "facilitator_id": anne["id"],
            "due_date": (date.today() - timedelta(days=3)).isoformat(), "next_step": "Rappeler M. Martin"})
        service.set_settings(ws, ORGANISER, {"remind_on": True, "remind_day": 0, "remind_hour": 9})
        since = (datetime.now(timezone.utc) - timedelta(days=8)).isoformat(timespec="milliseconds")
        with ws.store.lock:  # set a week ago: this week's Monday slot is due
            ws.store.conn.execute("UPDATE workshop SET remind_since = ?", [since])
        info = {"workshop": ws.id, "code": ws.code, "pair": (offer["id"], need["id"])}
    finally:
        reg.close()
    (data_dir / "smtp.json").write_text(json.dumps({"host": "127.0.0.1", "port": smtp_port,
                                                    "from": "PTCE <suivi@ptce.example>"}), encoding="utf-8")
    return info


def test_serve_sends_the_due_weekly_reminders_and_has_the_suggestions_ready(tmp_path):
    data = tmp_path / "sessions"
    data.mkdir()
    with smtp_server() as (ctl, inbox):
        ws = _followed_workshop(data, ctl.port)
        srv = Server(data, extra_args=["--reminder-check", "0.5"]).start()
        try:
            assert until(lambda: inbox.messages, 60), "the weekly reminder goes out without anybody pressing a button"
            sender, to, msg = inbox.messages[0]
            assert to == ["anne@ptce.example"] and "Caisses bois pour le maraîcher" in msg.get_body().get_content()
            time.sleep(1.5)
            assert len(inbox.messages) == 1, "once for this week's slot, not at every check"

            assert until(lambda: "suggestions ready" in srv.log_path.read_text(encoding="utf-8", errors="replace"), 60)
            line = next(x for x in srv.log_path.read_text(encoding="utf-8").splitlines() if "suggestions ready" in x)
            assert "1 workshop(s) warmed" in line, line  # built at start-up, not by the first look
            organiser = requests.Session()
            organiser.post(srv.url(f"/api/w/{ws['workshop']}/login/organiser"),
                           json={"password": "motdepasse"}).raise_for_status()
            got = organiser.get(srv.url(f"/api/w/{ws['workshop']}/suggestions")).json()
            assert [(s["offer_sheet_id"], s["need_sheet_id"]) for s in got["suggestions"]] == [ws["pair"]]
            page = organiser.get(srv.url(f"/w/{ws['code']}/followup/settings")).text
            last = page.split('id="sched-last">', 1)[1].split("<", 1)[0]
            assert last and last != "jamais", "the organiser sees when the automatic sending went out"
        finally:
            srv.stop()
