"""The Connect-Gmail flow end to end against a fake Google over loopback, with the real libraries."""
from __future__ import annotations

import pytest
import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import Request as GoogleRequest

from fakes import google_identity
from introducer.auth.errors import AuthError
from introducer.auth.google_oauth import CONNECT_SCOPES, GoogleConnect, is_revoked_error
from introducer.auth.google_tokens import GoogleTokenVerifier

REDIRECT_URI = "http://127.0.0.1:9/connect/google/callback"
GMAIL_MODIFY = "https://www.googleapis.com/auth/gmail.modify"


@pytest.fixture(scope="module")
def fake():
    with google_identity.start() as running:
        yield running


@pytest.fixture
def google(fake):
    # Consent settings are per test; the keys, server and issued grants stay for the module.
    fake.user = google_identity.GoogleUser("108123456789012345678", "ann@example.com")
    fake.deselected_scopes, fake.deny = set(), False
    return fake


@pytest.fixture(autouse=True)
def plain_http_to_loopback(monkeypatch):
    # oauthlib refuses http:// endpoints; the fake speaks plain HTTP on 127.0.0.1.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def connect(google):
    return GoogleConnect(
        google.client_id, google.client_secret, REDIRECT_URI,
        auth_uri=google.auth_url, token_uri=google.token_url,
        id_token_verifier=GoogleTokenVerifier(certs_url=google.certs_url),
    )


def consent(started) -> str:
    """Follow the browser to the consent screen; return the URL Google redirects back to."""
    response = requests.get(started.authorization_url, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    return response.headers["Location"]


def connect_once(connect):
    started = connect.start(login_hint="ann@example.com")
    return connect.finish(consent(started), started.state, started.code_verifier)


def test_start_asks_for_offline_access_with_consent_pkce_and_earlier_grants(google, connect):
    started = connect.start(login_hint="ann@example.com")
    consent(started)
    asked = google.authorize_requests[-1]
    assert asked["access_type"] == "offline"
    assert asked["prompt"] == "consent"
    assert asked["include_granted_scopes"] == "true"
    assert asked["code_challenge_method"] == "S256"
    assert asked["login_hint"] == "ann@example.com"
    assert asked["state"] == started.state
    assert asked["redirect_uri"] == REDIRECT_URI
    assert asked["scope"].split() == list(CONNECT_SCOPES)


def test_a_consent_gives_a_refresh_token_and_names_the_connected_account(connect):
    grant = connect_once(connect)
    assert grant.refresh_token.startswith("1//")
    assert grant.access_token
    assert grant.expiry is not None and grant.expiry.tzinfo is not None
    assert (grant.email, grant.subject) == ("ann@example.com", "108123456789012345678")
    assert GMAIL_MODIFY in grant.scopes


def test_a_reconnect_still_gets_a_refresh_token_because_consent_is_prompted(connect):
    connect_once(connect)
    assert connect_once(connect).refresh_token


def test_the_stored_refresh_token_refreshes_through_google_auth_credentials(google, connect):
    grant = connect_once(connect)
    credentials = connect.credentials_for(grant.refresh_token)
    credentials.refresh(GoogleRequest())
    assert credentials.valid
    assert google.access_tokens[credentials.token]["email"] == "ann@example.com"
    assert google.token_requests[-1]["grant_type"] == "refresh_token"


def test_earlier_grants_returned_with_the_new_ones_do_not_break_the_exchange(google, connect):
    google.remember_grant(["https://www.googleapis.com/auth/gmail.addons.execute"])
    grant = connect_once(connect)
    assert "https://www.googleapis.com/auth/gmail.addons.execute" in grant.scopes
    assert GMAIL_MODIFY in grant.scopes


def test_a_revoked_grant_is_recognised_as_needing_a_reconnect(google, connect):
    grant = connect_once(connect)
    google.revoke(grant.refresh_token)
    credentials = connect.credentials_for(grant.refresh_token)
    with pytest.raises(RefreshError) as caught:
        credentials.refresh(GoogleRequest())
    assert is_revoked_error(caught.value)
    assert connect.is_revoked_error(caught.value)


def test_other_failures_are_not_mistaken_for_a_revoked_grant():
    assert not is_revoked_error(RefreshError("temporarily_unavailable: try later"))
    assert not is_revoked_error(TransportError("connection reset"))
    assert not is_revoked_error(ValueError("invalid_grant"))


def test_a_response_for_another_session_is_rejected_as_bad_state(google, connect):
    started = connect.start()
    redirected = consent(started)
    exchanges = len(google.token_requests)
    with pytest.raises(AuthError) as caught:
        connect.finish(redirected, "state-of-some-other-session", started.code_verifier)
    assert caught.value.reason == "bad_state"
    assert len(google.token_requests) == exchanges, "the code must not be exchanged"


def test_a_wrong_code_verifier_is_refused_by_the_token_endpoint(connect):
    started = connect.start()
    redirected = consent(started)
    with pytest.raises(AuthError) as caught:
        connect.finish(redirected, started.state, "x" * 64)
    assert caught.value.reason == "invalid_grant"


def test_a_code_cannot_be_exchanged_twice(connect):
    started = connect.start()
    redirected = consent(started)
    connect.finish(redirected, started.state, started.code_verifier)
    with pytest.raises(AuthError) as caught:
        connect.finish(redirected, started.state, started.code_verifier)
    assert caught.value.reason == "invalid_grant"


def test_a_user_who_unticks_gmail_access_is_told_a_scope_is_missing(google, connect):
    # A user who never granted Gmail access before: include_granted_scopes cannot fill it in.
    google.user = google_identity.GoogleUser("108000000000000000002", "bob@example.com")
    google.deselected_scopes = {GMAIL_MODIFY}
    with pytest.raises(AuthError) as caught:
        connect_once(connect)
    assert caught.value.reason == "missing_scope"
    assert GMAIL_MODIFY in caught.value.message


def test_a_user_who_declines_is_reported_as_access_denied(google, connect):
    google.deny = True
    with pytest.raises(AuthError) as caught:
        connect_once(connect)
    assert caught.value.reason == "access_denied"


def test_without_a_verifier_the_connected_account_is_still_read_from_the_id_token(google):
    plain = GoogleConnect(google.client_id, google.client_secret, REDIRECT_URI,
                          auth_uri=google.auth_url, token_uri=google.token_url)
    assert connect_once(plain).email == "ann@example.com"


def test_production_defaults_point_at_google():
    started = GoogleConnect("id", "secret", "https://introducer.example.com/connect/google/callback").start()
    assert started.authorization_url.startswith("https://accounts.google.com/o/oauth2/auth?")
    credentials = GoogleConnect("id", "secret", "https://x.example/cb").credentials_for("1//r")
    assert credentials.token_uri == "https://oauth2.googleapis.com/token"
