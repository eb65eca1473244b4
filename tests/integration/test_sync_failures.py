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


class _SlowToRecord:
    """A mailbox whose send reaches the provider, then lets `meanwhile` run before it returns: the moment
    when the message exists at the provider but its thread is not yet recorded as ours."""

    def __init__(self, mailbox, meanwhile):
        self._mailbox, self._meanwhile = mailbox, meanwhile

    def send(self, message):
        created = self._mailbox.send(message)
        meanwhile, self._meanwhile = self._meanwhile, None
        if meanwhile:
            meanwhile(created)
        return created

    def __getattr__(self, name):
        return getattr(self._mailbox, name)


def test_a_reply_that_lands_before_its_thread_is_recorded_is_not_passed_over(demo):
    """Another worker syncs while our send is still in flight; Bob has already answered the ask."""
    intros.update_settings(demo.deps, demo.account_id, {"permission_request": "send"})

    def bob_answers_and_another_worker_syncs(created):
        [bobs] = demo.world.inbox(BOB.email)
        ask = demo.world.thread(BOB.email, bobs.thread_id)[0].parsed()
        demo.world.submit(BOB.email, compose(BOB, [Person("Dana Park", demo.dana)], "Re: " + str(ask["Subject"]),
                                             "Yes, happy to.", demo.world.now(), replying_to=ask))
        ingest.sync_account(demo.deps, demo.account_id)  # the thread is not ours yet: nothing to read there

    plain = demo.deps.mailboxes
    hook = {"meanwhile": bob_answers_and_another_worker_syncs}
    demo.deps.mailboxes = lambda account: _SlowToRecord(plain(account), hook.pop("meanwhile", None))
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec())
    demo.deps.mailboxes = plain
    # the thread is read once as soon as it is recorded, and the cursor held while the send was in
    # flight: either way, by the next sync Bob's yes has been read
    ingest.sync_account(demo.deps, demo.account_id)
    assert demo.view(intro_id)["state"] == "consented"
