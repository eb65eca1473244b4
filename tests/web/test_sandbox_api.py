"""The sandbox page's JSON: people, mailboxes, drafts, replies and the clock."""
from __future__ import annotations

from datetime import datetime

import pytest

from web_helpers import ANN, BOB, DANA, spec


def threads_of(client, email: str) -> list[dict]:
    response = client.get(f"/sandbox/api/mailboxes/{email}/threads")
    assert response.status_code == 200
    return response.get_json()["threads"]


def test_the_world_lists_the_introducer_and_the_simulated_people_with_their_behaviour(client):
    world = client.get("/sandbox/api/world").get_json()
    assert world["introducer"] == DANA
    people = {p["email"]: p for p in world["people"]}
    assert people[DANA]["simulated"] is False and people[DANA]["behaviour"] is None
    assert people[BOB]["simulated"] is True and people[BOB]["behaviour"]["on_permission_request"] == "agree"
    assert people[DANA]["unread"] == 1
    datetime.fromisoformat(world["now"])


def test_the_introducers_mailbox_shows_anns_ask_unread_until_it_is_opened(client, seeded):
    threads = threads_of(client, DANA)
    ask = next(t for t in threads if t["thread_id"] == seeded["inbound_thread_id"])
    assert ask["unread"] and ask["inbox"] and ask["senders"] == ["Ann Lee"]
    thread = client.get(f"/sandbox/api/mailboxes/{DANA}/threads/{ask['thread_id']}").get_json()
    message = thread["messages"][0]
    assert message["from"] == [{"name": "Ann Lee", "email": ANN}]
    assert message["to"][0]["email"] == DANA and "introduce me to Bob Stone" in message["text"]
    assert not next(t for t in threads_of(client, DANA) if t["thread_id"] == ask["thread_id"])["unread"]


def test_unknown_mailboxes_threads_and_drafts_are_404s(client):
    assert client.get("/sandbox/api/mailboxes/nobody@x.example/threads").status_code == 404
    assert client.get(f"/sandbox/api/mailboxes/{DANA}/threads/ffffffffffffffff").status_code == 404
    response = client.post(f"/sandbox/api/mailboxes/{DANA}/drafts/rnothing/send")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_sending_the_permission_request_draft_delivers_it_to_the_target(client, dana, seeded):
    intro = client.post("/api/v1/intros", json=spec(source_thread_id=seeded["inbound_thread_id"]), headers=dana)
    intro_id = intro.get_json()["id"]
    drafts = client.get(f"/sandbox/api/mailboxes/{DANA}/drafts").get_json()["drafts"]
    assert len(drafts) == 1 and drafts[0]["to"][0]["email"] == BOB
    sent = client.post(f"/sandbox/api/mailboxes/{DANA}/drafts/{drafts[0]['draft_id']}/send")
    assert sent.status_code == 200 and "worker_error" not in sent.get_json(), sent.get_json()
    assert any("Ann Lee" in t["subject"] for t in threads_of(client, BOB))
    assert client.get(f"/sandbox/api/mailboxes/{DANA}/drafts").get_json()["drafts"] == []
    view = client.get(f"/api/v1/intros/{intro_id}", headers=dana).get_json()
    assert "Review and send" not in view["next_step"] and "Bob" in view["next_step"]


def test_the_source_thread_carries_the_state_label(client, dana, seeded):
    client.post("/api/v1/intros", json=spec(source_thread_id=seeded["inbound_thread_id"]), headers=dana)
    client.post("/sandbox/api/clock", json={"hours": 0.01})  # runs the worker once
    ask = next(t for t in threads_of(client, DANA) if t["thread_id"] == seeded["inbound_thread_id"])
    assert "Intros/Awaiting consent" in ask["labels"]


@pytest.mark.parametrize("body", [{"hours": 0}, {"hours": -1}, {"hours": "1"}, {"hours": 100000}, {}, {"days": 0},
                                  {"days": True}, {"days": 31}, {"next": "yes"}])
