"""Categories and the change feed at the request level: what GraphMailbox asks Graph for, counted by the face.

Master categories are made once per mailbox; a conversation carries its categories on one message (its
anchor), changed by one PATCH when they change and by nothing when they do not; a new conversation can be
created carrying them; copies of what this process sent are not named by the change feed again.
"""
from __future__ import annotations

from introducer.domain.states import ALL_LABELS
from introducer.mail.sandbox.replies import compose
from graph_fixtures import (ANN, BOB, DANA, ask, connect, dana, history_retention, outlook, receiver,  # noqa: F401
                            sleeps, world)

AWAITING, CONSENTED = "Intros/Awaiting consent", "Intros/Consented"


def ops(outlook, since: int = 0) -> list[str]:
    return [r.operation for r in list(outlook.face.requests)[since:] if r.mailbox == DANA.email]


def labelled(world, label: str) -> set[str]:
    return {t.thread_id for t in world.mailbox_threads(DANA.email, label)}


def test_watching_makes_every_category_once_per_mailbox_and_process(connect, receiver, outlook):
    def watched():
        mailbox = connect(notification_url=receiver.notify_url, lifecycle_url=receiver.lifecycle_url,
                          client_state="s3cret")
        mailbox.watch()
        return mailbox

    watched()
    made = {c["displayName"] for c in outlook.face.categories.list(DANA.email)}
    assert set(ALL_LABELS) <= made
    assert ops(outlook).count("create_category") == len(ALL_LABELS) and ops(outlook).count("list_categories") == 1
    since = len(outlook.face.requests)
    mailbox = watched()  # another GraphMailbox in the same process: the renewal alone
    mailbox.set_label(mailbox.create_draft(ask()).thread_id, AWAITING)
    assert not [op for op in ops(outlook, since) if op.endswith("_category") or op == "list_categories"]


def test_a_category_made_elsewhere_is_learnt_from_one_read_of_the_list(dana, outlook):
    outlook.face.categories.create(DANA.email, AWAITING, "preset1")  # another worker, or Dana herself
    outlook.face.categories.create(DANA.email, CONSENTED, "preset2")
    created = dana.create_draft(ask())
    dana.set_label(created.thread_id, AWAITING)  # POST answers 409: the list is read, both names learnt
    dana.set_label(created.thread_id, CONSENTED, on=True)
    assert ops(outlook).count("create_category") == 1 and ops(outlook).count("list_categories") == 1


def test_a_conversation_changes_categories_with_one_patch_on_its_anchor_and_none_when_unchanged(dana, world,
                                                                                                outlook):
    sent = dana.send(ask())
    [asked] = world.find_header(BOB.email, "Message-ID", sent.internet_message_id)
    world.submit(BOB.email, compose(BOB, [DANA], "Re: Would you like to meet Ann Lee?", "Yes!", world.now(),
                                    replying_to=asked.parsed()))
    assert len(dana.read_thread(sent.thread_id)) == 2
    dana.change_labels(sent.thread_id, add=[AWAITING])  # the anchor is remembered from the create
    since = len(outlook.face.requests)
    dana.change_labels(sent.thread_id, add=[CONSENTED], remove=[AWAITING])
    assert ops(outlook, since) == ["create_category", "update_message"]
    since = len(outlook.face.requests)
    dana.change_labels(sent.thread_id, add=[CONSENTED], remove=[AWAITING])
    assert ops(outlook, since) == []
    [stored] = world.find_header(DANA.email, "Message-ID", sent.internet_message_id)
    assert labelled(world, CONSENTED) == {stored.thread_id} and labelled(world, AWAITING) == set()


def test_an_unknown_conversation_is_listed_once_and_its_oldest_message_becomes_the_anchor(connect, world,
                                                                                       outlook):
    first = connect()
    sent = first.send(ask())
    later = connect()  # e.g. after a restart
    from introducer.mail.graph import categories
    categories.forget()
    later.change_labels(sent.thread_id, add=[AWAITING])
    assert ops(outlook)[-3:] == ["create_category", "list_messages", "update_message"]
    since = len(outlook.face.requests)
    later.change_labels(sent.thread_id, add=[CONSENTED], remove=[AWAITING])
    assert ops(outlook, since) == ["create_category", "update_message"]


def test_a_deleted_anchor_sends_the_change_back_to_a_listing(dana, world, outlook):
    sent = dana.send(ask())
    dana.change_labels(sent.thread_id, add=[AWAITING])
    dana._categories.remember(sent.thread_id, "AAkALgdzgone", (AWAITING,))  # an anchor deleted since
    since = len(outlook.face.requests)
    dana.change_labels(sent.thread_id, add=[CONSENTED], remove=[AWAITING])
    assert ops(outlook, since) == ["create_category", "update_message", "list_messages", "update_message"]
    [stored] = world.find_header(DANA.email, "Message-ID", sent.internet_message_id)
    assert labelled(world, CONSENTED) == {stored.thread_id} and labelled(world, AWAITING) == set()


def test_a_new_conversation_is_created_carrying_its_labels(dana, world, outlook):
    created = dana.create_draft(ask(labels=(AWAITING,)))
    assert created.labels == (AWAITING,)
    assert ops(outlook) == ["create_category", "create_message"]
    [stored] = world.drafts(DANA.email)
    assert labelled(world, AWAITING) == {stored.thread_id}
    since = len(outlook.face.requests)
    dana.change_labels(created.thread_id, add=[AWAITING])
    assert ops(outlook, since) == []
    sent = dana.send_draft(created.draft_id)
    reply = dana.create_draft(ask(key="intro-1:consent_bump:target", thread_id=sent.thread_id,
                                  labels=(AWAITING,)))
    assert reply.labels is None  # a reply is created by createReplyAll: its thread keeps what it has


def test_the_change_feed_skips_copies_of_what_this_process_sent_but_not_what_dana_sent(connect, world):
    dana = connect()
    cursor = dana.changes_since(None).cursor
    ours = dana.send(ask(bcc=(DANA,)))  # the copy in Dana's inbox and the one in Sent Items
    draft = dana.create_draft(ask(key="intro-2:permission_request:target"))
    [stored] = world.drafts(DANA.email)
    world.send_draft(DANA.email, stored.draft_id)  # Dana sends this one from Outlook
    world.submit(ANN.email, compose(ANN, [DANA], "Hello", "x", world.now()))
    changes = connect().changes_since(cursor)  # another GraphMailbox of the same process
    threads = {m.thread_id for m in changes.messages}
    assert ours.thread_id not in threads and draft.thread_id in threads and len(threads) == 2
