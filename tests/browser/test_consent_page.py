"""The one-click consent pages in headless Chromium: the person opens the link, then presses a button."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from workflow_fixtures import spec_data

pytestmark = pytest.mark.browser

DANA = "dana@parkcap.example"
GUS = {"name": "Gus Olsen", "email": "gus@quiet.example", "blurb": "runs clinic operations at Quiet Health"}


def yes_link(live) -> str:
    token = live.session_token(DANA)
    live.api("PATCH", "/api/v1/settings", json={"consent_links": True}, token=token).raise_for_status()
    body = spec_data(DANA, target=GUS)
    body.pop("introducer")
    live.api("POST", "/api/v1/intros", json=body, token=token).raise_for_status()
    [draft] = live.api("GET", f"/sandbox/api/mailboxes/{DANA}/drafts", token=token).json()["drafts"]
    link = re.search(r"Yes, introduce us: (\S+)", draft["text"]).group(1)
    return live.url + urlsplit(link).path


def test_a_person_opens_the_yes_link_and_confirms_with_one_press(page, live, screenshot):
    page.goto(yes_link(live))
    expect(page.get_by_role("heading")).to_have_text("Would you like to meet Ann Lee?")
    expect(page.get_by_text("Dana Park would like to introduce you")).to_be_visible()
    expect(page.get_by_role("button", name="Yes, introduce us")).to_be_focused()
    screenshot("consent-confirm")

    page.get_by_role("button", name="Yes, introduce us").click()
    expect(page.get_by_role("heading")).to_have_text("Thank you!")
    screenshot("consent-thanks")

    page.go_back()
    page.reload()
    expect(page.get_by_role("button")).to_have_count(0)
    expect(page.get_by_text("already has your answer")).to_be_visible()
