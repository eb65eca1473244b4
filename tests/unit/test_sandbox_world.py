"""The sandbox mail world: delivery, Gmail-like threads, drafts, Bcc, bounces, labels, history, persistence."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime

import pytest

from introducer.mail.mime import parse, text_of
from introducer.mail.port import NotFound
from introducer.mail.sandbox import SandboxWorld, StaleCursor, UnknownUser
from introducer.mail.sandbox.records import DRAFT, INBOX, SENT, UNREAD

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DANA, ANN, BOB = "dana@parkcap.example", "ann@acme.example", "bob@stonevc.example"


def mail(frm: str, to: str, subject: str, text: str = "Hello.", *, cc: str = "", bcc: str = "",
         reply_to=None, msgid: str | None = None) -> bytes:
    em = EmailMessage()
    em["From"] = frm
    em["To"] = to
    if cc:
        em["Cc"] = cc
    if bcc:
        em["Bcc"] = bcc
    em["Subject"] = subject
    em["Date"] = format_datetime(T0)
    if msgid:
        em["Message-ID"] = msgid
    if reply_to is not None:
        em["In-Reply-To"] = reply_to.internet_message_id
        em["References"] = reply_to.internet_message_id
    em.set_content(text)
    return em.as_bytes()


@pytest.fixture
def world():
    w = SandboxWorld(None, bounce_domains=("gone.example",))
    w.set_clock(lambda: T0)
    w.add_user("Dana Park", DANA, is_simulated=False)
    w.add_user("Ann Lee", ANN, is_simulated=False)
    w.add_user("Bob Stone", BOB, is_simulated=False)
    yield w
    w.close()


def test_a_sent_message_is_in_the_senders_sent_and_the_recipients_inbox(world):
    sent = world.submit(DANA, mail(DANA, ANN, "Hi Ann"))
    [got] = world.thread(ANN, world.inbox(ANN)[0].thread_id)
    assert sent.labels == {SENT}
    assert got.labels == {INBOX, UNREAD}
    assert got.internet_message_id == sent.internet_message_id
    assert world.inbox(DANA) == []


def test_a_reply_lands_in_the_same_thread_in_both_mailboxes(world):
    first = world.submit(DANA, mail(DANA, ANN, "Coffee?"))
    ann_copy = world.thread(ANN, world.inbox(ANN)[0].thread_id)[0]
    reply = world.submit(ANN, mail(ANN, DANA, "Re: Coffee?", reply_to=ann_copy), ann_copy.thread_id)
    assert reply.thread_id == ann_copy.thread_id
    assert [m.subject for m in world.thread(DANA, first.thread_id)] == ["Coffee?", "Re: Coffee?"]


def test_a_reply_with_another_subject_starts_a_new_thread_even_when_the_thread_id_is_given(world):
    first = world.submit(DANA, mail(DANA, ANN, "Coffee?"))
    other = world.submit(DANA, mail(DANA, ANN, "Something else", reply_to=first), first.thread_id)
    assert other.thread_id != first.thread_id
    assert len(world.thread(DANA, first.thread_id)) == 1


def test_a_message_without_references_does_not_join_the_requested_thread(world):
    first = world.submit(DANA, mail(DANA, ANN, "Coffee?"))
    loose = world.submit(DANA, mail(DANA, ANN, "Coffee?"), first.thread_id)
    assert loose.thread_id != first.thread_id


def test_sending_into_a_thread_that_does_not_exist_is_not_found(world):
    with pytest.raises(NotFound):
        world.submit(DANA, mail(DANA, ANN, "Hi"), "0123456789abcdef")


def test_sending_from_an_unknown_mailbox_is_refused(world):
    with pytest.raises(UnknownUser):
        world.submit("nobody@else.example", mail("nobody@else.example", ANN, "Hi"))


def test_bcc_is_stripped_for_recipients_kept_for_the_sender_and_each_bcc_recipient_gets_a_copy(world):
    sent = world.submit(DANA, mail(DANA, ANN, "Handoff", bcc=f"{BOB}, {DANA}"))
    assert "Bob Stone" in str(parse(sent.raw)["Bcc"]) or BOB in str(parse(sent.raw)["Bcc"])
    for who in (ANN, BOB):
        [copy] = world.thread(who, world.inbox(who)[0].thread_id)
        assert parse(copy.raw)["Bcc"] is None
        assert b"bcc:" not in copy.raw.lower()
        assert text_of(parse(copy.raw)).strip() == "Hello."


def test_a_message_to_yourself_is_one_copy_in_both_sent_and_inbox(world):
    sent = world.submit(DANA, mail(DANA, ANN, "Handoff", bcc=DANA))
    assert {SENT, INBOX} <= sent.labels
    assert len(world.thread(DANA, sent.thread_id)) == 1


def test_an_address_at_a_bounce_domain_gets_the_sender_a_bounce_in_the_same_thread(world):
    sent = world.submit(DANA, mail(DANA, "x@gone.example", "Hello"))
    thread = world.thread(DANA, sent.thread_id)
    assert len(thread) == 2
    dsn = parse(thread[1].raw)
    assert dsn.get_content_type() == "multipart/report"
    assert dsn["Subject"] == "Delivery Status Notification (Failure)"
    assert dsn["Auto-Submitted"] == "auto-replied"
    assert str(dsn["From"]).endswith("mailer-daemon@sandbox.example>")
    assert "x@gone.example" in text_of(dsn)
    assert INBOX in thread[1].labels


def test_mail_from_outside_the_world_arrives_in_the_inbox_without_its_bcc(world):
    got = world.receive(DANA, mail("zoe@elsewhere.example", DANA, "Hello from outside", bcc=DANA))
    assert got.labels == {INBOX, UNREAD} and parse(got.raw)["Bcc"] is None


def test_an_address_outside_the_world_just_leaves_it(world):
    sent = world.submit(DANA, mail(DANA, "someone@elsewhere.example", "Hello"))
    assert len(world.thread(DANA, sent.thread_id)) == 1


def test_drafts_show_in_their_thread_and_sending_keeps_the_thread_with_a_new_message_id(world):
    first = world.submit(ANN, mail(ANN, DANA, "Intro please"))
    incoming = world.thread(DANA, world.inbox(DANA)[0].thread_id)[0]
    ref = world.create_draft(DANA, mail(DANA, ANN, "Re: Intro please", reply_to=incoming), incoming.thread_id)
    assert ref.thread_id == incoming.thread_id
    assert [m.is_draft for m in world.thread(DANA, ref.thread_id)] == [False, True]
    assert DRAFT in world.message(DANA, ref.message_id).labels
    sent = world.send_draft(DANA, ref.draft_id)
    assert sent.id != ref.message_id and sent.thread_id == ref.thread_id
    assert [m.is_draft for m in world.thread(DANA, ref.thread_id)] == [False, False]
    assert len(world.thread(ANN, first.thread_id)) == 2
    assert world.drafts(DANA) == []


def test_a_standalone_draft_keeps_its_thread_id_when_sent(world):
    ref = world.create_draft(DANA, mail(DANA, BOB, "Would you like to meet Ann?"))
    sent = world.send_draft(DANA, ref.draft_id)
    assert sent.thread_id == ref.thread_id
    assert len(world.inbox(BOB)) == 1


def test_updating_a_draft_keeps_its_id_and_gives_its_message_a_new_id(world):
    ref = world.create_draft(DANA, mail(DANA, BOB, "Draft", "v1"))
    new = world.update_draft(DANA, ref.draft_id, mail(DANA, BOB, "Draft", "v2"))
    assert new.draft_id == ref.draft_id and new.message_id != ref.message_id and new.thread_id == ref.thread_id
    with pytest.raises(NotFound):
        world.message(DANA, ref.message_id)
    assert text_of(world.draft(DANA, ref.draft_id).parsed()).strip() == "v2"


def test_a_deleted_draft_cannot_be_sent(world):
    ref = world.create_draft(DANA, mail(DANA, BOB, "Draft"))
    world.delete_draft(DANA, ref.draft_id)
    with pytest.raises(NotFound):
        world.send_draft(DANA, ref.draft_id)
    assert world.inbox(BOB) == []


def test_history_ids_grow_with_every_added_message_and_name_it(world):
    start = world.latest_history(DANA)
    a = world.submit(DANA, mail(DANA, ANN, "One"))
    b = world.create_draft(DANA, mail(DANA, ANN, "Two"))
    records, latest = world.history(DANA, start)
    assert [r.kind for r in records] == ["messageAdded", "messageAdded"]
    assert [r.message_id for r in records] == [a.id, b.message_id]
    assert [r.id for r in records] == sorted(r.id for r in records) and latest == records[-1].id > start
    assert world.history(DANA, latest) == ([], latest)


def test_a_cursor_older_than_the_kept_history_is_stale():
    w = SandboxWorld(None, history_retention=3)
    w.add_user("Dana Park", DANA, is_simulated=False)
    w.add_user("Ann Lee", ANN, is_simulated=False)
    for i in range(5):
        w.submit(DANA, mail(DANA, ANN, f"m{i}"))
    with pytest.raises(StaleCursor):
        w.history(DANA, 1)
    records, latest = w.history(DANA, 2)
    assert len(records) == 3 and latest == 5
    with pytest.raises(StaleCursor):
        w.history(DANA, 99)


def test_labels_are_created_on_first_use_apply_to_the_whole_thread_and_are_recorded(world):
    first = world.submit(DANA, mail(DANA, ANN, "Coffee?"))
    ann_copy = world.thread(ANN, world.inbox(ANN)[0].thread_id)[0]
    world.submit(ANN, mail(ANN, DANA, "Re: Coffee?", reply_to=ann_copy))
    start = world.latest_history(DANA)
    world.set_label(DANA, first.thread_id, "Intros/Awaiting consent")
    label = next(x for x in world.labels(DANA) if x.name == "Intros/Awaiting consent")
    assert label.type == "user"
    assert all(label.id in m.labels for m in world.thread(DANA, first.thread_id))
    assert [s.thread_id for s in world.mailbox_threads(DANA, "Intros/Awaiting consent")] == [first.thread_id]
    records, _ = world.history(DANA, start)
    assert {r.kind for r in records} == {"labelAdded"} and len(records) == 2
    world.set_label(DANA, first.thread_id, "Intros/Awaiting consent", on=False)
    assert world.mailbox_threads(DANA, "Intros/Awaiting consent") == []
    with pytest.raises(NotFound):
        world.set_label(DANA, "nope", "X")


def test_mailbox_threads_are_newest_first_with_a_snippet(world):
    clock = [T0]
    world.set_clock(lambda: clock[0])
    world.submit(ANN, mail(ANN, DANA, "Older", "first words"))
    clock[0] = T0 + timedelta(minutes=5)
    world.submit(BOB, mail(BOB, DANA, "Newer", "second words"))
    listing = world.inbox(DANA)
    assert [s.subject for s in listing] == ["Newer", "Older"]
    assert listing[0].snippet == "second words" and listing[0].unread


def test_find_header_finds_messages_by_any_header(world):
    world.submit(DANA, mail(DANA, ANN, "Hi", msgid="<abc@parkcap.example>"))
    [found] = world.find_header(ANN, "message-id", "<abc@parkcap.example>")
    assert found.subject == "Hi"
    assert world.find_header(ANN, "Message-ID", "<other@x.example>") == []


def test_listeners_hear_each_changed_mailbox_after_commit_and_may_read_the_world(world):
    heard = []
    world.subscribe(lambda email, hid: heard.append((email, hid, len(world.inbox(email)))))
    world.submit(DANA, mail(DANA, ANN, "Hi"))
    assert sorted(heard) == [(ANN, 1, 1), (DANA, 1, 0)]


def test_a_failing_listener_does_not_undo_delivery(world):
    world.subscribe(lambda email, hid: 1 / 0)
    world.submit(DANA, mail(DANA, ANN, "Hi"))
    assert len(world.inbox(ANN)) == 1


def test_the_clock_moves_forward_only_and_everything_is_dated_by_it(world):
    assert world.advance(timedelta(days=2)) == T0 + timedelta(days=2)
    sent = world.submit(DANA, mail(DANA, ANN, "Hi"))
    assert sent.date == T0 + timedelta(days=2)
    with pytest.raises(ValueError):
        world.advance(timedelta(seconds=-1))


def test_a_missing_date_and_message_id_are_filled_in_from_the_world(world):
    em = EmailMessage()
    em["From"], em["To"], em["Subject"] = DANA, ANN, "Bare"
    em.set_content("x")
    got = parse(world.submit(DANA, em.as_bytes()).raw)
    assert got["Date"].datetime == T0
    assert str(got["Message-ID"]).endswith("@parkcap.example>")


def test_the_world_persists_across_reopening_the_same_file(tmp_path):
    path = tmp_path / "sandbox.db"
    w = SandboxWorld(path)
    w.add_user("Dana Park", DANA, is_simulated=False)
    w.add_user("Ann Lee", ANN, is_simulated=False)
    sent = w.submit(DANA, mail(DANA, ANN, "Hi"))
    w.set_label(DANA, sent.thread_id, "Intros/Introduced")
    w.advance(timedelta(hours=5))
    latest = w.latest_history(DANA)
    w.close()

    again = SandboxWorld(path)
    assert [u.email for u in again.users()] == [DANA, ANN]
    assert again.thread(DANA, sent.thread_id)[0].raw == sent.raw
    assert again.latest_history(DANA) == latest
    assert any(lab.name == "Intros/Introduced" for lab in again.labels(DANA))
    assert again.now() - datetime.now(timezone.utc) > timedelta(hours=4, minutes=59)
    again.close()


def test_several_threads_sending_at_once_lose_nothing(world):
    errors = []

    def send(n):
        try:
            for i in range(10):
                world.submit(DANA, mail(DANA, f"{ANN}, {BOB}", f"t{n}-{i}"))
        except Exception as e:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(e)

    workers = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    records, latest = world.history(ANN, 0)
    assert latest == 40 and [r.id for r in records] == list(range(1, 41))
    assert len(world.inbox(BOB)) == 40


def test_each_delivered_copy_is_stamped_with_the_receiving_servers_sender_checks(world):
    from introducer.domain.sender_auth import check_sender

    world.submit(ANN, mail(f"Ann Lee <{ANN}>", DANA, "Hi"))
    world.submit(ANN, mail(f"Bob Stone <{BOB}>", DANA, "Forged"))  # Ann's mailbox, Bob's address in From
    world.receive(DANA, mail(f"Bob Stone <{BOB}>", DANA, "Spoofed from outside"), authenticated=False)
    got = {str(m.parsed()["Subject"]): m.parsed() for t in world.inbox(DANA) for m in world.thread(DANA, t.thread_id)}
    checks = {subject: check_sender(str(em["From"]).split("<")[1].rstrip(">"), em.get_all("Authentication-Results"))
              for subject, em in got.items()}
    assert checks["Hi"].passed
    assert not checks["Forged"].passed and "dmarc=fail" in checks["Forged"].reason
    assert not checks["Spoofed from outside"].passed
    assert str(got["Hi"]["Authentication-Results"]).startswith("mx.sandbox.example;")
