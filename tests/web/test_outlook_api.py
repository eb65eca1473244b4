"""The task pane's additions to /api/v1: the intro as written (compose mode), and connect's refusals."""
from __future__ import annotations

from web_helpers import ANN, BOB, spec


def start(client, headers, **changes) -> dict:
    response = client.post("/api/v1/intros", json=spec(**changes), headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_intro_message_is_refused_until_everyone_agreed(client, dana):
    intro = start(client, dana)
    response = client.get(f"/api/v1/intros/{intro['id']}/intro-message", headers=dana)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"


def test_the_intro_message_is_the_intro_as_introducer_writes_it(client, dana):
    intro = start(client, dana, target={**spec()["target"], "consent_given": True})
    response = client.get(f"/api/v1/intros/{intro['id']}/intro-message", headers=dana)
    assert response.status_code == 200
    message = response.get_json()
    assert message["subject"] == "Intro: Ann Lee meets Bob Stone – clinic go-to-market"
    assert [p["email"] for p in message["to"]] == [ANN, BOB]
    assert "Ann" in message["text"] and message["html"].count("<p") >= 2
    assert response.headers["Cache-Control"] == "no-store"


def test_the_intro_message_of_an_unknown_intro_is_not_found(client, dana):
    assert client.get("/api/v1/intros/4242/intro-message", headers=dana).status_code == 404


def test_the_task_pane_routes_need_a_token(client):
    assert client.get("/api/v1/intros/1/intro-message").status_code == 401
    assert client.post("/api/v1/connect/outlook").status_code == 401


def test_a_sandbox_account_cannot_connect_outlook(client, dana):
    response = client.post("/api/v1/connect/outlook", headers=dana)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "wrong_provider"
