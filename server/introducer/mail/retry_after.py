"""Read an HTTP Retry-After value (RFC 9110 §10.2.3), which both Google and Microsoft send when throttling."""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from ..domain.numbers import whole_number


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = str(value).strip()
    seconds = whole_number(value, max_digits=9)
    if seconds is not None:
        return float(seconds)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())
