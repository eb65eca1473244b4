"""A draft Dana sends is noticed however Gmail shows the send, over real HTTP through the real adapters.

The whole workflow runs on the Gmail face (add-on click, Connect Gmail, Pub/Sub pushes to the webhook,
the worker) with a sandbox switch that makes the world show a sent draft the way real mailboxes do:
- `DRAFT_SENT_AS_LABELS`: drafts.send as label changes only (SENT added, DRAFT removed, same message);
- `DRAFT_SENT_ELSEWHERE`: sent from another mail client (new message id, no X-Introducer-Key header,
  a new Message-ID; a draft that started a thread lands in a new one).
Bob stays silent past the bump, so a send noticed late (or never) shows as a missing bump. Each run
reports intros completed / waiting with a visible reason / stuck.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from gmail_addon_fixtures import ANN, BOB, DANA, FILLED, clock, form, live, plain_http_to_loopback  # noqa: F401
from introducer.domain.states import NEEDS_REVIEW_LABEL
from introducer.mail.sandbox.faults import DRAFT_SENT_AS_LABELS, DRAFT_SENT_ELSEWHERE
from introducer.mail.sandbox.people import Behaviour

DONE = ("handed_off", "completed")


def advance(live, clock, hours: float, step: float = 6) -> None:
    while hours > 0:
        clock.now += timedelta(hours=min(step, hours))
        live.settle()
        hours -= step


def start_intro(live) -> int:
    live.connect()
    opened = live.trigger("/addon/gmail/on-open", gmail=live.open_message())
    live.click(opened, "Introduce", inputs=form(**FILLED), gmail=live.open_message())
    live.settle()
    return 1


def intro_of(live, intro_id: int):
    with live.container.uow() as uow:
        intro = uow.intros.get(intro_id, live.account().id)
        events = [e.kind for e in uow.events.for_intro(intro_id)]
        threads = uow.intros.threads_of(intro_id)
        return intro.state, bool(intro.needs_review), events, threads


def sent_by_step(live, step: str) -> list:
    """Dana's sent messages of one step, recognised by subject and recipients (the key header may be gone)."""
    out = []
    for summary in live.world.mailbox_threads(DANA):
        for m in live.world.thread(DANA, summary.thread_id):
            if "SENT" in m.labels and m.id not in {o.id for o in out}:
                em = m.parsed()
                to = str(em["To"] or "")
                if step == "bump" and BOB in to and "Re:" in str(em["Subject"]) and ANN not in to:
                    out.append(m)
                elif step == "ask" and BOB in to and ANN not in to and "Re:" not in str(em["Subject"]):
                    out.append(m)
                elif step == "intro" and BOB in to and ANN in to and "Re:" not in str(em["Subject"]):
                    out.append(m)
    return out


def intro_labels(live, thread_id: str) -> set[str]:
    names = {label.id: label.name for label in live.world.labels(DANA)}
    try:
        messages = live.world.thread(DANA, thread_id)
    except Exception:  # a thread that no longer exists carries nothing
        return set()
    return {names.get(lid, lid) for m in messages for lid in m.labels if names.get(lid, "").startswith("Intros/")}


def outcome(live, intro_id: int) -> str:
    """completed; waiting for Dana with a reason she sees (Needs review, or a draft to send); else stuck."""
    state, review, _, _ = intro_of(live, intro_id)
    if state in DONE:
        return "completed"
    return "waiting" if review or live.world.drafts(DANA) else "stuck"


def other_mail(live) -> None:
    """Unrelated mail reaches Dana while the draft waits: its push makes a sync that moves the cursor past
    the draft's creation, so the send must be noticed from what the send itself leaves in the history."""
    live.world.receive(DANA, b"From: Zoe <zoe@elsewhere.example>\r\nTo: " + DANA.encode() +
                       b"\r\nSubject: Lunch?\r\n\r\nFree on Thursday?\r\n")
    live.settle()


def send_only_draft(live) -> None:
    (draft,) = live.world.drafts(DANA)
    live.world.send_draft(DANA, draft.draft_id)


