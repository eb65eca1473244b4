"""The Insights numbers, checked against a timeline written out by hand."""
from __future__ import annotations

from datetime import datetime, timezone

from introducer.domain.insights import Event, IntroFacts, insights

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=timezone.utc)
ANN, BOB, CAROL, EVAN = ("Ann Lee", "ann@a.example"), ("Bob Stone", "bob@b.example"), \
    ("Carol Diaz", "carol@c.example"), ("Evan Wu", "evan@e.example")


def at(day: str, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=timezone.utc)


def intro(id_, created, state, requester, target, *events) -> IntroFacts:
    return IntroFacts(id=id_, created_at=created, state=state, requester=requester, target=target,
                      context=f"topic {id_}", events=tuple(Event(*e) for e in events))


TIMELINE = [
    # Ann → Bob, October: Bob says yes after 6 hours, intro, handoff 10 hours later
    intro(1, at("2026-10-05", 9), "completed", ANN, BOB,
          (at("2026-10-05", 9), "created"), (at("2026-10-05", 10), "permission_request_sent", "target"),
          (at("2026-10-05", 16), "consent_yes", "target"), (at("2026-10-05", 17), "intro_sent"),
          (at("2026-10-06", 3), "handoff_sent")),
    # Ann → Carol, October, both asked: Ann yes after 2 h, Carol yes after 30 h; handoff 2 h after the intro
    intro(2, at("2026-10-20", 8), "handed_off", ANN, CAROL,
          (at("2026-10-20", 8), "created"), (at("2026-10-20", 8), "permission_request_sent", "requester"),
          (at("2026-10-20", 8), "permission_request_sent", "target"), (at("2026-10-20", 10), "consent_yes", "requester"),
          (at("2026-10-21", 14), "consent_yes", "target"), (at("2026-10-21", 15), "intro_sent"),
          (at("2026-10-21", 17), "handoff_sent")),
    # Evan → Bob, November: Bob declines
    intro(3, at("2026-11-02", 9), "declined", EVAN, BOB,
          (at("2026-11-02", 9), "created"), (at("2026-11-02", 9), "permission_request_drafted", "target"),
          (at("2026-11-03", 9), "consent_no", "target")),
    # Evan → Carol, November: no answer, expired
    intro(4, at("2026-11-10", 9), "expired", EVAN, CAROL,
          (at("2026-11-10", 9), "created"), (at("2026-11-10", 9), "permission_request_sent", "target"),
          (at("2026-11-13", 9), "consent_bump_sent", "target"), (at("2026-11-18", 9), "state_changed")),
    # Bob → Evan, early November, introduced but nothing happened since: stalled (over 14 days idle)
    intro(5, at("2026-11-01", 9), "introduced", BOB, EVAN,
          (at("2026-11-01", 9), "created"), (at("2026-11-01", 12), "intro_sent")),
    # Carol → Ann, December: still waiting for Ann, asked yesterday (pending, not stalled)
    intro(6, at("2026-12-06", 9), "awaiting_consent", CAROL, ANN,
          (at("2026-12-06", 9), "created"), (at("2026-12-06", 9), "permission_request_sent", "target")),
    # long ago, outside a 3-month window
    intro(7, at("2026-01-15", 9), "cancelled", CAROL, EVAN, (at("2026-01-15", 9), "created")),
]


def test_intros_per_month_counts_every_month_of_the_window_in_the_introducers_zone():
    # 05:00 UTC on 1 November is still 31 October in Los Angeles
    late = intro(8, datetime(2026, 11, 1, 5, 0, tzinfo=timezone.utc), "cancelled", ANN, BOB)
    numbers = insights(TIMELINE + [late], NOW, "America/Los_Angeles", months=3)
    assert numbers["per_month"] == [{"month": "2026-10", "intros": 3}, {"month": "2026-11", "intros": 3},
                                    {"month": "2026-12", "intros": 1}]
    assert numbers["total"] == 8


def test_consent_rate_counts_answers_and_silence_but_not_open_asks():
    consent = insights(TIMELINE, NOW)["consent"]
    assert consent == {"asked": 6, "yes": 3, "no": 1, "no_answer": 1, "pending": 1, "rate": 0.6,
                       "median_hours_ask_to_yes": 6.0}  # waits of 6, 2 and 30 hours


def test_median_time_from_intro_to_handoff():
    assert insights(TIMELINE, NOW)["median_hours_intro_to_handoff"] == 6.0  # 10 and 2 hours


def test_who_declined_or_stalled_names_the_person_newest_first():
    rows = insights(TIMELINE, NOW)["declined_or_stalled"]
    assert [(r["intro_id"], r["outcome"], r["who"]) for r in rows] == [
        (4, "no_answer", ["Carol Diaz"]), (3, "declined", ["Bob Stone"]), (5, "stalled", [])]
    assert rows[2]["idle_days"] == 36


def test_most_connected_people_are_those_introduced_most():
    top = insights(TIMELINE, NOW)["most_connected"]
    assert [(p["name"], p["intros"]) for p in top] == [("Ann Lee", 2), ("Bob Stone", 2), ("Carol Diaz", 1),
                                                         ("Evan Wu", 1)]


def test_no_intros_gives_empty_numbers_not_errors():
    numbers = insights([], NOW, months=2)
    assert numbers["consent"]["rate"] is None and numbers["median_hours_intro_to_handoff"] is None
    assert numbers["per_month"] == [{"month": "2026-11", "intros": 0}, {"month": "2026-12", "intros": 0}]
    assert numbers["most_connected"] == [] and numbers["declined_or_stalled"] == []


def test_an_answer_before_the_recorded_ask_is_never_a_negative_wait():
    odd = intro(9, at("2026-12-01"), "consented", ANN, BOB,
                (at("2026-12-01", 12), "permission_request_sent", "target"),
                (at("2026-12-01", 11), "consent_yes", "target"))
    assert insights([odd], NOW)["consent"]["median_hours_ask_to_yes"] == 0.0
