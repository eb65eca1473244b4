"""Graph webhooks end to end: the Graph face subscribes our live app (HTTPS on loopback, public URL set),
validates it, posts change notifications and lifecycle events to it; the worker renews and resyncs.

Wrong clientState: we answer 202 and ignore the notification (no sync request). Graph's guidance is to
discard such notifications; an error status would only make Graph retry them for hours.
"""
from __future__ import annotations

import time
from datetime import timedelta

import pytest

from introducer.app import create_app
from introducer.mail.graph.accounts import client_state_for, mailbox_for_account
from introducer.mail.sandbox.loopback import LoopbackServer
from introducer.mail.sandbox.replies import compose
from introducer.domain.model import Person
from introducer.service import intros, watches
from introducer.store.models import SyncRequest
from introducer.worker import run_once, run_sync_requests
from outlook_fixtures import close, outlook_demo_for
from store_fixtures import lose_sync_requests
from workflow_fixtures import outbound_keys

DANA = Person("Dana Park", "dana@parkcap.example")
BOB = Person("Bob Stone", "bob@stonevc.example")


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def hooked(tmp_path):
    """The Outlook demo with its app served over HTTPS (the sandbox CA) at a public URL, mailbox watched."""
    demo = outlook_demo_for(tmp_path / "instance")
    server = LoopbackServer(create_app(demo.container), ca=demo.outlook.ca).start()
    demo.container.settings = demo.container.settings.model_copy(update={"public_url": server.base_url})
    demo.sleeps = Sleeps()
    others = demo.container.deps.mailboxes

    def mailboxes(account):  # as the demo wires it, with the adapter's waits recorded instead of slept
        if account.provider != "outlook":
            return others(account)
        return mailbox_for_account(demo.container.settings, demo.container.cipher, demo.container.uow, account,
                                   clock=demo.world.now, sleep=demo.sleeps)

    demo.container.deps.mailboxes = mailboxes
    demo.http = demo.outlook.session()
    demo.url = server.base_url
    yield demo
    server.close()
    close(demo)


def pending_syncs(demo) -> int:
    """Sync requests waiting for Dana's Outlook account (0 or 1: they coalesce)."""
    with demo.container.uow() as uow:
        return int(uow.session.get(SyncRequest, demo.account_id) is not None)


def clear_syncs(demo) -> None:
    with demo.container.uow() as uow:
        lose_sync_requests(uow)


def stored_account(demo):
    with demo.container.uow() as uow:
        return uow.accounts.get(demo.account_id)


def watch(demo):
    assert watches.renew_watches(demo.deps) >= 1
    [subscription] = demo.outlook.face.subscriptions.live(DANA.email)
    return subscription


def bob_writes_to_dana(demo, subject="Quick question") -> None:
    demo.world.submit(BOB.email, compose(BOB, [DANA], subject, "Are you around next week?", demo.world.now()))


@pytest.mark.parametrize("path", ["/webhooks/graph", "/webhooks/graph/lifecycle"])
def test_the_validation_handshake_echoes_the_decoded_token_as_plain_text(hooked, path):
    token = "Validation: Testing client application reachability for subscription Request-Id: 1+2 &x"
    answer = hooked.http.post(hooked.url + path, params={"validationToken": token}, timeout=10)
    assert answer.status_code == 200 and answer.text == token
    assert answer.headers["Content-Type"].startswith("text/plain")


def test_watching_subscribes_our_urls_with_this_accounts_client_state_for_under_seven_days(hooked):
    subscription = watch(hooked)
    assert subscription.notification_url == hooked.url + "/webhooks/graph"
    assert subscription.lifecycle_url == hooked.url + "/webhooks/graph/lifecycle"
    assert subscription.client_state == client_state_for(hooked.container.settings, hooked.account_id)
    assert len(subscription.client_state) <= 128
    assert subscription.expires - hooked.world.now() <= timedelta(minutes=10080)
    assert stored_account(hooked).watch_expires_at == subscription.expires


