"""Column types shared by every domain."""
from datetime import datetime, timezone
from enum import StrEnum

import sqlalchemy as sa

from ppi.core.timeutil import as_utc


class UTCDateTime(sa.TypeDecorator):
    """An aware UTC datetime on every database.

    PostgreSQL keeps `timestamptz`; SQLite has no time zones, so the value is written as UTC and
    read back with UTC attached. Naive values are refused on the way in.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def enum_column(enum_class: type[StrEnum], length: int = 32) -> sa.Enum:
    """A VARCHAR holding the enum's value, the same on SQLite and PostgreSQL."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
