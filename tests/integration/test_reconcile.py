"""The safety net under push: a reconciliation read per mailbox, adaptive to what the account waits for,
and a sync request that outlives the worker that took it (leased, not deleted), over real HTTP."""
from __future__ import annotations

from datetime import timedelta

import pytest

from fault_fixtures import GmailRig, OutlookRig, view
from gmail_addon_fixtures import Clock, plain_http_to_loopback  # noqa: F401  (fixture)
from introducer.mail.graph import demo as graph_demo
from introducer.mail.graph.accounts import microsoft_connect, redirect_uri
from introducer.service import intros, reconcile
from introducer.spec import parse_spec
from introducer.store.models import SyncRequest
from introducer.web import connect_microsoft
from introducer.worker import SYNC_LEASE, run_once, run_sync_requests
from outlook_fixtures import monday_morning
from store_fixtures import database_url  # noqa: F401
from workflow_fixtures import ANN, BOB, spec_data


@pytest.mark.parametrize("provider, states, seconds", [
    ("gmail", {"awaiting_consent"}, 150), ("gmail", {"consented"}, 600), ("gmail", set(), 3600),
    ("outlook", {"introduced"}, 225), ("outlook", {"consented"}, 900), ("outlook", set(), 5400),
])
def test_the_reconciliation_interval_follows_the_provider_and_what_the_account_waits_for(provider, states, seconds):
    assert reconcile.interval(600, provider, states) == timedelta(seconds=seconds)


@pytest.fixture
def rig(tmp_path, database_url, request):  # noqa: F811
    clock = Clock()
    clock.now = monday_morning()
    made = (GmailRig if request.param == "gmail" else OutlookRig)(tmp_path / "rig", clock, database_url)
    yield made
    made.stop()


def _asked_bob(rig) -> int:
    intro_id = intros.start_intro(rig.container.deps, rig.account_id,
                                  parse_spec(spec_data(rig.dana, requester=ANN, target=BOB)))
    intros.send_now(rig.container.deps, rig.account_id, intro_id)
    run_once(rig.container)
    return intro_id


@pytest.mark.parametrize("rig", ["gmail", "outlook"], indirect=True)
def test_with_every_push_lost_the_reconciliation_read_finds_the_answer(rig, report):
    intro_id = _asked_bob(rig)
    rig.pushes.set(drop=1.0)
    rig.clock.now += timedelta(hours=2, minutes=5)
    rig.world.tick()  # Bob says yes; the provider's notification never arrives
    before = rig.calls()
    run_once(rig.container)  # the reconciliation is due (a quarter of the base while Bob's answer is awaited)
    run_once(rig.container)
    assert view(rig, intro_id)["consents"]["target"] == "yes"
    report(f"reconciliation read that found a lost answer [{rig.provider}]: {rig.calls() - before} provider calls")


@pytest.mark.parametrize("rig", ["gmail", "outlook"], indirect=True)
def test_a_quiet_reconciliation_costs_one_change_feed_read(rig, report):
    _asked_bob(rig)
    run_once(rig.container)
    rig.clock.now += timedelta(minutes=30)  # nothing changed; the reconciliation is due
    before = rig.calls()
    run_once(rig.container)
    run_once(rig.container)
    with rig.container.uow() as uow:
        assert uow.accounts.get(rig.account_id).synced_at == rig.clock.now
    calls = rig.calls() - before
    assert calls <= (1 if rig.provider == "gmail" else 2)  # history.list; or a delta round per folder
    report(f"quiet reconciliation read [{rig.provider}]: {calls} provider calls")


@pytest.mark.parametrize("rig", ["gmail", "outlook"], indirect=True)
def test_a_sync_request_taken_by_a_worker_that_died_is_taken_again_when_its_lease_runs_out(rig):
    intro_id = _asked_bob(rig)
    rig.clock.now += timedelta(hours=2, minutes=5)
    rig.world.tick()  # Bob says yes, and the provider says so
    if rig.provider == "gmail":
        rig.live.deliver_pushes()
    else:
        rig.face.deliver_notifications()
    with rig.container.uow() as uow:  # a worker takes the request, commits, and is killed before reading
        assert rig.account_id in [a for a, _ in uow.sync.take(20, rig.clock.now, "killed-worker", SYNC_LEASE)]
        uow.commit()
    run_sync_requests(rig.container)  # still leased: nobody else reads it twice
    assert view(rig, intro_id)["consents"]["target"] == "pending"
    rig.clock.now += SYNC_LEASE + timedelta(seconds=1)
    assert run_sync_requests(rig.container) >= 1
    assert view(rig, intro_id)["consents"]["target"] == "yes"
    with rig.container.uow() as uow:
        assert uow.session.get(SyncRequest, rig.account_id) is None  # deleted once the mailbox was read


def test_an_outlook_mailbox_is_subscribed_when_it_connects_not_by_the_next_renewal_run(tmp_path, database_url):  # noqa: F811
    clock = Clock()
    clock.now = monday_morning()
    rig = OutlookRig(tmp_path / "rig", clock, database_url)
    try:
        for subscription in rig.face.subscriptions.live(rig.dana):
            rig.face.subscriptions.remove(subscription.id)
        settings = rig.container.settings
        rig.outlook.identity.register_client(settings.ms_client_id, settings.ms_client_secret.get_secret_value(),
                                             (redirect_uri(settings),))
        connection = microsoft_connect(settings)
        flow = connection.start(login_hint=rig.dana)
        grant = connection.finish(flow, graph_demo.sign_in(rig.outlook, flow["auth_uri"], rig.dana))
        connect_microsoft.connect_account(rig.container, rig.account_id, grant)  # what the callback does
        [subscription] = rig.face.subscriptions.live(rig.dana)
        with rig.container.uow() as uow:
            assert uow.accounts.get(rig.account_id).watch_expires_at == subscription.expires
    finally:
        rig.stop()