def test_notifications_become_one_coalesced_sync_request_and_the_answer_is_quick(hooked, report):
    watch(hooked)
    clear_syncs(hooked)
    for n in range(3):
        bob_writes_to_dana(hooked, f"Question {n}")
    deliveries = hooked.outlook.face.deliver_notifications()
    assert len(deliveries) >= 3 and {d.status for d in deliveries} == {202}
    assert pending_syncs(hooked) == 1
    started = time.perf_counter()
    answer = hooked.http.post(hooked.url + "/webhooks/graph", json=deliveries[0].payload, timeout=10)
    elapsed = time.perf_counter() - started
    assert answer.status_code == 202 and elapsed < 3
    report(f"Graph notification answered in {elapsed * 1000:.0f} ms (Graph allows 3 s)")


def test_a_notification_with_a_wrong_client_state_is_ignored_with_a_202(hooked):
    subscription = watch(hooked)
    clear_syncs(hooked)
    forged = {"value": [{"subscriptionId": subscription.id, "changeType": "created", "tenantId": "x",
                         "clientState": f"{hooked.account_id}.not-the-mac", "resource": "Users/x/Messages/y"}]}
    guessed = {"value": [{**forged["value"][0], "clientState": client_state_for(hooked.container.settings, 99)}]}
    for body in (forged, guessed):
        assert hooked.http.post(hooked.url + "/webhooks/graph", json=body, timeout=10).status_code == 202
    assert pending_syncs(hooked) == 0


def test_reauthorization_required_renews_the_same_subscription_at_once(hooked):
    subscription = watch(hooked)
    first_expiry = subscription.expires
    hooked.world.advance(timedelta(days=2))
    hooked.outlook.face.lifecycle(subscription.id, "reauthorizationRequired")
    assert [d.status for d in hooked.outlook.face.deliver_notifications()] == [202]
    assert stored_account(hooked).watch_expires_at <= hooked.world.now()
    assert watches.renew_watches(hooked.deps, timedelta(0)) == 1  # the worker's lapsed-watch job
    [renewed] = hooked.outlook.face.subscriptions.live(DANA.email)
    assert renewed.id == subscription.id and renewed.expires == first_expiry + timedelta(days=2)


def test_subscription_removed_creates_a_new_one_and_resyncs(hooked):
    subscription = watch(hooked)
    clear_syncs(hooked)
    hooked.outlook.face.lifecycle(subscription.id, "subscriptionRemoved")
    hooked.outlook.face.deliver_notifications()
    assert stored_account(hooked).watch_expires_at is None and pending_syncs(hooked) == 1
    assert watches.renew_watches(hooked.deps, timedelta(0)) == 1
    [new] = hooked.outlook.face.subscriptions.live(DANA.email)
    assert new.id != subscription.id
    assert run_sync_requests(hooked.container) == 1


def test_missed_notifications_resync_through_delta_and_pick_up_the_answer(hooked):
    subscription = watch(hooked)
    intro_id = intros.start_intro(hooked.deps, hooked.account_id, hooked.spec())
    intros.send_now(hooked.deps, hooked.account_id, intro_id)
    hooked.world.advance(timedelta(hours=3))
    hooked.world.tick()  # Bob says yes …
    hooked.outlook.face.deliver_notifications()
    clear_syncs(hooked)  # … and the sync it asked for is lost
    run_once(hooked.container)
    assert hooked.view(intro_id)["consents"]["target"] == "pending"
    hooked.outlook.face.lifecycle(subscription.id, "missed")
    assert [d.status for d in hooked.outlook.face.deliver_notifications()] == [202]
    assert pending_syncs(hooked) == 1
    run_sync_requests(hooked.container)
    assert hooked.view(intro_id)["consents"]["target"] == "yes"


