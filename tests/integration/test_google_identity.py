"""GoogleTokenVerifier against a fake Google certificate endpoint over loopback, via google-auth."""
from __future__ import annotations

import time

import pytest

from fakes import google_identity
from introducer.auth import google_tokens
from introducer.auth.errors import AuthError
from introducer.auth.google_tokens import GoogleTokenVerifier

ENDPOINT = "https://introducer.example.com/addon/gmail/on-open"
ADDON_ACCOUNT = "service-123456789@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
PUSH_ACCOUNT = "gmail-push@introducer-prod.iam.gserviceaccount.com"
PUSH_AUDIENCE = "https://introducer.example.com/webhooks/gmail"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def google():
    with google_identity.start() as fake:
        yield fake


@pytest.fixture
def verifier(google):
    return GoogleTokenVerifier(certs_url=google.certs_url)


def reason_for(call) -> str:
    with pytest.raises(AuthError) as caught:
        call()
    return caught.value.reason


def system_reason(verifier, token) -> str:
    return reason_for(lambda: verifier.verify_system_token(token, ENDPOINT, ADDON_ACCOUNT))


def test_a_good_system_token_is_accepted_with_its_claims(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT)
    claims = verifier.verify_system_token(f"Bearer {token}", ENDPOINT, ADDON_ACCOUNT)
    assert claims["email"] == ADDON_ACCOUNT
    assert claims["aud"] == ENDPOINT


def test_the_system_token_may_come_bare_from_the_event_body(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT)
    assert verifier.verify_system_token(token, ENDPOINT, ADDON_ACCOUNT)["aud"] == ENDPOINT


@pytest.mark.parametrize("header", [None, "", "   ", "Bearer", "Basic dXNlcjpwYXNz"])
def test_a_request_without_a_bearer_token_is_rejected_as_missing_token(verifier, header):
    assert system_reason(verifier, header) == "missing_token"


def test_a_token_signed_by_a_key_google_does_not_serve_is_rejected_as_bad_signature(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, key="forged")
    assert system_reason(verifier, token) == "bad_signature"


def test_a_token_naming_a_key_id_google_does_not_publish_is_rejected_as_unknown_key(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, key="forged", kid="retired-key")
    assert system_reason(verifier, token) == "unknown_key"


def test_an_expired_token_is_rejected_as_expired(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, expires_in=-120)
    assert system_reason(verifier, token) == "expired"


def test_a_token_just_past_expiry_is_accepted_within_the_clock_skew(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, expires_in=-5)
    assert verifier.verify_system_token(token, ENDPOINT, ADDON_ACCOUNT)["email"] == ADDON_ACCOUNT


def test_a_token_for_another_endpoint_is_rejected_as_wrong_audience(google, verifier):
    token = google.mint_system_token("https://introducer.example.com/addon/gmail/home", ADDON_ACCOUNT)
    assert system_reason(verifier, token) == "wrong_audience"


def test_the_audience_must_match_the_called_url_exactly_query_included(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT)
    called = ENDPOINT + "?action=sendOptIn"
    assert reason_for(lambda: verifier.verify_system_token(token, called, ADDON_ACCOUNT)) == "wrong_audience"


def test_a_token_from_another_service_account_is_rejected(google, verifier):
    token = google.mint_system_token(ENDPOINT, "someone-else@other-project.iam.gserviceaccount.com")
    reason = system_reason(verifier, token)
    assert reason == "wrong_service_account"


def test_a_token_whose_email_is_not_verified_is_rejected(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, email_verified=False)
    assert system_reason(verifier, token) == "email_unverified"


def test_a_token_from_another_issuer_is_rejected_as_wrong_issuer(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, iss="https://issuer.example.com")
    assert system_reason(verifier, token) == "wrong_issuer"


def test_the_bare_issuer_name_google_also_uses_is_accepted(google, verifier):
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, iss="accounts.google.com")
    assert verifier.verify_system_token(token, ENDPOINT, ADDON_ACCOUNT)["iss"] == "accounts.google.com"


@pytest.mark.parametrize("garbage", ["not-a-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.eyJ4Ijox.c2ln"])
def test_garbage_is_rejected_as_malformed_not_with_a_bare_exception(verifier, garbage):
    assert system_reason(verifier, garbage) == "malformed"


def test_a_good_user_token_is_accepted_and_names_the_google_user(google, verifier):
    token = google.mint_user_token(google.client_id, "108123456789012345678", "ann@example.com")
    claims = verifier.verify_user_token(token, google.client_id)
    assert (claims["sub"], claims["email"]) == ("108123456789012345678", "ann@example.com")


def test_a_user_token_minted_for_another_oauth_client_is_rejected(google, verifier):
    token = google.mint_user_token("999-other-app.apps.googleusercontent.com", "1081", "ann@example.com")
    assert reason_for(lambda: verifier.verify_user_token(token, google.client_id)) == "wrong_audience"


def test_a_missing_user_token_is_rejected_as_missing_token(google, verifier):
    assert reason_for(lambda: verifier.verify_user_token(None, google.client_id)) == "missing_token"


