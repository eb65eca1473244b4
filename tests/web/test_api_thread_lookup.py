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


def test_prefill_reads_the_ask_and_knows_the_people_of_earlier_intros(client, dana):
    body = {"subject": "Hello", "text": "Could you introduce me to Bob Stone at Stone VC? I'd love his advice on pricing.",
            "people": []}
    first = client.post("/api/v1/intros/prefill", json=body, headers=dana).get_json()
    assert first == {"target_name": "Bob Stone", "target_email": "", "target_org": "Stone VC", "context": "pricing",
                     "requester_blurb": ""}
    client.post("/api/v1/intros", json=spec(), headers=dana)  # Dana has introduced Bob before
    again = client.post("/api/v1/intros/prefill", json=body, headers=dana).get_json()
    assert again["target_email"] == "bob@stonevc.example"
    known = {**body, "text": "Could you connect me with Farah?", "people": [{"name": "Farah Khan", "email": "f@m.example"}]}
    assert client.post("/api/v1/intros/prefill", json=known, headers=dana).get_json()["target_email"] == "f@m.example"


@pytest.mark.parametrize("body", [{"text": 5}, {"people": [{"name": "x"}]}, {"people": "bob"}, {"text": "x" * 50_001}])
def test_prefill_refuses_malformed_bodies(client, dana, body):
    assert client.post("/api/v1/intros/prefill", json=body, headers=dana).status_code == 400