def test_lifecycle_events_for_unknown_client_states_change_nothing(hooked):
    watch(hooked)
    clear_syncs(hooked)
    before = stored_account(hooked).watch_expires_at
    body = {"value": [{"subscriptionId": "x", "lifecycleEvent": "subscriptionRemoved", "clientState": "1.nope"}]}
    assert hooked.http.post(hooked.url + "/webhooks/graph/lifecycle", json=body, timeout=10).status_code == 202
    assert stored_account(hooked).watch_expires_at == before and pending_syncs(hooked) == 0


def advance(demo, hours: int) -> None:
    """Hour by hour: people act, Graph posts its notifications to our webhook, the worker runs once."""
    for _ in range(hours):
        demo.world.advance(timedelta(hours=1))
        demo.world.tick()
        demo.outlook.face.deliver_notifications()
        run_once(demo.container)


def test_throttling_during_an_intro_loses_and_duplicates_nothing(hooked):
    face = hooked.outlook.face
    watch(hooked)

    def throttled(step):
        face.faults.arm("*", 429, retry_after=3, times=2)  # the next two calls, whatever they are
        return step()

    intro_id = throttled(lambda: intros.start_intro(hooked.deps, hooked.account_id, hooked.spec()))
    assert throttled(lambda: intros.send_now(hooked.deps, hooked.account_id, intro_id)) == 1
    throttled(lambda: advance(hooked, 3))
    assert throttled(lambda: intros.send_now(hooked.deps, hooked.account_id, intro_id)) == 1
    throttled(lambda: advance(hooked, 2))
    assert hooked.view(intro_id)["state"] in ("handed_off", "completed")
    assert hooked.sleeps.count(3.0) >= 8  # every throttled call waited what Retry-After said

    def received(email, fragment):
        return [m for t in hooked.world.mailbox_threads(email) for m in hooked.world.thread(email, t.thread_id)
                if str(m.parsed().get("X-Introducer-Key", "")) in outbound_keys(hooked.container.uow, fragment)]
    for fragment, people in ((":permission_request:", ("bob@stonevc.example",)),
                             (":intro:", ("bob@stonevc.example", "ann@acme.example")),
                             (":handoff:", ("bob@stonevc.example", "ann@acme.example"))):
        for email in people:
            assert len(received(email, f"intro-{intro_id}{fragment}")) == 1, (fragment, email)
    statuses = {m["step"]: m["status"] for m in hooked.view(intro_id)["messages"]}
    assert statuses == {"permission_request": "sent", "intro": "sent", "handoff": "sent"}


def test_a_notification_after_a_worker_took_the_request_is_kept_for_the_next_sync(hooked):
    watch(hooked)
    clear_syncs(hooked)
    bob_writes_to_dana(hooked)
    [delivery, *_] = hooked.outlook.face.deliver_notifications()
    with hooked.container.uow() as uow:
        version = dict(uow.sync.take(20, hooked.world.now(), "worker-1"))[hooked.account_id]
        uow.commit()
    # the worker may already have read the mailbox: this notification must survive its finish
    answer = hooked.http.post(hooked.url + "/webhooks/graph", json=delivery.payload, timeout=10)
    assert answer.status_code == 202
    with hooked.container.uow() as uow:
        uow.sync.finish(hooked.account_id, version, "worker-1")
        uow.commit()
    assert pending_syncs(hooked) == 1


def test_our_client_state_from_another_tenant_is_ignored(hooked):
    watch(hooked)
    clear_syncs(hooked)
    bob_writes_to_dana(hooked)
    [delivery, *_] = hooked.outlook.face.deliver_notifications()
    clear_syncs(hooked)
    item = {**delivery.payload["value"][0], "tenantId": "00000000-0000-0000-0000-00000000beef"}
    assert hooked.http.post(hooked.url + "/webhooks/graph", json={"value": [item]}, timeout=10).status_code == 202
    assert pending_syncs(hooked) == 0
    assert hooked.http.post(hooked.url + "/webhooks/graph", json=delivery.payload, timeout=10).status_code == 202
    assert pending_syncs(hooked) == 1
