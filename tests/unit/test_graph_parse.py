"""Pure Graph JSON handling: parsing into the port's types, request bodies, Retry-After.

Payloads are the published examples of microsoftgraph/microsoft-graph-docs-contrib
(api-reference/v1.0/api/message-get.md examples 1-3, message-delta.md), trimmed, with the
addresses changed to this project's demo people where a test needs them.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from introducer.domain.model import Person
from introducer.mail.graph import delta, parse, payloads
from introducer.mail.retry_after import retry_after_seconds
from introducer.mail.port import ChangedMessage, OutgoingMessage

# message-get.md, example 1 (body as HTML), with example 2's headers selected as well.
RECEIVED = {
    "@odata.etag": 'W/"CQAAABYAAAC4ofQHEIqCSbQPot83AFcbAAAnjjuZ"',
    "id": "AAMkADMGAAA=",
    "receivedDateTime": "2018-09-09T03:15:08Z", "sentDateTime": "2018-09-09T03:15:06Z",
    "internetMessageId": "<MWHPR6E1BE060@MWHPR1120.namprd22.prod.outlook.com>",
    "subject": "9/9/2018: concert", "conversationId": "AAQkADOUpag6yWs=", "isDraft": False,
    "body": {"contentType": "html", "content": "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" "
             "content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\nThe group represents Nevada.\r\n"
             "</body>\r\n</html>\r\n"},
    "sender": {"emailAddress": {"name": "Adele Vance", "address": "adelev@contoso.OnMicrosoft.com"}},
    "from": {"emailAddress": {"name": "Adele Vance", "address": "adelev@contoso.OnMicrosoft.com"}},
    "toRecipients": [{"emailAddress": {"name": "Alex Wilber", "address": "AlexW@contoso.OnMicrosoft.com"}}],
    "ccRecipients": [], "bccRecipients": [], "replyTo": [],
    "internetMessageHeaders": [
        {"name": "MIME-Version", "value": "1.0"}, {"name": "Content-Type", "value": "multipart/report"},
        {"name": "In-Reply-To", "value": "<intro.1@contoso.OnMicrosoft.com>"},
        {"name": "References", "value": "<ask.1@contoso.OnMicrosoft.com> <intro.1@contoso.OnMicrosoft.com>"},
        {"name": "x-custom-header-group-name", "value": "Washington"}],
}
# message-get.md, example 3: the body as text (Prefer: outlook.body-content-type="text").
TEXT_BODY = {"contentType": "text", "content": "Welcome to our group, Dana!\r\n\r\nThanks!\r\n\r\n"}
OWNER = "AlexW@contoso.OnMicrosoft.com"


def test_a_received_message_becomes_a_thread_message():
    m = parse.thread_message(RECEIVED, OWNER)
    assert m.provider_id == "AAMkADMGAAA=" and m.thread_id == "AAQkADOUpag6yWs="
    assert m.sender == Person("Adele Vance", "adelev@contoso.OnMicrosoft.com")
    assert m.to == (Person("Alex Wilber", "AlexW@contoso.OnMicrosoft.com"),)
    assert m.date == datetime(2018, 9, 9, 3, 15, 8, tzinfo=timezone.utc)
    assert m.text.strip() == "The group represents Nevada."
    assert not m.is_draft and not m.from_me and m.draft_id is None


def test_threading_headers_come_from_internet_message_headers_by_lower_case_name():
    m = parse.thread_message(RECEIVED, OWNER)
    assert m.headers["x-custom-header-group-name"] == "Washington"
    assert m.in_reply_to == "<intro.1@contoso.OnMicrosoft.com>"
    assert m.references == ("<ask.1@contoso.OnMicrosoft.com>", "<intro.1@contoso.OnMicrosoft.com>")


def test_a_text_body_loses_its_carriage_returns():
    m = parse.thread_message({**RECEIVED, "body": TEXT_BODY}, OWNER)
    assert m.text == "Welcome to our group, Dana!\n\nThanks!\n\n"


def test_the_owners_sent_message_is_from_me_whatever_the_case_of_the_address():
    sent = {**RECEIVED, "from": {"emailAddress": {"name": "Alex", "address": "alexw@CONTOSO.onmicrosoft.com"}}}
    sent.pop("internetMessageHeaders")  # Sent Items copies have none
    m = parse.thread_message(sent, OWNER)
    assert m.from_me and m.headers == {} and m.key is None and m.in_reply_to is None


def test_a_draft_is_never_from_me_and_its_id_is_the_draft_id():
    draft = {**RECEIVED, "isDraft": True, "from": {"emailAddress": {"address": OWNER}},
             "internetMessageHeaders": [{"name": "x-introducer-key", "value": "intro-7:intro:all"}]}
    m = parse.thread_message(draft, OWNER)
    assert m.is_draft and not m.from_me and m.draft_id == m.provider_id
    assert m.key == "intro-7:intro:all"


def test_a_name_that_only_repeats_the_address_is_dropped():
    assert parse.person({"emailAddress": {"name": "bob@x.example", "address": "bob@x.example"}}) == \
        Person("", "bob@x.example")


def test_timestamps_with_seven_fractional_digits_parse_as_utc():
    assert parse.when("2016-11-20T18:23:45.9356913Z") == datetime(2016, 11, 20, 18, 23, 45, 935691,
                                                                  tzinfo=timezone.utc)
    assert parse.when(None) is None


def test_delta_items_become_changes_and_removals_are_skipped():
    # message-delta.md: items carry the selected properties; removed ones only id and @removed.
    assert parse.changed({"id": "AAMkAGI2", "conversationId": "AAQkAGI2"}) == ChangedMessage("AAMkAGI2", "AAQkAGI2")
    assert parse.changed({"id": "AAMkAGI3", "@removed": {"reason": "deleted"}}) is None


def test_a_created_draft_is_where_it_lives():
    made = parse.created({**RECEIVED, "isDraft": True})
    assert (made.provider_id, made.thread_id, made.draft_id) == ("AAMkADMGAAA=", "AAQkADOUpag6yWs=", "AAMkADMGAAA=")


MESSAGE = OutgoingMessage(key="intro-1:intro:all", to=(Person("Ann Lee", "ann@acme.example"),),
                          subject="Intro: Ann meets Bob", text="Ann, meet Bob.",
                          bcc=(Person("Dana Park", "dana@parkcap.example"),))


def test_a_new_message_body_carries_the_key_header_and_message_id():
    body = payloads.new_message(MESSAGE, "<introducer.1@parkcap.example>")
    assert body["internetMessageHeaders"] == [{"name": "x-introducer-key", "value": "intro-1:intro:all"}]
    assert body["internetMessageId"] == "<introducer.1@parkcap.example>"
    assert body["body"] == {"contentType": "Text", "content": "Ann, meet Bob."}
    assert body["toRecipients"] == [{"emailAddress": {"address": "ann@acme.example", "name": "Ann Lee"}}]
    assert body["bccRecipients"][0]["emailAddress"]["address"] == "dana@parkcap.example"


def test_html_wins_over_text_in_the_single_graph_body():
    body = payloads.body_of(OutgoingMessage(key="k", to=(), subject="s", text="t", html="<p>t</p>"))
    assert body == {"contentType": "HTML", "content": "<p>t</p>"}


def test_headers_that_do_not_start_with_x_are_refused_before_graph_is_asked():
    with pytest.raises(ValueError):
        payloads.custom_headers(OutgoingMessage(key="k", to=(), subject="s", text="t",
                                                extra_headers=(("Auto-Submitted", "auto-generated"),)))


def test_odata_strings_double_their_quotes():
    assert payloads.odata_string("O'Brien's") == "'O''Brien''s'"


def test_a_subscription_body_is_shaped_as_published():
    body = payloads.subscription("me/mailFolders('inbox')/messages", "https://a.example/graph/notify",
                                 "https://a.example/graph/lifecycle", "s3cret",
                                 datetime(2026, 3, 8, 9, 0, tzinfo=timezone(timedelta(hours=1))))
    assert body == {"changeType": "created", "notificationUrl": "https://a.example/graph/notify",
                    "lifecycleNotificationUrl": "https://a.example/graph/lifecycle",
                    "resource": "me/mailFolders('inbox')/messages", "expirationDateTime": "2026-03-08T08:00:00Z",
                    "clientState": "s3cret"}


@pytest.mark.parametrize("value, seconds", [("7", 7.0), (None, None), ("soon", None), ("", None),
                                            ("Mon, 02 Mar 2026 09:00:30 GMT", 30.0)])
def test_retry_after_is_seconds_or_an_http_date(value, seconds):
    now = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(value, now) == seconds


@pytest.mark.parametrize("cursor", ["12345", "not json", '{"inbox": "x"}', "[]"])
def test_a_cursor_that_is_not_two_delta_links_is_not_a_cursor(cursor):
    assert delta.links_of(cursor) is None


def test_a_cursor_of_two_delta_links_is_read_back():
    assert delta.links_of('{"inbox": "a", "sentitems": "b"}') == {"inbox": "a", "sentitems": "b"}
