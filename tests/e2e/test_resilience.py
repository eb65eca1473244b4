"""Duplicate and reordered change events, a restart mid-way, and the auto-send policies."""
from __future__ import annotations

import threading
from datetime import timedelta

from introducer.service import ingest
from introducer.store.models import Event, Outbound
from live_server import LiveApp

from .conftest import Flow
from store_fixtures import lose_sync_requests

ANN, BOB, DANA = "ann@acme.example", "bob@stonevc.example", "dana@parkcap.example"


def _counts(container) -> tuple[int, int]:
    with container.uow() as uow:
        return uow.session.query(Outbound).count(), uow.session.query(Event).count()


def test_duplicate_and_reordered_change_events_act_on_each_message_once(flow):
    container, world = flow.app.container, flow.app.world
    intro_id = flow.start()
    flow.send_drafts()
    with container.uow() as uow:
        initial_cursor = uow.accounts.get(flow.app.seeded["account_id"]).sync_cursor
    # Bob's "yes" lands in Dana's mailbox; nobody has processed it yet
    world.advance(timedelta(hours=3))
    world.tick()
    with container.uow() as uow:
        lose_sync_requests(uow)
        threads = sorted(uow.intros.threads_of(intro_id))
    account_id = flow.app.seeded["account_id"]

    # the same change delivered many times, at once and in any order
    def deliver(order):
        for thread_id in order:
            ingest.process_thread(container.deps, account_id, thread_id)

    workers = [threading.Thread(target=deliver, args=(threads if i % 2 else threads[::-1],)) for i in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    for _ in range(3):  # and the change feed replayed from an old cursor
        with container.uow() as uow:
            uow.accounts.get(account_id).sync_cursor = initial_cursor
            uow.commit()
        ingest.sync_account(container.deps, account_id)

    view = flow.intro(intro_id)
    kinds = [e["kind"] for e in view["timeline"]]
    assert kinds.count("consent_yes") == 1
    assert kinds.count("intro_recorded") == 1
    assert len(flow.drafts()) == 1  # exactly one intro draft
    before = _counts(container)
    ingest.sync_account(container.deps, account_id)
    assert _counts(container) == before


def test_a_restart_mid_way_keeps_every_intro_and_carries_on(tmp_path, database_url, start_time):
    data = tmp_path / "instance"
    first = LiveApp(data, database_url=database_url, clock=lambda: start_time)
    flow = Flow(first)
    intro_id = flow.start()
    flow.send_drafts()
    first.stop()  # the process goes away while Bob is thinking

    second = LiveApp(data, database_url=database_url, clock=lambda: start_time)
    try:
        flow = Flow(second)
        view = flow.intro(intro_id)
        assert view["state"] == "awaiting_consent"
        assert [e["kind"] for e in view["timeline"]].count("permission_request_sent") == 1
        flow.advance(3)
        assert flow.state(intro_id) == "consented"
        assert len(flow.drafts()) == 1
    finally:
        second.stop()


def test_auto_send_policies_send_every_step_without_drafts(flow):
    flow.settings(permission_request="send", intro="send")
    intro_id = flow.start()
    assert flow.drafts() == []
    assert len(flow.messages_with_key(f"intro-{intro_id}:permission_request:")) == 1
    assert flow.state(intro_id) == "awaiting_consent"
    flow.advance(3)  # Bob says yes; the intro goes out at once
    assert flow.drafts() == []
    assert len(flow.messages_with_key(f"intro-{intro_id}:intro:")) == 1
    assert flow.state(intro_id) in ("introduced", "handed_off")
    flow.advance(2)
    assert flow.state(intro_id) == "handed_off"
    assert len(flow.messages_with_key(f"intro-{intro_id}:handoff:")) == 1


def test_handoff_as_a_draft_when_the_policy_says_so(flow):
    flow.settings(handoff="draft", handoff_mode="bcc_one")
    intro_id = flow.start()
    flow.send_drafts()
    flow.advance(3)
    flow.send_drafts()
    flow.advance(2)
    [handoff] = flow.drafts()
    assert handoff["subject"].startswith("Re: Intro:")
    assert flow.state(intro_id) == "introduced"
    flow.send_drafts()
    assert flow.state(intro_id) == "handed_off"
