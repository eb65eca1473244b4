"""A mailbox read that fails for a moment loses no reply: the change is read again on the next sync."""
from __future__ import annotations

from introducer.domain.model import Person
from introducer.mail.port import TransientMailboxError
from introducer.mail.sandbox.replies import compose
from introducer.service import ingest, intros
from introducer.worker import run_sync_requests
from workflow_fixtures import demo, database_url  # noqa: F401
from store_fixtures import lose_sync_requests

BOB = Person("Bob Stone", "bob@stonevc.example")


def _asked_bob_and_he_said_yes(demo) -> int:
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec())
    [draft] = demo.drafts()
    demo.world.send_draft(demo.dana, draft.draft_id)
    ingest.sync_account(demo.deps, demo.account_id)
    assert demo.view(intro_id)["state"] == "awaiting_consent"
    [bobs] = demo.world.inbox(BOB.email)
    original = demo.world.thread(BOB.email, bobs.thread_id)[0].parsed()
    demo.world.submit(BOB.email, compose(BOB, [Person("Dana Park", demo.dana)], "Re: " + str(original["Subject"]),
                                         "Yes, happy to.", demo.world.now(), replying_to=original))
    with demo.container.uow() as uow:  # the push for Bob's reply is what this sync answers
        lose_sync_requests(uow)
    return intro_id


def test_a_thread_that_could_not_be_read_is_read_again_on_the_next_sync(demo):
    intro_id = _asked_bob_and_he_said_yes(demo)
    demo.world.faults.arm("read_thread", TransientMailboxError("429 Too Many Requests"))
    ingest.sync_account(demo.deps, demo.account_id)
    assert demo.view(intro_id)["state"] == "awaiting_consent"  # not read yet
    run_sync_requests(demo.container)  # the worker's next tick, with no new notification
    assert demo.view(intro_id)["state"] == "consented"


def test_a_change_feed_that_could_not_be_read_is_read_again_on_the_next_sync(demo):
    intro_id = _asked_bob_and_he_said_yes(demo)
    demo.world.faults.arm("changes_since", TransientMailboxError("429 Too Many Requests"))
    ingest.sync_account(demo.deps, demo.account_id)
    run_sync_requests(demo.container)
    assert demo.view(intro_id)["state"] == "consented"
