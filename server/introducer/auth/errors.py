"""The one error every sign-in and token check raises, for Google and Microsoft alike."""
from __future__ import annotations


class AuthError(Exception):
    """A request or grant could not be authenticated.

    `reason` is a short machine code that routes and logs can branch on without parsing text:
    missing_token, malformed, bad_signature, unknown_key, expired, wrong_audience, wrong_issuer,
    wrong_service_account, email_unverified, missing_scope, tenant_mismatch, bad_state,
    access_denied, invalid_grant, certs_unavailable... `message` is for people and logs; it never
    contains the token itself.
    """

    def __init__(self, reason: str, message: str | None = None) -> None:
        self.reason = reason
        self.message = message or reason.replace("_", " ")
        super().__init__(f"{self.reason}: {self.message}")
