"""Gmail failures in the port's words, and how long to wait before trying again.

Google's error body is `{"error": {"code", "message", "errors": [{"reason", ...}], "status"}}`
(developers.google.com/gmail/api/guides/handle-errors). Rate limits are 429, or 403 with reason
`userRateLimitExceeded` / `rateLimitExceeded`; other 403s (missing scope, delegation) are not
retryable, which is also what googleapiclient's `_should_retry_response` decides.
"""
from __future__ import annotations

import json
import random
from datetime import datetime

import google.auth.exceptions
from googleapiclient.errors import HttpError

from ...auth.google_oauth import is_revoked_error
from ..port import MailboxError, NotFound, ReconnectNeeded, TransientMailboxError
from ..retry_after import retry_after_seconds

RATE_LIMIT_REASONS = frozenset({"userRateLimitExceeded", "rateLimitExceeded"})


def reason_of(exc: HttpError) -> str | None:
    """`errors[0].reason` of Google's error body, when there is one."""
    try:
        data = json.loads(exc.content.decode("utf-8"))
        return data["error"]["errors"][0]["reason"]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def status_of(exc: HttpError) -> int:
    return int(exc.resp.status)


def is_rate_limit(exc: HttpError) -> bool:
    """Google refused before doing anything: always safe to try again, even a send."""
    status = status_of(exc)
    return status == 429 or (status == 403 and reason_of(exc) in RATE_LIMIT_REASONS)


def is_retryable(exc: HttpError) -> bool:
    return is_rate_limit(exc) or status_of(exc) >= 500


def retry_after(exc: HttpError, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), if the answer had one."""
    return retry_after_seconds(exc.resp.get("retry-after") if hasattr(exc.resp, "get") else None, now)


def backoff(attempt: int, base: float = 1.0, cap: float = 32.0, rand=random.random) -> float:
    """Exponential backoff with jitter (half to full of base * 2**attempt), as Google recommends."""
    delay = min(cap, base * 2 ** attempt)
    return delay / 2 + rand() * delay / 2


def translate(exc: HttpError, operation: str) -> MailboxError:
    status, reason = status_of(exc), reason_of(exc)
    what = f"gmail {operation}: {status} {reason or ''} {exc.reason}".strip()
    if status == 401:
        # google-auth already refreshed the access token once and Google still said no.
        return ReconnectNeeded(what)
    if status == 403 and reason == "insufficientPermissions":
        return ReconnectNeeded(what)  # a scope was not granted: only a new consent fixes it
    if is_retryable(exc):
        return TransientMailboxError(what)
    if status == 404:
        return NotFound(what)
    return MailboxError(what)


def translate_auth(exc: google.auth.exceptions.GoogleAuthError, operation: str) -> MailboxError:
    """A failure to get an access token. Revoked or expired grants need the user; outages do not."""
    what = f"gmail {operation}: token refresh failed: {exc}"
    if isinstance(exc, google.auth.exceptions.RefreshError) and is_revoked_error(exc):
        return ReconnectNeeded(what)
    if isinstance(exc, google.auth.exceptions.TransportError) or getattr(exc, "retryable", False):
        return TransientMailboxError(what)
    return ReconnectNeeded(what)
