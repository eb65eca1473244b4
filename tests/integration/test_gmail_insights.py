"""The add-on's Insights card: the same numbers as GET /api/v1/insights, as text."""
from __future__ import annotations

from gmail_addon_fixtures import card_of, clock, live, plain_http_to_loopback, texts  # noqa: F401
from introducer.mail.sandbox.history import seed_history
from introducer.service import insights
from introducer.web.gmail_cards.insights import hours


def test_the_insights_card_shows_the_numbers_of_the_seeded_history(live):
    live.connect()
    account = live.account()
    seed_history(live.container, account.id)
    with live.container.uow() as uow:
        numbers = insights.for_account(uow, account.id, live.container.deps.clock())

    home = live.trigger("/addon/gmail/home")
    shown = texts(card_of(live.click(home, "Insights: how your intros went")))
    consent = numbers["consent"]
    assert f"{round(consent['rate'] * 100)}%" in shown
    assert f"{consent['yes']} of {consent['yes'] + consent['no'] + consent['no_answer']} answered yes" in shown
    assert hours(consent["median_hours_ask_to_yes"]) in shown
    assert hours(numbers["median_hours_intro_to_handoff"]) in shown
    top = numbers["most_connected"][0]
    assert f"{top['name']}: {top['intros']} intros" in shown
    first = numbers["declined_or_stalled"][0]
    assert f"{first['who'][0]} declined" in shown or f"{first['who'][0]} never answered" in shown
    for month in numbers["per_month"]:
        if month["intros"]:
            assert f" {month['intros']}" in shown
