"""The introducer's own messages in a tracked thread: told apart from our drafts being sent."""
from __future__ import annotations

from introducer.domain.model import Person
from introducer.mail.sandbox.replies import compose

ANN, BOB, DANA = "ann@acme.example", "bob@stonevc.example", "dana@parkcap.example"
PEOPLE = [Person("Ann Lee", ANN), Person("Bob Stone", BOB)]


def _to_handoff_draft(flow) -> tuple[int, dict]:
    flow.settings(handoff="draft")
    intro_id = flow.start()
    flow.send_drafts()
    flow.advance(3)
    flow.send_drafts()
    flow.advance(2)  # Ann replies; the handoff waits in Dana's drafts
    [draft] = flow.drafts()
    assert draft["subject"].startswith("Re: Intro:") and flow.state(intro_id) == "introduced"
    return intro_id, draft


def _dana_writes(flow, draft: dict, text: str) -> None:
    """Dana writes in the intro thread from her mail client: no Introducer header, her own Message-ID."""
    world = flow.app.world
    latest = [m for m in world.thread(DANA, draft["thread_id"]) if not m.is_draft][-1]
    raw = compose(Person("Dana Park", DANA), PEOPLE, draft["subject"], text, world.now(), replying_to=latest.parsed())
    world.submit(DANA, raw, draft["thread_id"])
    flow.advance(0.5)


def test_the_introducers_own_reply_is_not_taken_for_the_waiting_handoff_draft(flow):
    intro_id, draft = _to_handoff_draft(flow)
    _dana_writes(flow, draft, "Quick note: Bob, Ann's deck is attached to her first email.")
    assert flow.state(intro_id) == "introduced"
    assert len(flow.drafts()) == 1
    flow.send_drafts()
    assert flow.state(intro_id) == "handed_off"


def test_the_draft_sent_from_a_client_that_dropped_our_header_is_still_recognised(flow):
    intro_id, draft = _to_handoff_draft(flow)
    world = flow.app.world
    world.delete_draft(DANA, draft["draft_id"])  # the client re-created the message without our header
    _dana_writes(flow, draft, draft["text"] + "\n(sent from my phone)")
    assert flow.state(intro_id) == "handed_off"
