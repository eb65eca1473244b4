"""Signed, expiring tokens for the one-click consent links in a permission request.

A token names one party of one intro of one account (and, as a hint, which link was clicked). It is the
whole capability: whoever holds it may answer for that party, once. Signed with the app's secret key
under a salt of its own, so no other signed value of the app (a sandbox session, a cookie) passes as one.
Its age is measured on the app's clock, so the demo's fast-forwarded sandbox time expires links too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..domain.model import Role

SALT = "introducer.consent-link"
ANSWERS = ("yes", "no")


class InvalidConsentToken(Exception):
    """Not a consent token of this server: tampered with, truncated, or signed for something else."""


class ExpiredConsentToken(InvalidConsentToken):
    """A genuine consent token, but older than the links live."""


@dataclass(frozen=True)
class ConsentClaims:
    account_id: int
    intro_id: int
    role: Role
    answer: str | None = None  # the link that was clicked; the confirmation page still offers both


class ConsentTokens:
    def __init__(self, secret: str, max_age: timedelta, clock: Callable[[], datetime]):
        class _ClockSigner(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(clock().timestamp())

        self._serializer = URLSafeTimedSerializer(secret, salt=SALT, signer=_ClockSigner)
        self.max_age = max_age

    def issue(self, claims: ConsentClaims) -> str:
        # short keys: the token is in a link people see in plain-text mail
        payload = {"a": claims.account_id, "i": claims.intro_id, "r": claims.role.value}
        if claims.answer is not None:
            payload["x"] = claims.answer
        return self._serializer.dumps(payload)

    def read(self, token: str) -> ConsentClaims:
        """The claims of a genuine, unexpired token; InvalidConsentToken / ExpiredConsentToken otherwise."""
        try:
            payload = self._serializer.loads(token, max_age=int(self.max_age.total_seconds()))
        except SignatureExpired:
            raise ExpiredConsentToken("This link has expired.") from None
        except (BadSignature, ValueError, TypeError):  # any malformed input is "not ours", never a crash
            raise InvalidConsentToken("This link is not valid.") from None
        return _claims(payload)


def _claims(payload) -> ConsentClaims:
    ok = (isinstance(payload, dict) and _whole(payload.get("a")) and _whole(payload.get("i"))
          and payload.get("r") in {r.value for r in Role} and payload.get("x", "yes") in ANSWERS)
    if not ok:
        raise InvalidConsentToken("This link is not valid.")
    return ConsentClaims(payload["a"], payload["i"], Role(payload["r"]), payload.get("x"))


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def consent_tokens(settings, clock: Callable[[], datetime]) -> ConsentTokens:
    """The app's consent tokens: its secret key, `consent_link_days`, its clock (bootstrap and web share this)."""
    return ConsentTokens(settings.secret("secret_key"), timedelta(days=settings.consent_link_days), clock)


def link_builder(tokens: ConsentTokens, base_url: str) -> Callable[..., dict]:
    """`(intro_id, role, account_id) -> {"yes": url, "no": url}`, absolute links under `base_url`."""
    base = base_url.rstrip("/")

    def links(intro_id: int, role: Role, account_id: int) -> dict:
        return {answer: f"{base}/consent/{tokens.issue(ConsentClaims(account_id, intro_id, Role(role), answer))}"
                for answer in ANSWERS}

    return links
