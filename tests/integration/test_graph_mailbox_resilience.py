"""GraphMailbox against the sandbox world's Graph face: watching (subscriptions), the immutable-id
header on every request, throttling with Retry-After, the per-mailbox concurrency gate, and revoked grants.
"""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest

from introducer.auth.msal_client import MicrosoftConnect
from introducer.domain.model import Person
from introducer.mail.graph import GraphMailbox
from introducer.mail.port import MailboxError, NotFound, ReconnectNeeded, TransientMailboxError
from graph_fixtures import ANN, BOB, T0, DANA, ask, connect, dana, history_retention, outlook, receiver, sleeps, world  # noqa: F401



def test_watch_creates_then_renews_one_inbox_subscription_and_stop_watch_deletes_it(connect, receiver, outlook, world):
    mailbox = connect(notification_url=receiver.notify_url, lifecycle_url=receiver.lifecycle_url,
                      client_state="s3cret")
    first = mailbox.watch()
    assert first.expires_at == T0 + timedelta(minutes=10070)  # the cursor is the sync's business
    [sub] = outlook.face.subscriptions.live(DANA.email)
    assert sub.resource == "me/mailFolders('inbox')/messages" and sub.client_state == "s3cret"
    assert sub.change_types == {"created"} and sub.immutable
    assert [path for path, _, _ in receiver.validations] == ["/graph/notify", "/graph/lifecycle"]
    world.set_clock(lambda: T0 + timedelta(days=1))
    renewed = mailbox.watch()
    assert renewed.expires_at == T0 + timedelta(days=1, minutes=10070)
    assert [s.id for s in outlook.face.subscriptions.live(DANA.email)] == [sub.id]
    mailbox.stop_watch()
    assert outlook.face.subscriptions.live(DANA.email) == []


def test_watch_without_a_notification_url_is_none(dana):
    assert dana.watch() is None


def test_every_request_asks_for_immutable_ids(dana, world, outlook):
    sent = dana.send(ask())
    dana.read_thread(sent.thread_id)
    dana.find_by_key("intro-1:permission_request:target")
    dana.set_label(sent.thread_id, "Intros/Introduced")
    dana.send_draft(dana.create_draft(ask(key="intro-2:permission_request:target")).draft_id)
    dana.changes_since(dana.changes_since(None).cursor)
    assert len(outlook.face.requests) > 10
    assert outlook.face.without_immutable_ids() == []


def test_a_throttled_send_waits_as_told_and_sends_exactly_once(dana, world, outlook, sleeps):
    created = dana.create_draft(ask())
    outlook.face.faults.arm("send", 429, retry_after=7)
    dana.send_draft(created.draft_id)
    assert sleeps == [7.0]
    assert len(world.inbox(BOB.email)) == 1


def test_without_retry_after_the_adapter_backs_off_exponentially_with_jitter(dana, outlook, sleeps):
    outlook.face.faults.arm("list_messages", 503, retry_after=None, times=2)
    dana.find_by_key("nothing")
    assert len(sleeps) == 2 and 0.5 <= sleeps[0] <= 1.5 and 1.0 <= sleeps[1] <= 3.0


def test_throttling_that_does_not_end_is_a_transient_error_after_bounded_attempts(dana, outlook, sleeps):
    outlook.face.faults.arm("list_messages", 429, retry_after=1, times=10)
    with pytest.raises(TransientMailboxError):
        dana.find_by_key("nothing")
    assert sleeps == [1.0, 1.0, 1.0]


def test_a_retry_after_longer_than_a_worker_should_wait_is_left_to_the_scheduler(dana, outlook, sleeps):
    outlook.face.faults.arm("list_messages", 429, retry_after=3600)
    with pytest.raises(TransientMailboxError):
        dana.find_by_key("nothing")
    assert sleeps == []


def burst(mailbox_for, outlook, n: int = 12) -> list[Exception]:
    """n threads, each with its own GraphMailbox for Dana (as concurrent workers would), reading at once."""
    outlook.face.latency = 0.1
    thread_id = mailbox_for().send(ask()).thread_id
    errors: list[Exception] = []

    def read():
        try:
            mailbox_for().read_thread(thread_id)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
    threads = [threading.Thread(target=read) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_never_more_than_four_requests_at_once_for_one_mailbox(connect, outlook):
    assert burst(connect, outlook) == []
    assert 2 <= outlook.face.max_concurrency(DANA.email) <= 4
    assert not [r for r in outlook.face.requests if r.status == 429]


def test_a_looser_gate_would_exceed_the_mailbox_concurrency_limit(connect, outlook):
    burst(lambda: connect(max_concurrency=8), outlook)
    assert outlook.face.max_concurrency(DANA.email) > 4


def test_a_revoked_grant_is_reconnect_needed_after_one_refresh_attempt(connect, outlook):
    calls = []

    def token():
        calls.append(1)
        return outlook.identity.issue_access_token(DANA.email) if len(calls) == 1 else revoked

    mailbox = connect(token)
    mailbox.changes_since(None)
    revoked = outlook.identity.issue_access_token(DANA.email)
    outlook.identity.revoke(DANA.email)
    with pytest.raises(ReconnectNeeded):
        mailbox.find_by_key("x")
    assert len(calls) == 2


def test_unknown_ids_are_not_found_and_refused_requests_are_mailbox_errors(dana):
    with pytest.raises(NotFound):
        dana.send_draft("AAkALgbm86bm8tc3VjaC1tZXNzYWdl")
    with pytest.raises(MailboxError):
        dana.create_draft(ask(to=(Person("Nobody", "not-an-address"),)))
    with pytest.raises(ValueError):
        dana.create_draft(ask(extra_headers=(("Auto-Submitted", "auto-generated"),)))


def test_a_grant_from_msal_works_and_revoking_it_means_reconnect(outlook, world):
    client_id, secret, redirect = "outlook-client", "s3cret-value", "https://introducer.example/connect/ms"
    outlook.identity.register_client(client_id, secret, (redirect,))
    outlook.identity.access_token_lifetime = 120  # under five minutes: msal refreshes on every use
    connection = MicrosoftConnect(client_id, secret, redirect, authority_host=outlook.authority_host,
                                  http_client=outlook.session())
    flow = connection.start(login_hint=DANA.email)
    browser = outlook.session()
    page = browser.get(flow["auth_uri"], timeout=10)
    assert "Dana Park" in page.text
    answer = browser.post(flow["auth_uri"], data={"account": DANA.email}, timeout=10)
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', answer.text))
    grant = connection.finish(flow, fields)
    mailbox = GraphMailbox(DANA, lambda: connection.access_token(grant.cache_blob, grant.home_account_id)[0],
                           outlook.graph_url, session=outlook.session(), clock=world.now)
    assert mailbox.changes_since(None).cursor
    outlook.identity.revoke(DANA.email)
    with pytest.raises(ReconnectNeeded):
        GraphMailbox(DANA, lambda: connection.access_token(grant.cache_blob, grant.home_account_id)[0],
                     outlook.graph_url, session=outlook.session(), clock=world.now).find_by_key("x")