@pytest.mark.parametrize("switch", [DRAFT_SENT_AS_LABELS, DRAFT_SENT_ELSEWHERE])
def test_sent_drafts_are_noticed_and_the_whole_intro_runs(live, clock, report, switch):
    live.world.set_behaviour(BOB, Behaviour(reply_delay=timedelta(days=4)))  # silent past the bump
    intro_id = start_intro(live)
    live.world.faults.switch(switch)
    counts = {"completed": 0, "waiting": 0, "stuck": 0}
    try:
        other_mail(live)
        send_only_draft(live)  # Monday 09:00, from Gmail (or another app)
        live.settle()
        state, _, events, threads = intro_of(live, intro_id)
        assert state == "awaiting_consent", events  # the send is known at once
        assert "permission_request_sent" in events
        (ask,) = sent_by_step(live, "ask")
        assert intro_labels(live, ask.thread_id) == {"Intros/Awaiting consent"}

        advance(live, clock, 24 * 3 + 8)  # Thursday noon in New York: three business days after the send
        assert len(sent_by_step(live, "bump")) == 1  # Bob is nudged once, in the thread he got
        assert sent_by_step(live, "bump")[0].thread_id == ask.thread_id
        advance(live, clock, 18)  # Friday: Bob's yes; the intro is drafted
        assert intro_of(live, intro_id)[0] == "consented"

        other_mail(live)
        send_only_draft(live)
        live.settle()
        state, _, events, _ = intro_of(live, intro_id)
        assert state == "introduced", events  # before anyone replies
        (intro_message,) = sent_by_step(live, "intro")
        assert intro_labels(live, intro_message.thread_id) == {"Intros/Introduced"}
        with live.container.uow() as uow:
            kinds = [w.kind for w in uow.due.pending_for_intro(intro_id)]
        assert "requester_reminder" in kinds  # scheduled from the send, not from a reply

        advance(live, clock, 6)  # Ann answers in the intro thread; the handoff goes out
        state, _, events, threads = intro_of(live, intro_id)
        assert state in DONE, events
        assert len(sent_by_step(live, "bump")) == 1 and len(sent_by_step(live, "ask")) == 1
        for thread_id in threads:  # exactly one state label on every thread that still exists
            assert len(intro_labels(live, thread_id) - {NEEDS_REVIEW_LABEL}) <= 1
    finally:
        counts[outcome(live, intro_id)] += 1
        report(f"fault {switch}: intros completed {counts['completed']} / waiting with reason {counts['waiting']} "
               f"/ stuck {counts['stuck']}")


def test_a_draft_left_unsent_is_told_to_the_introducer_and_nobody_else_is_nudged(live, clock, report):
    live.world.set_behaviour(BOB, Behaviour(reply_delay=timedelta(hours=2)))
    intro_id = start_intro(live)
    (draft,) = live.world.drafts(DANA)
    advance(live, clock, 24 + 7)  # Tuesday 11:00 in New York: not two business days yet
    assert intro_of(live, intro_id)[1] is False
    advance(live, clock, 24)  # Wednesday 11:00 in New York
    state, review, events, _ = intro_of(live, intro_id)
    assert (state, review) == ("awaiting_consent", True) and events.count("draft_waiting") == 1
    assert intro_labels(live, draft.thread_id) == {"Intros/Awaiting consent", NEEDS_REVIEW_LABEL}
    page = live.trigger("/addon/gmail/home")
    assert "waiting in your drafts" in str(page).lower()
    advance(live, clock, 24 * 3)  # no bump to Bob, who never got the request; told once only
    assert sent_by_step(live, "bump") == [] and intro_of(live, intro_id)[2].count("draft_waiting") == 1

    send_only_draft(live)  # Saturday: Dana sends it at last; the notice goes, Bob answers
    live.settle()
    advance(live, clock, 3)
    state, review, _, _ = intro_of(live, intro_id)
    assert (state, review) == ("consented", False)
    assert intro_labels(live, draft.thread_id) == {"Intros/Consented"}
    report(f"draft left unsent 2 business days: told the introducer once, nudged nobody (after the late send: "
           f"{outcome(live, intro_id)}, the intro draft is Dana's to send)")


def test_a_draft_deleted_in_gmail_is_told_to_the_introducer(live, clock):
    intro_id = start_intro(live)
    (draft,) = live.world.drafts(DANA)
    live.world.delete_draft(DANA, draft.draft_id)
    live.settle()
    advance(live, clock, 2)  # the hourly check: drafts.get answers 404, the thread has no sent copy
    state, review, events, _ = intro_of(live, intro_id)
    assert (state, review) == ("awaiting_consent", True) and events.count("draft_gone") == 1
    advance(live, clock, 24 * 3)
    assert intro_of(live, intro_id)[2].count("draft_gone") == 1 and sent_by_step(live, "bump") == []
