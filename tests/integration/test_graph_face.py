"""The Graph face of the sandbox world, spoken to with plain `requests` over HTTPS on loopback.

Shapes checked against outlook.md §4 and the Graph docs it cites: message create/get/update/send,
createReplyAll, list filters and paging, categories, authentication, throttling.
The change feeds (delta, subscriptions, notifications) are in test_graph_face_sync.py.
"""
from __future__ import annotations

import threading

import pytest

from introducer.domain.model import Person
from introducer.mail.sandbox.replies import compose
from graph_fixtures import T0, draft, graph, outlook, to, world  # noqa: F401

DANA, BOB, ANN = "dana@parkcap.example", "bob@stonevc.example", "ann@acme.example"


@pytest.fixture
def history_retention() -> int:
    return 40




def test_creating_a_message_returns_201_with_a_draft_and_its_conversation(graph, world):
    made = draft(graph)
    assert made["isDraft"] is True and made["id"] and made["conversationId"]
    assert made["internetMessageId"].startswith("<") and made["internetMessageId"].endswith("@parkcap.example>")
    assert made["toRecipients"] == to(BOB, "Bob Stone")
    assert "internetMessageHeaders" not in made  # only when $select-ed
    [stored] = world.drafts(DANA)
    assert stored.parsed()["x-introducer-key"] == "intro-1:ask"


def test_internet_message_headers_are_returned_only_when_selected(graph):
    made = draft(graph)
    plain = graph("GET", f"me/messages/{made['id']}").json()
    selected = graph("GET", f"me/messages/{made['id']}", params={"$select": "internetMessageHeaders"}).json()
    assert "internetMessageHeaders" not in plain
    assert selected["internetMessageHeaders"] == [{"name": "x-introducer-key", "value": "intro-1:ask"}]
    assert set(selected) == {"@odata.etag", "id", "internetMessageHeaders"}


def test_custom_headers_must_start_with_x(graph):
    response = graph("POST", "me/messages", json={"subject": "s", "toRecipients": to(BOB),
                                                  "internetMessageHeaders": [{"name": "Key", "value": "1"}]})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidInternetMessageHeader"


def test_headers_can_be_set_only_when_the_message_is_created(graph):
    made = draft(graph)
    response = graph("PATCH", f"me/messages/{made['id']}",
                     json={"internetMessageHeaders": [{"name": "x-other", "value": "1"}]})
    assert response.status_code == 400


def test_a_draft_takes_a_chosen_internet_message_id(graph, world):
    made = draft(graph, internetMessageId="<introducer.abc@parkcap.example>")
    assert made["internetMessageId"] == "<introducer.abc@parkcap.example>"
    assert world.drafts(DANA)[0].internet_message_id == "<introducer.abc@parkcap.example>"


def test_sending_answers_202_and_the_immutable_id_then_finds_the_sent_copy(graph, world):
    made = draft(graph)
    sent = graph("POST", f"me/messages/{made['id']}/send")
    assert sent.status_code == 202 and sent.content == b""
    copy = graph("GET", f"me/messages/{made['id']}").json()
    assert copy["isDraft"] is False and copy["id"] == made["id"]
    assert copy["conversationId"] == made["conversationId"]
    assert copy["internetMessageId"] == made["internetMessageId"]
    assert len(world.inbox(BOB)) == 1 and world.drafts(DANA) == []


def test_without_the_immutable_id_header_an_id_changes_when_the_draft_is_sent(graph):
    made = graph("POST", "me/messages", prefer=None, json={"subject": "s", "toRecipients": to(BOB)}).json()
    assert graph("POST", f"me/messages/{made['id']}/send", prefer=None).status_code == 202
    assert graph("GET", f"me/messages/{made['id']}", prefer=None).status_code == 404


def test_the_face_records_which_requests_lacked_the_immutable_id_header(graph, outlook):
    draft(graph)
    graph("GET", "me/messages", prefer=None)
    lacking = outlook.face.without_immutable_ids()
    assert [(r.method, r.operation) for r in lacking] == [("GET", "list_messages")]


def test_recipients_stay_patchable_after_sending_but_body_and_subject_do_not(graph):
    made = draft(graph)
    graph("POST", f"me/messages/{made['id']}/send")
    for field, value in (("subject", "New"), ("body", {"contentType": "Text", "content": "x"}), ("replyTo", to(ANN))):
        refused = graph("PATCH", f"me/messages/{made['id']}", json={field: value})
        assert refused.status_code == 400, field
        assert refused.json()["error"]["code"] == "ErrorInvalidPropertyUpdateSentMessage"
    patched = graph("PATCH", f"me/messages/{made['id']}", json={"ccRecipients": to(ANN)})
    assert patched.status_code == 200 and patched.json()["ccRecipients"] == to(ANN)


def test_a_draft_patch_changes_what_it_says_and_keeps_its_id(graph, world):
    made = draft(graph)
    patched = graph("PATCH", f"me/messages/{made['id']}", json={
        "subject": "Changed", "bccRecipients": to(ANN), "body": {"contentType": "HTML", "content": "<p>Hello</p>"}})
    assert patched.status_code == 200
    assert patched.json()["id"] == made["id"] and patched.json()["subject"] == "Changed"
    [stored] = world.drafts(DANA)
    assert stored.parsed()["Bcc"] == "ann@acme.example" and stored.parsed()["x-introducer-key"] == "intro-1:ask"


