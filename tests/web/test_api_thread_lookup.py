"""GET /api/v1/intros/for-thread: the sidebar asks which intro the open thread belongs to."""
from __future__ import annotations

import pytest

from web_helpers import spec


def lookup(client, dana, **params):
    response = client.get("/api/v1/intros/for-thread", query_string=params, headers=dana)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["intro"]


def test_the_ask_the_permission_request_and_the_intro_thread_each_show_their_intro(client, dana, seeded, container):
    intro_id = client.post("/api/v1/intros", json=spec(source_thread_id=seeded["inbound_thread_id"]),
                           headers=dana).get_json()["id"]
    ask = lookup(client, dana, thread_id=seeded["inbound_thread_id"])
    assert ask["id"] == intro_id and ask["thread_purpose"] == "source" and ask["state"] == "awaiting_consent"

    draft = client.get(f"/api/v1/intros/{intro_id}", headers=dana).get_json()["messages"][0]
    assert lookup(client, dana, thread_id=draft["thread_id"])["id"] == intro_id  # the draft's own thread
    client.post(f"/api/v1/intros/{intro_id}/send-now", headers=dana)
    client.post("/sandbox/api/clock", json={"hours": 24})  # Bob agrees; the intro is drafted
    view = client.get(f"/api/v1/intros/{intro_id}", headers=dana).get_json()
    asked = view["consent_detail"]["target"]["thread_id"]
    assert lookup(client, dana, thread_id=asked)["thread_purpose"] == "permission:target"
    intro_draft = next(m for m in view["messages"] if m["step"] == "intro")
    found = lookup(client, dana, thread_id=intro_draft["thread_id"])
    assert found["id"] == intro_id and found["consents"]["target"] == "yes"


def test_a_thread_that_belongs_to_no_intro_is_null_and_other_accounts_see_nothing(client, dana, seeded):
    assert lookup(client, dana, thread_id="no-such-thread") is None
    client.post("/api/v1/intros", json=spec(source_thread_id=seeded["inbound_thread_id"]), headers=dana)
    token = client.post("/sandbox/api/session", json={"email": "bob@stonevc.example"})
    assert token.status_code == 403  # simulated people cannot sign in; the lookup is per signed-in account
    assert client.get("/api/v1/intros/for-thread", query_string={"thread_id": "x"}).status_code == 401


@pytest.mark.parametrize("params", [{}, {"thread_id": " "}, {"thread_id": "x" * 1001}])
def test_a_lookup_needs_a_thread_or_message_id(client, dana, params):
    assert client.get("/api/v1/intros/for-thread", query_string=params, headers=dana).status_code == 400
