"""The API under the task pane checks the Microsoft access token on every call, over real HTTP.

Tokens are minted by the fake Microsoft identity platform the way MSAL.js nested app authentication
gets them for our API; the live app fetches the fake's signing keys over HTTPS with requests.
"""
from __future__ import annotations

import jwt
import pytest

from entra_fixtures import CLIENT_ID, MEGAN, entra_app, entra_live, idp, token_for  # noqa: F401
from fakes.microsoft_identity import FakeUser

OTHER_TENANT = "0b3d5c27-8f0a-4b1e-9c6d-2e7f8a9b0c1d"


def rejected(app, token: str) -> str:
    """The 401 message for this token; asserts that no account was created for it."""
    response = app.api("GET", "/api/v1/me", token=token)
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    with app.container.uow() as uow:
        assert uow.accounts.by_external_id("outlook", f"{MEGAN.oid}.{MEGAN.tid}") is None
    return response.json()["error"]["message"]


def test_a_valid_token_signs_in_and_the_first_call_creates_an_unconnected_outlook_account(entra_app, idp):
    first = entra_app.api("GET", "/api/v1/me", token=token_for(idp))
    again = entra_app.api("GET", "/api/v1/me", token=token_for(idp))
    assert first.status_code == 200, first.text
    me = first.json()
    assert (me["provider"], me["email"], me["name"], me["status"]) == (
        "outlook", MEGAN.username, MEGAN.name, "disconnected")
    assert again.json()["id"] == me["id"]
    with entra_app.container.uow() as uow:
        assert uow.accounts.get(me["id"]).external_id == f"{MEGAN.oid}.{MEGAN.tid}"


def test_users_are_keyed_by_object_and_tenant_id_not_by_their_address(entra_app, idp):
    guest = FakeUser(MEGAN.oid, OTHER_TENANT, MEGAN.name, "megan@fabrikam.example")
    mine = entra_app.api("GET", "/api/v1/me", token=token_for(idp)).json()
    theirs = entra_app.api("GET", "/api/v1/me", token=token_for(idp, guest)).json()
    assert mine["id"] != theirs["id"] and theirs["email"] == "megan@fabrikam.example"


def test_a_token_for_another_audience_is_rejected(entra_app, idp):
    assert "wrong_audience" in rejected(entra_app, token_for(idp, aud="00000003-0000-0000-c000-000000000000"))


def test_a_token_from_another_issuer_is_rejected(entra_app, idp):
    assert "wrong_issuer" in rejected(entra_app, token_for(idp, iss=f"https://login.evil.example/{MEGAN.tid}/v2.0"))


def test_a_v1_token_is_rejected_with_the_setting_that_fixes_it(entra_app, idp):
    message = rejected(entra_app, idp.mint_api_token(CLIENT_ID, MEGAN.tid, MEGAN.oid, version=1))
    assert "wrong_issuer" in message and "requestedAccessTokenVersion" in message


def test_a_token_whose_issuer_names_another_tenant_is_rejected(entra_app, idp):
    assert "tenant_mismatch" in rejected(entra_app, token_for(idp, iss=f"{idp.base_url}/{OTHER_TENANT}/v2.0"))


def test_an_expired_token_is_rejected(entra_app, idp):
    assert "expired" in rejected(entra_app, token_for(idp, expires_in=-600))


def test_a_token_without_the_access_as_user_scope_is_rejected(entra_app, idp):
    assert "missing_scope" in rejected(entra_app, token_for(idp, scp="Mail.Read"))


def test_a_token_signed_with_a_key_microsoft_does_not_publish_is_rejected(entra_app, idp):
    assert "unknown_key" in rejected(entra_app, token_for(idp, kid="not-a-published-kid"))


def test_a_token_with_a_forged_signature_is_rejected(entra_app, idp):
    assert "bad_signature" in rejected(entra_app, token_for(idp, key="forged"))


def test_signing_keys_are_fetched_once_for_many_calls(entra_app, idp):
    token = token_for(idp)
    for _ in range(5):
        assert entra_app.api("GET", "/api/v1/intros", token=token).status_code == 200
    assert idp.requests["jwks"] == 1


def test_a_token_of_another_issuer_family_is_left_to_the_other_sign_ins(entra_app, idp):
    google_like = jwt.encode({"iss": "https://accounts.google.com", "aud": CLIENT_ID, "sub": "110169484474386276334",
                              "exp": 4102444800}, "a-key-that-is-not-microsoft-but-long-enough", algorithm="HS256")
    response = entra_app.api("GET", "/api/v1/me", token=google_like)
    assert response.status_code == 401 and "Microsoft" not in response.json()["error"]["message"]


