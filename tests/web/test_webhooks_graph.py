"""The Graph webhook endpoints on their own (the whole round trip with the Graph face: test_graph_webhooks.py)."""
from __future__ import annotations

from introducer.mail.graph.accounts import account_of_client_state, client_state_for


def test_a_body_that_is_not_a_notification_collection_is_a_400(client):
    assert client.post("/webhooks/graph", data="nope", content_type="application/json").status_code == 400
    assert client.post("/webhooks/graph/lifecycle", json={"value": "x"}).status_code == 400


def test_the_handshake_wins_over_any_body(client):
    answer = client.post("/webhooks/graph?validationToken=abc%2Fdef%20ghi", data="ignored")
    assert answer.status_code == 200 and answer.get_data(as_text=True) == "abc/def ghi"
    assert answer.mimetype == "text/plain"


def test_a_client_state_names_its_account_and_nothing_else_verifies(container):
    settings = container.settings
    state = client_state_for(settings, 7)
    assert account_of_client_state(settings, state) == 7
    assert account_of_client_state(settings, state.replace("7.", "8.", 1)) is None
    assert account_of_client_state(settings, state[:-1] + ("A" if state[-1] != "A" else "B")) is None
    for junk in (None, "", "7", "x.y", "7." + "A" * 43, 12):
        assert account_of_client_state(settings, junk) is None


def test_notifications_for_sandbox_accounts_are_ignored(client, container, seeded):
    body = {"value": [{"subscriptionId": "s", "changeType": "created",
                       "clientState": client_state_for(container.settings, seeded["account_id"])}]}
    assert client.post("/webhooks/graph", json=body).status_code == 202
    with container.uow() as uow:
        assert uow.sync.pending_count() == 0
