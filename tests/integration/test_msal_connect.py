"""Connecting an Outlook mailbox through the real msal against a Microsoft identity fake over HTTPS."""
from __future__ import annotations

import json
import socket
from urllib.parse import parse_qs, urlsplit

import pytest

from fakes.microsoft_identity import FakeMicrosoftIdentity, FakeUser
from introducer.auth.errors import AuthError
from introducer.auth.msal_client import MicrosoftConnect
from introducer.mail.port import ReconnectNeeded, TransientMailboxError

CLIENT_ID = "6731de76-14a6-49ae-97bc-6eba6914391e"
SECRET = "fake-client-secret~value"
REDIRECT = "https://introducer.example.com/connect/microsoft/callback"
MEGAN = FakeUser(oid="48d31887-5fad-4d73-a9f5-3c356e68a038", tid="72f988bf-86f1-41af-91ab-2d7cd011db47",
                 name="Megan Bowen", username="megan@contoso.example")
SHORT_LIVED = 120  # msal refreshes tokens that expire within five minutes


@pytest.fixture
def idp():
    with FakeMicrosoftIdentity() as fake:
        fake.register_client(CLIENT_ID, SECRET, (REDIRECT,))
        yield fake


def connect(idp: FakeMicrosoftIdentity) -> MicrosoftConnect:
    """A fresh MicrosoftConnect, as a new web or worker process would build it."""
    return MicrosoftConnect(CLIENT_ID, SECRET, REDIRECT, authority_host=idp.base_url, http_client=idp.session())


def sign_in(idp: FakeMicrosoftIdentity, user: FakeUser = MEGAN):
    connection = connect(idp)
    flow = connection.start()
    return connection.finish(flow, idp.approve(flow, user))


def test_the_auth_code_flow_asks_for_form_post_and_pkce(idp):
    flow = connect(idp).start(login_hint=MEGAN.username)

    query = parse_qs(urlsplit(flow["auth_uri"]).query)
    assert flow["auth_uri"].startswith(f"{idp.base_url}/organizations/oauth2/v2.0/authorize?")
    assert query["response_mode"] == ["form_post"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["login_hint"] == [MEGAN.username]
    assert {"offline_access", "https://graph.microsoft.com/Mail.Send"} <= set(query["scope"][0].split())
    json.dumps(flow)  # the web layer keeps it in the session


def test_the_auth_code_flow_connects_the_account_end_to_end(idp):
    grant = sign_in(idp)

    assert grant.home_account_id == f"{MEGAN.oid}.{MEGAN.tid}"
    assert grant.username == MEGAN.username
    assert idp.requests["token:authorization_code"] == 1
    assert json.loads(grant.cache_blob)["RefreshToken"]


def test_a_later_process_gets_an_access_token_through_a_refresh_token_grant(idp):
    idp.access_token_lifetime = SHORT_LIVED
    grant = sign_in(idp)

    token, new_blob = connect(idp).access_token(grant.cache_blob, grant.home_account_id)

    assert idp.access_token_owner(token) == MEGAN
    assert idp.requests["token:refresh_token"] == 1
    assert new_blob is not None and new_blob != grant.cache_blob
    assert connect(idp).access_token(new_blob, grant.home_account_id)[0]


def test_a_still_valid_access_token_comes_from_the_cache_without_a_network_call(idp):
    grant = sign_in(idp)
    connection = connect(idp)
    token, blob = connection.access_token(grant.cache_blob, grant.home_account_id)
    refreshes = idp.requests["token:refresh_token"]

    again, unchanged = connection.access_token(blob or grant.cache_blob, grant.home_account_id)

    assert again == token and unchanged is None
    assert idp.requests["token:refresh_token"] == refreshes


def test_the_discovery_document_is_fetched_once_for_many_accounts_and_calls(idp):
    idp.access_token_lifetime = SHORT_LIVED
    grant = sign_in(idp)
    worker = connect(idp)
    before = idp.requests["discovery"]

    for _ in range(5):
        worker.access_token(grant.cache_blob, grant.home_account_id)

    assert idp.requests["token:refresh_token"] == 5
    assert idp.requests["discovery"] - before == 1


def test_a_revoked_refresh_token_means_reconnect_needed(idp):
    idp.access_token_lifetime = SHORT_LIVED
    grant = sign_in(idp)
    assert idp.revoke(MEGAN.oid) == 1

    with pytest.raises(ReconnectNeeded):
        connect(idp).access_token(grant.cache_blob, grant.home_account_id)


def test_a_cache_without_the_account_means_reconnect_needed(idp):
    grant = sign_in(idp)

    with pytest.raises(ReconnectNeeded):
        connect(idp).access_token(grant.cache_blob, "8f6c1c1e-0000-0000-0000-000000000000." + MEGAN.tid)
    with pytest.raises(ReconnectNeeded):
        connect(idp).access_token("{}", grant.home_account_id)


def test_an_unreachable_sign_in_service_is_a_transient_failure(idp):
    grant = sign_in(idp)
    with socket.socket() as probe:  # a port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    offline = MicrosoftConnect(CLIENT_ID, SECRET, REDIRECT, authority_host=f"https://127.0.0.1:{closed}",
                               http_client=idp.session())

    with pytest.raises(TransientMailboxError):
        offline.access_token(grant.cache_blob, grant.home_account_id)


def test_an_answer_with_another_state_is_rejected_as_bad_state(idp):
    connection = connect(idp)
    flow = connection.start()
    form = idp.approve(flow, MEGAN)

    with pytest.raises(AuthError) as caught:
        connection.finish(flow, dict(form, state="forged-state"))

    assert caught.value.reason == "bad_state"
    assert idp.requests["token:authorization_code"] == 0


def test_a_user_who_declines_consent_is_reported_as_access_denied(idp):
    connection = connect(idp)
    flow = connection.start()
    form = {"error": "access_denied", "error_description": "AADSTS65004: User declined to consent.",
            "state": flow["state"]}

    with pytest.raises(AuthError) as caught:
        connection.finish(flow, form)

    assert caught.value.reason == "access_denied"


def test_on_behalf_of_a_task_pane_token_yields_a_cache_that_works_silently(idp):
    idp.access_token_lifetime = SHORT_LIVED
    pane_token = idp.mint_api_token(CLIENT_ID, MEGAN.tid, MEGAN.oid, preferred_username=MEGAN.username)

    grant = connect(idp).on_behalf_of(pane_token, MEGAN.tid)
    token, _ = connect(idp).access_token(grant.cache_blob, grant.home_account_id)

    assert grant.home_account_id == f"{MEGAN.oid}.{MEGAN.tid}"
    assert grant.username == MEGAN.username
    assert idp.requests["token:on_behalf_of"] == 1
    assert idp.requests["token:refresh_token"] == 1
    assert idp.access_token_owner(token).oid == MEGAN.oid


def test_on_behalf_of_a_token_issued_to_another_app_is_refused(idp):
    pane_token = idp.mint_api_token("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", MEGAN.tid, MEGAN.oid)

    with pytest.raises(AuthError) as caught:
        connect(idp).on_behalf_of(pane_token, MEGAN.tid)

    assert caught.value.reason == "invalid_grant"


def test_on_behalf_of_needs_a_tenant_guid(idp):
    pane_token = idp.mint_api_token(CLIENT_ID, MEGAN.tid, MEGAN.oid)

    with pytest.raises(AuthError) as caught:
        connect(idp).on_behalf_of(pane_token, "organizations")

    assert caught.value.reason == "tenant_mismatch"
    assert idp.requests["token:on_behalf_of"] == 0
