"""The weekly reminder e-mails, sent by the server's own background task, against a real SMTP server on
127.0.0.1 (aiosmtpd), with a clock the test moves forward (no week of sleeping): off by default, nothing
without an SMTP configuration, once per slot at the day and hour *of the workshop's time zone*, a schedule
set after this week's slot waits for next week, a failure is shown and retried later, not in a loop."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

from app import create_app
from app.followup import service, weekly
from app.services import facilitators, ideas, organisations, workshops
from tests.conftest import ORGANISER, uid
from tests.live import free_port

pytestmark = pytest.mark.timeout(120)
UTC = timezone.utc


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def app(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "sessions"), "ASYNC_MODE": "threading",
                      "PUBLIC_URL": "http://192.168.1.20:5000"})
    yield app
    loop = app.extensions.get("weekly_loop")
    if loop:
        loop.stop()
    app.extensions["registry"].close()


def configure(app, ctl):
    path = app.config["DATA_DIR"] + "/smtp.json"
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"host": "127.0.0.1", "port": ctl.port, "from": "PTCE <suivi@ptce.example>"}, fh)


def workshop(app, set_at: datetime):
    """A workshop with Anne (an address, one overdue idea) and Bruno (no address); schedule set at ``set_at``."""
    reg = app.extensions["registry"]
    ws = workshops.create(reg, {"name": "Atelier des Mauges", "password": "motdepasse"})
    a, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Menuiserie Dupont"})
    b, _ = organisations.create(ws, ORGANISER, {"id": uid(), "name": "Maraîcher Martin"})
    anne, _ = facilitators.create(ws, ORGANISER, {"id": uid(), "name": "Anne", "table_no": 1})
    service.set_facilitator_email(ws, ORGANISER, anne["id"], {"email": "anne@ptce.example"})
    idea, _ = ideas.create(ws, ORGANISER, {"id": uid(), "title": "Caisses bois pour le maraîcher",
                                           "org_ids": [a["id"], b["id"]]})
    service.update(ws, ORGANISER, idea["id"], {"version": idea["version"], "followup": True,
                                               "facilitator_id": anne["id"], "due_date": "2026-11-30",
                                               "next_step": "Rappeler M. Martin"})
    return ws


def set_schedule(ws, at: datetime, **body):
    with ws.store.lock:
        service.set_settings(ws, ORGANISER, body)
        info = ws.store.workshop()
        ws.store.conn.execute("UPDATE workshop SET remind_since = ? WHERE id = ?",
                              [at.isoformat(timespec="milliseconds"), info["id"]])


# Monday 7 December 2026, 09:00 in Paris = 08:00 UTC.
MONDAY_9_PARIS = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_slots_are_in_the_workshop_time_zone():
    sunday_night = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)  # already Monday 00:30 in Paris
    assert weekly.last_slot(sunday_night, "Europe/Paris", 0, 0) == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    assert weekly.last_slot(MONDAY_9_PARIS, "Europe/Paris", 0, 9) == MONDAY_9_PARIS
    assert weekly.last_slot(MONDAY_9_PARIS - timedelta(seconds=1), "Europe/Paris", 0, 9) == \
        MONDAY_9_PARIS - timedelta(days=7)
    # summer time: 09:00 in Paris is 07:00 UTC
    assert weekly.last_slot(datetime(2026, 6, 1, 12, tzinfo=UTC), "Europe/Paris", 0, 9) == \
        datetime(2026, 6, 1, 7, tzinfo=UTC)
    # the week the clocks go back (25 October 2026): the next Monday slot is 08:00 UTC, not 07:00
    assert weekly.next_slot(datetime(2026, 10, 19, 8, tzinfo=UTC), "Europe/Paris", 0, 9) == \
        datetime(2026, 10, 26, 8, tzinfo=UTC)
    assert weekly.last_slot(MONDAY_9_PARIS, "America/Cayenne", 0, 9) == datetime(2026, 11, 30, 12, tzinfo=UTC)
    info = {"remind_on": 1, "remind_day": 0, "remind_hour": 9, "timezone": "Europe/Paris",
            "remind_since": "2026-12-01T10:00:00.000+00:00"}
    assert weekly.due(info, MONDAY_9_PARIS) and not weekly.due(info, MONDAY_9_PARIS - timedelta(minutes=1))
    assert not weekly.due({**info, "remind_last": MONDAY_9_PARIS.isoformat()}, MONDAY_9_PARIS + timedelta(hours=3))
    assert not weekly.due({**info, "remind_on": 0}, MONDAY_9_PARIS)
    assert not weekly.due({**info, "remind_since": "2026-12-07T08:30:00+00:00"}, MONDAY_9_PARIS + timedelta(hours=1))


def test_weekly_sending_once_per_slot_in_local_time(app, smtp):
    ctl, inbox = smtp
    configure(app, ctl)
    ws = workshop(app, MONDAY_9_PARIS)
    clock = Clock(MONDAY_9_PARIS - timedelta(days=3))
    w = weekly.Weekly(app, app.extensions["registry"], clock)
    assert w.tick() == [] and inbox.messages == []  # off by default
    set_schedule(ws, clock.at, remind_on=True, remind_day=0, remind_hour=9)
    for at in (MONDAY_9_PARIS - timedelta(days=1), MONDAY_9_PARIS - timedelta(minutes=1)):
        clock.at = at
        assert w.tick() == [] and inbox.messages == []
    clock.at = MONDAY_9_PARIS + timedelta(seconds=20)
    [(wid, result)] = w.tick()
    assert wid == ws.id and result["sent"] == 1 and result["recipients"] == ["Anne <anne@ptce.example>"]
    [(sender, rcpts, msg)] = inbox.messages
    assert rcpts == ["anne@ptce.example"] and sender == "suivi@ptce.example"
    assert msg["Subject"] == "Relances — Atelier des Mauges : 1 en retard, 0 cette semaine"
    body = msg.get_content()
    assert "Bonjour Anne" in body and "Rappeler M. Martin" in body
    assert f"http://192.168.1.20:5000/w/{ws.code}/followup" in body
    info = ws.store.workshop()
    assert info["remind_last"].startswith("2026-12-07T08:00:20")
    assert ws.store.rows("SELECT action FROM events WHERE entity = 'workshop' ORDER BY seq DESC LIMIT 1") == \
        [{"action": "remind"}]
    for at in (MONDAY_9_PARIS + timedelta(hours=1), MONDAY_9_PARIS + timedelta(days=6, hours=23)):
        clock.at = at
        assert w.tick() == []
    assert len(inbox.messages) == 1
    clock.at = MONDAY_9_PARIS + timedelta(days=7)
    assert [r["sent"] for _, r in w.tick()] == [1] and len(inbox.messages) == 2


def test_nothing_without_configuration_and_no_catch_up_of_a_past_slot(app, smtp):
    ctl, inbox = smtp
    ws = workshop(app, MONDAY_9_PARIS)
    clock = Clock(MONDAY_9_PARIS - timedelta(days=1))
    set_schedule(ws, clock.at, remind_on=True, remind_day=0, remind_hour=9)
    w = weekly.Weekly(app, app.extensions["registry"], clock)
    clock.at = MONDAY_9_PARIS + timedelta(minutes=5)
    assert w.tick() == [] and inbox.messages == []  # no smtp.json, no environment: nothing sent, nothing noted
    assert ws.store.workshop()["remind_last"] is None
    # configured later that day: the slot is still due (it came after the schedule was set)
    configure(app, ctl)
    assert [r["sent"] for _, r in w.tick()] == [1]
    # a schedule set on Wednesday for Monday 09:00 waits for next Monday
    other = workshop(app, MONDAY_9_PARIS)
    clock.at = MONDAY_9_PARIS + timedelta(days=2)
    set_schedule(other, clock.at, remind_on=True, remind_day=0, remind_hour=9)
    assert w.tick() == []
    clock.at = MONDAY_9_PARIS + timedelta(days=7)
    assert sorted(wid for wid, _ in w.tick()) == sorted([ws.id, other.id])


def test_a_failure_is_shown_and_retried_later_not_in_a_loop(app, smtp):
    ctl, inbox = smtp
    ws = workshop(app, MONDAY_9_PARIS)
    clock = Clock(MONDAY_9_PARIS - timedelta(days=1))
    set_schedule(ws, clock.at, remind_on=True, remind_day=0, remind_hour=9)
    with open(app.config["DATA_DIR"] + "/smtp.json", "w", encoding="utf-8") as fh:
        json.dump({"host": "127.0.0.1", "port": free_port(), "from": "suivi@ptce.example"}, fh)
    w = weekly.Weekly(app, app.extensions["registry"], clock)
    clock.at = MONDAY_9_PARIS
    [(_, r)] = w.tick()
    assert r["sent"] == 0 and r["error"]
    assert ws.store.workshop()["remind_error"] and ws.store.workshop()["remind_last"] is None
    clock.at = MONDAY_9_PARIS + timedelta(minutes=5)
    assert w.tick() == []  # not retried at once
    configure(app, ctl)
    clock.at = MONDAY_9_PARIS + timedelta(minutes=16)
    assert [r["sent"] for _, r in w.tick()] == [1]
    assert ws.store.workshop()["remind_error"] is None and len(inbox.messages) == 1


def test_the_background_task_sends_when_the_clock_reaches_the_slot(app, smtp):
    ctl, inbox = smtp
    configure(app, ctl)
    ws = workshop(app, MONDAY_9_PARIS)
    clock = Clock(MONDAY_9_PARIS - timedelta(hours=2))
    set_schedule(ws, clock.at, remind_on=True, remind_day=0, remind_hour=9)
    weekly.start(app, app.extensions["registry"], every=0.05, clock=clock)
    time.sleep(0.3)
    assert inbox.messages == []
    clock.at = MONDAY_9_PARIS + timedelta(seconds=1)
    end = time.time() + 10
    while not inbox.messages and time.time() < end:
        time.sleep(0.05)
    assert len(inbox.messages) == 1
    time.sleep(0.3)
    assert len(inbox.messages) == 1  # once
    app.extensions["weekly_loop"].stop()


def test_schedule_settings_are_validated_and_change_nothing_on_bad_input(app):
    ws = workshop(app, MONDAY_9_PARIS)
    before = ws.store.workshop()
    from app.services import ServiceError

    for body, field in (({"remind_on": True}, "remind_day"), ({"remind_day": 7}, "remind_day"),
                        ({"remind_hour": -1}, "remind_hour"), ({"remind_hour": 24}, "remind_hour"),
                        ({"timezone": "Lune/Base"}, "timezone")):
        with pytest.raises(ServiceError) as exc:
            service.set_settings(ws, ORGANISER, body)
        assert field in exc.value.fields, (body, exc.value.fields)
    assert ws.store.workshop() == before
    service.set_settings(ws, ORGANISER, {"remind_on": True, "remind_day": 4, "remind_hour": 17})
    after = ws.store.workshop()
    assert (after["remind_on"], after["remind_day"], after["remind_hour"]) == (1, 4, 17)
    assert after["timezone"] == before["timezone"] and after["remind_since"]
    service.set_settings(ws, ORGANISER, {"timezone": "America/Cayenne"})
    assert ws.store.workshop()["remind_on"] == 1  # one field sent, one field changed