def test_create_reply_all_makes_a_draft_in_the_same_conversation_with_threading_headers(graph, world):
    inbox = graph("GET", "me/messages", params={"$filter": "internetMessageId eq '<ask-bob-stone.1@acme.example>'"})
    [ask] = inbox.json()["value"]
    reply = graph("POST", f"me/messages/{ask['id']}/createReplyAll", json={"comment": "Happy to help!"})
    assert reply.status_code == 201
    body = reply.json()
    assert body["isDraft"] and body["conversationId"] == ask["conversationId"]
    assert body["subject"] == "RE: " + ask["subject"] and body["toRecipients"] == to(ANN, "Ann Lee")
    em = world.drafts(DANA)[0].parsed()
    assert em["In-Reply-To"] == "<ask-bob-stone.1@acme.example>"
    assert "<ask-bob-stone.1@acme.example>" in em["References"]
    assert "Happy to help!" in graph("GET", f"me/messages/{body['id']}").json()["body"]["content"]


def test_create_reply_all_refuses_both_a_comment_and_a_message_body(graph):
    [ask] = graph("GET", "me/messages").json()["value"]
    both = graph("POST", f"me/messages/{ask['id']}/createReplyAll",
                 json={"comment": "a", "message": {"body": {"contentType": "Text", "content": "b"}}})
    assert both.status_code == 400


def test_create_reply_all_honours_the_original_reply_to(graph, world):
    raw = compose(Person("Ann Lee", ANN), [Person("Dana Park", DANA)], "Lunch?", "Shall we?", T0,
                  message_id="<lunch@acme.example>")
    raw = b"Reply-To: Assistant <assistant@acme.example>\n" + raw
    world.submit(ANN, raw)
    where = "internetMessageId eq '<lunch@acme.example>'"
    [lunch] = graph("GET", "me/messages", params={"$filter": where}).json()["value"]
    reply = graph("POST", f"me/messages/{lunch['id']}/createReplyAll", json={}).json()
    assert [r["emailAddress"]["address"] for r in reply["toRecipients"]] == ["assistant@acme.example"]


def test_a_conversation_list_refuses_orderby_as_inefficient(graph):
    made = draft(graph)
    where = f"conversationId eq '{made['conversationId']}'"
    refused = graph("GET", "me/messages", params={"$filter": where, "$orderby": "receivedDateTime"})
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "InefficientFilter"
    listed = graph("GET", "me/messages", params={"$filter": where, "$select": "id,internetMessageHeaders"}).json()
    assert [m["id"] for m in listed["value"]] == [made["id"]]
    assert listed["value"][0]["internetMessageHeaders"][0]["name"] == "x-introducer-key"


def test_a_sent_items_copy_has_no_internet_message_headers(graph):
    made = draft(graph)
    graph("POST", f"me/messages/{made['id']}/send")
    copy = graph("GET", f"me/messages/{made['id']}", params={"$select": "internetMessageHeaders,isDraft"}).json()
    assert "internetMessageHeaders" not in copy


def test_a_long_list_pages_with_a_next_link(graph):
    for n in range(3):
        draft(graph, subject=f"Draft {n}")
    first = graph("GET", "me/messages", params={"$top": "2"}).json()
    second = graph("GET", first["@odata.nextLink"]).json()
    assert len(first["value"]) == 2 and len(second["value"]) == 2 and "@odata.nextLink" not in second


def test_master_categories_are_listed_created_once_and_set_on_messages(graph, world):
    created = graph("POST", "me/outlook/masterCategories", json={"displayName": "Intros/Awaiting consent",
                                                                 "color": "preset7"})
    assert created.status_code == 201 and created.json()["displayName"] == "Intros/Awaiting consent"
    assert graph("POST", "me/outlook/masterCategories", json={"displayName": "Intros/Awaiting consent"}
                 ).status_code == 409
    listed = graph("GET", "me/outlook/masterCategories").json()["value"]
    assert [c["displayName"] for c in listed] == ["Intros/Awaiting consent"]
    made = draft(graph)
    patched = graph("PATCH", f"me/messages/{made['id']}", json={"categories": ["Intros/Awaiting consent"]})
    assert patched.json()["categories"] == ["Intros/Awaiting consent"]
    assert any(label.name == "Intros/Awaiting consent" for label in world.labels(DANA))


def test_requests_without_a_valid_bearer_token_get_401(graph, outlook):
    assert graph("GET", "me/messages", token="not-a-token").status_code == 401
    outlook.identity.revoke(DANA)
    refused = graph("GET", "me/messages")
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_armed_faults_answer_with_retry_after_once(graph, outlook):
    outlook.face.faults.arm("list_messages", 429, retry_after=3)
    throttled = graph("GET", "me/messages")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "3"
    assert graph("GET", "me/messages").status_code == 200


def test_more_than_four_concurrent_requests_for_one_mailbox_are_throttled(graph, outlook):
    outlook.face.latency = 0.5  # long enough for all six to be in flight together
    answers: list = []
    threads = [threading.Thread(target=lambda: answers.append(graph("GET", "me/messages"))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    throttled = [a for a in answers if a.status_code == 429]
    assert outlook.face.max_concurrency(DANA) >= 5
    assert throttled and sum(a.status_code == 200 for a in answers) >= 4
    assert all(a.json()["error"]["code"] == "ApplicationThrottled" and a.headers["Retry-After"] for a in throttled)
