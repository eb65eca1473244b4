"""The sandbox's Google sign-in and push, served next to the Gmail face: the real "Connect Gmail"
flow (google-auth-oauthlib), ID-token checks (google-auth) and Pub/Sub-shaped watch notifications,
all offline."""
from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from flask import Flask, request
from werkzeug.serving import make_server

from gmail_fixtures import (ANN, CLIENT_ID, CLIENT_SECRET, DANA, TOPIC, ask, clock, dana, face,  # noqa: F401
                            sleeps, world)
from introducer.auth.errors import AuthError
from introducer.auth.google_oauth import GoogleConnect
from introducer.auth.google_tokens import GoogleTokenVerifier
from introducer.mail.gmail import gmail_mailbox_for
from introducer.mail.sandbox.gmail_face import GmailFace
from introducer.mail.sandbox.gmail_push import push_to

REDIRECT = "https://introducer.example.com/connect/google/callback"
PUSH_ACCOUNT = "gmail-push@introducer-test.iam.gserviceaccount.com"


@pytest.fixture(autouse=True)
def plain_http_to_loopback(monkeypatch):
    # oauthlib insists on https; the face is plain http on 127.0.0.1.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def connect_flow(face):
    verifier = GoogleTokenVerifier(certs_url=face.certs_url)
    return GoogleConnect(CLIENT_ID, CLIENT_SECRET, REDIRECT, auth_uri=face.auth_url, token_uri=face.token_url,
                         id_token_verifier=verifier)


def follow_consent_page(started, pick: dict) -> str:
    """Load the consent page like a browser, submit it, and return where it redirects."""
    page = requests.get(started.authorization_url)
    assert page.status_code == 200
    form = dict(parse_qsl(urlsplit(started.authorization_url).query))
    answer = requests.post(started.authorization_url.split("?")[0], data={**form, **pick}, allow_redirects=False)
    assert answer.status_code == 302
    return answer.headers["Location"]


def test_connecting_gmail_runs_offline_from_consent_page_to_gmail_calls(world, face, connect_flow, sleeps):
    started = connect_flow.start(login_hint=DANA.email)
    page = requests.get(started.authorization_url).text
    assert DANA.email in page and ANN.email not in page  # simulated people do not sign in
    grant = connect_flow.finish(follow_consent_page(started, {"account": DANA.email}), started.state,
                                started.code_verifier)
    assert grant.email == DANA.email and grant.subject
    box = gmail_mailbox_for(DANA, grant.refresh_token, CLIENT_ID, CLIENT_SECRET, face.token_url, face.url,
                            sleep=sleeps.append)
    assert box.changes_since(None).cursor == str(world.latest_history(DANA.email))


def test_cancelling_on_the_consent_page_is_access_denied(connect_flow):
    started = connect_flow.start()
    with pytest.raises(AuthError) as caught:
        connect_flow.finish(follow_consent_page(started, {"decision": "deny"}), started.state, started.code_verifier)
    assert caught.value.reason == "access_denied"


def test_an_unknown_client_or_secret_is_refused(face):
    assert requests.get(face.auth_url, params={"client_id": "someone-else", "response_type": "code",
                                               "redirect_uri": REDIRECT}).status_code == 401
    refresh = face.connect(DANA.email, CLIENT_ID)
    answer = requests.post(face.token_url, data={"grant_type": "refresh_token", "refresh_token": refresh,
                                                 "client_id": CLIENT_ID, "client_secret": "guess"})
    assert answer.status_code == 401 and answer.json()["error"] == "invalid_client"


def test_a_revoked_refresh_token_is_invalid_grant_at_the_token_endpoint(face):
    refresh = face.connect(DANA.email, CLIENT_ID)
    assert requests.post(f"{face.url}revoke", data={"token": refresh}).status_code == 200
    answer = requests.post(face.token_url, data={"grant_type": "refresh_token", "refresh_token": refresh,
                                                 "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_a_stored_refresh_token_outlives_a_restart_with_the_same_secret(world):
    secret = b"kept-in-the-data-folder"
    with GmailFace(world, clients={CLIENT_ID: CLIENT_SECRET}, secret=secret).start() as before:
        refresh = before.connect(DANA.email, CLIENT_ID)
    for kept, works in ((secret, True), (b"another-secret", False)):
        with GmailFace(world, clients={CLIENT_ID: CLIENT_SECRET}, secret=kept).start() as after:
            answer = requests.post(after.token_url, data={"grant_type": "refresh_token", "refresh_token": refresh,
                                                          "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
            assert (answer.status_code == 200) is works


def test_id_tokens_it_signs_verify_against_its_certificates(face):
    verifier = GoogleTokenVerifier(certs_url=face.certs_url)
    token = face.identity.mint_id_token("https://introducer.example.com/webhooks/gmail", "118000", PUSH_ACCOUNT)
    claims = verifier.verify_pubsub_token(token, "https://introducer.example.com/webhooks/gmail", PUSH_ACCOUNT)
    assert claims["email"] == PUSH_ACCOUNT


def decoded(envelope: dict) -> dict:
    data = envelope["message"]["data"]
    return json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def test_a_watch_pushes_at_once_then_only_for_its_labels(world, face, dana, clock):
    service = dana.client
    service.watch(TOPIC, ["INBOX"])
    [first] = face.watches.notifications
    assert decoded(first) == {"emailAddress": DANA.email, "historyId": str(world.latest_history(DANA.email))}
    assert first["subscription"].startswith("projects/introducer-test/subscriptions/")
    dana.send(ask())  # SENT only: not what this watch asked for
    assert len(face.watches.notifications) == 1
    world.receive(DANA.email, b"From: ann@acme.example\r\nTo: dana@parkcap.example\r\nSubject: Hi\r\n\r\nHello\r\n")
    assert len(face.watches.notifications) == 2
    assert decoded(face.watches.notifications[-1])["historyId"] == str(world.latest_history(DANA.email))


def test_an_expired_watch_stops_pushing(world, face, dana, clock):
    dana.watch()
    clock.now += timedelta(days=8)
    world.receive(DANA.email, b"From: ann@acme.example\r\nTo: dana@parkcap.example\r\nSubject: Hi\r\n\r\nHello\r\n")
    assert len(face.watches.notifications) == 1  # only the one a watch sends at once


def test_pushes_can_be_posted_with_an_oidc_token_as_pubsub_does(world):
    received, arrived = [], threading.Event()
    receiver = Flask("receiver")

    @receiver.post("/webhooks/gmail")
    def webhook():
        received.append((request.headers["Authorization"], request.get_json()))
        arrived.set()
        return "", 204

    server = make_server("127.0.0.1", 0, receiver, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/webhooks/gmail"
    try:
        sink = {}
        with GmailFace(world, clients={CLIENT_ID: CLIENT_SECRET},
                       push=lambda envelope: sink["deliver"](envelope)).start() as pushing:
            sink["deliver"] = push_to(url, pushing.identity, PUSH_ACCOUNT)
            pushing.watches.start(DANA.email, TOPIC, ["INBOX", "SENT"], "include")
            assert arrived.wait(5)
            verifier = GoogleTokenVerifier(certs_url=pushing.certs_url)
            authorization, envelope = received[0]
            assert verifier.verify_pubsub_token(authorization, url, PUSH_ACCOUNT)["email"] == PUSH_ACCOUNT
            assert decoded(envelope)["emailAddress"] == DANA.email
    finally:
        server.shutdown()
        server.server_close()
