"""Connecting Outlook for background work, over real HTTP with real msal against the fake identity platform:
on-behalf-of from the task-pane token, the sign-in window's auth-code flow, and a revoked grant.
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlsplit

import requests

from entra_fixtures import CLIENT_ID, MEGAN, entra_app, entra_live, idp, token_for  # noqa: F401
from fakes.microsoft_identity import FakeUser
from introducer.auth.credentials import unseal
from introducer.worker import run_sync_requests

_RESULT = re.compile(r'data-result="([^"]*)"')
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


def account(app, account_id: int):
    with app.container.uow() as uow:
        return uow.accounts.get(account_id)


def window_sign_in(app, idp, user=MEGAN, browser: requests.Session | None = None) -> requests.Response:
    """What the sign-in window does: start, Microsoft's page (form_post), back to our callback."""
    browser = browser or requests.Session()
    start = browser.get(app.url + "/connect/microsoft/start", params={"login_hint": user.username},
                        allow_redirects=False, timeout=10)
    assert start.status_code == 302, start.text
    idp.signed_in = user
    page = idp.session().get(start.headers["Location"], timeout=10)
    fields = {name: html.unescape(value) for name, value in _HIDDEN.findall(page.text)}
    return browser.post(app.url + "/connect/microsoft/callback", data=fields, timeout=10)


def result_of(page: requests.Response) -> dict:
    return json.loads(html.unescape(_RESULT.search(page.text).group(1)))


def test_on_behalf_of_connects_the_signed_in_mailbox_with_a_sealed_cache(entra_app, idp):
    token = token_for(idp)
    response = entra_app.api("POST", "/api/v1/connect/outlook", token=token)
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["status"] == "active" and idp.requests["token:on_behalf_of"] == 1
    stored = account(entra_app, me["id"])
    assert b"RefreshToken" not in stored.credentials  # sealed, not plain JSON
    opened = unseal(entra_app.container.cipher, stored.credentials)
    assert opened["home_account_id"] == f"{MEGAN.oid}.{MEGAN.tid}" and json.loads(opened["cache"])["RefreshToken"]
    assert entra_app.api("GET", "/api/v1/me", token=token).json()["status"] == "active"


def test_when_microsoft_refuses_on_behalf_of_the_pane_is_sent_to_the_sign_in_window(entra_app, idp):
    token = token_for(idp)
    idp.clients[CLIENT_ID]["secret"] = "rotated-elsewhere"  # Microsoft now refuses the exchange
    response = entra_app.api("POST", "/api/v1/connect/outlook", token=token)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "interactive_sign_in_needed" and "/connect/microsoft/start" in error["message"]
    assert entra_app.api("GET", "/api/v1/me", token=token).json()["status"] == "disconnected"


def test_the_sign_in_window_runs_pkce_with_form_post_and_keeps_its_secrets_in_an_encrypted_cookie(entra_app):
    start = requests.get(entra_app.url + "/connect/microsoft/start", allow_redirects=False, timeout=10)
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["response_mode"] == ["form_post"] and query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"] == [entra_app.url + "/connect/microsoft/callback"]
    cookie = start.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Path=/connect/microsoft" in cookie and "Max-Age=600" in cookie
    assert query["state"][0] not in cookie and "code_verifier" not in cookie


def test_the_sign_in_window_connects_the_account_and_hands_the_pane_a_session(entra_app, idp):
    page = window_sign_in(entra_app, idp)
    assert page.status_code == 200, page.text
    result = result_of(page)
    assert result["status"] == "connected" and result["token"].startswith("ols.")
    assert "Cache-Control" in page.headers and "no-store" in page.headers["Cache-Control"]
    me = entra_app.api("GET", "/api/v1/me", token=result["token"]).json()
    assert (me["provider"], me["email"], me["status"]) == ("outlook", MEGAN.username, "active")
    # the same person signing in to the task pane with NAA lands in the same account
    assert entra_app.api("GET", "/api/v1/me", token=token_for(idp)).json()["id"] == me["id"]


def test_an_answer_without_the_flow_cookie_is_refused(entra_app, idp):
    page = window_sign_in(entra_app, idp)  # connects once; now replay the answer from another browser
    replay = requests.post(entra_app.url + "/connect/microsoft/callback", data={"code": "x", "state": "y"}, timeout=10)
    assert page.status_code == 200 and replay.status_code == 400
    assert result_of(replay)["status"] == "error"


