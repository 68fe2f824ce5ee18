"""Time helpers: the application stores and compares aware UTC datetimes only."""
from datetime import datetime, timezone
from functools import cache


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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
