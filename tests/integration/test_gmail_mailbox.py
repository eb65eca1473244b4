"""GmailMailbox through the real google-api-python-client and google-auth, against the sandbox's
Gmail face on loopback: the Mailbox port as the service uses it, and how it copes with Gmail's
failures (rate limits, outages, lost responses, revoked grants)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from gmail_fixtures import (ANN, BOB, CLIENT_ID, CLIENT_SECRET, DANA, TOPIC, ask, clock, connect, dana,  # noqa: F401
                            face, sleeps, world)
from introducer.mail.gmail import gmail_mailbox_for
from introducer.mail.mime import build_message, message_id_for
from introducer.mail.port import (KEY_HEADER, Mailbox, NotFound, OutgoingMessage, ReconnectNeeded,
                                  TransientMailboxError)
from introducer.mail.sandbox import SandboxWorld, seed_demo
from introducer.mail.sandbox import gmail_errors as faults
from introducer.mail.sandbox.gmail_face import GmailFace


def inbox_count(world, person) -> int:
    return len(world.inbox(person.email))


def test_the_gmail_mailbox_is_a_mailbox_for_its_owner(dana):
    assert isinstance(dana, Mailbox)
    assert dana.owner == DANA


def test_a_reply_draft_joins_the_thread_with_threading_headers_and_the_same_subject(world, dana):
    inbound = world.inbox(DANA.email)[0]
    [ann_ask] = dana.read_thread(inbound.thread_id)
    created = dana.create_draft(OutgoingMessage(
        key="intro-1:decline_note:requester", to=(ANN,), subject="Re: " + ann_ask.subject,
        text="Bob can't right now.", thread_id=inbound.thread_id, reply_to=ann_ask.as_reply_target()))
    assert created.thread_id == inbound.thread_id and created.draft_id
    stored = world.draft(DANA.email, created.draft_id).parsed()  # the raw MIME the face handed the world
    assert stored["In-Reply-To"] == ann_ask.internet_message_id
    assert ann_ask.internet_message_id in stored["References"]
    assert stored["Subject"] == "Re: " + ann_ask.subject
    assert stored[KEY_HEADER] == "intro-1:decline_note:requester"
    assert stored["Message-ID"] == created.internet_message_id
    assert created.internet_message_id == message_id_for("intro-1:decline_note:requester", "parkcap.example")


def test_a_draft_is_read_back_as_a_draft_and_once_sent_as_from_me(world, dana):
    created = dana.create_draft(ask())
    [draft] = dana.read_thread(created.thread_id)
    assert draft.is_draft and not draft.from_me and draft.draft_id == created.draft_id
    assert draft.key == "intro-1:permission_request:target" and draft.to == (BOB,)
    sent = dana.send_draft(created.draft_id)
    assert sent.thread_id == created.thread_id and sent.provider_id != created.provider_id
    assert sent.internet_message_id == created.internet_message_id
    [message] = dana.read_thread(sent.thread_id)
    assert message.from_me and not message.is_draft and message.draft_id is None
    assert message.sender == DANA and message.text.startswith("Hi Bob,")
    assert inbox_count(world, BOB) == 1


def test_a_draft_made_elsewhere_is_found_with_its_draft_id(world, face, sleeps):
    made = world.create_draft(DANA.email, build_message(ask(key="made-in-gmail"), DANA).as_bytes())
    fresh = connect(face, DANA, sleeps)  # no memory of drafts it made itself
    [draft] = fresh.read_thread(made.thread_id)
    assert draft.is_draft and draft.draft_id == made.draft_id
    assert "drafts.list" in face.calls(DANA.email)


def test_sending_with_bcc_reaches_the_bcc_while_the_other_copies_do_not_show_it(world, dana):
    sent = dana.send(OutgoingMessage(key="intro-1:handoff:all", to=(ANN,), bcc=(BOB,), subject="Stepping out",
                                     text="Moving myself to Bcc."))
    [ann_copy] = world.thread(ANN.email, world.inbox(ANN.email)[0].thread_id)[-1:]
    assert ann_copy.parsed()["Bcc"] is None
    assert inbox_count(world, BOB) == 1
    [own] = dana.read_thread(sent.thread_id)
    assert own.bcc == (BOB,) and own.from_me


def test_a_reply_from_a_simulated_person_comes_back_through_changes_and_read_thread(world, dana, clock):
    start = dana.changes_since(None)
    sent = dana.send(ask())
    clock.now += timedelta(hours=2)
    world.tick()  # Bob agrees
    changes = dana.changes_since(start.cursor)
    assert [c.thread_id for c in changes.messages] == [sent.thread_id, sent.thread_id]
    assert int(changes.cursor) == world.latest_history(DANA.email)
    reply = dana.read_thread(sent.thread_id)[-1]
    assert reply.sender == BOB and not reply.from_me and reply.text.startswith("Yes, happy to")
    assert dana.changes_since(changes.cursor).messages == ()


def test_the_messages_history_names_are_read_alone_or_by_their_thread_when_that_costs_no_more(world, face, dana,
                                                                                                 clock):
    start = dana.changes_since(None)
    sent = dana.send(ask())
    clock.now += timedelta(hours=2)
    world.tick()  # Bob agrees
    named = [c.provider_id for c in dana.changes_since(start.cursor).messages]
    face.reset_quota()
    [reply] = dana.read_messages(sent.thread_id, named[1:])
    assert reply.sender == BOB and reply.text.startswith("Yes, happy to")
    assert face.calls(DANA.email) == ["messages.get"]  # 5 units; the thread would cost 10
    both = dana.read_messages(sent.thread_id, named + named)
    assert [m.provider_id for m in both] == named and both[0].from_me
    assert face.calls(DANA.email)[1:] == ["threads.get"]  # two messages: one threads.get, not two gets
    assert dana.read_messages("another-thread", named[1:]) == []  # not in that thread: left out


def test_history_is_paged_through_when_many_messages_arrived(world, face, dana):
    cursor = dana.changes_since(None).cursor
    arrived = [world.receive(DANA.email, _inbound(i)).id for i in range(620)]
    face.reset_quota()
    changes = dana.changes_since(cursor)
    assert [c.provider_id for c in changes.messages] == arrived
    assert face.calls(DANA.email) == ["history.list", "history.list"]  # 500 a page
    assert changes.cursor == str(world.latest_history(DANA.email))


def _inbound(i: int) -> bytes:
    return (f"From: Ann Lee <ann@acme.example>\r\nTo: dana@parkcap.example\r\nSubject: note {i}\r\n"
            f"Message-ID: <note-{i}@acme.example>\r\n\r\nNote {i}.\r\n").encode()


def test_a_cursor_gmail_no_longer_keeps_means_reset_to_the_current_cursor(clock, sleeps):
    small = SandboxWorld(None, history_retention=2)
    small.set_clock(clock)
    seed_demo(small)
    with GmailFace(small, clients={CLIENT_ID: CLIENT_SECRET}).start() as running:
        box = connect(running, DANA, sleeps)
        old = box.changes_since(None).cursor
        for i in range(3):
            box.send(ask(key=f"k{i}"))
        changes = box.changes_since(old)
        assert changes.reset and changes.messages == ()
        assert changes.cursor == str(small.latest_history(DANA.email))
        assert box.changes_since("not-a-gmail-cursor").reset
    small.close()


def test_labels_are_created_once_then_applied_and_removed(world, face, dana):
    first, second = dana.send(ask(key="a")), dana.send(ask(key="b", to=(ANN,)))
    dana.set_label(first.thread_id, "Intros/Awaiting consent")
    dana.set_label(second.thread_id, "Intros/Awaiting consent")
    assert face.calls(DANA.email).count("labels.create") == 1
    labelled = {s.thread_id for s in world.mailbox_threads(DANA.email, "Intros/Awaiting consent")}
    assert labelled == {first.thread_id, second.thread_id}
    dana.set_label(first.thread_id, "Intros/Awaiting consent", on=False)
    assert [s.thread_id for s in world.mailbox_threads(DANA.email, "Intros/Awaiting consent")] == [second.thread_id]
    dana.set_label(first.thread_id, "Intros/Never made", on=False)
    assert face.calls(DANA.email).count("labels.create") == 1


def test_watch_covers_inbox_and_sent_and_stop_ends_the_pushes(world, face, dana, sleeps):
    info = dana.watch()
    assert info.cursor == str(world.latest_history(DANA.email))
    assert info.expires_at == world.now() + timedelta(days=7)
    watch = face.watches.watching(DANA.email)
    assert watch.topic == TOPIC and watch.label_ids == {"INBOX", "SENT"} and watch.behavior == "include"
    before = len(face.watches.notifications)
    dana.send(ask())
    assert len(face.watches.notifications) == before + 1
    dana.stop_watch()
    dana.send(ask(key="after-stop"))
    assert len(face.watches.notifications) == before + 1
    assert connect(face, DANA, sleeps).watch() is None  # no topic configured: the worker polls


def test_what_one_permission_request_costs_in_quota_units(world, face, dana, clock, report):
    dana.set_label(world.inbox(DANA.email)[0].thread_id, "Intros/Awaiting consent")  # labels known
    cursor = dana.changes_since(None).cursor
    face.reset_quota()
    created = dana.create_draft(ask())
    sent = dana.send_draft(created.draft_id)
    dana.set_label(sent.thread_id, "Intros/Awaiting consent")
    clock.now += timedelta(hours=2)
    world.tick()  # Bob answers
    changes = dana.changes_since(cursor)
    for thread_id in dict.fromkeys(c.thread_id for c in changes.messages):
        dana.read_thread(thread_id)
    # drafts.create 10 + drafts.send 100 + read-back 5 + threads.modify 10 + history.list 2 + threads.get 10
    assert face.quota_used(DANA.email) == 137
    report(f"gmail quota for one permission request (draft, send, label, sync, read the answer): "
           f"{face.quota_used(DANA.email)} units, {len(face.calls(DANA.email))} calls")


# --- crash safety ----------------------------------------------------------------------------------
def test_a_crash_after_sending_leaves_a_message_a_restarted_process_finds_by_key(world, face, sleeps):
    hasty = connect(face, DANA, sleeps, num_retries=0)
    face.arm("messages.send", faults.server_error(500), after=True)
    with pytest.raises(TransientMailboxError):
        hasty.send(ask())
    restarted = connect(face, DANA, sleeps)
    found = restarted.find_by_key("intro-1:permission_request:target")
    assert found.from_me and found.key == "intro-1:permission_request:target"
    assert restarted.find_by_key("intro-1:permission_request:target", thread_id=found.thread_id) == found
    assert restarted.find_by_key("intro-1:permission_request:target", thread_id=world.inbox(DANA.email)[0].thread_id) is None
    assert restarted.find_by_key("never-sent") is None
    assert inbox_count(world, BOB) == 1


def test_find_by_key_finds_a_draft_with_its_draft_id(dana):
    created = dana.create_draft(ask())
    found = dana.find_by_key("intro-1:permission_request:target")
    assert found.is_draft and found.draft_id == created.draft_id


def test_a_lost_response_to_a_send_is_adopted_instead_of_sending_twice(world, face, dana):
    face.arm("messages.send", faults.server_error(500), after=True)
    sent = dana.send(ask())
    assert inbox_count(world, BOB) == 1
    assert dana.read_thread(sent.thread_id)[0].key == "intro-1:permission_request:target"
    assert "messages.list" in face.calls(DANA.email)  # looked for it before sending again


def test_a_lost_response_to_a_draft_send_is_left_to_the_key_lookup(world, face, dana):
    created = dana.create_draft(ask())
    face.arm("drafts.send", faults.server_error(503), after=True)
    with pytest.raises(TransientMailboxError):
        dana.send_draft(created.draft_id)
    assert inbox_count(world, BOB) == 1
    assert dana.find_by_key("intro-1:permission_request:target").from_me


def test_sending_a_draft_the_user_deleted_is_not_found(world, dana):
    created = dana.create_draft(ask())
    world.delete_draft(DANA.email, created.draft_id)
    with pytest.raises(NotFound):
        dana.send_draft(created.draft_id)


# --- retries --------------------------------------------------------------------------------------------
def test_a_429_then_success_sends_exactly_one_message_after_the_retry_after_pause(world, face, dana, sleeps):
    face.arm("messages.send", faults.too_many_requests(retry_after=3))
    dana.send(ask())
    assert inbox_count(world, BOB) == 1
    assert sleeps == [3.0]
    assert "messages.list" not in face.calls(DANA.email)  # a 429 proves nothing was sent: no look-up


def test_a_500_then_success_sends_exactly_one_message(world, face, dana, sleeps):
    face.arm("messages.send", faults.server_error(500))
    dana.send(ask())
    assert inbox_count(world, BOB) == 1 and len(sleeps) == 1


def test_a_per_user_rate_limit_403_is_retried_like_a_429(world, face, dana, sleeps):
    face.arm("drafts.create", faults.rate_limited("userRateLimitExceeded"), times=2)
    dana.create_draft(ask())
    assert len(world.drafts(DANA.email)) == 1 and len(sleeps) == 2


def test_a_persistent_429_gives_up_as_transient_and_sends_nothing(world, face, sleeps):
    box = connect(face, DANA, sleeps, num_retries=3)
    face.arm("messages.send", faults.too_many_requests(retry_after=1), times=10)
    with pytest.raises(TransientMailboxError):
        box.send(ask())
    assert inbox_count(world, BOB) == 0
    assert box.client.calls["messages.send"] == 4 and sleeps == [1.0, 1.0, 1.0]


def test_a_retry_after_longer_than_the_longest_pause_fails_fast(world, face, dana, sleeps):
    face.arm("history.list", faults.too_many_requests(retry_after=3600))
    cursor = dana.changes_since(None).cursor
    with pytest.raises(TransientMailboxError):
        dana.changes_since(cursor)
    assert sleeps == []


def test_a_slow_answer_is_waited_for(face, dana):
    face.arm("getProfile", faults.slow(0.3))
    assert dana.changes_since(None).cursor


# --- grants ---------------------------------------------------------------------------------------------
def test_a_revoked_refresh_token_means_reconnect_needed(face, sleeps):
    refresh = face.connect(DANA.email, CLIENT_ID)
    box = gmail_mailbox_for(DANA, refresh, CLIENT_ID, CLIENT_SECRET, face.token_url, face.url, sleep=sleeps.append)
    box.changes_since(None)
    face.identity.revoke(refresh)
    with pytest.raises(ReconnectNeeded):
        box.changes_since(None)


def test_an_expired_access_token_is_refreshed_without_the_caller_noticing(world, face, dana, clock):
    dana.changes_since(None)
    refreshes = len(face.identity.token_requests)
    clock.now += timedelta(hours=2)  # the face's tokens live 3599 s of world time
    assert dana.changes_since(None).cursor
    assert len(face.identity.token_requests) == refreshes + 1


def test_a_grant_without_a_gmail_scope_means_reconnect_needed(face, sleeps):
    refresh = face.connect(DANA.email, CLIENT_ID, scopes=("openid",))
    box = gmail_mailbox_for(DANA, refresh, CLIENT_ID, CLIENT_SECRET, face.token_url, face.url, sleep=sleeps.append)
    with pytest.raises(ReconnectNeeded):
        box.send(ask())
