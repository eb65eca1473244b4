"""Nudges over HTTP: silence then one bump then expiry; out of office; a reply just before a nudge."""
from __future__ import annotations

from datetime import timedelta

from introducer.domain.model import Person
from introducer.mail.port import OutgoingMessage
from introducer.mail.sandbox.mailbox import SandboxMailbox
from introducer.mail.sandbox.people import Behaviour
from introducer.service import nudges
from store_fixtures import lose_sync_requests

ANN, DANA = "ann@acme.example", "dana@parkcap.example"
GUS = {"name": "Gus Olsen", "email": "gus@quiet.example", "blurb": "ran sales at two clinic-software startups"}
CAROL = {"name": "Carol Diaz", "email": "carol@clinico.example", "blurb": "head of operations at Clinico"}


def _sent(flow, intro_id: int, step: str) -> list:
    return flow.messages_with_key(f"intro-{intro_id}:{step}:")


def test_silence_gets_one_polite_bump_then_the_intro_expires_and_the_requester_is_told(flow, start_time):
    intro_id = flow.start(target=GUS)
    flow.send_drafts()
    flow.advance(24 * 2.5, step=6)  # Wednesday night: not yet
    assert _sent(flow, intro_id, "consent_bump") == []
    flow.advance(24, step=6)  # Thursday, three business days later
    [bump] = _sent(flow, intro_id, "consent_bump")
    assert bump.parsed()["In-Reply-To"] == _sent(flow, intro_id, "permission_request")[0].internet_message_id
    assert flow.state(intro_id) == "awaiting_consent"

    flow.advance(24 * 6, step=6)  # three more business days (over the weekend)
    view = flow.intro(intro_id)
    assert view["state"] == "expired"
    assert len(_sent(flow, intro_id, "consent_bump")) == 1  # exactly one bump, ever
    [note] = flow.drafts()
    assert [p["email"] for p in note["to"]] == [ANN]
    assert view["scheduled"] == []


def test_an_out_of_office_reply_is_not_consent_and_moves_the_bump_past_the_return_date(flow, start_time):
    back = (start_time + timedelta(days=4)).date()  # Friday
    flow.app.world.set_behaviour(CAROL["email"], Behaviour(on_permission_request="ooo", ooo_until=back,
                                                           after_ooo="never", style="outlook"))
    intro_id = flow.start(target=CAROL)
    flow.send_drafts()
    flow.advance(1)
    view = flow.intro(intro_id)
    assert view["consents"]["target"] == "pending"
    assert view["consent_detail"]["target"]["away_until"] is not None
    assert any(e["kind"] == "auto_reply" and back.isoformat() in e["message"] for e in view["timeline"])

    flow.advance(24 * 6, step=6)  # Sunday: the usual Thursday bump did not go out
    assert _sent(flow, intro_id, "consent_bump") == []
    flow.advance(24 * 1.5, step=6)  # Monday after the return
    [bump] = _sent(flow, intro_id, "consent_bump")
    assert bump.date.date() > back
    assert flow.state(intro_id) == "awaiting_consent"


def test_a_reply_that_lands_just_before_the_nudge_is_due_cancels_it(flow):
    flow.app.world.set_behaviour(GUS["email"], Behaviour(on_permission_request="never"))
    intro_id = flow.start(target=GUS)
    flow.send_drafts()
    flow.advance(24 * 3 - 1, step=6)  # one hour before Thursday's bump
    assert _sent(flow, intro_id, "consent_bump") == []
    thread = flow.thread_about(GUS["email"], "Ann Lee")
    flow.reply(GUS["email"], thread["thread_id"], "Yes, happy to — please connect us.")
    flow.advance(24, step=6)
    assert _sent(flow, intro_id, "consent_bump") == []
    assert flow.intro(intro_id)["consents"]["target"] == "yes"


def test_a_reply_whose_notification_was_lost_is_found_when_the_thread_is_reread_before_the_nudge(flow):
    world, container = flow.app.world, flow.app.container
    world.set_behaviour(GUS["email"], Behaviour(on_permission_request="never"))
    intro_id = flow.start(target=GUS)
    flow.send_drafts()
    flow.advance(24 * 3 - 1, step=6)
    # Gus answers, but the change notification never arrives and no poll runs before the nudge is due
    gus = SandboxMailbox(world, Person("Gus Olsen", GUS["email"]))
    [ask] = [m for t in world.mailbox_threads(GUS["email"]) for m in gus.read_thread(t.thread_id)]
    gus.send(OutgoingMessage(key="gus-answer", to=(ask.sender,), subject=f"Re: {ask.subject}",
                             text="Happy to, go ahead!", thread_id=ask.thread_id, reply_to=ask.as_reply_target()))
    with container.uow() as uow:
        lose_sync_requests(uow)  # the notification is lost
    world.advance(timedelta(hours=2))
    nudges.dispatch_due(container.deps)
    assert _sent(flow, intro_id, "consent_bump") == []
    assert flow.intro(intro_id)["consents"]["target"] == "yes"


def test_an_out_of_office_from_the_requester_does_not_count_as_her_reply_to_the_intro(flow):
    from introducer.mail.sandbox.replies import compose

    world = flow.app.world
    world.set_behaviour(ANN, Behaviour(on_permission_request="agree", on_intro="never"))
    world.set_behaviour("bob@stonevc.example", Behaviour(on_permission_request="agree", on_intro="never"))
    intro_id = flow.start()
    flow.send_drafts()
    flow.advance(3)
    flow.send_drafts()  # the intro goes out; Ann is away
    intro = [m for t in world.mailbox_threads(ANN) for m in world.thread(ANN, t.thread_id)
             if str(m.parsed()["Subject"]).startswith("Intro:")][-1]
    raw = compose(Person("Ann Lee", ANN), [Person("Dana Park", DANA)], f"Automatic reply: {intro.subject}",
                  "I'm out of the office until next week with limited access to email.", world.now(),
                  replying_to=intro.parsed(), extra_headers=(("Auto-Submitted", "auto-replied"),))
    world.submit(ANN, raw)
    flow.advance(24 * 2, step=6)
    assert len(_sent(flow, intro_id, "requester_reminder")) == 1
    assert flow.state(intro_id) == "introduced"  # an automatic reply is no reason to step out


def test_a_nudge_reads_its_thread_once(flow):
    import dataclasses

    world, container = flow.app.world, flow.app.container
    world.set_behaviour(GUS["email"], Behaviour(on_permission_request="never"))
    intro_id = flow.start(target=GUS)
    flow.send_drafts()
    flow.advance(24 * 3 - 1, step=6)  # one hour before Thursday's bump
    reads: list[str] = []

    def counting(account):
        mailbox = container.deps.mailboxes(account)
        read_thread = mailbox.read_thread
        mailbox.read_thread = lambda thread_id: reads.append(thread_id) or read_thread(thread_id)
        return mailbox

    world.advance(timedelta(hours=2))
    assert nudges.dispatch_due(dataclasses.replace(container.deps, mailboxes=counting)) == 1
    [bump] = _sent(flow, intro_id, "consent_bump")
    [ask] = _sent(flow, intro_id, "permission_request")
    assert reads == [ask.thread_id]  # read once: ingested, then answered in that same read
    assert bump.thread_id == ask.thread_id
