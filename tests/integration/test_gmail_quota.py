"""What one complete intro costs in Gmail API quota units, counted by the Gmail face per Google's table
(developers.google.com/gmail/api/reference/quota): from opening the requester's message in the sidebar to
the handoff, with every push-driven sync in between. The budget keeps the cost from creeping up."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from gmail_addon_fixtures import DANA, FILLED, clock, form, live, plain_http_to_loopback  # noqa: F401
from introducer.mail.sandbox.gmail_discovery import QUOTA_UNITS

BUDGET = 400  # units per intro (measured: 324 in a fresh mailbox); Google allows 15,000 per user per minute


def test_one_complete_intro_stays_within_its_quota_budget(live, clock, report):
    live.connect()
    live.face.reset_quota()

    opened = live.trigger("/addon/gmail/on-open", gmail=live.open_message())
    live.click(opened, "Introduce", inputs=form(**FILLED), gmail=live.open_message())
    (ask,) = live.world.drafts(DANA)
    live.world.send_draft(DANA, ask.draft_id)  # Dana sends from Gmail: no API call of ours
    live.settle()
    clock.now += timedelta(hours=2, minutes=5)  # Bob says yes; the intro is drafted
    live.settle()
    (intro,) = live.world.drafts(DANA)
    live.world.send_draft(DANA, intro.draft_id)
    live.settle()
    clock.now += timedelta(hours=1, minutes=5)  # Ann replies; the handoff goes out
    live.settle()

    with live.container.uow() as uow:
        assert uow.intros.get(1, live.account().id).state == "handed_off"
    units, calls = live.face.quota_used(DANA), Counter(live.face.calls(DANA))
    assert units == sum(QUOTA_UNITS[op] * n for op, n in calls.items())
    assert units <= BUDGET, f"{units} units: {dict(calls)}"
    assert calls["messages.send"] == 1 and calls["drafts.create"] == 2  # nothing written twice
    breakdown = ", ".join(f"{op} {n}x{QUOTA_UNITS[op]}" for op, n in sorted(calls.items()))
    report(f"gmail quota for one complete intro (open message -> handoff, push-driven syncs): {units} units "
           f"in {sum(calls.values())} calls (budget {BUDGET}): {breakdown}")
