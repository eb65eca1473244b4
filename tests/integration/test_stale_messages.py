"""A message written for one moment of an intro never goes out once the intro has moved past that moment."""
from __future__ import annotations

from datetime import timedelta

import pytest

from introducer.domain.model import Person
from introducer.mail.port import TransientMailboxError
from introducer.mail.sandbox.replies import compose
from introducer.service import ingest, intros, outbound
from introducer.service.errors import ConflictError
from workflow_fixtures import ANN, demo, database_url  # noqa: F401

BOB = Person("Bob Stone", "bob@stonevc.example")


def _keys_sent(demo, fragment: str) -> int:
    return len(demo.sent(fragment))


def _bob_answers(demo, text: str) -> None:
    [bobs] = demo.world.inbox(BOB.email)
    original = demo.world.thread(BOB.email, bobs.thread_id)[0].parsed()
    demo.world.submit(BOB.email, compose(BOB, [Person("Dana Park", demo.dana)], "Re: " + str(original["Subject"]),
                                         text, demo.world.now(), replying_to=original))
    ingest.sync_account(demo.deps, demo.account_id)


def _send_draft_to(demo, email: str) -> None:
    [draft] = [d for d in demo.drafts() if email in str(d.parsed()["To"])]
    demo.world.send_draft(demo.dana, draft.draft_id)
    ingest.sync_account(demo.deps, demo.account_id)


def test_send_now_after_cancelling_never_sends_the_intro_that_was_waiting_as_a_draft(demo):
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec(target=dict(
        name="Bob Stone", email=BOB.email, blurb="partner at Stone Ventures", consent_given=True)))
    assert demo.view(intro_id)["state"] == "consented" and len(demo.drafts()) == 1  # the intro, drafted
    intros.cancel_intro(demo.deps, demo.account_id, intro_id)
    with pytest.raises(ConflictError):
        intros.send_now(demo.deps, demo.account_id, intro_id)
    assert _keys_sent(demo, ":intro:") == 0


def test_send_now_after_a_decline_sends_the_note_but_not_the_other_partys_permission_request(demo):
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec(requester=dict(ANN, asked=False)))
    _send_draft_to(demo, BOB.email)  # Dana sends Bob's request first; Ann's is still a draft
    _bob_answers(demo, "No thanks, I'm not taking meetings this quarter.")
    assert demo.view(intro_id)["state"] == "declined"
    assert intros.send_now(demo.deps, demo.account_id, intro_id) == 1
    assert _keys_sent(demo, ":decline_note:") == 1
    assert _keys_sent(demo, ":permission_request:requester") == 0


def test_a_permission_request_held_back_by_the_provider_is_not_sent_after_the_intro_was_declined(demo):
    intros.update_settings(demo.deps, demo.account_id, {"permission_request": "send"})
    demo.world.faults.arm("send", TransientMailboxError("429 Too Many Requests"), times=1)
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec(requester=dict(ANN, asked=False)))
    # the first request (Ann's) was throttled; Bob's went out, and Bob says no
    assert _keys_sent(demo, ":permission_request:requester") == 0
    _bob_answers(demo, "No thanks, I'm not taking meetings this quarter.")
    assert demo.view(intro_id)["state"] == "declined"
    demo.world.advance(timedelta(minutes=10))
    outbound.retry_pending(demo.deps)
    assert _keys_sent(demo, ":permission_request:requester") == 0
    [anns] = [m for m in demo.view(intro_id)["messages"] if m["step"] == "permission_request" and m["role"] == "requester"]
    assert anns["status"] == "cancelled"
