"""What a push-driven sync reads in Gmail: the new messages history.list names (messages.get, 5 quota
units), not their whole threads (threads.get, 10), and nothing at all for messages it knows already
(our own sends, our own drafts); the whole thread only where the thread decides (the handoff that waits
for both parties). Real HTTP: the add-on, Connect Gmail, Pub/Sub pushes, the worker, the Gmail face."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from gmail_addon_fixtures import DANA, FILLED, clock, form, live, plain_http_to_loopback  # noqa: F401


def start(live, **policy) -> None:
    live.connect()
    if policy:
        with live.container.uow() as uow:
            account = uow.accounts.by_email("gmail", DANA)
            account.policy = {**(account.policy or {}), **policy}
            uow.commit()
    opened = live.trigger("/addon/gmail/on-open", gmail=live.open_message())
    live.click(opened, "Introduce", inputs=form(**FILLED), gmail=live.open_message())


def send_the_draft(live) -> None:
    (draft,) = live.world.drafts(DANA)
    live.world.send_draft(DANA, draft.draft_id)  # Dana, from Gmail


def calls_while(live, step) -> Counter:
    start_at = len(live.face.calls(DANA))
    step()
    return Counter(live.face.calls(DANA)[start_at:])


def state(live) -> str:
    with live.container.uow() as uow:
        return uow.intros.get(1, live.account().id).state


def test_a_sync_reads_the_messages_history_names_and_skips_our_own(live, clock):
    start(live)
    send_the_draft(live)
    sent = calls_while(live, live.settle)
    assert state(live) == "awaiting_consent"
    assert sent["messages.get"] == 1 and sent["threads.get"] == 0, sent  # the sent ask, read alone

    def bob_says_yes():
        clock.now += timedelta(hours=2, minutes=5)
        live.settle()
    replied = calls_while(live, bob_says_yes)
    assert state(live) == "consented"
    assert replied["messages.get"] == 1 and replied["threads.get"] == 0, replied
    assert replied["drafts.list"] == 0

    send_the_draft(live)
    live.settle()

    def ann_replies():
        clock.now += timedelta(hours=1, minutes=5)
        live.settle()
    handed_off = calls_while(live, ann_replies)
    assert state(live) == "handed_off"
    # Ann's reply read alone; the handoff we sent and read back once is not read again when history names it
    assert handed_off["messages.send"] == 1 and handed_off["messages.get"] == 2, handed_off
    assert handed_off["threads.get"] == 0 and handed_off["history.list"] == 2, handed_off


def test_the_handoff_that_waits_for_both_replies_reads_the_whole_intro_thread(live, clock):
    start(live, handoff_trigger="both_replied")
    send_the_draft(live)
    live.settle()
    clock.now += timedelta(hours=2, minutes=5)
    live.settle()
    send_the_draft(live)
    live.settle()
    assert state(live) == "introduced"

    def ann_replies():
        clock.now += timedelta(hours=1, minutes=5)
        live.settle()
    replied = calls_while(live, ann_replies)
    assert replied["threads.get"] >= 1, replied  # whether Bob replied too is in the thread, not in Ann's reply
    assert state(live) == "introduced" and replied["messages.send"] == 0  # Bob has not replied yet
