"""Gmail push over real HTTP: Pub/Sub-shaped notifications with OIDC tokens reach /webhooks/gmail, become
one coalesced sync request, and however many times and in whatever order they come, each message is
acted on once. Bad tokens and bodies are refused; watches are renewed; without push, polling covers."""
from __future__ import annotations

import base64
import json
import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from gmail_addon_fixtures import (DANA, FILLED, GmailLive, clock, form, live,  # noqa: F401
                                  plain_http_to_loopback)
from introducer.mail.sandbox.gmail_push import pubsub_envelope
from introducer.worker import run_once, run_sync_requests
from store_fixtures import database_url  # noqa: F401  (SQLite, and PostgreSQL when configured)

PUSHES = 1000


def started_and_asked(live) -> None:
    """Dana connects, starts the intro from Ann's message and sends the permission request to Bob."""
    live.connect()
    opened = live.trigger("/addon/gmail/on-open", gmail=live.open_message())
    live.click(opened, "Introduce", inputs=form(**FILLED), gmail=live.open_message())
    (draft,) = live.world.drafts(DANA)
    live.world.send_draft(DANA, draft.draft_id)
    live.settle()


def events(live) -> Counter:
    with live.container.uow() as uow:
        return Counter(e.kind for e in uow.events.for_intro(1))


def pending_sync_requests(live) -> int:
    with live.container.uow() as uow:
        return uow.sync.pending_count()


@pytest.fixture
def live_on(tmp_path, clock, database_url):  # noqa: F811
    running = GmailLive(tmp_path / "instance", clock, database_url=database_url)
    yield running
    running.stop()


def test_a_thousand_duplicate_and_reordered_pushes_act_once_on_each_message(live_on, clock, report):
    live = live_on
    started_and_asked(live)
    clock.now += timedelta(hours=2, minutes=5)
    live.world.tick()  # Bob says yes: Gmail notifies (the face records the push; nobody delivered it yet)
    real = live.face.watches.notifications[live._pushed:]
    assert real, "Bob's answer made a push"
    live._pushed = len(live.face.watches.notifications)
    history = max(int(json.loads(base64.urlsafe_b64decode(e["message"]["data"]))["historyId"]) for e in real)
    # Duplicates of the real push, and older and newer history ids, shuffled: at-least-once, unordered.
    rng = random.Random(7)
    envelopes = [pubsub_envelope(DANA, history + rng.randint(-5, 3), "projects/t/topics/gmail", i, clock.now)
                 for i in range(PUSHES - len(real))] + real * 1
    rng.shuffle(envelopes)
    live.face.reset_quota()
    stop = threading.Event()

    def worker() -> None:  # a worker taking sync requests while the pushes arrive
        while not stop.wait(0.02):
            run_sync_requests(live.container)

    token = live.push_token()  # Pub/Sub reuses a push token until it nears expiry
    background = threading.Thread(target=worker)
    background.start()
    try:
        with ThreadPoolExecutor(8) as pool:
            statuses = Counter(pool.map(
                lambda e: live.post("/webhooks/gmail", e, token=token).status_code, envelopes))
    finally:
        stop.set()
        background.join()
    assert statuses == Counter({204: PUSHES})
    live.settle()

    with live.container.uow() as uow:
        consents = uow.consents.for_intro(1)
    assert consents["target"].status == "yes"
    (intro_draft,) = live.world.drafts(DANA)
    assert str(intro_draft.parsed()["X-Introducer-Key"]) == live.container.deps.message_keys.key("intro-1:intro:all")
    kinds = events(live)
    assert kinds["consent_yes"] == 1 and kinds["intro_recorded"] == 1 and kinds["intro_drafted"] == 1
    syncs = live.face.calls(DANA).count("history.list")
    assert syncs < PUSHES / 10  # coalesced: one request row per account, and stale history ids skipped
    report(f"gmail push: {PUSHES} duplicate/reordered notifications -> {syncs} history syncs, "
           f"1 consent, 1 intro draft")


@pytest.mark.parametrize("how, words", [
    ("none", "no ID token"),
    ("audience", "wrong_audience"),
    ("account", "wrong_service_account"),
    ("expired", "expired"),
])
def test_a_push_with_a_bad_token_is_refused_and_records_nothing(live, how, words):
    live.connect()
    envelope = pubsub_envelope(DANA, 10 ** 9, "projects/t/topics/gmail", 1, live.clock.now)
    token = {"none": None, "audience": live.push_token(live.url + "/webhooks/graph"),
             "account": live.face.identity.mint_id_token(live.url + "/webhooks/gmail", "1", "evil@x.example"),
             "expired": live.push_token(expires_in=-600)}[how]
    answer = live.post("/webhooks/gmail", envelope, token=token)
    assert answer.status_code == 401 and words in answer.json()["error"]["message"]
    assert pending_sync_requests(live) == 0


def test_a_push_for_an_unknown_mailbox_is_acknowledged_and_ignored(live):
    answer = live.post("/webhooks/gmail", pubsub_envelope("nobody@else.example", 5, "projects/t/topics/g", 1,
                                                          live.clock.now), token=live.push_token())
    assert answer.status_code == 204 and pending_sync_requests(live) == 0


@pytest.mark.parametrize("body", [
    b"not json", b"{}", b'{"message": {"data": "%%%"}}',
    json.dumps({"message": {"data": base64.urlsafe_b64encode(b'{"historyId": "1"}').decode()}}).encode(),
    json.dumps({"message": {"data": base64.urlsafe_b64encode(b'{"emailAddress": "a@b.c", "historyId": "x"}')
                            .decode()}}).encode(),
])
def test_a_malformed_push_is_a_400(live, body):
    answer = live.post("/webhooks/gmail", None, token=live.push_token(), raw=body)
    assert answer.status_code == 400 and "push" in answer.json()["error"]["message"].lower()


def test_a_configured_push_audience_is_the_one_checked(tmp_path, clock):
    running = GmailLive(tmp_path / "aud", clock, google_pubsub_audience="introducer-push")
    try:
        envelope = pubsub_envelope(DANA, 5, "projects/t/topics/g", 1, clock.now)
        assert running.post("/webhooks/gmail", envelope, token=running.push_token()).status_code == 401
        assert running.post("/webhooks/gmail", envelope,
                            token=running.push_token("introducer-push")).status_code == 204
    finally:
        running.stop()


def test_the_watch_started_at_connect_is_renewed_before_it_lapses(live, clock):
    live.connect()
    first = live.account().watch_expires_at
    assert first is not None and live.face.watches.watching(DANA).label_ids == {"INBOX", "SENT"}
    clock.now += timedelta(days=6, hours=12)
    live.face.reset_quota()
    run_once(live.container)  # with a public URL the worker renews watches instead of polling
    assert live.face.calls(DANA).count("watch") == 1
    assert live.account().watch_expires_at > first + timedelta(days=6)


def test_without_push_the_poll_job_reads_the_answer(tmp_path, clock):
    running = GmailLive(tmp_path / "poll", clock, public=False)
    try:
        started_and_asked(running)
        clock.now += timedelta(hours=2, minutes=5)
        running.world.tick()
        running._pushed = len(running.face.watches.notifications)  # nothing delivered: push is lost
        for _ in range(3):
            run_once(running.container)
        assert [d.parsed()["X-Introducer-Key"] for d in running.world.drafts(DANA)] == [running.container.deps.message_keys.key("intro-1:intro:all")]
    finally:
        running.stop()
