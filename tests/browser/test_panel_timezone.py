"""A new account starts in UTC; the panel gives it the user's own time zone, so nudges keep their hours."""
from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser


def _account_timezone(live) -> str:
    with live.container.uow() as uow:
        return uow.accounts.by_email("sandbox", "dana@parkcap.example").timezone


def test_the_panel_sets_a_utc_account_to_the_browsers_time_zone(browser, live):
    live.session_token("dana@parkcap.example")  # Dana's account exists
    with live.container.uow() as uow:
        uow.accounts.by_email("sandbox", "dana@parkcap.example").timezone = "UTC"
        uow.commit()
    context = browser.new_context(timezone_id="Europe/Paris")
    try:
        context.new_page().goto(live.url + "/")
        deadline = time.monotonic() + 15
        while _account_timezone(live) == "UTC" and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        context.close()
    assert _account_timezone(live) == "Europe/Paris"


def test_an_account_with_a_time_zone_keeps_it(browser, live):
    context = browser.new_context(timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        page.goto(live.url + "/")
        page.frame_locator("#panel-frame").get_by_role("tab", name="Intros").wait_for()
    finally:
        context.close()
    assert _account_timezone(live) == "America/New_York"
