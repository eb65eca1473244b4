"""Who the Outlook task pane is: Microsoft access tokens for our API, and dialog sign-in sessions.

`EntraAuthenticator` accepts the v2 access tokens MSAL.js nested app authentication gets for our API
(`api://<host>/<client id>/access_as_user`), checked by `EntraTokenValidator`. Users are keyed by `oid`
and `tid` (Account.external_id = "<oid>.<tid>", provider "outlook"); the first call of a new user
creates the account, not yet connected: the pane then offers "Connect Outlook".
`OutlookSessions` are our own signed tokens, issued after the sign-in dialog connected a mailbox on
Outlook clients without nested app authentication.
"""
from __future__ import annotations

from datetime import timedelta

import jwt
from sqlalchemy.exc import IntegrityError

from ..auth.entra_tokens import EntraTokenValidator, EntraUser
from ..auth.errors import AuthError as TokenError
from ..auth.tenants import TenantPolicy
from ..domain.address import InvalidAddress, check_email, check_name
from ..mail.graph.accounts import http_session
from ..store.models import Account, AccountStatus
from .auth import AuthError, Identity, SignedSessions, bearer_token

PROVIDER = "outlook"
SESSIONS = "introducer.outlook_sessions"  # app.extensions key of the OutlookSessions


def find_or_create_account(container, external_id: str, email: str | None, name: str | None) -> int:
    """The Outlook account of a Microsoft user ("<oid>.<tid>"), created (not connected) on first sight.

    Keyed by `oid.tid` only. The address is a property, not a key: Microsoft's email and
    preferred_username claims are not verified across tenants, so a token naming someone's address proves
    nothing, and two identities claiming one address get two accounts instead of locking each other out.
    The display name comes from the token until the user sets their own (PATCH /api/v1/me).
    """
    for _ in range(2):  # a concurrent first request may create it between our look and our insert
        with container.uow() as uow:
            account = uow.accounts.by_external_id(PROVIDER, external_id)
            if account is not None:
                if not account.name and _name(name):
                    account.name = _name(name)
                    uow.commit()
                return account.id
            address = _address(email, external_id)
            now = container.deps.clock()
            account = Account(provider=PROVIDER, email=address, name=_name(name), timezone="UTC", policy={},
                              external_id=external_id, status=AccountStatus.DISCONNECTED.value,
                              created_at=now, updated_at=now)
            try:
                uow.accounts.add(account)
                uow.commit()
                return account.id
            except IntegrityError:
                uow.rollback()
    raise AuthError("This account is being set up by another request; try again.")


def _address(email: str | None, external_id: str) -> str:
    try:
        return check_email(email or "").lower()
    except InvalidAddress:  # a user signed in with a phone number has no address in the token
        oid, _, tid = external_id.partition(".")
        return f"{oid}@{tid}.invalid"


def _name(name: str | None) -> str:
    try:
        return check_name(name or "")
    except InvalidAddress:
        return ""


class EntraAuthenticator:
    def __init__(self, container, validator: EntraTokenValidator):
        self._container = container
        self.validator = validator
        self._hosts = (validator.authority_host + "/", "https://sts.windows.net/")

    @classmethod
    def from_settings(cls, container) -> "EntraAuthenticator":
        s = container.settings
        return cls(container, EntraTokenValidator(s.ms_client_id, s.ms_jwks_url, s.ms_authority_host,
                                                  session=http_session(s), tenants=TenantPolicy.parse(s.ms_tenant)))

    def _is_microsoft(self, token: str) -> bool:
        """Only tokens that say they are Microsoft's: a Google ID token is the next authenticator's."""
        try:
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.PyJWTError:
            return False
        return "tid" in claims or str(claims.get("iss", "")).startswith(self._hosts)

    def authenticate(self, req) -> Identity | None:
        token = bearer_token(req)
        if token is None or token.count(".") != 2 or not self._is_microsoft(token):
            return None
        user = self.user(token)
        external_id = f"{user.oid}.{user.tid}"
        email = user.email or user.preferred_username
        return Identity(find_or_create_account(self._container, external_id, email, user.name), PROVIDER, "entra")

    def user(self, token: str) -> EntraUser:
        try:
            return self.validator.validate(token)
        except TokenError as exc:
            raise AuthError(f"Your Microsoft sign-in was not accepted ({exc.reason}): {exc.message}.") from None


class OutlookSessions(SignedSessions):
    """Signed, expiring bearer tokens for an Outlook account connected through the sign-in dialog (`ols.`)."""

    PREFIX, SALT, METHOD = "ols.", "introducer.outlook-session", "outlook-session"
    PROVIDER = "outlook"
    DEFAULT_TTL = timedelta(hours=8)
    INVALID = "This Outlook sign-in is not valid; sign in again."
    EXPIRED = "Your Outlook sign-in expired; sign in again."

    def issue(self, account_id: int, external_id: str) -> str:
        return self._issue(account_id, {"x": external_id})

