"""Errors as the Gmail face answers them, and the faults that can be armed on it.

Google's JSON error shape (developers.google.com/gmail/api/guides/handle-errors):
`{"error": {"code", "message", "errors": [{"message", "domain", "reason"}], "status"}}`.
googleapiclient reads `errors[0].reason` to decide whether a 403 is a retryable rate limit.

Faults are armed on the world's `faults` under "gmail.<method>" (e.g. "gmail.messages.send"), checked
before the call reaches the world; "gmail.<method>:after" fires once the world has done the work,
which is a lost response: the client sees an error although the message went out.
"""
from __future__ import annotations

_STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
           409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}


class GmailError(Exception):
    """An HTTP error the face answers with, in Google's shape; arm one to inject a fault."""

    def __init__(self, code: int, message: str, reason: str, *, domain: str = "global", status: str | None = None,
                 retry_after: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(f"{code} {reason}: {message}")
        self.code = code
        self.message = message
        self.reason = reason
        self.domain = domain
        self.status = status or _STATUS.get(code, "UNKNOWN")
        self.headers = dict(headers or {})
        if retry_after is not None:
            self.headers["Retry-After"] = str(retry_after)

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message,
                          "errors": [{"message": self.message, "domain": self.domain, "reason": self.reason}],
                          "status": self.status}}


class Slow(Exception):
    """Armed as a fault: the face waits this long, then answers normally."""

    def __init__(self, seconds: float):
        super().__init__(f"slow by {seconds}s")
        self.seconds = seconds


# --- the errors Gmail answers with, by cause ---------------------------------------------------
def bad_request(message: str, reason: str = "invalidArgument") -> GmailError:
    return GmailError(400, message, reason)


def not_found() -> GmailError:
    return GmailError(404, "Requested entity was not found.", "notFound")


def unauthenticated() -> GmailError:
    message = ("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
               "other valid authentication credential.")
    return GmailError(401, message, "authError", headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})


def insufficient_scopes() -> GmailError:
    return GmailError(403, "Request had insufficient authentication scopes.", "insufficientPermissions")


def delegation_denied(user: str) -> GmailError:
    return GmailError(403, f"Delegation denied for {user}", "forbidden")


def mail_not_enabled() -> GmailError:
    return GmailError(400, "Mail service not enabled", "failedPrecondition", status="FAILED_PRECONDITION")


def already_exists(message: str) -> GmailError:
    return GmailError(409, message, "duplicate")


# --- faults to arm -----------------------------------------------------------------------------
def too_many_requests(retry_after: int | None = 1) -> GmailError:
    """429, what Google answers to bursts and concurrent-request limits."""
    return GmailError(429, "Resource has been exhausted (e.g. check quota).", "rateLimitExceeded",
                      retry_after=retry_after)


def rate_limited(reason: str = "userRateLimitExceeded", retry_after: int | None = None) -> GmailError:
    """403 with a rate-limit reason: per user (userRateLimitExceeded) or per project (rateLimitExceeded)."""
    message = "User-rate limit exceeded." if reason == "userRateLimitExceeded" else "Rate Limit Exceeded"
    return GmailError(403, message, reason, domain="usageLimits", retry_after=retry_after)


def server_error(code: int = 500, retry_after: int | None = None) -> GmailError:
    if code == 503:
        return GmailError(503, "The service is currently unavailable.", "backendError", retry_after=retry_after)
    return GmailError(code, "Internal error encountered.", "backendError")


def stale_history() -> GmailError:
    """What history.list answers for a startHistoryId Gmail no longer keeps."""
    return not_found()


def slow(seconds: float) -> Slow:
    return Slow(seconds)