def test_sandbox_sessions_still_work_next_to_microsoft_tokens(entra_app):
    token = entra_app.session_token("dana@parkcap.example")
    me = entra_app.api("GET", "/api/v1/me", token=token).json()
    assert (me["provider"], me["email"]) == ("sandbox", "dana@parkcap.example")


@pytest.mark.parametrize("path", ["/api/v1/intros", "/api/v1/settings", "/api/v1/intros/1"])
def test_every_api_route_needs_the_token(entra_app, idp, path):
    assert entra_app.api("GET", path).status_code == 401
    assert entra_app.api("GET", path, token=token_for(idp, expires_in=-600)).status_code == 401



def test_a_token_naming_an_address_never_takes_over_the_account_of_that_address(entra_app, idp):
    from introducer.store.models import Account

    now = entra_app.container.deps.clock()
    with entra_app.container.uow() as uow:  # an account for the address, not yet tied to a Microsoft user
        uow.accounts.add(Account(provider="outlook", email=MEGAN.username, name="Megan", status="active",
                                 policy={}, timezone="UTC", created_at=now, updated_at=now))
        uow.commit()
    impostor = FakeUser("5d2f7a31-1c4e-4b9a-8e6f-3a2b1c0d9e8f", OTHER_TENANT, "Not Megan", MEGAN.username)
    response = entra_app.api("GET", "/api/v1/me", token=token_for(idp, impostor))
    assert response.status_code == 200 and response.json()["status"] == "disconnected"  # an account of its own
    with entra_app.container.uow() as uow:
        untouched = [a for a in _outlook_accounts(uow) if a.external_id is None]
        assert len(untouched) == 1 and untouched[0].status == "active"


def _outlook_accounts(uow):
    from sqlalchemy import select

    from introducer.store.models import Account

    return list(uow.session.scalars(select(Account).where(Account.provider == "outlook").order_by(Account.id)))


def test_another_tenants_user_claiming_an_address_first_does_not_lock_its_owner_out(entra_app, idp):
    squatter = FakeUser("5d2f7a31-1c4e-4b9a-8e6f-3a2b1c0d9e8f", OTHER_TENANT, "Mallory", "victim@contoso.example")
    owner = FakeUser("1a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d", MEGAN.tid, "Victor Owner", "victim@contoso.example")
    first = entra_app.api("GET", "/api/v1/me", token=token_for(idp, squatter))
    assert first.status_code == 200, first.text
    mine = entra_app.api("GET", "/api/v1/me", token=token_for(idp, owner))
    assert mine.status_code == 200, mine.text
    assert mine.json()["id"] != first.json()["id"] and mine.json()["name"] == "Victor Owner"
    assert entra_app.api("GET", "/api/v1/intros", token=token_for(idp, owner)).status_code == 200
    with entra_app.container.uow() as uow:
        keys = {(a.external_id, a.email) for a in _outlook_accounts(uow)}
    assert keys == {(f"{squatter.oid}.{squatter.tid}", "victim@contoso.example"),
                    (f"{owner.oid}.{owner.tid}", "victim@contoso.example")}


PERSONAL = "9188040d-6c67-4c5b-b112-36a304b66dad"
THIRD_TENANT = "3c1f2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f"


@pytest.mark.parametrize("setting, accepted, refused", [
    ("organizations", [MEGAN.tid, OTHER_TENANT], [PERSONAL]),
    (MEGAN.tid, [MEGAN.tid], [OTHER_TENANT, PERSONAL]),
    (f"{MEGAN.tid}, {OTHER_TENANT}", [MEGAN.tid, OTHER_TENANT], [THIRD_TENANT, PERSONAL]),
    (f"organizations,{PERSONAL}", [MEGAN.tid, PERSONAL], []),
    ("common", [MEGAN.tid, PERSONAL], []),
])
def test_the_tenant_setting_is_enforced_on_every_api_token(idp, tmp_path, setting, accepted, refused):
    with entra_live(idp, tmp_path / "data", ms_tenant=setting) as app:
        for number, tid in enumerate(accepted + refused):
            user = FakeUser(f"7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a{number:02d}", tid, "Pat", f"pat{number}@x.example")
            answer = app.api("GET", "/api/v1/me", token=token_for(idp, user))
            if tid in accepted:
                assert answer.status_code == 200, (setting, tid, answer.text)
            else:
                assert answer.status_code == 401, (setting, tid)
                assert "tenant_not_allowed" in answer.json()["error"]["message"]
        with app.container.uow() as uow:
            assert len(_outlook_accounts(uow)) == len(accepted)  # nothing created for a refused tenant
