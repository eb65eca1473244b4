"""How many Microsoft Graph requests one complete Outlook intro costs, counted by the Graph face for
Dana's mailbox: from the add-in starting the intro to the handoff, with every notification-driven sync in
between. Outlook allows 10,000 requests per app per mailbox in 10 minutes (outlook.md §6); the budget
keeps the cost per intro from creeping up.

The story mirrors test_gmail_quota.py: Dana sends the drafts from Outlook (no request of ours), Graph
posts its change notifications to our webhook, and the worker handles the sync requests they leave.
Watch renewal and the reconciliation reads are the worker's background upkeep, not the intro's: they
do not run here. Watching the mailbox (before the count, as connecting does) fills its category list once.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import timedelta

import pytest

from introducer.app import create_app
from introducer.mail.sandbox.graph_face import ROUTES
from introducer.mail.sandbox.graph_ids import conversation_id
from introducer.mail.sandbox.loopback import LoopbackServer
from introducer.service import watches
from introducer.worker import jobs
from outlook_fixtures import close, outlook_demo_for
from workflow_fixtures import spec_data

BUDGET = 20  # requests per intro (measured: 20 in a freshly watched mailbox; it was 42)
DANA = "dana@parkcap.example"
UPKEEP = {"renew_watches", "renew_lapsed_watches", "reconcile_mailboxes", "poll_mailboxes"}
PATTERNS = {op: f"{method} " + re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern.pattern[:-1])
            .replace("(?:/|\\(')", "/").replace("(?:'\\))?", "") for method, pattern, op, _ in ROUTES}


@pytest.fixture
def live(tmp_path):
    """The Outlook demo with its app served over HTTPS at a public URL, Dana's inbox watched."""
    demo = outlook_demo_for(tmp_path / "instance")
    server = LoopbackServer(create_app(demo.container), ca=demo.outlook.ca).start()
    demo.container.settings = demo.container.settings.model_copy(update={"public_url": server.base_url})
    demo.http, demo.url = demo.outlook.session(), server.base_url
    assert watches.renew_watches(demo.deps) == 1
    yield demo
    server.close()
    close(demo)


def settle(demo, hours: float = 0.0, rounds: int = 3) -> None:
    """Time passes, people act, Graph posts its notifications, the worker runs its story jobs."""
    if hours:
        demo.world.advance(timedelta(hours=hours))
    demo.world.tick()
    for _ in range(rounds):
        demo.outlook.face.deliver_notifications()
        for job in jobs(demo.container):
            if job.id not in UPKEEP:
                job.run(demo.container)


def graph_requests(demo, since: int) -> Counter:
    face = demo.outlook.face
    mine = [r for r in list(face.requests)[since:] if r.mailbox == DANA]
    return Counter(PATTERNS.get(r.operation, f"{r.method} {r.path}") for r in mine)


def test_one_complete_outlook_intro_stays_within_its_request_budget(live, report):
    face = live.outlook.face
    since = len(face.requests)

    token = live.http.post(f"{live.url}/sandbox/api/outlook/session", json={"email": DANA}, timeout=10).json()["token"]
    api = {"Authorization": f"Bearer {token}"}
    source = conversation_id(live.seeded["inbound_thread_id"])
    body = {k: v for k, v in spec_data(DANA).items() if k != "introducer"}
    created = live.http.post(f"{live.url}/api/v1/intros", json={**body, "source_thread_id": source}, headers=api,
                             timeout=30)
    assert created.status_code == 201, created.text
    intro_id = created.json()["id"]

    (ask,) = live.drafts()
    live.world.send_draft(DANA, ask.draft_id)  # Dana sends it from Outlook: no request of ours
    settle(live)
    settle(live, hours=2, rounds=1)
    settle(live, hours=0.1)  # Bob's yes arrives; the intro is drafted
    assert live.view(intro_id)["state"] == "consented"
    (intro,) = live.drafts()
    live.world.send_draft(DANA, intro.draft_id)
    settle(live)
    settle(live, hours=1, rounds=1)
    settle(live, hours=0.1)  # Ann replies; the handoff goes out
    assert live.view(intro_id)["state"] in ("handed_off", "completed")
    assert len(live.sent(f"intro-{intro_id}:handoff:")) == 1

    with live.container.uow() as uow:
        threads = set(uow.intros.thread_labels(intro_id))
    labelled = {t.thread_id for t in live.world.mailbox_threads(DANA, "Intros/Handed off")}
    assert len(threads) == 3 and {conversation_id(t) for t in labelled} >= threads  # ask, intro, source

    calls = graph_requests(live, since)
    total = sum(calls.values())
    assert calls["POST me/messages"] == 2 and calls["POST me/messages/{id}/send"] == 1  # nothing written twice
    assert not any("masterCategories" in pattern for pattern in calls)  # made once, when the mailbox was watched
    breakdown = ", ".join(f"{pattern} x{n}" for pattern, n in sorted(calls.items(), key=lambda c: (-c[1], c[0])))
    report(f"graph requests for one complete Outlook intro (add-in start -> handoff, notification-driven syncs): "
           f"{total} (budget {BUDGET}): {breakdown}")
    assert total <= BUDGET, f"{total} requests: {breakdown}"
