"""A sync reads threads for news: the drafts and sends the worker itself just made come back in the next
change feed, and their threads are not read again for them; a draft of ours that the user sends is news."""
from __future__ import annotations

from introducer.domain.model import Person
from introducer.mail.sandbox.replies import compose
from introducer.service import ingest, intros
from workflow_fixtures import demo, database_url  # noqa: F401

BOB = Person("Bob Stone", "bob@stonevc.example")


def _counting_reads(demo) -> list[str]:
    reads: list[str] = []
    factory = demo.container.deps.mailboxes

    def mailboxes(account):
        mailbox = factory(account)
        read_thread = mailbox.read_thread
        mailbox.read_thread = lambda thread_id: reads.append(thread_id) or read_thread(thread_id)
        return mailbox

    demo.container.deps.mailboxes = mailboxes
    return reads


def test_the_next_sync_does_not_reread_threads_for_the_workers_own_new_draft(demo):
    intros.update_settings(demo.deps, demo.account_id, {"permission_request": "send"})
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec())
    ingest.sync_account(demo.deps, demo.account_id)
    [asked] = demo.world.inbox(BOB.email)
    original = demo.world.thread(BOB.email, asked.thread_id)[0].parsed()
    demo.world.submit(BOB.email, compose(BOB, [Person("Dana Park", demo.dana)], "Re: " + str(original["Subject"]),
                                         "Yes, happy to.", demo.world.now(), replying_to=original))
    reads = _counting_reads(demo)

    assert ingest.sync_account(demo.deps, demo.account_id) == 1  # Bob's answer: his thread is read
    [draft] = demo.drafts()
    assert demo.view(intro_id)["state"] == "consented"
    reads.clear()
    assert ingest.sync_account(demo.deps, demo.account_id) == 0  # only our own draft is new: nothing to read
    assert reads == []

    demo.world.send_draft(demo.dana, draft.draft_id)  # Dana sends it: that is news
    assert ingest.sync_account(demo.deps, demo.account_id) == 1
    assert reads == [draft.thread_id]
    assert demo.view(intro_id)["state"] == "introduced"
