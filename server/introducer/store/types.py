"""Column types that keep the database honest about time zones and the domain's enumerations."""
from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone reached the store; its instant would be a guess."""


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as UTC and read back aware, on every dialect.

    PostgreSQL keeps `timestamptz` itself. SQLite has no time zones, so the value is written as a
    naive UTC string (always with microseconds, so text comparison orders it correctly) and
    UTC is attached again on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(f"{value!r} has no time zone; the store only takes aware datetimes")
        value = value.astimezone(timezone.utc)
        if dialect.name == "postgresql":
            return value
        return value.replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class StrEnumType(TypeDecorator):
    """A domain StrEnum stored as its plain string value; unknown values fail at flush, not later."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int | None = None):
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value, dialect) -> str | None:
        if value is None:
            return None
        return self.enum(value).value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return self.enum(value)


def utcnow() -> datetime:
    """Wall-clock time for bookkeeping columns (created_at/updated_at); workflow times come from a clock."""
    return datetime.now(timezone.utc)
