"""The whole workflow under each way Gmail and Graph really misbehave, over real HTTP, push on.

Per fault and provider: three intros go permission request → yes → intro → handoff, the worker running
once per simulated hour; every intro must complete (or wait for the user with a reason the panel shows),
with no message sent twice and no step lost. The run's summary prints, per fault, "completed / waiting
with reason / stuck" and the provider calls the workflow cost.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from fault_fixtures import GmailRig, OutlookRig, run_workflow
from gmail_addon_fixtures import Clock, plain_http_to_loopback  # noqa: F401  (fixture)
from introducer.mail.graph import demo as graph_demo
from introducer.mail.graph.accounts import redirect_uri
from introducer.mail.sandbox.gmail_errors import server_error, stale_history, too_many_requests
from outlook_fixtures import monday_morning
from store_fixtures import database_url  # noqa: F401  (SQLite, and PostgreSQL when configured)

NO_SAFETY_NET = {"reconcile_seconds": 10.0 ** 7}  # only the provider's own signal can recover the intro


def _lose_cursor_once(rig):
    if not getattr(rig, "cursor_lost", False) and rig.clock.now >= rig.started + timedelta(hours=2):
        rig.cursor_lost = True  # the targets' answers are in the mailbox, and the change cursor is gone
        rig.lose_cursor()


def _throttle(status):
    def each_hour(rig):
        if rig.provider == "gmail":
            fault = too_many_requests(1) if status == 429 else server_error(503, retry_after=1)
            for operation in ("history.list", "threads.get"):
                rig.face.arm(operation, fault)
        else:
            rig.face.faults.arm("*", status, retry_after=1, times=2)
    return each_hour


def _throttled(rig) -> bool:
    if rig.provider == "gmail":
        return rig.world.faults.fired["gmail.history.list"] + rig.world.faults.fired["gmail.threads.get"] > 0
    return sum(rig.face.faults.fired.values()) > 0 and 1 in rig.sleeps  # and the adapter waited what it was told


def _lifecycle(event):
    def each_hour(rig):
        subscription = rig.subscription()
        if subscription is not None:
            rig.face.lifecycle(subscription.id, event)
    return each_hour


def _without_client_info(rig) -> None:
    """Dana signs in again while token answers carry no client_info, and every access token is short-lived
    (msal refreshes a token in its last five minutes), so each Graph call rests on such an answer."""
    rig.outlook.identity.send_client_info = False
    rig.outlook.identity.access_token_lifetime = 120
    settings = rig.container.settings
    rig.outlook.identity.register_client(settings.ms_client_id, settings.ms_client_secret.get_secret_value(),
                                         (redirect_uri(settings),))  # the public URL's callback
    graph_demo.connect(rig.container, rig.outlook, rig.dana, "Dana Park")


def _lifecycle_delivered(rig) -> bool:
    return any(d.kind == "lifecycle" and d.status == 202 for d in rig.face.subscriptions.delivered)


# fault: (providers, settings, set up before the workflow, run every simulated hour before the worker,
#         proof that the fault happened)
FAULTS = {
    "none": (("gmail", "outlook"), {}, None, None, lambda r: True),
    "notifications dropped 30%": (("gmail", "outlook"), {}, lambda r: r.pushes.set(drop=0.3, seed=4), None,
                                  lambda r: r.pushes.counts["dropped"] > 0),
    "notifications duplicated": (("gmail", "outlook"), {}, lambda r: r.pushes.set(duplicate=True), None,
                                 lambda r: r.pushes.counts["duplicated"] > 0),
    "notifications reordered": (("gmail", "outlook"), {}, lambda r: r.pushes.set(reorder=True), None,
                                lambda r: r.pushes.counts["reordered"] > 0),
    "change cursor missing": (("gmail", "outlook"), NO_SAFETY_NET, None, _lose_cursor_once,
                              lambda r: r.cursor_lost),
    "history 404 (cursor too old)": (("gmail",), {}, lambda r: r.face.arm("history.list", stale_history(), 3),
                                     None, lambda r: r.world.faults.fired["gmail.history.list"] == 3),
    "delta 404 (not offered)": (("outlook",), {},
                                lambda r: r.face.faults.arm("delta", 404, retry_after=None, times=10 ** 6), None,
                                lambda r: r.face.faults.fired["delta"] > 0),
    "changed ids without ImmutableId": (("outlook",), {},
                                        lambda r: setattr(r.face, "honour_immutable_ids", False), None,
                                        lambda r: not r.face.honour_immutable_ids),
    "token answers without client_info": (("outlook",), {}, _without_client_info, None,
                                          lambda r: r.outlook.identity.requests["token:refresh_token"] > 0),
    "429 with Retry-After": (("gmail", "outlook"), {}, None, _throttle(429), _throttled),
    "503 with Retry-After": (("gmail", "outlook"), {}, None, _throttle(503), _throttled),
    "lifecycle missed": (("outlook",), NO_SAFETY_NET, lambda r: r.pushes.set(drop=1.0), _lifecycle("missed"),
                         _lifecycle_delivered),
    "lifecycle subscriptionRemoved": (("outlook",), NO_SAFETY_NET, lambda r: r.pushes.set(drop=1.0),
                                      _lifecycle("subscriptionRemoved"), _lifecycle_delivered),
    "lifecycle reauthorizationRequired": (("outlook",), NO_SAFETY_NET, lambda r: r.pushes.set(drop=1.0),
                                          _lifecycle("reauthorizationRequired"), _lifecycle_delivered),
}
CASES = [pytest.param(fault, provider, id=f"{provider}-{fault}")
         for fault, (providers, *_) in FAULTS.items() for provider in providers]


@pytest.fixture
def rig_for(tmp_path, database_url):  # noqa: F811
    made = []

    def build(provider: str, **settings):
        clock = Clock()
        clock.now = monday_morning()
        rig = (GmailRig if provider == "gmail" else OutlookRig)(tmp_path / provider, clock, database_url, **settings)
        rig.started = clock.now
        made.append(rig)
        return rig

    yield build
    for rig in made:
        rig.stop()


@pytest.mark.parametrize("fault, provider", CASES)
def test_every_intro_completes_under_the_fault(rig_for, fault, provider, report):
    _, settings, set_up, each_hour, happened = FAULTS[fault]
    rig = rig_for(provider, **settings)
    if set_up:
        set_up(rig)
    outcome = run_workflow(rig, each_hour=each_hour)
    report(outcome.line(fault, provider))
    assert happened(rig), f"the fault {fault!r} did not happen"
    assert outcome.stuck == [], outcome.stuck
    assert outcome.duplicates == [] and outcome.lost == [], (outcome.duplicates, outcome.lost)
    assert outcome.completed + len(outcome.waiting) == 3
