"""Gmail JSON to the port's types: pure functions, one Gmail quirk per test.

Payloads are written in the shapes of the Gmail API reference (Message, MessagePart, Thread,
ListHistoryResponse, ListDraftsResponse, WatchResponse at
developers.google.com/gmail/api/reference/rest/v1) and checked against the discovery document
google-api-python-client ships, so a typo in a test payload fails the test too.
"""
from __future__ import annotations

import base64
from datetime import datetime, timezone
from email.message import EmailMessage

import pytest

from introducer.domain.model import Person
from introducer.mail.gmail import parse
from introducer.mail.port import ChangedMessage
from introducer.mail.sandbox import gmail_discovery as disco
from introducer.mail.sandbox.gmail_resources import payload_of


def b64(text: str | bytes) -> str:
    data = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64encode(data).decode().rstrip("=")  # Gmail may leave the padding off


def message(labels=("INBOX",), headers=None, payload=None, internal="1772442000000", mid="18e1a2b3c4d5e6f7"):
    headers = headers if headers is not None else [
        {"name": "From", "value": "Bob Stone <bob@stonevc.example>"},
        {"name": "To", "value": "Dana Park <dana@parkcap.example>"},
        {"name": "Subject", "value": "Re: Would you like to meet Ann Lee?"},
        {"name": "Date", "value": "Mon, 2 Mar 2026 11:00:00 +0000"},
        {"name": "Message-Id", "value": "<CAB123@mail.stonevc.example>"},
        {"name": "In-Reply-To", "value": "<introducer.abc@parkcap.example>"},
        {"name": "References", "value": "<ask@acme.example> <introducer.abc@parkcap.example>"},
        {"name": "X-Introducer-Key", "value": "intro-1:permission_request:target"},
    ]
    body = payload or {"partId": "", "mimeType": "text/plain", "filename": "", "headers": headers,
                       "body": {"size": 15, "data": b64("Yes, happy to!\n")}}
    body.setdefault("headers", headers)
    out = {"id": mid, "threadId": "18e1a2b3c4d5e000", "labelIds": list(labels), "snippet": "Yes, happy to!",
           "historyId": "4242", "internalDate": internal, "sizeEstimate": 900, "payload": body}
    assert disco.problems_in("Message", out) == []
    return out


def test_headers_are_read_case_insensitively_and_threading_ids_are_kept():
    read = parse.thread_message(message())
    assert read.internet_message_id == "<CAB123@mail.stonevc.example>"  # Gmail keeps "Message-Id" as sent
    assert read.in_reply_to == "<introducer.abc@parkcap.example>"
    assert read.references == ("<ask@acme.example>", "<introducer.abc@parkcap.example>")
    assert read.key == "intro-1:permission_request:target"
    assert read.sender == Person("Bob Stone", "bob@stonevc.example")
    assert read.date == datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)
    assert read.text == "Yes, happy to!\n"


@pytest.mark.parametrize("labels, is_draft, from_me", [
    (("INBOX", "UNREAD"), False, False),
    (("SENT",), False, True),
    (("SENT", "INBOX", "UNREAD"), False, True),  # sent to oneself: one copy, both labels
    (("DRAFT",), True, False),
])
def test_drafts_and_own_messages_are_told_by_their_labels(labels, is_draft, from_me):
    read = parse.thread_message(message(labels=labels), draft_id="r-77")
    assert (read.is_draft, read.from_me) == (is_draft, from_me)
    assert read.draft_id == ("r-77" if is_draft else None)


def test_the_plain_part_wins_and_html_is_converted_only_without_one():
    alternative = {"partId": "", "mimeType": "multipart/alternative", "filename": "", "body": {"size": 0}, "parts": [
        {"partId": "0", "mimeType": "text/plain", "filename": "", "headers": [], "body": {"size": 5, "data": b64("plain")}},
        {"partId": "1", "mimeType": "text/html", "filename": "", "headers": [], "body": {"size": 9, "data": b64("<b>x</b>")}},
    ]}
    assert parse.thread_message(message(payload=alternative)).text == "plain"
    html_only = {"partId": "", "mimeType": "text/html", "filename": "", "body": {"size": 20,
                 "data": b64("<p>Yes</p><p>Bob</p>")}}
    assert parse.thread_message(message(payload=html_only)).text == "Yes\nBob"


def test_a_part_in_another_charset_is_decoded_with_it():
    latin = {"partId": "", "mimeType": "text/plain", "filename": "", "body": {"size": 6, "data": b64("Grüße".encode("latin-1"))},
             "headers": [{"name": "Content-Type", "value": 'text/plain; charset="ISO-8859-1"'}]}
    assert parse.text_of(latin) == "Grüße"


def test_attachments_are_not_mistaken_for_the_body():
    mixed = {"partId": "", "mimeType": "multipart/mixed", "filename": "", "body": {"size": 0}, "parts": [
        {"partId": "0", "mimeType": "text/plain", "filename": "notes.txt", "headers": [],
         "body": {"attachmentId": "ANGjdJ8", "size": 300}},
        {"partId": "1", "mimeType": "text/plain", "filename": "", "headers": [], "body": {"size": 4, "data": b64("body")}},
    ]}
    assert parse.thread_message(message(payload=mixed)).text == "body"


