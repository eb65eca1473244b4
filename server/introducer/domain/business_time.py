"""Business-time math for nudges: business days and send windows in the introducer's time zone.

Every function takes aware datetimes and returns aware UTC datetimes; local wall-clock times are
only ever built through `_at_local`, so a DST gap can never produce a time that does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_WEEKDAYS = frozenset(range(5))  # Monday..Friday, as date.weekday() numbers them


@dataclass(frozen=True)
class SendWindow:
    """The local hours (start inclusive, end exclusive) and weekdays (0 = Monday) we send in."""

    start: time = time(9)
    end: time = time(17)
    weekdays: frozenset[int] = _WEEKDAYS

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("send window times are local wall-clock times: give them without a time zone")
        if not self.start < self.end:
            raise ValueError(f"send window must start before it ends (got {self.start} to {self.end})")
        weekdays = frozenset(self.weekdays)
        if not weekdays or not weekdays <= frozenset(range(7)):
            raise ValueError("send window weekdays must be a non-empty set of numbers 0 (Monday) to 6 (Sunday)")
        object.__setattr__(self, "weekdays", weekdays)


DEFAULT_WINDOW = SendWindow()


def zone(tz: str) -> ZoneInfo:
    """The IANA zone named `tz`; ValueError with a readable message for anything else."""
    if not isinstance(tz, str) or not tz.strip():
        raise ValueError(f"time zone must be an IANA name such as 'Europe/Paris', got {tz!r}")
    try:
        return ZoneInfo(tz.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ZoneInfo raises ValueError for path-like keys and OSError for some unreadable names.
        raise ValueError(f"unknown time zone {tz!r}: use an IANA name such as 'America/New_York'") from None


def is_business_time(at: datetime, tz: str, window: SendWindow = DEFAULT_WINDOW) -> bool:
    """Whether `at` falls inside the send window on a business day, in the zone `tz`."""
    local = _aware(at, "at").astimezone(zone(tz))
    return _is_business_day(local.date(), window) and window.start <= local.time() < window.end


def next_send_time(at: datetime, tz: str, window: SendWindow = DEFAULT_WINDOW) -> datetime:
    """`at` itself if it is business time, else the next opening of the send window (aware UTC)."""
    zi = zone(tz)
    at = _aware(at, "at")
    if is_business_time(at, tz, window):
        return at.astimezone(timezone.utc)
    local = at.astimezone(zi)
    day = local.date()
    if not (_is_business_day(day, window) and local.time() < window.start):
        day = _next_business_day(day, window)
    # A window opening inside a DST gap moves forward (see _at_local); it is still that day's opening.
    return _at_local(day, window.start, zi)


def add_business_days(
    start: datetime, days: int, tz: str, window: SendWindow = DEFAULT_WINDOW
) -> datetime:
    """`days` business days after `start`, at the same local time of day (aware UTC).

    A start outside business time counts from the next window opening, so Saturday + 1 is Tuesday
    at the opening and Friday 16:00 + 1 is Monday 16:00. The local wall-clock time is kept across
    DST changes (16:00 stays 16:00), which is what a person reading the nudge expects.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"days must be a whole number of business days, 0 or more, got {days!r}")
    zi = zone(tz)
    base = next_send_time(start, tz, window).astimezone(zi)
    day = base.date()
    for _ in range(days):
        day = _next_business_day(day, window)
    result = _at_local(day, base.time().replace(tzinfo=None, fold=0), zi)
    # Only a gap shift could push the result out of the window; re-anchor it if so.
    return next_send_time(result, tz, window)


def after_return(return_date: date, tz: str, window: SendWindow = DEFAULT_WINDOW) -> datetime:
    """The window opening on the first business day after `return_date` (aware UTC).

    We nudge the day after someone is back, not on the morning they face a full inbox.
    """
    if isinstance(return_date, datetime) or not isinstance(return_date, date):
        raise ValueError(f"return_date must be a date, got {return_date!r}")
    zi = zone(tz)
    day = _next_business_day(return_date, window)
    return next_send_time(_at_local(day, window.start, zi), tz, window)


def _is_business_day(day: date, window: SendWindow) -> bool:
    return day.weekday() in window.weekdays


def _next_business_day(day: date, window: SendWindow) -> date:
    """The first business day strictly after `day` (a window has at least one weekday)."""
    day += timedelta(days=1)
    while not _is_business_day(day, window):
        day += timedelta(days=1)
    return day


def _at_local(day: date, at: time, zi: ZoneInfo) -> datetime:
    """The instant the local clock in `zi` shows `day` `at`, as aware UTC.

    Quirk: zoneinfo accepts wall times inside a spring-forward gap (e.g. 02:30 in New York on the
    March change) and interprets them with the offset before the gap; going through UTC turns that
    into the real instant one hour later (03:30 local). Ambiguous autumn times take the first one.
    """
    return datetime.combine(day, at, tzinfo=zi).replace(fold=0).astimezone(timezone.utc)


def _aware(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (got a naive datetime {value.isoformat()})")
    return value


def days_later_in_business_hours(at: datetime, days: int, tz: str, window: SendWindow = DEFAULT_WINDOW) -> datetime:
    """`days` business days after `at`'s local date, at `at`'s time of day when that is inside the window,
    else at the window's opening (aware UTC): "tomorrow morning" as a person means it.

    Monday 19:49 + 1 is Tuesday 09:00; Monday 10:15 + 1 is Tuesday 10:15; Friday 11:00 + 1 is Monday 11:00.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError(f"days must be a whole number of business days, 1 or more, got {days!r}")
    zi = zone(tz)
    local = _aware(at, "at").astimezone(zi)
    day = local.date()
    for _ in range(days):
        day = _next_business_day(day, window)
    wall = local.time().replace(tzinfo=None, fold=0)
    return next_send_time(_at_local(day, wall if window.start <= wall < window.end else window.start, zi), tz, window)
