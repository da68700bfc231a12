"""Due dates in the user's time zone: what is overdue, what is due this week.

A due date is a calendar day. "Today" is the day it is *where the workshop
is* (``Europe/Paris`` by default, per workshop), not on the server's clock
nor in UTC: at 00:30 in Paris on Tuesday, a step due Monday is overdue even
though it is still Monday 23:30 UTC.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_TZ = "Europe/Paris"
CLOSED = ("done", "abandoned")


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def valid_zone(name) -> bool:
    if not isinstance(name, str) or not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in available_timezones() or name == "UTC"


def today(tz: str | None, now: datetime | None = None) -> date:
    """The calendar day it is in ``tz`` at ``now`` (an aware datetime; default: the current time)."""
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(zone(tz)).date()


def week_end(day: date) -> date:
    """Sunday of ``day``'s week (French weeks start on Monday)."""
    return day + timedelta(days=6 - day.weekday())


def parse_day(value) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def due_state(due, status: str | None, day: date) -> str | None:
    """``"overdue"``, ``"week"`` (due today .. Sunday), ``"later"``, or ``None`` (no date, or closed)."""
    d = parse_day(due)
    if d is None or status in CLOSED:
        return None
    if d < day:
        return "overdue"
    if d <= week_end(day):
        return "week"
    return "later"


def end_of_day_utc(day: date, tz: str | None) -> str:
    """The last instant of ``day`` in ``tz``, as the journal writes times (UTC ISO, milliseconds):
    "as of 1 June" means everything journaled up to 1 June 23:59:59.999 where the workshop is."""
    local = datetime.combine(day, time(23, 59, 59, 999000), tzinfo=zone(tz))
    return local.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def local_day(at_iso: str, tz: str | None) -> date | None:
    """The calendar day (in ``tz``) of a journal time."""
    try:
        dt = datetime.fromisoformat(at_iso)
    except (TypeError, ValueError):
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(zone(tz)).date()