def test_the_clock_only_moves_forward_by_a_sensible_number_of_hours(client, body):
    response = client.post("/sandbox/api/clock", json=body)
    assert response.status_code == 400


def test_advancing_the_clock_lets_people_answer_and_runs_the_worker(client, dana):
    intro_id = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()["id"]
    client.post(f"/api/v1/intros/{intro_id}/send-now", headers=dana)
    before = datetime.fromisoformat(client.get("/sandbox/api/world").get_json()["now"])
    moved = client.post("/sandbox/api/clock", json={"hours": 24}).get_json()
    assert "worker_error" not in moved, moved
    assert (datetime.fromisoformat(moved["now"]) - before).total_seconds() >= 24 * 3600
    assert moved["people_sent"] >= 1  # Bob agreed
    view = client.get(f"/api/v1/intros/{intro_id}", headers=dana).get_json()
    assert view["consents"]["target"] == "yes"


def test_a_simulated_person_can_reply_by_hand(client, dana):
    intro_id = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()["id"]
    client.post(f"/api/v1/intros/{intro_id}/send-now", headers=dana)
    bobs = threads_of(client, BOB)[0]
    response = client.post(f"/sandbox/api/mailboxes/{BOB}/threads/{bobs['thread_id']}/reply",
                           json={"text": "Hmm, maybe. Who is she exactly?"})
    assert response.status_code == 200 and "worker_error" not in response.get_json(), response.get_json()
    in_danas = client.get(f"/sandbox/api/mailboxes/{DANA}/threads").get_json()["threads"]
    assert any("Bob Stone" in t["senders"] for t in in_danas)
    view = client.get(f"/api/v1/intros/{intro_id}", headers=dana).get_json()
    assert view["consents"]["target"] == "needs_review" and view["needs_review"] is True


def test_only_simulated_people_reply_from_the_sandbox_box_and_replies_need_text(client, seeded):
    thread = seeded["inbound_thread_id"]
    as_dana = client.post(f"/sandbox/api/mailboxes/{DANA}/threads/{thread}/reply", json={"text": "Sure"})
    assert as_dana.status_code == 403
    ann_thread = threads_of(client, ANN)[0]["thread_id"]
    empty = client.post(f"/sandbox/api/mailboxes/{ANN}/threads/{ann_thread}/reply", json={"text": "  "})
    assert empty.status_code == 400


@pytest.mark.parametrize("body, words", [
    ({"from": {"name": "Bob", "email": "bob@"}, "text": "Yes"}, "from email"),
    ({"from": {"name": "Bob", "email": BOB}, "text": ""}, "text:"),
    ({"from": {"name": "Bob", "email": BOB}, "text": "Yes", "extra_headers": [["X-A", "b\r\nBcc: x@y.example"]]},
     "extra_headers"),
    ({"from": {"name": "Bob", "email": BOB}, "text": "Yes", "in_reply_to": "<a@b>\r\nBcc: x@y.example"},
     "cannot be written"),
    ({"from": {"name": "Bob", "email": BOB}, "text": "Yes", "spoofed": "yes"}, "spoofed"),
])
def test_mail_from_outside_the_world_is_checked_like_any_input(client, body, words):
    response = client.post(f"/sandbox/api/mailboxes/{DANA}/receive", json=body)
    assert response.status_code == 400 and words in response.get_json()["error"]["message"], response.get_json()


def test_a_spoofed_message_from_outside_arrives_with_failing_sender_checks(client):
    answer = client.post(f"/sandbox/api/mailboxes/{DANA}/receive", json={
        "from": {"name": "Bob Stone", "email": BOB}, "subject": "Hi", "text": "Yes please", "spoofed": True})
    assert answer.status_code == 200
    thread_id = answer.get_json()["thread_id"]
    [message] = client.get(f"/sandbox/api/mailboxes/{DANA}/threads/{thread_id}").get_json()["messages"]
    assert message["from"] == [{"name": "Bob Stone", "email": BOB}]
    [stored] = client.application.extensions["introducer"].world.thread(DANA, thread_id)
    assert "dmarc=fail" in str(stored.parsed()["Authentication-Results"])
