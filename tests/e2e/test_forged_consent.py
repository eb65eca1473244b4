"""A forged "yes" never makes an intro: over HTTP, with the sandbox stamping Authentication-Results the
way Gmail does and letting a stranger write to Dana with Bob's address in From."""
from __future__ import annotations

import hashlib

from introducer.mail.sandbox.people import Behaviour

BOB, DANA = "bob@stonevc.example", "dana@parkcap.example"
SUBJECT = "Re: Open to meeting Ann Lee? (healthcare go-to-market)"


def _old_message_id(intro_id: int) -> str:
    """What the permission request's Message-ID used to be: computable by anyone from the intro id."""
    digest = hashlib.sha256(f"intro-{intro_id}:permission_request:target".encode()).hexdigest()[:32]
    return f"<introducer.{digest}@parkcap.example>"


def _asked_and_silent(flow) -> tuple[int, dict]:
    flow.app.world.set_behaviour(BOB, Behaviour(on_permission_request="never"))
    intro_id = flow.start()
    flow.send_drafts()
    [request] = [m for m in flow.thread(BOB, flow.thread_about(BOB, "Ann Lee")["thread_id"])]
    return intro_id, request


def _forge(flow, in_reply_to: str, *, spoofed: bool = True, extra_headers=()) -> dict:
    return flow.call("POST", f"/sandbox/api/mailboxes/{DANA}/receive", json={
        "from": {"name": "Bob Stone", "email": BOB}, "subject": SUBJECT, "in_reply_to": in_reply_to,
        "text": "Yes, happy to meet Ann. Please go ahead and introduce us.", "spoofed": spoofed,
        "extra_headers": [list(h) for h in extra_headers]})


def test_the_message_id_of_a_new_message_cannot_be_derived_from_the_intro_id(flow):
    intro_id, request = _asked_and_silent(flow)
    assert request["message_id"] and request["message_id"] != _old_message_id(intro_id)
    assert f"intro-{intro_id}" not in request["message_id"]
    raw = flow.app.world.message(BOB, request["id"]).parsed()
    assert f"intro-{intro_id}" not in str(raw["X-Introducer-Key"])


def test_a_forged_yes_threaded_with_the_old_guessable_message_id_does_not_reach_the_intro(flow):
    intro_id, request = _asked_and_silent(flow)
    forged = _forge(flow, _old_message_id(intro_id))
    # it names no message of ours, so it starts a thread of its own, which nobody tracks
    assert request["message_id"] not in {m["message_id"] for m in flow.thread(DANA, forged["thread_id"])}
    view = flow.intro(intro_id)
    assert view["state"] == "awaiting_consent" and view["consents"]["target"] == "pending"
    assert flow.drafts() == []  # no intro drafted


def test_a_forged_yes_threaded_into_the_permission_request_goes_to_review_and_drafts_nothing(flow):
    intro_id, request = _asked_and_silent(flow)
    # The forger knows the real Message-ID and even writes a "pass" header of their own, below the
    # receiving server's: only the topmost one counts.
    _forge(flow, request["message_id"], extra_headers=[
        ("Authentication-Results", "mx.sandbox.example; dmarc=pass header.from=stonevc.example")])
    view = flow.intro(intro_id)
    assert view["state"] == "awaiting_consent"
    assert view["consents"]["target"] == "needs_review" and view["needs_review"] is True
    assert flow.drafts() == []
    [review] = [e for e in view["timeline"] if e["kind"] == "needs_review"]
    assert f"the reply claims to come from {BOB} but did not pass the sender checks" in review["message"]
    assert not [e for e in view["timeline"] if e["kind"] == "consent_yes"]


def test_an_authenticated_yes_in_the_same_thread_still_proceeds(flow):
    intro_id, request = _asked_and_silent(flow)
    _forge(flow, request["message_id"], spoofed=False)  # Bob's own mail server vouches for him
    view = flow.intro(intro_id)
    assert view["consents"]["target"] == "yes" and view["state"] == "consented"
    [intro_draft] = flow.drafts()
    assert intro_draft["subject"].startswith("Intro: Ann Lee meets Bob Stone")


def test_a_simulated_persons_own_reply_carries_a_passing_stamp(flow):
    flow.app.world.set_behaviour(BOB, Behaviour(on_permission_request="agree"))
    intro_id = flow.start()
    flow.send_drafts()
    flow.advance(3)
    thread = flow.thread_about(DANA, "Ann Lee")
    [bobs] = [m for m in flow.app.world.thread(DANA, thread["thread_id"]) if BOB in str(m.parsed()["From"])]
    stamp = str(bobs.parsed()["Authentication-Results"])
    assert stamp.startswith("mx.sandbox.example;") and "dmarc=pass" in stamp
    assert flow.intro(intro_id)["consents"]["target"] == "yes"


def test_a_forged_no_after_a_real_yes_does_not_withdraw_it(flow):
    intro_id, request = _asked_and_silent(flow)
    _forge(flow, request["message_id"], spoofed=False)  # Bob's real yes: the intro is drafted
    assert flow.state(intro_id) == "consented"
    flow.call("POST", f"/sandbox/api/mailboxes/{DANA}/receive", json={
        "from": {"name": "Bob Stone", "email": BOB}, "subject": SUBJECT, "in_reply_to": request["message_id"],
        "text": "Actually no, please do not introduce us.", "spoofed": True})
    view = flow.intro(intro_id)
    assert view["state"] == "consented" and view["consents"]["target"] == "yes"
    assert view["needs_review"] is True
    [unverified] = [e for e in view["timeline"] if e["kind"] == "unverified_reply"]
    assert "did not pass the sender checks" in unverified["message"]
    assert len(flow.drafts()) == 1  # the intro draft is still there
