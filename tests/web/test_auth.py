"""Every API request is signed in, tokens cannot be forged, and one account never reaches another's intros."""
from __future__ import annotations

from datetime import timedelta

import pytest

from introducer.web.auth import SandboxSessions
from web_helpers import BOB, DANA, spec

ROUTES = [
    ("GET", "/api/v1/me"), ("GET", "/api/v1/intros"), ("POST", "/api/v1/intros"), ("POST", "/api/v1/intros/check"),
    ("GET", "/api/v1/intros/1"), ("POST", "/api/v1/intros/1/cancel"), ("POST", "/api/v1/intros/1/consent"),
    ("POST", "/api/v1/intros/1/send-now"), ("GET", "/api/v1/settings"), ("PATCH", "/api/v1/settings"),
]


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_api_route_refuses_a_request_without_a_token(client, method, path):
    response = client.open(path, method=method, json={})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [
    "Bearer sbx.eyJhIjoxLCJlIjoiZGFuYUBwYXJrY2FwLmV4YW1wbGUiLCJleHAiOjQxMDI0NDQ4MDB9.forged",
    "Bearer sbx.",
    "Bearer something-nobody-issued",
    "Basic ZGFuYTpwYXNzd29yZA==",
])
def test_forged_or_foreign_credentials_are_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_token_with_a_changed_account_is_refused(client, dana):
    token = dana["Authorization"].removeprefix("Bearer ")
    body, _, signature = token.rpartition(".")
    tampered = body[:-2] + ("AA" if not body.endswith("AA") else "BB") + "." + signature
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401


def test_a_token_signed_with_another_secret_is_refused(client, container):
    account_id = client.post("/sandbox/api/session", json={"email": DANA}).get_json()["account_id"]
    token = SandboxSessions("not-the-app-secret").issue(account_id, DANA)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_an_expired_token_is_refused(client, container):
    account_id = client.post("/sandbox/api/session", json={"email": DANA}).get_json()["account_id"]
    sessions = SandboxSessions(container.settings.secret("secret_key"))
    fresh = sessions.issue(account_id, DANA)
    expired = sessions.issue(account_id, DANA, ttl=timedelta(seconds=-1))
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401 and "expired" in response.get_json()["error"]["message"]


def test_a_token_for_an_account_that_does_not_exist_is_refused(client, container):
    token = SandboxSessions(container.settings.secret("secret_key")).issue(424242, "ghost@parkcap.example")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_simulated_people_and_unknown_mailboxes_cannot_sign_in(client):
    simulated = client.post("/sandbox/api/session", json={"email": BOB})
    assert simulated.status_code == 403 and simulated.get_json()["error"]["code"] == "forbidden"
    unknown = client.post("/sandbox/api/session", json={"email": "nobody@nowhere.example"})
    assert unknown.status_code == 404
    assert client.post("/sandbox/api/session", json={"email": 7}).status_code == 400


def test_signing_in_creates_the_account_once(client, container):
    first = client.post("/sandbox/api/session", json={"email": DANA}).get_json()
    second = client.post("/sandbox/api/session", json={"email": DANA.upper()}).get_json()
    assert first["account_id"] == second["account_id"]
    assert first["token"].startswith("sbx.") and first["expires_in"] > 3600


def test_one_account_can_never_see_or_act_on_another_accounts_intro(client, container, dana):
    container.world.add_user("Zed Quinn", "zed@quinn.example", is_simulated=False)
    zed = {"Authorization": "Bearer " + client.post("/sandbox/api/session", json={"email": "zed@quinn.example"})
           .get_json()["token"]}
    intro_id = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()["id"]

    assert client.get("/api/v1/intros", headers=zed).get_json()["intros"] == []
    for method, path, body in [
        ("GET", f"/api/v1/intros/{intro_id}", None),
        ("POST", f"/api/v1/intros/{intro_id}/cancel", None),
        ("POST", f"/api/v1/intros/{intro_id}/consent", {"role": "target", "answer": "yes"}),
        ("POST", f"/api/v1/intros/{intro_id}/send-now", None),
    ]:
        response = client.open(path, method=method, json=body, headers=zed)
        assert response.status_code == 404, (path, response.get_json())
        assert response.get_json()["error"]["code"] == "not_found"

    untouched = client.get(f"/api/v1/intros/{intro_id}", headers=dana).get_json()
    assert untouched["state"] == "awaiting_consent" and untouched["consents"]["target"] == "pending"
