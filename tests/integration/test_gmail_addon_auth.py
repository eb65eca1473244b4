"""Every add-on request is verified: the system token (Authorization) and the user token (event), one
rejection per way a token can be wrong; and malformed events are 400s with a message, never 500s."""
from __future__ import annotations

import pytest

from gmail_addon_fixtures import (ADDON_ACCOUNT, DANA, GmailLive, card_of, clock, live,  # noqa: F401
                                  plain_http_to_loopback)
from introducer.mail.sandbox.google_signing import new_signing_key

ENDPOINTS = ["/addon/gmail/home", "/addon/gmail/on-open", "/addon/gmail/action", "/addon/gmail/compose"]


@pytest.fixture(scope="module")
def forger():
    return new_signing_key("sandbox-key-1")  # the served key's id, another key: only the signature differs


def refused(response, words: str) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["error"]["code"] == "unauthenticated"
    assert words in response.json()["error"]["message"]
    assert "Bearer" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_request_without_a_system_token_is_refused_on_every_endpoint(live, path):
    refused(live.post(path, live.event(), token=None), "no ID token was sent")


def test_a_system_token_with_a_forged_signature_is_refused(live, forger):
    url = live.url + "/addon/gmail/home"
    token = live.face.identity.mint_id_token(url, "117" + "0" * 18, ADDON_ACCOUNT, key=forger)
    refused(live.post(url, live.event(), token=token), "bad_signature")


def test_an_expired_system_token_is_refused(live):
    url = live.url + "/addon/gmail/home"
    refused(live.post(url, live.event(), token=live.system_token(url, expires_in=-600)), "expired")


def test_a_system_token_for_another_endpoint_is_refused(live):
    token = live.system_token(live.url + "/addon/gmail/on-open")
    refused(live.post("/addon/gmail/home", live.event(), token=token), "wrong_audience")


def test_a_system_token_of_another_service_account_is_refused(live):
    url = live.url + "/addon/gmail/home"
    token = live.face.identity.mint_id_token(url, "117" + "0" * 18, "someone@else.iam.gserviceaccount.com")
    refused(live.post(url, live.event(), token=token), "wrong_service_account")


def test_a_system_token_with_an_unverified_email_is_refused(live):
    url = live.url + "/addon/gmail/home"
    refused(live.post(url, live.event(), token=live.system_token(url, email_verified=False)), "email_unverified")


def test_a_user_token_issued_to_another_client_is_refused(live):
    event = live.event()
    event["authorizationEventObject"]["userIdToken"] = live.user_token(client_id="999-other.apps.googleusercontent.com")
    refused(live.post("/addon/gmail/home", event), "user token")


def test_a_missing_or_forged_user_token_is_refused(live, forger):
    event = live.event()
    del event["authorizationEventObject"]["userIdToken"]
    refused(live.post("/addon/gmail/home", event), "user token")
    event["authorizationEventObject"]["userIdToken"] = live.face.identity.mint_id_token(
        "1234567890-introducer.apps.googleusercontent.com", "108", DANA, key=forger)
    refused(live.post("/addon/gmail/home", event), "bad_signature")


def test_the_system_token_is_checked_before_the_body_is_read(live):
    refused(live.post("/addon/gmail/home", None, token=None, raw=b"{not json"), "no ID token")


@pytest.mark.parametrize("raw, words", [
    (b"{not json", "not valid JSON"),
    (b"\xff\xfe", "not UTF-8"),
    (b"", "add-on event"),
    (b"[1, 2]", "add-on event"),
    (b'{"authorizationEventObject": {}}', "commonEventObject: is required"),
    (b'{"commonEventObject": "GMAIL"}', "commonEventObject: must be an object"),
    (b'{"commonEventObject": {"parameters": {"action": 3}}}', "parameters.action: must be text"),
    (b'{"commonEventObject": {"parameters": ["start"]}}', "parameters: must map names to text"),
    (b'{"commonEventObject": {"formInputs": {"context": {"stringInputs": {"value": "x"}}}}}',
     "formInputs.context.stringInputs.value: must be a list of text"),
    (b'{"commonEventObject": {"timeZone": {"id": 5}}}', "timeZone.id: must be text"),
    (b'{"commonEventObject": {}, "authorizationEventObject": {"userIdToken": ["x"]}}',
     "authorizationEventObject.userIdToken: must be text"),
    (b'{"commonEventObject": {}, "gmail": {"toRecipients": "bob@x.example"}}', "gmail.toRecipients"),
])
def test_a_malformed_event_is_a_400_naming_what_is_wrong(live, raw, words):
    answer = live.post("/addon/gmail/action", None, raw=raw)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == "bad_request"
    assert words in answer.json()["error"]["message"]


def test_behind_a_proxy_the_audience_is_the_public_url_not_the_local_one(tmp_path, clock):
    running = GmailLive(tmp_path / "proxied", clock, public=False, public_url="https://introducer.example.com")
    try:
        local = running.url + "/addon/gmail/home"
        public = "https://introducer.example.com/addon/gmail/home"
        refused(running.post(local, running.event(), token=running.system_token(local)), "wrong_audience")
        answer = running.post(local, running.event(), token=running.system_token(public))
        assert answer.status_code == 200
        link = str(card_of(answer.json()))
        assert "https://introducer.example.com/connect/google/start?ticket=" in link
    finally:
        running.stop()


def test_without_a_public_url_the_audience_is_the_url_as_called(tmp_path, clock):
    running = GmailLive(tmp_path / "local", clock, public=False)
    try:
        answer = running.post("/addon/gmail/home", running.event())
        assert answer.status_code == 200
        assert running.url + "/addon/gmail/action" in str(card_of(answer.json()))
    finally:
        running.stop()


def test_an_unconfigured_server_answers_503_rather_than_trusting_anyone(tmp_path, clock):
    running = GmailLive(tmp_path / "bare", clock, google_addon_service_account=None)
    try:
        answer = running.post("/addon/gmail/home", running.event())
        assert answer.status_code == 503 and answer.json()["error"]["code"] == "not_configured"
    finally:
        running.stop()
