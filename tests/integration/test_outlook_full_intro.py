"""A whole intro through Outlook: the service drives the real GraphMailbox (requests + msal) over HTTPS
against the sandbox world's Graph face. Ask Bob, Bob agrees, Dana sends the intro, Ann replies, Dana
steps out — in the intro's own conversation, To both, Bcc Dana, Reply-To both.
"""
from __future__ import annotations

from email.utils import getaddresses

from introducer.domain.model import Person
from introducer.mail.graph.accounts import mailbox_for_account
from introducer.mail.sandbox.graph_ids import conversation_id
from introducer.service import intros
from outlook_fixtures import database_url, outlook_demo  # noqa: F401

ANN, BOB, DANA = "ann@acme.example", "bob@stonevc.example", "dana@parkcap.example"


def _addresses(value) -> set[str]:
    return {a.lower() for _, a in getaddresses([str(value or "")]) if a}


def _graph_mailbox(demo):
    with demo.container.uow() as uow:
        account = uow.accounts.get(demo.account_id)
    return mailbox_for_account(demo.container.settings, demo.container.cipher, demo.container.uow, account,
                               clock=demo.world.now)


def test_the_demo_connects_dana_through_msal_with_a_sealed_cache(outlook_demo):
    with outlook_demo.container.uow() as uow:
        account = uow.accounts.get(outlook_demo.account_id)
    assert (account.provider, account.email, account.status) == ("outlook", DANA, "active")
    assert account.external_id == f"{outlook_demo.outlook.identity.user_id(DANA)}.{outlook_demo.outlook.identity.tenant_id}"
    assert b"RefreshToken" not in account.credentials and account.sync_cursor.startswith('{"inbox"')
    assert outlook_demo.outlook.identity.requests["token:authorization_code"] == 1


def test_a_full_intro_runs_through_graph_and_the_handoff_stays_in_the_intro_conversation(outlook_demo):
    demo = outlook_demo
    source = conversation_id(demo.seeded["inbound_thread_id"])
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec(source_thread_id=source))

    [ask] = demo.drafts()  # the permission request waits in Dana's Outlook drafts, to Bob only
    assert _addresses(ask.parsed()["To"]) == {BOB}
    assert intros.send_now(demo.deps, demo.account_id, intro_id) == 1
    assert demo.view(intro_id)["state"] == "awaiting_consent"

    demo.advance(3)  # Bob answers "yes" after two hours; the worker reads it through delta
    view = demo.view(intro_id)
    assert view["consents"]["target"] == "yes" and view["state"] == "consented"
    [intro_draft] = demo.drafts()
    assert _addresses(intro_draft.parsed()["To"]) == {ANN, BOB}
    assert str(intro_draft.parsed()["Subject"]) == "Intro: Ann Lee meets Bob Stone – healthcare go-to-market"

    assert intros.send_now(demo.deps, demo.account_id, intro_id) == 1
    assert demo.view(intro_id)["state"] == "introduced"

    demo.advance(2)  # Ann replies to the intro within the hour; the handoff follows
    assert demo.view(intro_id)["state"] in ("handed_off", "completed")

    [intro_message] = demo.sent(f"intro-{intro_id}:intro:")
    [handoff] = demo.sent(f"intro-{intro_id}:handoff:")
    raw = handoff.parsed()
    assert handoff.thread_id == intro_message.thread_id
    assert _addresses(raw["To"]) == {ANN, BOB}
    assert _addresses(raw["Bcc"]) == {DANA}
    assert _addresses(raw["Reply-To"]) == {ANN, BOB}
    assert str(raw["Subject"]).startswith("Re: Intro: Ann Lee meets Bob Stone")

    # The same, as Graph shows it: one conversation, the handoff answering a message of the intro's
    # conversation (Sent Items copies carry no custom headers: the Message-ID derived from the key names it)
    [intro_row] = [m for m in demo.view(intro_id)["messages"] if m["step"] == "intro"]
    thread = [m for m in _graph_mailbox(demo).read_thread(intro_row["thread_id"]) if not m.is_draft]
    [ours] = [m for m in thread if m.internet_message_id == str(raw["Message-ID"])]
    assert ours.from_me and set(ours.to) == {Person("Ann Lee", ANN), Person("Bob Stone", BOB)}
    assert ours.bcc == (Person("Dana Park", DANA),)
    assert {p.email for p in ours.reply_to_addresses} == {ANN, BOB}
    assert str(raw["In-Reply-To"]) in {m.internet_message_id for m in thread if m is not ours}
    assert {m.thread_id for m in thread} == {intro_row["thread_id"]} and len(thread) >= 3

    kinds = [e["kind"] for e in demo.view(intro_id)["timeline"]]
    for expected in ("permission_request_sent", "consent_yes", "intro_sent", "party_replied", "handoff_sent"):
        assert expected in kinds
    assert kinds.count("handoff_sent") == 1
    assert demo.outlook.face.without_immutable_ids() == []


def test_drafts_sent_from_another_mail_app_are_followed_through_graph(outlook_demo, report):
    """Dana sends each draft from another mail app: a new message without our header or Message-ID, in a
    conversation of its own, the draft gone. Delta on Sent Items shows it; the intro runs to the handoff,
    Bob's bump three business days after the send included."""
    from datetime import timedelta

    from introducer.mail.sandbox.faults import DRAFT_SENT_ELSEWHERE
    from introducer.mail.sandbox.people import Behaviour

    demo = outlook_demo
    demo.world.set_behaviour(BOB, Behaviour(reply_delay=timedelta(days=4)))
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec())
    demo.world.faults.switch(DRAFT_SENT_ELSEWHERE)
    outcome = "stuck"
    try:
        [ask] = demo.drafts()
        demo.world.send_draft(DANA, ask.draft_id)
        demo.advance(1)
        view = demo.view(intro_id)
        assert any(e["kind"] == "permission_request_sent" for e in view["timeline"]), view["timeline"]
        demo.advance(24 * 3 + 2, step=6)  # Thursday: three business days after the send
        [bump] = demo.sent(f"intro-{intro_id}:consent_bump:")  # once, in the conversation Bob got
        [sent_ask] = [m for t in demo.world.mailbox_threads(DANA) for m in demo.world.thread(DANA, t.thread_id)
                      if "SENT" in m.labels and m.subject.startswith("Open to meeting")]
        assert bump.thread_id == sent_ask.thread_id and "X-Introducer-Key" not in sent_ask.parsed()
        demo.advance(24, step=6)  # Friday: Bob's yes
        assert demo.view(intro_id)["state"] == "consented"
        [intro_draft] = demo.drafts()
        demo.world.send_draft(DANA, intro_draft.draft_id)
        demo.advance(0.1)  # before anyone replies
        assert demo.view(intro_id)["state"] == "introduced"
        demo.advance(4)
        assert demo.view(intro_id)["state"] in ("handed_off", "completed")
        outcome = "completed"
    finally:
        report(f"fault {DRAFT_SENT_ELSEWHERE} (Graph): intros completed {int(outcome == 'completed')} / "
               f"waiting with reason 0 / stuck {int(outcome == 'stuck')}")
