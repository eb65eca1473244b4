"""Consent outcomes over HTTP: full double opt-in, a decline, an unclear answer, a bounce."""
from __future__ import annotations

from datetime import timedelta

from introducer.mail.sandbox.people import Behaviour

ANN, BOB, DANA = "ann@acme.example", "bob@stonevc.example", "dana@parkcap.example"
EVAN = {"name": "Evan Wu", "email": "evan@northwind.example", "blurb": "runs partnerships at Northwind"}
FARAH = {"name": "Farah Khan", "email": "farah@medisys.example", "blurb": "clinical operations lead at Medisys"}


def test_full_double_opt_in_asks_both_parties_and_introduces_only_after_both_said_yes(flow):
    intro_id = flow.start(requester={"name": "Ann Lee", "email": ANN, "asked": False,
                                     "blurb": "founder of Acme, workflow software for clinics"})
    drafts = flow.drafts()
    assert sorted(p["email"] for d in drafts for p in d["to"]) == [ANN, BOB]
    assert flow.intro(intro_id)["consents"] == {"requester": "pending", "target": "pending"}
    flow.app.world.set_behaviour(BOB, Behaviour(on_permission_request="agree", reply_delay=timedelta(hours=6)))
    flow.send_drafts()

    flow.advance(2)  # Ann agrees quickly; Bob has not answered yet
    view = flow.intro(intro_id)
    assert view["consents"] == {"requester": "yes", "target": "pending"}
    assert view["state"] == "awaiting_consent"
    assert flow.drafts() == []  # no intro before everyone agreed

    flow.advance(6)
    view = flow.intro(intro_id)
    assert view["consents"] == {"requester": "yes", "target": "yes"}
    assert view["state"] == "consented"
    [intro_draft] = flow.drafts()
    assert {p["email"] for p in intro_draft["to"]} == {ANN, BOB}


def test_a_decline_ends_the_intro_and_drafts_a_tactful_note_to_the_requester(flow):
    intro_id = flow.start(target=EVAN)
    flow.send_drafts()
    flow.advance(6)  # Evan declines after five hours
    view = flow.intro(intro_id)
    assert view["state"] == "declined"
    assert view["consents"]["target"] == "no"
    [note] = flow.drafts()
    assert [p["email"] for p in note["to"]] == [ANN]
    # tactful: the requester is not shown the decliner's own words or address
    assert "pass" not in note["text"].lower() and EVAN["email"] not in note["text"]
    assert view["scheduled"] == []  # nothing left to nudge


def test_an_unclear_answer_goes_to_review_and_the_introducer_decides(flow):
    intro_id = flow.start(target=FARAH)
    flow.send_drafts()
    flow.advance(4)  # Farah asks a question instead of answering
    view = flow.intro(intro_id)
    assert view["state"] == "awaiting_consent"
    assert view["needs_review"] is True
    assert view["consents"]["target"] == "needs_review"
    assert "needs you" in view["next_step"]
    assert flow.drafts() == []  # never an intro on a guess
    [thread] = [t for t in flow.threads(DANA) if "Intros/Needs review" in t["labels"]]
    assert "Ann Lee" in thread["subject"]

    flow.call("POST", f"/api/v1/intros/{intro_id}/consent", json={"role": "target", "answer": "yes"})
    view = flow.intro(intro_id)
    assert view["state"] == "consented" and view["needs_review"] is False
    [intro_draft] = flow.drafts()
    assert intro_draft["subject"].startswith("Intro: Ann Lee meets Farah Khan")


def test_a_bounced_permission_request_asks_the_introducer_to_check_the_address(flow):
    intro_id = flow.start(target={"name": "Nobody", "email": "nobody@gone.invalid", "blurb": "an old contact"})
    flow.send_drafts()
    flow.advance(1)
    view = flow.intro(intro_id)
    assert view["needs_review"] is True
    assert view["consents"]["target"] == "needs_review"
    assert any("bounced" in e["message"] for e in view["timeline"])


def test_a_yes_withdrawn_before_the_intro_went_out_stops_the_intro(flow):
    intro_id = flow.start()
    flow.send_drafts()
    flow.advance(3)  # Bob says yes; the intro waits in Dana's drafts
    assert flow.state(intro_id) == "consented"
    [intro_draft] = flow.drafts()
    ask = flow.thread_about(BOB, "Ann Lee")
    flow.reply(BOB, ask["thread_id"], "Actually, sorry, I can't do this after all. Please don't introduce us.")
    view = flow.intro(intro_id)
    assert view["state"] == "declined" and view["needs_review"] is True
    assert view["next_step"].startswith("Delete the intro draft")
    assert any(e["kind"] == "consent_withdrawn" for e in view["timeline"])
    flow.call("POST", f"/api/v1/intros/{intro_id}/send-now")  # only the note to Ann may go out now
    assert flow.messages_with_key(f"intro-{intro_id}:intro:") == []
