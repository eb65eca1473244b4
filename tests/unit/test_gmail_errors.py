"""How Gmail's failures map to the port's errors, and how long the adapter waits before retrying.

Error bodies are in the shape of developers.google.com/gmail/api/guides/handle-errors; the
RefreshError arguments are what google-auth raises for a token endpoint's 400 invalid_grant
(google/oauth2/_client.py `_handle_error_response`)."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import httplib2
import pytest
from google.auth.exceptions import RefreshError, TransportError
from googleapiclient.errors import HttpError

from introducer.mail.gmail import errors
from introducer.mail.port import MailboxError, NotFound, ReconnectNeeded, TransientMailboxError


def http_error(status: int, reason: str | None = None, **headers) -> HttpError:
    body = {"error": {"code": status, "message": "m", "status": "X",
                      **({"errors": [{"message": "m", "domain": "global", "reason": reason}]} if reason else {})}}
    resp = httplib2.Response({"status": status, **{k.replace("_", "-"): v for k, v in headers.items()}})
    return HttpError(resp, json.dumps(body).encode(), uri="https://gmail.googleapis.com/gmail/v1/users/me/profile")


@pytest.mark.parametrize("status, reason, expected", [
    (401, "authError", ReconnectNeeded),
    (403, "insufficientPermissions", ReconnectNeeded),
    (403, "userRateLimitExceeded", TransientMailboxError),
    (403, "rateLimitExceeded", TransientMailboxError),
    (403, "forbidden", MailboxError),
    (404, "notFound", NotFound),
    (429, "rateLimitExceeded", TransientMailboxError),
    (500, "backendError", TransientMailboxError),
    (503, None, TransientMailboxError),
    (400, "invalidArgument", MailboxError),
    (409, "duplicate", MailboxError),
])
def test_each_gmail_answer_becomes_the_ports_error(status, reason, expected):
    translated = errors.translate(http_error(status, reason), "messages.send")
    assert type(translated) is expected
    assert str(status) in str(translated)


def test_only_load_refusals_are_safe_to_repeat_blindly():
    assert errors.is_rate_limit(http_error(429)) and errors.is_rate_limit(http_error(403, "userRateLimitExceeded"))
    assert not errors.is_rate_limit(http_error(500)) and errors.is_retryable(http_error(500))
    assert not errors.is_retryable(http_error(403, "insufficientPermissions"))


def test_retry_after_is_read_as_seconds_or_as_a_date():
    assert errors.retry_after(http_error(429, retry_after="30")) == 30.0
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    assert errors.retry_after(http_error(503, retry_after="Mon, 02 Mar 2026 09:00:45 GMT"), now) == 45.0
    assert errors.retry_after(http_error(429)) is None
    assert errors.retry_after(http_error(429, retry_after="soon")) is None


def test_backoff_doubles_with_jitter_and_is_capped():
    assert errors.backoff(0, rand=lambda: 0.0) == 0.5 and errors.backoff(0, rand=lambda: 1.0) == 1.0
    assert errors.backoff(3, rand=lambda: 1.0) == 8.0
    assert errors.backoff(10, rand=lambda: 1.0) == 32.0


def test_a_revoked_grant_needs_the_user_but_an_unreachable_token_endpoint_does_not():
    revoked = RefreshError("invalid_grant: Token has been expired or revoked.",
                           {"error": "invalid_grant", "error_description": "Token has been expired or revoked."})
    assert isinstance(errors.translate_auth(revoked, "getProfile"), ReconnectNeeded)
    assert isinstance(errors.translate_auth(TransportError("connection refused"), "getProfile"), TransientMailboxError)
    flaky = RefreshError("internal_failure", {"error": "internal_failure"}, retryable=True)
    assert isinstance(errors.translate_auth(flaky, "getProfile"), TransientMailboxError)
