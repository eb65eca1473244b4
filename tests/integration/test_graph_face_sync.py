"""The Graph face's change feeds: delta queries, subscriptions with the validation handshake, and the
change notifications and lifecycle events it delivers, spoken to with plain `requests` over HTTPS.

Shapes checked against outlook.md §5, GD message-delta.md and GD change-notifications-*.md.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from fakes.graph_helpers import IMMUTABLE, GraphCaller, WebhookReceiver
from introducer.domain.model import Person
from introducer.mail.sandbox.replies import compose
from graph_fixtures import T0, draft, graph, outlook, receiver, to, world  # noqa: F401

DANA, BOB, ANN = "dana@parkcap.example", "bob@stonevc.example", "ann@acme.example"


@pytest.fixture
def history_retention() -> int:
    return 40




def test_delta_pages_with_maxpagesize_then_gives_a_delta_link_that_lists_only_new_mail(graph, world):
    for n in range(4):
        world.submit(ANN, compose(Person("Ann Lee", ANN), [Person("Dana Park", DANA)], f"Note {n}", "x", T0))
    prefer = f'{IMMUTABLE}, odata.maxpagesize=2'
    page = graph("GET", "me/mailFolders/inbox/messages/delta", prefer=prefer,
                 params={"$select": "id,conversationId,subject"})
    assert page.headers["Preference-Applied"] == "odata.maxpagesize=2"
    seen = []
    while True:
        body = page.json()
        seen += [m["subject"] for m in body["value"]]
        assert set(body["value"][0]) == {"@odata.etag", "id", "conversationId", "subject"}
        if "@odata.deltaLink" in body:
            break
        page = graph("GET", body["@odata.nextLink"], prefer=prefer)
    assert len(seen) == 5  # Ann's ask and four notes
    world.submit(BOB, compose(Person("Bob Stone", BOB), [Person("Dana Park", DANA)], "Fresh", "y", T0))
    again = graph("GET", body["@odata.deltaLink"], prefer=prefer).json()
    assert [m["subject"] for m in again["value"]] == ["Fresh"] and "@odata.deltaLink" in again


def test_an_expired_delta_link_answers_410_sync_state_not_found(graph, world):
    link = graph("GET", "me/mailFolders/inbox/messages/delta").json()["@odata.deltaLink"]
    for n in range(45):  # the world keeps 40 history records per mailbox here
        world.submit(ANN, compose(Person("Ann Lee", ANN), [Person("Dana Park", DANA)], f"N{n}", "x", T0))
    gone = graph("GET", link)
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "SyncStateNotFound"


def test_a_delta_link_replayed_with_the_other_id_type_is_refused(graph):
    link = graph("GET", "me/mailFolders/inbox/messages/delta").json()["@odata.deltaLink"]
    refused = graph("GET", link, prefer=None)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "SyncStateInvalid"


def subscribe(graph: GraphCaller, receiver: WebhookReceiver, **overrides):
    body = {"changeType": "created", "notificationUrl": receiver.notify_url,
            "lifecycleNotificationUrl": receiver.lifecycle_url, "resource": "me/mailFolders('inbox')/messages",
            "expirationDateTime": (T0 + timedelta(days=6)).isoformat().replace("+00:00", "Z"),
            "clientState": "s3cret", **overrides}
    return graph("POST", "subscriptions", json=body)


def test_a_subscription_is_created_after_both_urls_pass_the_validation_handshake(graph, receiver):
    response = subscribe(graph, receiver)
    assert response.status_code == 201, response.text
    sub = response.json()
    assert sub["resource"] == "me/mailFolders('inbox')/messages" and sub["clientState"] == "s3cret"
    assert sub["expirationDateTime"] == "2026-03-08T09:00:00Z"
    assert [path for path, _, _ in receiver.validations] == ["/graph/notify", "/graph/lifecycle"]
    assert all(token.startswith("Validation: Testing client application reachability") and content.startswith(
        "text/plain") for _, token, content in receiver.validations)


@pytest.mark.parametrize("mode, code", [("wrong", "ValidationError"), ("error", "ValidationError")])
def test_a_subscription_is_refused_when_the_endpoint_does_not_echo_the_token(graph, receiver, mode, code):
    receiver.mode = mode
    refused = subscribe(graph, receiver)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == code


def test_a_subscription_is_refused_when_the_endpoint_answers_too_late(graph, receiver, outlook):
    outlook.face.subscriptions.validation_timeout = 0.3
    receiver.mode, receiver.delay = "slow", 0.6
    refused = subscribe(graph, receiver)
    assert refused.status_code == 400 and "timed out" in refused.json()["error"]["message"]


def test_a_subscription_longer_than_10080_minutes_or_to_plain_http_is_refused(graph, receiver):
    too_long = (T0 + timedelta(minutes=10081)).isoformat()
    assert subscribe(graph, receiver, expirationDateTime=too_long).status_code == 400
    assert subscribe(graph, receiver, notificationUrl="http://127.0.0.1:9/graph/notify").status_code == 400


def test_a_subscription_is_renewed_with_patch_and_removed_with_delete(graph, receiver):
    sub = subscribe(graph, receiver).json()
    later = (T0 + timedelta(days=7)).isoformat()
    renewed = graph("PATCH", f"subscriptions/{sub['id']}", json={"expirationDateTime": later})
    assert renewed.status_code == 200 and renewed.json()["expirationDateTime"] == "2026-03-09T09:00:00Z"
    assert graph("DELETE", f"subscriptions/{sub['id']}").status_code == 204
    assert graph("DELETE", f"subscriptions/{sub['id']}").status_code == 404
    assert graph("GET", "subscriptions").json()["value"] == []


def test_new_inbox_mail_is_notified_in_the_published_shape(graph, receiver, world, outlook):
    sub = subscribe(graph, receiver).json()
    world.submit(BOB, compose(Person("Bob Stone", BOB), [Person("Dana Park", DANA)], "Hello", "Hi Dana", T0))
    deliveries = outlook.face.deliver_notifications()
    assert [d.status for d in deliveries] == [202]
    [payload] = receiver.notifications
    [change] = payload["value"]
    assert set(change) == {"subscriptionId", "subscriptionExpirationDateTime", "changeType", "resource",
                           "resourceData", "clientState", "tenantId"}
    assert change["subscriptionId"] == sub["id"] and change["clientState"] == "s3cret"
    assert change["changeType"] == "created" and change["tenantId"] == outlook.identity.tenant_id
    data = change["resourceData"]
    assert data["@odata.type"] == "#Microsoft.Graph.Message" and data["@odata.id"] == change["resource"]
    assert graph("GET", f"me/messages/{data['id']}").json()["subject"] == "Hello"


def test_sent_mail_is_not_notified_on_an_inbox_subscription(graph, receiver, outlook):
    subscribe(graph, receiver)
    made = draft(graph)
    graph("POST", f"me/messages/{made['id']}/send")
    outlook.face.deliver_notifications()
    assert receiver.notifications == []


@pytest.mark.parametrize("event", ["reauthorizationRequired", "subscriptionRemoved", "missed"])
def test_lifecycle_events_reach_the_lifecycle_url(graph, receiver, outlook, event):
    sub = subscribe(graph, receiver).json()
    outlook.face.lifecycle(sub["id"], event)
    outlook.face.deliver_notifications()
    [payload] = receiver.lifecycle_events
    assert payload["value"][0]["lifecycleEvent"] == event and payload["value"][0]["subscriptionId"] == sub["id"]
    still_there = [s["id"] for s in graph("GET", "subscriptions").json()["value"]]
    assert still_there == ([] if event == "subscriptionRemoved" else [sub["id"]])