def test_a_user_token_with_an_unverified_email_is_rejected(google, verifier):
    token = google.mint_user_token(google.client_id, "1081", "ann@example.com", email_verified=False)
    assert reason_for(lambda: verifier.verify_user_token(token, google.client_id)) == "email_unverified"


def test_a_good_pubsub_push_token_is_accepted(google, verifier):
    token = google.mint_pubsub_token(PUSH_AUDIENCE, PUSH_ACCOUNT)
    claims = verifier.verify_pubsub_token(f"Bearer {token}", PUSH_AUDIENCE, PUSH_ACCOUNT)
    assert claims["email"] == PUSH_ACCOUNT


def test_a_pubsub_token_from_another_account_is_rejected(google, verifier):
    token = google.mint_pubsub_token(PUSH_AUDIENCE, "intruder@evil-project.iam.gserviceaccount.com")
    reason = reason_for(lambda: verifier.verify_pubsub_token(token, PUSH_AUDIENCE, PUSH_ACCOUNT))
    assert reason == "wrong_service_account"


def test_certificates_are_fetched_once_for_many_verifications(google):
    verifier = GoogleTokenVerifier(certs_url=google.certs_url)
    before = google.certs_requests
    for _ in range(20):
        token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT)
        verifier.verify_system_token(token, ENDPOINT, ADDON_ACCOUNT)
    assert google.certs_requests - before == 1


def test_certificates_are_fetched_again_once_their_max_age_has_passed(google):
    clock = FakeClock()
    verifier = GoogleTokenVerifier(certs_url=google.certs_url, clock=clock)
    before = google.certs_requests
    verifier.verify_system_token(google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, jti="1"), ENDPOINT,
                                  ADDON_ACCOUNT)
    clock.now += google.certs_max_age - 1
    verifier.verify_system_token(google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, jti="2"), ENDPOINT,
                                  ADDON_ACCOUNT)
    assert google.certs_requests - before == 1
    clock.now += 2  # a new token each time: one verified before is remembered (see below)
    verifier.verify_system_token(google.mint_system_token(ENDPOINT, ADDON_ACCOUNT, jti="3"), ENDPOINT,
                                  ADDON_ACCOUNT)
    assert google.certs_requests - before == 2


@pytest.fixture
def signature_checks(monkeypatch):
    """How many times google-auth checked a token's signature."""
    calls = []
    real = google_tokens.id_token.verify_token

    def counting(token, *args, **kwargs):
        calls.append(token)
        return real(token, *args, **kwargs)

    monkeypatch.setattr(google_tokens.id_token, "verify_token", counting)
    return calls


def test_a_verified_push_token_is_not_checked_again_until_it_expires(google, signature_checks):
    wall = FakeClock()
    wall.now = time.time()
    verifier = GoogleTokenVerifier(certs_url=google.certs_url, wall_clock=wall)
    token = google.mint_pubsub_token(PUSH_AUDIENCE, PUSH_ACCOUNT, expires_in=600)
    for _ in range(5):  # Pub/Sub sends one token with every push until it nears expiry
        assert verifier.verify_pubsub_token(f"Bearer {token}", PUSH_AUDIENCE, PUSH_ACCOUNT)["email"] == PUSH_ACCOUNT
    assert len(signature_checks) == 1
    wall.now += 600  # its exp has come: from then on, google-auth decides again
    verifier.verify_pubsub_token(f"Bearer {token}", PUSH_AUDIENCE, PUSH_ACCOUNT)
    assert len(signature_checks) == 2


def test_a_remembered_token_is_still_refused_elsewhere_and_forgeries_of_it_are_checked(google):
    verifier = GoogleTokenVerifier(certs_url=google.certs_url)
    token = google.mint_pubsub_token(PUSH_AUDIENCE, PUSH_ACCOUNT)
    verifier.verify_pubsub_token(token, PUSH_AUDIENCE, PUSH_ACCOUNT)
    assert reason_for(lambda: verifier.verify_pubsub_token(token, PUSH_AUDIENCE + "/x", PUSH_ACCOUNT)) == \
        "wrong_audience"
    assert reason_for(lambda: verifier.verify_pubsub_token(token, PUSH_AUDIENCE, ADDON_ACCOUNT)) == \
        "wrong_service_account"
    header, claims, _ = token.split(".")
    forged = google.mint_pubsub_token(PUSH_AUDIENCE, PUSH_ACCOUNT, key="forged")
    assert reason_for(lambda: verifier.verify_pubsub_token(f"{header}.{claims}.{forged.split('.')[2]}",
                                                           PUSH_AUDIENCE, PUSH_ACCOUNT)) == "bad_signature"
    assert reason_for(lambda: verifier.verify_pubsub_token(token[:-4] + "AAAA", PUSH_AUDIENCE, PUSH_ACCOUNT)) \
        in ("bad_signature", "malformed")


def test_an_unreachable_certificate_endpoint_is_reported_as_certs_unavailable(google):
    verifier = GoogleTokenVerifier(certs_url=google.base_url + "/no-such-path")
    token = google.mint_system_token(ENDPOINT, ADDON_ACCOUNT)
    reason = system_reason(verifier, token)
    assert reason == "certs_unavailable"
