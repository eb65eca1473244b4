"""The sandbox clock shows the workflow: business mornings, and "next event" jumps to what is due next."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from web_helpers import DANA, spec

NEW_YORK = ZoneInfo("America/New_York")
GUS = "gus@quiet.example"  # never answers


@pytest.fixture
def evening(container):
    """Monday 7 December 2026, 19:49 in New York (Dana's zone): the hour the demo was first tried at."""
    start = datetime(2026, 12, 7, 19, 49, tzinfo=NEW_YORK).astimezone(timezone.utc)
    container.world.set_clock(lambda: start)
    return start


def local(response) -> datetime:
    return datetime.fromisoformat(response.get_json()["now"]).astimezone(NEW_YORK)


def test_a_day_after_an_evening_is_the_next_business_morning(client, evening):
    assert local(client.post("/sandbox/api/clock", json={"days": 1})).strftime("%a %H:%M") == "Tue 09:00"
    client.post("/sandbox/api/clock", json={"hours": 1.5})
    assert local(client.post("/sandbox/api/clock", json={"days": 3})).strftime("%a %d %H:%M") == "Fri 11 10:30"
    assert local(client.post("/sandbox/api/clock", json={"days": 1})).strftime("%a %d %H:%M") == "Mon 14 10:30"


def test_next_event_jumps_to_a_persons_answer_then_to_the_reminder_in_business_hours(client, dana, evening):
    bob = client.post("/api/v1/intros", json=spec(), headers=dana).get_json()["id"]
    gus = client.post("/api/v1/intros", json=spec(target={"name": "Gus Olsen", "email": GUS, "blurb": "runs Quiet"}),
                      headers=dana).get_json()["id"]
    for intro_id in (bob, gus):
        client.post(f"/api/v1/intros/{intro_id}/send-now", headers=dana)

    first = client.post("/sandbox/api/clock", json={"next": True})
    assert first.get_json()["event"]["what"] == "Bob Stone answers yes"
    assert local(first).strftime("%a %H:%M") == "Mon 21:49"  # Bob answers two hours later, evenings too
    assert client.get(f"/api/v1/intros/{bob}", headers=dana).get_json()["consents"]["target"] == "yes"

    second = client.post("/sandbox/api/clock", json={"next": True}).get_json()
    assert second["event"]["what"] == "A reminder to Gus Olsen", second
    assert "worker_error" not in second
    at = datetime.fromisoformat(second["now"]).astimezone(NEW_YORK)
    assert (at.strftime("%a %d"), 9 <= at.hour < 17) == ("Fri 11", True)  # three business days from Tuesday morning
    view = client.get(f"/api/v1/intros/{gus}", headers=dana).get_json()
    assert any(m["step"] == "consent_bump" and m["status"] == "sent" for m in view["messages"]), view["messages"]


def test_next_event_with_nothing_scheduled_leaves_the_clock_alone(client, evening):
    answer = client.post("/sandbox/api/clock", json={"next": True}).get_json()
    assert answer["event"] is None and answer["moved_seconds"] == 0
