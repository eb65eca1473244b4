"""SandboxMailbox against a real sandbox world: the Mailbox port as the service will use it."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from introducer.domain.address import InvalidAddress
from introducer.domain.model import Person
from introducer.mail.port import (KEY_HEADER, Mailbox, NotFound, OutgoingMessage, TransientMailboxError)
from introducer.mail.sandbox import Behaviour, SandboxMailbox, SandboxWorld, seed_demo
from sandbox_fixtures import T0, clock, world  # noqa: F401

DANA = Person("Dana Park", "dana@parkcap.example")
ANN = Person("Ann Lee", "ann@acme.example")
BOB = Person("Bob Stone", "bob@stonevc.example")


@pytest.fixture
def dana(world):
    return SandboxMailbox(world, DANA.email)


def ask(key="intro-1:permission_request:target", **kw) -> OutgoingMessage:
    fields = dict(key=key, to=(BOB,), subject="Would you like to meet Ann Lee?",
                  text="Hi Bob,\n\nAnn Lee runs Acme. Would you like an introduction?\n\nDana")
    fields.update(kw)
    return OutgoingMessage(**fields)


def test_the_sandbox_mailbox_is_a_mailbox_for_a_world_user(world, dana):
    assert isinstance(dana, Mailbox)
    assert dana.owner == DANA
    assert SandboxMailbox(world, DANA).owner == DANA
    with pytest.raises(LookupError):
        SandboxMailbox(world, "nobody@nowhere.example")


def test_a_draft_is_read_back_as_a_draft_and_once_sent_as_from_me(world, dana, clock):
    created = dana.create_draft(ask())
    [draft] = dana.read_thread(created.thread_id)
    assert draft.is_draft and not draft.from_me and draft.draft_id == created.draft_id
    assert draft.key == "intro-1:permission_request:target"
    assert draft.headers[KEY_HEADER.lower()] == draft.key
    clock.now += timedelta(minutes=7)
    sent = dana.send_draft(created.draft_id)
    assert sent.thread_id == created.thread_id and sent.provider_id != created.provider_id
    [message] = dana.read_thread(sent.thread_id)
    assert message.from_me and not message.is_draft
    assert message.to == (BOB,) and message.sender == DANA
    assert message.date == T0 + timedelta(minutes=7)  # Date from the world's clock at sending
    assert message.text.startswith("Hi Bob,")
    assert message.internet_message_id == created.internet_message_id
    assert len(world.inbox(BOB.email)) == 1


def test_a_reply_in_a_thread_lands_in_that_thread_for_both_sides(world, dana):
    inbound = world.inbox(DANA.email)[0]
    [ann_ask] = dana.read_thread(inbound.thread_id)
    sent = dana.send(OutgoingMessage(
        key="intro-1:decline_note:requester", to=(ANN,), subject="Re: " + ann_ask.subject,
        text="Bob can't right now.", thread_id=inbound.thread_id, reply_to=ann_ask.as_reply_target()))
    thread = dana.read_thread(sent.thread_id)
    assert sent.thread_id == inbound.thread_id
    assert [m.from_me for m in thread] == [False, True]
    assert thread[1].in_reply_to == ann_ask.internet_message_id
    ann = SandboxMailbox(world, ANN.email)
    ann_thread_id = world.find_header(ANN.email, "Message-ID", ann_ask.internet_message_id)[0].thread_id
    assert len(ann.read_thread(ann_thread_id)) == 2


def test_sending_a_draft_the_user_deleted_is_not_found(world, dana):
    created = dana.create_draft(ask())
    world.delete_draft(DANA.email, created.draft_id)
    with pytest.raises(NotFound):
        dana.send_draft(created.draft_id)
    with pytest.raises(NotFound):
        dana.read_thread(created.thread_id)


def test_find_by_key_finds_the_draft_then_the_sent_message_and_respects_the_thread(dana):
    assert dana.find_by_key("intro-1:permission_request:target") is None
    created = dana.create_draft(ask())
    assert dana.find_by_key("intro-1:permission_request:target").is_draft
    sent = dana.send_draft(created.draft_id)
    found = dana.find_by_key("intro-1:permission_request:target", thread_id=sent.thread_id)
    assert found.provider_id == sent.provider_id and found.from_me
    assert dana.find_by_key("intro-1:permission_request:target", thread_id="elsewhere") is None


def test_changes_since_starts_from_now_then_lists_added_messages(world, dana, clock):
    start = dana.changes_since(None)
    assert start.messages == () and not start.reset
    sent = dana.send(ask())
    clock.now += timedelta(hours=2)
    world.tick()  # Bob agrees
    changes = dana.changes_since(start.cursor)
    assert [c.thread_id for c in changes.messages] == [sent.thread_id, sent.thread_id]
    assert changes.messages[0].provider_id == sent.provider_id
    assert int(changes.cursor) > int(start.cursor)
    assert dana.changes_since(changes.cursor).messages == ()
    reply = dana.read_thread(sent.thread_id)[-1]
    assert reply.sender == BOB and reply.text.startswith("Yes, happy to")


def test_a_cursor_the_world_no_longer_keeps_means_reset(clock):
    w = SandboxWorld(None, history_retention=2)
    w.set_clock(clock)
    seed_demo(w)
    dana = SandboxMailbox(w, DANA.email)
    old = dana.changes_since(None).cursor
    for i in range(3):
        dana.send(ask(key=f"k{i}"))
    changes = dana.changes_since(old)
    assert changes.reset and changes.messages == () and changes.cursor == str(w.latest_history(DANA.email))
    assert dana.changes_since("not-a-cursor").reset


def test_a_name_with_a_line_break_is_refused_and_nothing_is_sent(world, dana):
    evil = Person("Bob\r\nBcc: everyone@evil.example", BOB.email)
    before = world.latest_history(DANA.email)
    with pytest.raises(InvalidAddress):
        dana.send(ask(to=(evil,)))
    with pytest.raises(InvalidAddress):
        dana.create_draft(ask(subject="Hi\r\nBcc: everyone@evil.example"))
    assert world.latest_history(DANA.email) == before


def test_labels_set_through_the_mailbox_show_in_the_world(world, dana):
    sent = dana.send(ask())
    dana.set_label(sent.thread_id, "Intros/Awaiting consent")
    assert [s.thread_id for s in world.mailbox_threads(DANA.email, "Intros/Awaiting consent")] == [sent.thread_id]
    with pytest.raises(NotFound):
        dana.set_label("no-such-thread", "Intros/Awaiting consent")


def test_watch_reports_the_current_cursor_and_push_comes_from_subscribing(world, dana):
    heard = []
    world.subscribe(lambda email, hid: heard.append((email, hid)))
    info = dana.watch()
    assert info.cursor == dana.changes_since(None).cursor and info.expires_at is None
    dana.send(ask())
    assert (DANA.email, int(info.cursor) + 1) in heard
    dana.stop_watch()


def test_a_crash_after_sending_leaves_a_message_recovery_can_find_by_key(world, dana):
    world.faults.arm("send:after", TransientMailboxError("connection reset"))
    with pytest.raises(TransientMailboxError):
        dana.send(ask())
    assert dana.find_by_key("intro-1:permission_request:target").from_me
    world.faults.arm("send", TransientMailboxError("503"))
    with pytest.raises(TransientMailboxError):
        dana.send(ask(key="other"))
    assert dana.find_by_key("other") is None


def test_a_full_double_opt_in_runs_against_simulated_people(world, dana, clock):
    permission = dana.send(ask())
    clock.now += timedelta(hours=2)
    world.tick()
    assert dana.read_thread(permission.thread_id)[-1].text.startswith("Yes, happy to")
    intro = dana.send(OutgoingMessage(key="intro-1:intro", to=(ANN, BOB), subject="Intro: Ann meets Bob – seed",
                                      text="Ann, meet Bob. Bob, meet Ann. Ann, over to you to find a time."))
    clock.now += timedelta(hours=3)
    world.tick()
    senders = [m.sender.email for m in dana.read_thread(intro.thread_id)]
    assert senders == [DANA.email, ANN.email, BOB.email]


def test_several_mailboxes_sending_at_once_keep_their_threads_apart(world):
    world.set_behaviour(BOB.email, Behaviour(on_permission_request="never", on_intro="never"))
    boxes = [SandboxMailbox(world, DANA.email), SandboxMailbox(world, ANN.email)]
    errors, created = [], []

    def run(box, n):
        try:
            for i in range(8):
                created.append((box, box.send(ask(key=f"{n}-{i}", subject=f"t{n}-{i}"))))
        except Exception as e:  # surfaced below
            errors.append(e)

    workers = [threading.Thread(target=run, args=(boxes[n % 2], n)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == [] and len(created) == 32
    for box, c in created:
        assert [m.provider_id for m in box.read_thread(c.thread_id)] == [c.provider_id]
    assert len(world.inbox(BOB.email)) == 32
