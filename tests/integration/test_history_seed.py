"""The demo's seeded history on both databases: stored as finished intros the Insights view adds up."""
from __future__ import annotations

from introducer.mail.sandbox.history import HISTORY, seed_history
from introducer.service import insights, intros, views
from workflow_fixtures import demo, database_url  # noqa: F401


def test_seeded_history_is_counted_and_leaves_nothing_for_the_worker(demo):
    assert seed_history(demo.container, demo.account_id) == len(HISTORY)
    with demo.container.uow() as uow:
        numbers = insights.for_account(uow, demo.account_id, demo.deps.clock())
        listed = views.list_intros(uow, demo.account_id, limit=100)
    assert numbers["total"] == len(listed) == len(HISTORY)
    assert all(i["state"] in ("completed", "declined", "expired") for i in listed)
    assert numbers["consent"]["yes"] + numbers["consent"]["no"] + numbers["consent"]["no_answer"] == len(HISTORY)

    # a new intro comes first in the list; the worker finds nothing to do for the old ones
    new = intros.start_intro(demo.deps, demo.account_id, demo.spec())
    with demo.container.uow() as uow:
        assert views.list_intros(uow, demo.account_id, limit=1)[0]["id"] == new
    assert [d.subject for d in demo.drafts()] == ["Open to meeting Ann Lee? (healthcare go-to-market)"]
