"""The panel's Settings let the user change the name intros are signed with."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _account_name(live) -> str:
    with live.container.uow() as uow:
        return uow.accounts.by_email("sandbox", "dana@parkcap.example").name


def test_the_name_is_edited_in_settings_and_shown_in_the_header(browser, live):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(live.url + "/")
        panel = page.frame_locator("#panel-frame")
        panel.get_by_role("tab", name="Settings").click()
        field = panel.get_by_label("Your name, as intros are signed")
        assert field.input_value() == "Dana Park"
        field.fill("Danielle Park")
        field.press("Tab")  # a change event, as when the user leaves the field
        panel.get_by_role("status").filter(has_text="Saved.").wait_for(timeout=10_000)
        panel.locator(".panel-header .account").filter(has_text="Danielle Park").wait_for(timeout=5_000)
    finally:
        context.close()
    assert _account_name(live) == "Danielle Park"
