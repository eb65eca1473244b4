"""GET /api/v1/insights over the demo's seeded history, and that the history leaves the demo story alone."""
from __future__ import annotations

from introducer.mail.sandbox.history import HISTORY, seed_history
from introducer.store.models import DueWork, Outbound, TrackedThread

from web_helpers import DANA, spec


def test_insights_add_up_the_seeded_history(client, dana, container, seeded):
    assert client.get("/api/v1/insights", headers=dana).get_json()["total"] == 0
    assert seed_history(container, seeded["account_id"]) == len(HISTORY)
    assert seed_history(container, seeded["account_id"]) == 0  # once only

    numbers = client.get("/api/v1/insights", headers=dana).get_json()
    outcomes = [row[4] for row in HISTORY]
    assert numbers["total"] == len(HISTORY)
    assert numbers["introduced"] == outcomes.count("completed")
    assert numbers["consent"]["yes"] == outcomes.count("completed")
    assert numbers["consent"]["no"] == outcomes.count("declined")
    assert numbers["consent"]["no_answer"] == outcomes.count("expired")
    assert sum(m["intros"] for m in numbers["per_month"]) == len(HISTORY)  # all within the last 12 months
    assert len(numbers["per_month"]) == 12 and numbers["timezone"] == "America/New_York"
    answers = sorted(row[5] for row in HISTORY if row[4] == "completed")
    assert numbers["consent"]["median_hours_ask_to_yes"] == answers[len(answers) // 2]
    assert {r["outcome"] for r in numbers["declined_or_stalled"]} == {"declined", "no_answer"}
    assert numbers["most_connected"][0]["intros"] >= numbers["most_connected"][-1]["intros"]

    assert len(client.get("/api/v1/insights?months=3", headers=dana).get_json()["per_month"]) == 3
    assert client.get("/api/v1/insights?months=0", headers=dana).status_code == 400


def test_the_seeded_history_gives_the_world_nothing_to_act_on(client, dana, container, seeded):
    seed_history(container, seeded["account_id"])
    with container.uow() as uow:
        for model in (DueWork, Outbound, TrackedThread):
            assert uow.session.query(model).count() == 0
    # Dana's inbox still holds only Ann's ask, and a new intro is listed first
    [thread] = container.world.mailbox_threads(DANA)
    assert thread.thread_id == seeded["inbound_thread_id"]
    started = client.post("/api/v1/intros", json=spec(), headers=dana)
    assert started.status_code == 201
    listed = client.get("/api/v1/intros", headers=dana).get_json()["intros"]
    assert listed[0]["id"] == started.get_json()["id"]


def test_insights_need_a_signed_in_account(client):
    assert client.get("/api/v1/insights").status_code == 401
