"""GraphMailbox, the real adapter, against the sandbox world's Graph face over HTTPS on loopback.

The Mailbox port as the service uses it, checked in the world behind the face: what was drafted,
sent, threaded and labelled. Watching, throttling, concurrency and revocation: test_graph_mailbox_resilience.py.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from introducer.mail.mime import message_id_for
from introducer.mail.port import KEY_HEADER, Mailbox, MailboxError, NotFound, OutgoingMessage
from graph_fixtures import ANN, BOB, T0, DANA, ask, connect, dana, history_retention, outlook, sleeps, world  # noqa: F401
from introducer.mail.sandbox.replies import compose



def test_the_graph_mailbox_is_a_mailbox(dana):
    assert isinstance(dana, Mailbox) and dana.owner == DANA


def test_a_draft_carries_the_key_header_and_the_keys_message_id(dana, world):
    created = dana.create_draft(ask())
    [stored] = world.drafts(DANA.email)
    em = stored.parsed()
    assert em[KEY_HEADER] == "intro-1:permission_request:target"
    assert stored.internet_message_id == message_id_for("intro-1:permission_request:target", "parkcap.example")
    assert created.internet_message_id == stored.internet_message_id and created.draft_id == created.provider_id
    [read] = dana.read_thread(created.thread_id)
    assert read.is_draft and not read.from_me and read.key == "intro-1:permission_request:target"


def test_sending_a_draft_keeps_its_id_and_reaches_the_recipient(dana, world):
    created = dana.create_draft(ask())
    sent = dana.send_draft(created.draft_id)
    assert (sent.provider_id, sent.thread_id, sent.draft_id) == (created.provider_id, created.thread_id, None)
    [message] = dana.read_thread(sent.thread_id)
    assert message.from_me and not message.is_draft and message.to == (BOB,)
    assert message.text.startswith("Hi Bob,\n\nAnn Lee runs Acme.")
    [bobs] = world.inbox(BOB.email)
    assert bobs.subject == "Would you like to meet Ann Lee?"


def test_sending_twice_after_a_lost_answer_sends_once(dana, world):
    created = dana.create_draft(ask())
    dana.send_draft(created.draft_id)
    again = dana.send_draft(created.draft_id)
    assert again.provider_id == created.provider_id and len(world.inbox(BOB.email)) == 1


def test_a_gateway_timeout_after_the_send_went_through_does_not_send_twice(dana, world, outlook):
    created = dana.create_draft(ask())
    outlook.face.faults.arm("send", 504, retry_after=None, after=True)
    sent = dana.send_draft(created.draft_id)
    assert sent.provider_id == created.provider_id and len(world.inbox(BOB.email)) == 1


def test_the_handoff_reply_lands_in_the_intro_thread_with_the_introducer_in_bcc(dana, world):
    intro = dana.send(ask("intro-1:intro", to=(ANN, BOB), subject="Intro: Ann Lee meets Bob Stone",
                          text="Ann, meet Bob. Bob, meet Ann."))
    [intro_message] = dana.read_thread(intro.thread_id)
    handoff = dana.send(OutgoingMessage(
        key="intro-1:handoff", to=(ANN, BOB), bcc=(DANA,), reply_to_addresses=(ANN, BOB),
        subject="Re: Intro: Ann Lee meets Bob Stone", text="Moving myself to Bcc. Enjoy!",
        thread_id=intro.thread_id, reply_to=intro_message.as_reply_target()))
    assert handoff.thread_id == intro.thread_id
    em = world.message(DANA.email, world.find_header(DANA.email, KEY_HEADER, "intro-1:handoff")[0].id).parsed()
    assert em["To"] == "Ann Lee <ann@acme.example>, Bob Stone <bob@stonevc.example>"
    assert em["Bcc"] == "Dana Park <dana@parkcap.example>"
    assert em["Reply-To"] == "Ann Lee <ann@acme.example>, Bob Stone <bob@stonevc.example>"
    assert em["In-Reply-To"] == intro.internet_message_id
    assert em["Subject"] == "Re: Intro: Ann Lee meets Bob Stone"
    for party in (ANN, BOB):  # each party sees it in the intro thread, without the Bcc line
        [thread] = [t for t in world.mailbox_threads(party.email) if t.subject.startswith("Intro:")]
        assert thread.message_count == 2
        assert world.thread(party.email, thread.thread_id)[-1].parsed()["Bcc"] is None
    ours = [m for m in dana.read_thread(intro.thread_id) if m.internet_message_id == handoff.internet_message_id]
    assert ours and all(m.bcc == (DANA,) and m.reply_to_addresses == (ANN, BOB) for m in ours if m.from_me)


def test_a_reply_to_a_thread_without_a_reply_target_answers_its_newest_message(dana, world, outlook):
    thread = dana.read_thread(dana.send(ask()).thread_id)
    reply = dana.create_draft(ask("intro-1:consent_bump:target", subject="Re: Would you like to meet Ann Lee?",
                                  text="Just bumping this.", thread_id=thread[0].thread_id))
    assert reply.thread_id == thread[0].thread_id
    assert world.drafts(DANA.email)[0].parsed()["In-Reply-To"] == thread[0].internet_message_id


def test_read_thread_is_oldest_first_and_includes_drafts(dana, world, outlook):
    sent = dana.send(ask())
    world.set_clock(lambda: T0 + timedelta(hours=2))
    [bobs] = world.inbox(BOB.email)
    original = world.thread(BOB.email, bobs.thread_id)[0].parsed()
    world.submit(BOB.email, compose(BOB, [DANA], "Re: Would you like to meet Ann Lee?", "Yes, happy to.",
                                    world.now(), replying_to=original))
    world.set_clock(lambda: T0 + timedelta(hours=3))
    dana.create_draft(ask("intro-1:note", subject="Re: Would you like to meet Ann Lee?", text="Great!",
                          thread_id=sent.thread_id))
    messages = dana.read_thread(sent.thread_id)
    assert [(m.from_me, m.is_draft) for m in messages] == [(True, False), (False, False), (False, True)]
    assert messages[1].sender == BOB and messages[1].in_reply_to == sent.internet_message_id
    assert messages[1].text.startswith("Yes, happy to.")


def test_reading_an_unknown_conversation_is_not_found(dana):
    with pytest.raises(NotFound):
        dana.read_thread("AAQkAGbm90LWEtdGhyZWFk")


def test_find_by_key_after_a_crash_finds_the_sent_message_without_its_header(connect, dana, outlook):
    dana.send(ask())  # then the process dies before recording the result
    found = connect().find_by_key("intro-1:permission_request:target")
    assert found is not None and not found.is_draft and found.from_me
    assert found.internet_message_id == message_id_for("intro-1:permission_request:target", "parkcap.example")
    assert connect().find_by_key("intro-1:something_else") is None


def test_find_by_key_finds_a_draft_as_a_draft(connect, dana):
    created = dana.create_draft(ask())
    found = connect().find_by_key("intro-1:permission_request:target", created.thread_id)
    assert found.is_draft and found.draft_id == created.draft_id


def test_a_reply_draft_left_unfinished_by_a_crash_is_discarded_and_never_found(dana, world, outlook):
    intro = dana.send(ask("intro-1:intro", to=(ANN, BOB)))
    [first] = dana.read_thread(intro.thread_id)
    outlook.face.faults.arm("update_message", 400, retry_after=None)  # the PATCH never lands
    handoff = OutgoingMessage(key="intro-1:handoff", to=(ANN,), bcc=(DANA, BOB), subject="Re: x", text="Bye",
                              thread_id=intro.thread_id, reply_to=first.as_reply_target())
    with pytest.raises(MailboxError):
        dana.create_draft(handoff)
    assert world.drafts(DANA.email) == []  # the reply-all draft to everyone was deleted
    assert dana.find_by_key("intro-1:handoff") is None
    dana.create_draft(handoff)
    [made] = world.drafts(DANA.email)
    assert made.parsed()["To"] == "Ann Lee <ann@acme.example>"


def test_changes_since_none_is_just_a_cursor(dana):
    changes = dana.changes_since(None)
    assert changes.messages == () and not changes.reset and changes.cursor


def test_changes_since_a_cursor_lists_new_inbox_and_sent_mail_across_pages(dana, world):
    cursor = dana.changes_since(None).cursor
    drafted = dana.create_draft(ask())
    [stored] = world.drafts(DANA.email)
    world.send_draft(DANA.email, stored.draft_id)  # from Outlook: what this process sends is not named again
    for n in range(55):  # more than one page of 50
        world.submit(ANN.email, compose(ANN, [DANA], f"Note {n}", "x", world.now()))
    changes = dana.changes_since(cursor)
    assert len(changes.messages) == 56 and not changes.reset
    assert drafted.provider_id in {m.provider_id for m in changes.messages if m.sent}
    assert dana.changes_since(changes.cursor).messages == ()


def test_an_expired_delta_cursor_resets_and_gives_a_working_cursor(dana, world):
    cursor = dana.changes_since(None).cursor
    for n in range(70):  # the world keeps 60 history records per mailbox here
        world.submit(ANN.email, compose(ANN, [DANA], f"Note {n}", "x", world.now()))
    changes = dana.changes_since(cursor)
    assert changes.reset
    world.submit(BOB.email, compose(BOB, [DANA], "After", "y", world.now()))
    assert len(dana.changes_since(changes.cursor).messages) == 1


def test_a_cursor_from_elsewhere_resets(dana):
    assert dana.changes_since("12345").reset


def test_labels_are_categories_on_the_conversation(dana, world, outlook):
    sent = dana.send(ask())
    dana.set_label(sent.thread_id, "Intros/Awaiting consent")
    dana.set_label(sent.thread_id, "Intros/Awaiting consent")
    [summary] = world.mailbox_threads(DANA.email, "Intros/Awaiting consent")
    assert summary.thread_id == world.thread(DANA.email, summary.thread_id)[0].thread_id
    creates = [r for r in outlook.face.requests if r.operation == "create_category"]
    assert len(creates) == 1
    dana.set_label(sent.thread_id, "Intros/Awaiting consent", on=False)
    assert world.mailbox_threads(DANA.email, "Intros/Awaiting consent") == []


def test_draft_exists_until_the_draft_is_sent_or_deleted_and_sent_mail_is_a_sent_change(dana, world):
    cursor = dana.changes_since(None).cursor
    kept, sent, deleted = (dana.create_draft(ask(key=f"intro-{n}:permission_request:target")) for n in (1, 2, 3))
    [outgoing] = world.find_header(DANA.email, KEY_HEADER, "intro-2:permission_request:target")
    world.send_draft(DANA.email, outgoing.draft_id)  # from Outlook: what this process sends is not named again
    [stored] = world.find_header(DANA.email, KEY_HEADER, "intro-3:permission_request:target")
    world.delete_draft(DANA.email, stored.draft_id)
    assert [dana.draft_exists(d.draft_id) for d in (kept, sent, deleted)] == [True, False, False]
    world.submit(ANN.email, compose(ANN, [DANA], "A note", "x", world.now()))
    changes = {m.provider_id: m.sent for m in dana.changes_since(cursor).messages}
    assert changes[sent.provider_id] is True and list(changes.values()).count(False) == 1


def test_a_leftover_reply_draft_is_found_even_right_after_the_thread_was_read(dana, world, outlook):
    """The thread a sync just read stands in for a second listing, but not once a reply was started in it."""
    intro = dana.send(ask("intro-1:intro", to=(ANN, BOB)))
    [first] = dana.read_thread(intro.thread_id)
    outlook.face.faults.arm("update_message", 400, retry_after=None)  # the PATCH never lands …
    outlook.face.faults.arm("delete_message", 400, retry_after=None)  # … nor does the clean-up
    handoff = OutgoingMessage(key="intro-1:handoff", to=(ANN,), bcc=(DANA, BOB), subject="Re: x", text="Bye",
                              thread_id=intro.thread_id, reply_to=first.as_reply_target())
    with pytest.raises(MailboxError):
        dana.create_draft(handoff)
    assert len(world.drafts(DANA.email)) == 1  # the reply-all draft to everyone is still there
    dana.create_draft(handoff)  # seconds later, in the same process
    [made] = world.drafts(DANA.email)
    assert made.parsed()["To"] == "Ann Lee <ann@acme.example>"


def test_a_reply_right_after_reading_its_thread_lists_nothing_again(dana, world, outlook):
    intro = dana.send(ask("intro-1:intro", to=(ANN, BOB)))
    [first] = dana.read_thread(intro.thread_id)
    since = len(outlook.face.requests)
    dana.create_draft(OutgoingMessage(key="intro-1:handoff", to=(ANN,), bcc=(DANA, BOB), subject="Re: x",
                                      text="Bye", thread_id=intro.thread_id, reply_to=first.as_reply_target()))
    assert [r.operation for r in list(outlook.face.requests)[since:]] == ["create_reply_all", "update_message"]