def test_a_missing_date_header_falls_back_to_internal_date():
    read = parse.thread_message(message(headers=[{"name": "From", "value": "x@y.example"}], internal="1772442000000"))
    assert read.date == datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    assert read.subject == "" and read.internet_message_id == ""


def test_thread_messages_come_oldest_first_with_their_draft_ids():
    thread = {"id": "t", "historyId": "9", "messages": [message(mid="b", internal="2000", labels=("DRAFT",)),
                                                        message(mid="a", internal="1000")]}
    assert disco.problems_in("Thread", thread) == []
    read = parse.thread_messages(thread, {"b": "r-1"})
    assert [m.provider_id for m in read] == ["a", "b"] and read[1].draft_id == "r-1"
    assert [m["id"] for m in parse.draft_messages(thread)] == ["b"]


def test_history_pages_give_added_messages_in_order_and_tolerate_empty_pages():
    page = {"history": [
        {"id": "101", "messages": [{"id": "m1", "threadId": "t1"}],
         "messagesAdded": [{"message": {"id": "m1", "threadId": "t1", "labelIds": ["INBOX"]}}]},
        {"id": "102", "messages": [{"id": "m1", "threadId": "t1"}],
         "labelsAdded": [{"message": {"id": "m1", "threadId": "t1"}, "labelIds": ["Label_3"]}]},
        {"id": "105", "messages": [{"id": "m2", "threadId": "t2"}],
         "messagesAdded": [{"message": {"id": "m2", "threadId": "t2", "labelIds": ["SENT"]}}]},
    ], "historyId": "105"}
    assert disco.problems_in("ListHistoryResponse", page) == []
    assert parse.added_messages(page) == [ChangedMessage("m1", "t1"), ChangedMessage("m2", "t2", sent=True)]
    assert parse.added_messages({"historyId": "105"}) == []  # no changes: no "history" key at all


def test_a_draft_sent_in_place_is_a_sent_change_other_label_changes_are_not():
    page = {"history": [
        {"id": "201", "messages": [{"id": "d1", "threadId": "t1"}],
         "labelsRemoved": [{"message": {"id": "d1", "threadId": "t1"}, "labelIds": ["DRAFT"]}]},
        {"id": "202", "messages": [{"id": "d1", "threadId": "t1"}],
         "labelsAdded": [{"message": {"id": "d1", "threadId": "t1"}, "labelIds": ["SENT"]}]},
        {"id": "203", "messages": [{"id": "m9", "threadId": "t9"}],
         "labelsAdded": [{"message": {"id": "m9", "threadId": "t9"}, "labelIds": ["Label_4"]}],
         "labelsRemoved": [{"message": {"id": "m9", "threadId": "t9"}, "labelIds": ["UNREAD"]}]},
    ], "historyId": "203"}
    assert disco.problems_in("ListHistoryResponse", page) == []
    assert dict.fromkeys(parse.added_messages(page)) == {ChangedMessage("d1", "t1", sent=True): None}


def test_empty_listings_have_no_list_key():
    assert parse.draft_ids({"resultSizeEstimate": 0}) == {}
    assert parse.message_refs({"resultSizeEstimate": 0}) == []
    listing = {"drafts": [{"id": "r-1", "message": {"id": "m1", "threadId": "t1"}}], "resultSizeEstimate": 1}
    assert disco.problems_in("ListDraftsResponse", listing) == []
    assert parse.draft_ids(listing) == {"m1": "r-1"}


def test_a_watch_answer_gives_the_cursor_and_expiry():
    answer = {"historyId": "1234567", "expiration": "1773046800000"}
    assert disco.problems_in("WatchResponse", answer) == []
    info = parse.watch_info(answer)
    assert info.cursor == "1234567" and info.expires_at == datetime(2026, 3, 9, 9, 0, tzinfo=timezone.utc)


def test_labels_are_found_by_name():
    listing = {"labels": [{"id": "INBOX", "name": "INBOX", "type": "system"},
                          {"id": "Label_7", "name": "Intros/Introduced", "type": "user"}]}
    assert disco.problems_in("ListLabelsResponse", listing) == []
    assert parse.label_ids(listing) == {"INBOX": "INBOX", "Intros/Introduced": "Label_7"}


def test_what_the_face_serves_reads_back_as_the_message_that_was_stored():
    em = EmailMessage()
    em["From"], em["To"], em["Subject"] = "Ann Lee <ann@acme.example>", "dana@parkcap.example", "Grüße"
    em["Message-ID"] = "<x@acme.example>"
    em.set_content("Schöne Grüße,\nAnn\n", charset="iso-8859-1", cte="quoted-printable")
    em.add_alternative("<p>Schöne Grüße</p>", subtype="html")
    em.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="deck.pdf")
    payload = payload_of(em)
    assert disco.problems_in("MessagePart", payload) == []
    assert parse.text_of(payload) == "Schöne Grüße,\nAnn\n"
    assert parse.headers_of(payload)["subject"] == "Grüße"
