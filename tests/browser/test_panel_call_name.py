"""The panel's "What to call them" fields reach the greeting of the previewed intro."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_what_to_call_them_changes_the_greeting_in_the_preview(page, live):
    page.goto(live.url + "/")
    panel = page.frame_locator("#panel-frame")
    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(panel.locator("#f-requester_name")).to_have_value("Ann Lee")
    panel.locator("#f-requester_blurb").fill("runs Acme, scheduling software for small clinics.")
    panel.get_by_label("Choose someone").select_option("bob@stonevc.example")
    panel.locator("#f-target_blurb").fill("partner at Stone VC")
    panel.locator("#f-target_call_name").fill("Bobby")
    panel.locator("#f-context").fill("clinic go-to-market")
    panel.locator("#f-benefit_to_target").fill("an early look at Acme, growing 15% a month with 40 clinics.")
    panel.locator("#f-benefit_to_requester").fill("advice on selling to clinics from someone who backed two.")
    panel.locator("#f-shared_connection").fill("Ann and I worked together at MediSys")
    preview = panel.locator(".preview-text")
    expect(preview).to_contain_text("Hi Ann and Bobby,")
    expect(preview).to_contain_text("Ann Lee, who runs Acme, scheduling software for small clinics.")
    expect(preview).not_to_contain_text("..")
