"""The weekly reminder e-mails, sent by the server itself (a background task, no cron).

The organiser chooses a day and an hour *in the workshop's time zone* (off by
default). The task wakes up every ``every`` seconds and, for each workshop, asks
:func:`due`: is there a slot (this week's or last week's day/hour) later than
both the last sending and the moment the schedule was set? Then it sends the
same messages as the "send now" button (:mod:`app.followup.mail`) and records
the sending in the workshop's journal. Without an SMTP configuration nothing
is sent and nothing is recorded. A failed sending is recorded as an error for
the organiser to see and tried again ``RETRY_AFTER`` later, never in a loop.

The clock is a parameter (``clock() -> aware datetime``) so tests move time
forward instead of waiting a week.
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone

from . import dates

log = logging.getLogger("atelier")
RETRY_AFTER = timedelta(minutes=15)
SYSTEM = {"role": "organiser", "id": None, "label": "rappels hebdomadaires"}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _parse(at: str | None) -> datetime | None:
    if not at:
        return None
    try:
        dt = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def last_slot(now: datetime, tz: str | None, day: int, hour: int) -> datetime:
    """The latest ``day`` (0 = Monday) at ``hour``:00, where the workshop is, not after ``now``."""
    local = now.astimezone(dates.zone(tz))
    d = local.date() - timedelta(days=(local.weekday() - day) % 7)
    slot = datetime.combine(d, time(hour), tzinfo=dates.zone(tz))
    if slot > local:
        slot = datetime.combine(d - timedelta(days=7), time(hour), tzinfo=dates.zone(tz))
    return slot.astimezone(timezone.utc)


def next_slot(now: datetime, tz: str | None, day: int, hour: int) -> datetime:
    """The next sending after ``now`` (shown to the organiser)."""
    slot = last_slot(now, tz, day, hour)
    local = slot.astimezone(dates.zone(tz))
    nxt = datetime.combine(local.date() + timedelta(days=7), time(hour), tzinfo=dates.zone(tz))
    return nxt.astimezone(timezone.utc)


def is_on(info: dict) -> bool:
    return bool(info.get("remind_on")) and info.get("remind_day") is not None and info.get("remind_hour") is not None


def due(info: dict, now: datetime) -> bool:
    """Whether the weekly sending of this workshop is due at ``now`` (at most once per slot)."""
    if not is_on(info):
        return False
    slot = last_slot(now, info.get("timezone"), int(info["remind_day"]), int(info["remind_hour"]))
    after = [t for t in (_parse(info.get("remind_since")), _parse(info.get("remind_last"))) if t]
    return all(slot > t for t in after)


def upcoming(info: dict, now: datetime) -> datetime | None:
    """When the next weekly sending will be (``now`` if it is due), or None when the schedule is off."""
    if not is_on(info):
        return None
    if due(info, now):
        return now
    return next_slot(now, info.get("timezone"), int(info["remind_day"]), int(info["remind_hour"]))


def base_url(config) -> str:
    """The board's address in a message sent outside any request: the public URL, else the LAN address."""
    public = config.get("PUBLIC_URL")
    if public:
        return public.rstrip("/")
    from .. import netinfo

    addrs = netinfo.lan_addresses()
    port = config.get("LISTEN_PORT") or 5000
    return f"http://{addrs[0] if addrs else 'localhost'}:{port}"


class Weekly:
    """One pass over the workshops per :meth:`tick`; the background loop calls it."""

    def __init__(self, app, registry, clock=utc_now):
        self.app, self.registry, self.clock = app, registry, clock
        self.failed: dict[str, datetime] = {}  # workshop id -> last failed try (not retried before RETRY_AFTER)

    def tick(self) -> list[tuple[str, dict]]:
        """Send what is due now; returns ``[(workshop id, result)]`` of the sendings tried."""
        from . import mail

        now = self.clock()
        out = []
        cfg = mail.smtp_config(self.app.config)
        if cfg is None:  # nothing is ever sent without configuration
            return out
        for ws in self.registry.all():
            info = ws.store.workshop() or {}
            if not due(info, now):
                continue
            failed = self.failed.get(ws.id)
            if failed and now - failed < RETRY_AFTER:
                continue
            with self.app.app_context():
                out.append((ws.id, self._send(ws, cfg, now)))
        return out

    def _send(self, ws, cfg, now) -> dict:
        from ..services import ServiceError, commit
        from . import mail

        url = f"{base_url(self.app.config)}/w/{ws.code}/followup"
        info = ws.store.workshop()
        try:
            result = mail.deliver(ws, cfg, url)
        except ServiceError as exc:
            self.failed[ws.id] = now
            detail = exc.params.get("detail", "")
            log.warning("weekly reminders of %s failed: %s", ws.code, detail)
            commit(ws, SYSTEM, lambda tx: tx.update("workshop", info["id"], {"remind_error": detail[:200]},
                                                    action="remind_failed"))
            return {"sent": 0, "error": detail}
        self.failed.pop(ws.id, None)
        commit(ws, SYSTEM, lambda tx: tx.update("workshop", info["id"], {
            "remind_last": now.isoformat(timespec="milliseconds"), "remind_error": None}, action="remind"))
        log.info("weekly reminders of %s: %d message(s)", ws.code, result["sent"])
        return result


def start(app, registry, every: float = 60.0, clock=utc_now):
    """Check every ``every`` seconds in a background loop (:mod:`app.periodic`).
    ``app.extensions["weekly_loop"].stop()`` ends it; ``app.extensions["weekly"]`` is the :class:`Weekly`."""
    from .. import periodic

    weekly = Weekly(app, registry, clock)
    app.extensions.update(weekly=weekly, weekly_loop=periodic.every("weekly-reminders", every, weekly.tick))
    return weekly
