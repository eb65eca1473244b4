"""Who is calling an add-on endpoint: both Google ID tokens checked, then the caller's account.

Every request carries a system ID token in `Authorization` (audience = the exact URL Google called,
email = the add-on's service account) and the user's ID token in the event (audience = our OAuth
client id) (developers.google.com/workspace/add-ons/guides/alternate-runtimes). The first proves the
request comes from our deployment, the second who the user is: their Google `sub` keys the account.
"""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, request

from ..auth.errors import AuthError
from ..auth.google_tokens import GoogleTokenVerifier
from ..service.connections import ProviderUser, account_for_user
from .errors import ApiError
from .gmail_event import AddonEvent
from .public_urls import called_url

VERIFIER = "introducer.google_verifier"


@dataclass(frozen=True)
class AddonCaller:
    account_id: int
    user: ProviderUser


def verifier() -> GoogleTokenVerifier:
    """One verifier per app: it keeps Google's certificates for as long as their max-age allows."""
    app = current_app
    if VERIFIER not in app.extensions:
        app.extensions[VERIFIER] = GoogleTokenVerifier(certs_url=_settings().google_certs_url)
    return app.extensions[VERIFIER]


def check_system_token() -> None:
    """401 unless the Authorization header holds the add-on service account's token for this URL."""
    settings = _settings()
    if not settings.google_addon_service_account or not settings.google_client_id:
        raise ApiError(503, "not_configured", "The Gmail add-on is not configured here: set "
                       "INTRODUCER_GOOGLE_ADDON_SERVICE_ACCOUNT and INTRODUCER_GOOGLE_CLIENT_ID.")
    try:
        verifier().verify_system_token(request.headers.get("Authorization"), called_url(),
                                       settings.google_addon_service_account)
    except AuthError as exc:
        raise unauthenticated(exc, "system token") from None


def addon_caller(event: AddonEvent) -> AddonCaller:
    """The user behind the event (userIdToken) and their account, made on first sight."""
    try:
        claims = verifier().verify_user_token(event.user_id_token, _settings().google_client_id)
    except AuthError as exc:
        raise unauthenticated(exc, "user token") from None
    user = ProviderUser("gmail", str(claims["sub"]), str(claims["email"]).strip().lower(), str(claims.get("name", "")))
    container = current_app.extensions["introducer"]
    return AddonCaller(account_for_user(container.deps, user, _known_zone(event.timezone)), user)


def unauthenticated(exc: AuthError, which: str) -> ApiError:
    if exc.reason == "certs_unavailable":
        return ApiError(503, "certs_unavailable", "Google's signing certificates could not be fetched; try again.")
    return ApiError(401, "unauthenticated", f"The {which} was refused: {exc.message} ({exc.reason}).",
                    headers={"WWW-Authenticate": 'Bearer realm="introducer-gmail-addon"'})


def _known_zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _settings():
    return current_app.extensions["introducer"].settings
