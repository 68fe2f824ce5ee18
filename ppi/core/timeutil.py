"""Time helpers: the application stores and compares aware UTC datetimes only."""
from datetime import datetime, timezone
from functools import cache
from zoneinfo import ZoneInfo

from flask import g, has_request_context


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def mark_arrival() -> None:
    """Run before every request: the moment it reached the application."""
    g.arrived_at = utcnow()


def arrival_time() -> datetime:
    """When the current request arrived (now, outside a request). Deadlines are judged by it, so that a
    request sent in time is not refused for waiting on a lock or a database connection."""
    if has_request_context() and "arrived_at" in g:
        return g.arrived_at
    return utcnow()


def as_utc(value: datetime) -> datetime:
    """Return `value` in UTC; a naive datetime is a programming error, not an assumption to make."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: store aware UTC datetimes only")
    return value.astimezone(timezone.utc)


@cache
def timezone_choices() -> tuple[str, ...]:
    """IANA zones of the form Area/City, the ones people recognise, sorted."""
    from zoneinfo import available_timezones

    areas = ("Africa/", "America/", "Antarctica/", "Asia/", "Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/")
    return (*sorted(zone for zone in available_timezones() if zone.startswith(areas)), "UTC")


def is_timezone(name: str) -> bool:
    return name in timezone_choices()


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time typed in `zone` as aware UTC. zoneinfo, not pytz: pytz zones attached with
    `replace(tzinfo=…)` use the zone's first historical offset (Copenhagen +00:50), minutes off."""
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)


def utc_to_local(value: datetime, zone: str) -> datetime:
    """An aware time as the naive wall-clock time of `zone` (what a datetime-local input shows)."""
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