def test_an_answer_for_another_sign_in_is_refused_as_bad_state(entra_app, idp):
    browser = requests.Session()
    browser.get(entra_app.url + "/connect/microsoft/start", allow_redirects=False, timeout=10)
    page = browser.post(entra_app.url + "/connect/microsoft/callback", data={"code": "x", "state": "forged"},
                        timeout=10)
    assert page.status_code == 400 and result_of(page) == {"status": "error", "reason": "bad_state"}
    assert idp.requests["token:authorization_code"] == 0


def test_a_revoked_grant_marks_the_account_reconnect_needed_and_the_pane_sees_it(entra_app, idp):
    idp.access_token_lifetime = 120  # msal refreshes tokens this close to expiry
    token = token_for(idp)
    me = entra_app.api("POST", "/api/v1/connect/outlook", token=token).json()
    assert idp.revoke(MEGAN.oid) >= 1
    with entra_app.container.uow() as uow:
        uow.sync.request(me["id"], "test", entra_app.container.deps.clock())
        uow.commit()
    run_sync_requests(entra_app.container)
    assert entra_app.api("GET", "/api/v1/me", token=token).json()["status"] == "reconnect_needed"
    # connecting again makes it active
    idp.revoke(MEGAN.oid)
    assert entra_app.api("POST", "/api/v1/connect/outlook", token=token).json()["status"] == "active"


def test_an_account_from_the_sign_in_window_takes_its_name_from_the_id_token_and_can_start_an_intro(entra_app, idp):
    token = result_of(window_sign_in(entra_app, idp))["token"]
    me = entra_app.api("GET", "/api/v1/me", token=token).json()
    assert me["name"] == MEGAN.name
    spec = {"requester": {"name": "Ann Lee", "email": "ann@acme.example", "asked": True, "blurb": "founder of Acme"},
            "target": {"name": "Bob Stone", "email": "bob@stonevc.example", "blurb": "partner at Stone VC"},
            "context": "clinic go-to-market", "benefit_to_target": "an early look at Acme, growing 15% a month",
            "benefit_to_requester": "advice on selling to clinics"}
    checked = entra_app.api("POST", "/api/v1/intros/check", json=spec, token=token)
    assert checked.status_code == 200, checked.text  # no longer "introducer.name: is required"
    renamed = entra_app.api("PATCH", "/api/v1/me", json={"name": "Meg Bowen"}, token=token)
    assert renamed.json()["name"] == "Meg Bowen"
    window_sign_in(entra_app, idp)  # signing in again keeps the name the user chose
    assert entra_app.api("GET", "/api/v1/me", token=token).json()["name"] == "Meg Bowen"


def test_the_owner_of_an_address_another_tenant_claimed_first_still_connects_in_the_sign_in_window(entra_app, idp):
    squatter = FakeUser("5d2f7a31-1c4e-4b9a-8e6f-3a2b1c0d9e8f", "0b3d5c27-8f0a-4b1e-9c6d-2e7f8a9b0c1d",
                        "Mallory", MEGAN.username)
    assert entra_app.api("GET", "/api/v1/me", token=token_for(idp, squatter)).status_code == 200
    page = window_sign_in(entra_app, idp)
    assert page.status_code == 200, page.text
    me = entra_app.api("GET", "/api/v1/me", token=result_of(page)["token"]).json()
    assert (me["email"], me["status"], me["name"]) == (MEGAN.username, "active", MEGAN.name)
    assert entra_app.api("GET", "/api/v1/me", token=token_for(idp)).json()["id"] == me["id"]


def test_the_sign_in_window_refuses_a_tenant_the_server_does_not_accept(idp, tmp_path):
    allowed = f"{MEGAN.tid},0b3d5c27-8f0a-4b1e-9c6d-2e7f8a9b0c1d"
    stranger = FakeUser("6f7a8b9c-0d1e-4f2a-8b3c-4d5e6f7a8b9c", "3c1f2e4d-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                        "Sam Stranger", "sam@elsewhere.example")
    with entra_live(idp, tmp_path / "data", ms_tenant=allowed) as app:
        page = window_sign_in(app, idp, stranger)
        assert page.status_code == 400 and result_of(page)["reason"] == "tenant_not_allowed"
        assert result_of(window_sign_in(app, idp))["status"] == "connected"
