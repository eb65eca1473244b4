"""Answers recorded at the same moment by different paths (a reply read by the worker, a one-click link)."""
from __future__ import annotations

import sys
import threading

import pytest

from introducer.domain.model import Person, Role
from introducer.mail.sandbox.replies import compose
from introducer.service import consent_links, ingest, intros, workflow
from workflow_fixtures import ANN, demo, database_url  # noqa: F401

BOB = Person("Bob Stone", "bob@stonevc.example")


def _asked_both_and_sent(demo) -> int:
    """A full double opt-in whose two permission requests Dana has sent; returns the intro id."""
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec(requester=dict(ANN, asked=False)))
    for draft in demo.drafts():
        demo.world.send_draft(demo.dana, draft.draft_id)
    ingest.sync_account(demo.deps, demo.account_id)
    assert demo.view(intro_id)["state"] == "awaiting_consent"
    return intro_id


def _bob_says_yes(demo) -> None:
    [bobs] = demo.world.inbox(BOB.email)
    original = demo.world.thread(BOB.email, bobs.thread_id)[0].parsed()
    demo.world.submit(BOB.email, compose(BOB, [Person("Dana Park", demo.dana)], "Re: " + str(original["Subject"]),
                                         "Yes, happy to.", demo.world.now(), replying_to=original))


def _target_thread(demo, intro_id: int) -> str:
    with demo.container.uow() as uow:
        return uow.consents.for_intro(intro_id)[Role.TARGET.value].thread_id


def test_a_reply_read_while_the_other_party_presses_yes_still_makes_the_intro(demo, database_url, monkeypatch):  # noqa: F811
    """The worker reads both consents, the press commits the requester's yes, then the worker commits Bob's.

    Only PostgreSQL lets the two transactions overlap like this (SQLite has one writer at a time).
    """
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises the two writers: the overlap cannot happen there")
    intro_id = _asked_both_and_sent(demo)
    _bob_says_yes(demo)
    real_consents = workflow.Ctx.consents
    armed, presses = [True], []

    def consents_then_ann_presses_yes(ctx):
        found = real_consents(ctx)
        if armed and sys._getframe(1).f_code.co_name == "_record_answer":
            armed.clear()  # Bob's yes is being recorded, and has read Ann's consent as pending
            press = threading.Thread(target=consent_links.record_link_answer,
                                     args=(demo.deps, demo.account_id, intro_id, Role.REQUESTER, True))
            press.start()
            presses.append(press)
            press.join(timeout=2)  # it may have to wait for this transaction: then it finishes after it
        return found

    monkeypatch.setattr(workflow.Ctx, "consents", consents_then_ann_presses_yes)
    ingest.process_thread(demo.deps, demo.account_id, _target_thread(demo, intro_id))

    presses[0].join()
    view = demo.view(intro_id)
    assert view["consents"] == {"requester": "yes", "target": "yes"}
    assert view["state"] == "consented"
    assert [e["kind"] for e in view["timeline"]].count("intro_recorded") == 1


def test_marking_an_answer_while_the_worker_records_the_other_partys_reply_makes_the_intro(demo, monkeypatch):
    intro_id = _asked_both_and_sent(demo)
    _bob_says_yes(demo)
    bob_thread = _target_thread(demo, intro_id)
    real_consents = workflow.Ctx.consents
    armed = [True]

    def consents_while_the_worker_reads_bobs_reply(ctx):
        if armed and sys._getframe(1).f_code.co_name == "apply":
            armed.clear()  # Dana's mark has loaded the intro; the worker records Bob's yes and commits first
            ingest.process_thread(demo.deps, demo.account_id, bob_thread)
        return real_consents(ctx)

    monkeypatch.setattr(workflow.Ctx, "consents", consents_while_the_worker_reads_bobs_reply)
    intros.override_consent(demo.deps, demo.account_id, intro_id, Role.REQUESTER, True)

    assert not armed
    view = demo.view(intro_id)
    assert view["consents"] == {"requester": "yes", "target": "yes"}
    assert view["state"] == "consented"
