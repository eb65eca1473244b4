"""Task-pane access tokens are checked against a Microsoft identity platform fake over HTTPS."""
from __future__ import annotations

import time
import uuid

import jwt
import pytest

from fakes.microsoft_identity import FakeMicrosoftIdentity
from introducer.auth.entra_tokens import EntraTokenValidator
from introducer.auth.errors import AuthError

CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"
OID = "00000000-0000-0000-66f3-3332eca7ea81"


class Clock:
    """A settable clock so key refresh intervals and expiry can be crossed without sleeping."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def idp():
    with FakeMicrosoftIdentity() as fake:
        yield fake


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def validator(idp, clock):
    return EntraTokenValidator(CLIENT_ID, jwks_url=idp.jwks_url, authority_host=idp.base_url,
                               session=idp.session(), clock=clock)


def rejection(validator, token) -> str:
    with pytest.raises(AuthError) as caught:
        validator.validate(token)
    return caught.value.reason


def test_a_valid_task_pane_token_yields_the_users_oid_and_tid(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, preferred_username="megan@contoso.example")

    user = validator.validate(f"Bearer {token}")

    assert (user.oid, user.tid) == (OID, TENANT)
    assert user.preferred_username == "megan@contoso.example"
    assert "access_as_user" in user.scopes
    assert user.claims["ver"] == "2.0"


@pytest.mark.parametrize("bearer", [None, "", "Bearer ", "   "])
def test_a_request_without_a_token_is_rejected_as_missing_token(validator, bearer):
    assert rejection(validator, bearer) == "missing_token"


def test_a_token_for_another_api_is_rejected_as_wrong_audience(idp, validator):
    token = idp.mint_api_token(str(uuid.uuid4()), TENANT, OID)

    assert rejection(validator, token) == "wrong_audience"


def test_a_token_from_another_issuer_is_rejected_as_wrong_issuer(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, issuer=f"https://login.example.net/{TENANT}/v2.0")

    assert rejection(validator, token) == "wrong_issuer"


def test_an_issuer_naming_another_tenant_than_tid_is_rejected_as_tenant_mismatch(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, issuer=f"{idp.base_url}/{OTHER_TENANT}/v2.0")

    assert rejection(validator, token) == "tenant_mismatch"


def test_a_tenant_id_that_is_not_a_guid_is_rejected_as_tenant_mismatch(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, "common", OID)  # iss matches tid, but tid is no GUID

    assert rejection(validator, token) == "tenant_mismatch"


def test_a_key_published_for_another_tenant_cannot_vouch_for_this_one(idp, validator):
    idp.rotate_keys(issuer=f"{idp.base_url}/{OTHER_TENANT}/v2.0")
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID)  # signed with the tenant-specific key

    assert rejection(validator, token) == "wrong_issuer"


def test_a_key_published_without_an_issuer_still_verifies(idp, validator):
    idp.rotate_keys(issuer=None)

    assert validator.validate(idp.mint_api_token(CLIENT_ID, TENANT, OID)).oid == OID


def test_an_expired_token_is_rejected_as_expired(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, expires_in=-120)

    assert rejection(validator, token) == "expired"


def test_expiry_allows_the_clock_leeway_and_no_more(idp, validator, clock):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, expires_in=3600)

    clock.now += 3600 + 50
    assert validator.validate(token).oid == OID
    clock.now += 20
    assert rejection(validator, token) == "expired"


def test_a_token_without_the_access_as_user_scope_is_rejected_as_missing_scope(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, scp="User.Read Mail.Read")

    assert rejection(validator, token) == "missing_scope"


def test_a_token_signed_with_a_key_microsoft_does_not_publish_is_rejected_as_unknown_key(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, kid="nbCwW11w3XkB-xUaXwKRSLjMHGQ")

    assert rejection(validator, token) == "unknown_key"


def test_a_forged_signature_under_a_published_kid_is_rejected_as_bad_signature(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, key="forged")

    assert rejection(validator, token) == "bad_signature"


def test_a_token_signed_with_a_shared_secret_algorithm_is_rejected(idp, validator):
    claims = jwt.decode(idp.mint_api_token(CLIENT_ID, TENANT, OID), options={"verify_signature": False})
    token = jwt.encode(claims, "a-guessable-secret-of-32-bytes!!", algorithm="HS256",
                       headers={"kid": idp.keys[-1].kid})

    assert rejection(validator, token) == "bad_signature"


def test_a_v1_token_is_rejected_as_wrong_issuer(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, version=1)

    assert rejection(validator, token) == "wrong_issuer"


def test_a_token_without_an_issued_at_time_is_rejected_as_malformed(idp, validator):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, iat=None)

    assert rejection(validator, token) == "malformed"


def test_something_that_is_not_a_jwt_is_rejected_as_malformed(validator):
    assert rejection(validator, "Bearer not-a.jwt") == "malformed"


def test_the_key_set_is_fetched_once_for_many_validations(idp, validator):
    tokens = [idp.mint_api_token(CLIENT_ID, TENANT, str(uuid.uuid4())) for _ in range(20)]

    for token in tokens:
        validator.validate(token)

    assert idp.requests["jwks"] == 1


def test_unknown_kids_refetch_the_key_set_at_most_once_a_minute(idp, validator, clock):
    validator.validate(idp.mint_api_token(CLIENT_ID, TENANT, OID))
    for n in range(10):
        clock.now += 5
        assert rejection(validator, idp.mint_api_token(CLIENT_ID, TENANT, OID, kid=f"made-up-{n}")) == "unknown_key"

    assert idp.requests["jwks"] == 1
    clock.now += 15
    rejection(validator, idp.mint_api_token(CLIENT_ID, TENANT, OID, kid="made-up-again"))
    assert idp.requests["jwks"] == 2


def test_a_rotated_key_is_picked_up_once_the_refetch_interval_has_passed(idp, validator, clock):
    validator.validate(idp.mint_api_token(CLIENT_ID, TENANT, OID))
    new_kid = idp.rotate_keys()
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID)
    assert jwt.get_unverified_header(token)["kid"] == new_kid

    clock.now += 61
    assert validator.validate(token).oid == OID
    assert idp.requests["jwks"] == 2


def test_the_key_set_is_refreshed_after_a_day_even_when_every_kid_is_known(idp, validator, clock):
    token = idp.mint_api_token(CLIENT_ID, TENANT, OID, expires_in=2 * 24 * 3600)
    validator.validate(token)

    clock.now += 24 * 3600 + 1
    validator.validate(token)

    assert idp.requests["jwks"] == 2


def test_an_unreachable_key_set_is_reported_as_certs_unavailable(idp, clock):
    validator = EntraTokenValidator(CLIENT_ID, jwks_url=f"{idp.base_url}/common/discovery/v2.0/missing",
                                    authority_host=idp.base_url, session=idp.session(), clock=clock)

    assert rejection(validator, idp.mint_api_token(CLIENT_ID, TENANT, OID)) == "certs_unavailable"
