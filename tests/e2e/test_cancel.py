"""Cancelling an intro stops everything, even if its draft is sent afterwards."""
from __future__ import annotations

GUS = {"name": "Gus Olsen", "email": "gus@quiet.example", "blurb": "ran sales at two clinic-software startups"}


def test_a_cancelled_intro_schedules_nothing_even_when_its_draft_is_sent_later(flow):
    intro_id = flow.start(target=GUS)
    flow.call("POST", f"/api/v1/intros/{intro_id}/cancel")
    assert flow.state(intro_id) == "cancelled"
    flow.send_drafts()  # the user sends the leftover draft anyway
    view = flow.intro(intro_id)
    assert view["state"] == "cancelled"
    assert view["scheduled"] == []
    flow.advance(24 * 8, step=12)
    assert flow.messages_with_key(f"intro-{intro_id}:consent_bump:") == []
    assert flow.state(intro_id) == "cancelled"


def test_cancelling_twice_is_a_conflict_with_a_clear_message(flow):
    intro_id = flow.start(target=GUS)
    flow.call("POST", f"/api/v1/intros/{intro_id}/cancel")
    body = flow.call("POST", f"/api/v1/intros/{intro_id}/cancel", expect=409)
    assert body["error"]["code"] == "conflict" and "cancelled" in body["error"]["message"]
