"""The happy path over HTTP: ask Bob, Bob says yes, Dana sends the intro, Ann replies, Dana steps out."""
from __future__ import annotations

from email.utils import getaddresses

ANN, BOB, DANA = "ann@acme.example", "bob@stonevc.example", "dana@parkcap.example"


def _addresses(value) -> set[str]:
    return {a.lower() for _, a in getaddresses([str(value or "")]) if a}


def test_requester_asked_target_agrees_intro_sent_and_handoff_posted_in_the_same_thread(flow):
    intro_id = flow.start()
    view = flow.intro(intro_id)
    assert view["state"] == "awaiting_consent"
    assert view["consents"] == {"requester": "not_required", "target": "pending"}
    assert "drafts" in view["next_step"]

    # the permission request waits in Dana's drafts, addressed to Bob only
    [draft] = flow.drafts()
    assert [p["email"] for p in draft["to"]] == [BOB]
    assert flow.send_drafts() == 1
    assert flow.state(intro_id) == "awaiting_consent"

    flow.advance(3)  # Bob answers after two hours: "yes"
    view = flow.intro(intro_id)
    assert view["consents"]["target"] == "yes"
    assert view["state"] == "consented"
    [intro_draft] = flow.drafts()
    assert {p["email"] for p in intro_draft["to"]} == {ANN, BOB}
    assert intro_draft["subject"] == "Intro: Ann Lee meets Bob Stone – healthcare go-to-market"

    flow.send_drafts()
    assert flow.state(intro_id) == "introduced"

    flow.advance(2)  # Ann replies to the intro within the hour; the handoff follows
    view = flow.intro(intro_id)
    assert view["state"] in ("handed_off", "completed")

    [intro_msg] = flow.messages_with_key(f"intro-{intro_id}:intro:")
    [handoff] = flow.messages_with_key(f"intro-{intro_id}:handoff:")
    assert handoff.thread_id == intro_msg.thread_id
    raw = handoff.parsed()
    assert _addresses(raw["To"]) == {ANN, BOB}
    assert _addresses(raw["Bcc"]) == {DANA}
    assert _addresses(raw["Reply-To"]) == {ANN, BOB}
    assert raw["In-Reply-To"] and raw["In-Reply-To"] in str(raw["References"])
    assert str(raw["Subject"]).startswith("Re: Intro: Ann Lee meets Bob Stone")

    # Bob's copy of the handoff has no Bcc header: Dana's address is not exposed
    bob_copies = [m for t in flow.app.world.mailbox_threads(BOB) for m in flow.app.world.thread(BOB, t.thread_id)
                  if str(m.parsed().get("X-Introducer-Key", "")) == str(raw["X-Introducer-Key"])]
    assert len(bob_copies) == 1 and bob_copies[0].parsed()["Bcc"] is None

    kinds = [e["kind"] for e in flow.intro(intro_id)["timeline"]]
    for expected in ("created", "permission_request_sent", "consent_yes", "intro_sent", "party_replied",
                     "handoff_sent"):
        assert expected in kinds, f"{expected} missing from the timeline: {kinds}"
    assert kinds.count("handoff_sent") == 1
