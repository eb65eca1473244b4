"""The sandbox page and the panel beside it, driven in headless Chromium against a live app."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DANA, ANN, BOB = "dana@parkcap.example", "ann@acme.example", "bob@stonevc.example"


def open_sandbox(page, live):
    page.goto(live.url + "/")
    panel = page.frame_locator("#panel-frame")
    expect(panel.get_by_role("tab", name="Introduce")).to_be_visible()
    return panel


def advance(page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.locator("#sandbox-status")).to_contain_text("Clock moved")


def test_an_intro_goes_from_anns_ask_to_handed_off(page, live, screenshot):
    panel = open_sandbox(page, live)

    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(panel.locator("#f-requester_name")).to_have_value("Ann Lee")
    expect(panel.locator("#f-requester_email")).to_have_value(ANN)

    panel.get_by_label("Choose someone").select_option(BOB)
    expect(panel.locator("#f-target_name")).to_have_value("Bob Stone")
    panel.get_by_label("Context").fill("clinic go-to-market")
    introduce = panel.get_by_role("button", name="Introduce", exact=True)
    expect(panel.locator(".lint li.error").first).to_be_visible()  # no benefits yet: etiquette errors
    expect(introduce).to_be_disabled()

    panel.locator("#f-requester_blurb").fill("founder of Acme, scheduling software for small clinics")
    panel.locator("#f-target_blurb").fill("partner at Stone VC, led two rounds in clinic software")
    panel.get_by_label("What the target gets").fill("an early look at Acme, growing 15% a month with 40 clinics")
    panel.get_by_label("What the requester gets").fill("advice on selling to clinics from someone who backed two")
    panel.get_by_label("How you know them (optional)").fill("Ann and I worked together at MediSys")
    expect(panel.locator(".lint li.error")).to_have_count(0)
    expect(introduce).to_be_enabled()
    introduce.click()

    card = panel.locator(".intro-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Ann Lee → Bob Stone")
    expect(card.locator(".badge")).to_have_text("Awaiting consent")
    expect(card.locator(".next-step")).to_contain_text("Review and send")

    page.locator(".drafts .send-draft").first.click()  # Dana sends the permission request from her drafts
    expect(page.locator(".drafts")).to_have_count(0)
    expect(card.locator(".next-step")).to_contain_text("Waiting for Bob")

    advance(page, "+1 day")  # Bob agrees after two hours
    expect(card.locator(".next-step")).to_contain_text("Review and send the intro")
    expect(page.locator(".drafts .send-draft")).to_have_count(1)
    page.locator(".drafts .send-draft").first.click()
    expect(card.locator(".badge")).to_have_text("Introduced")

    advance(page, "+1 day")  # Ann replies in the intro thread; Dana steps out
    expect(card.locator(".badge")).to_have_text("Handed off")

    card.click()
    detail = panel.locator("#view-intros .intro-detail")
    expect(detail.locator(".timeline li").first).to_be_visible()
    expect(detail.locator(".consent[data-role=target]")).to_contain_text("yes")
    screenshot("sandbox-intro-handed-off")


def test_an_unclear_answer_typed_by_hand_asks_the_introducer_to_decide(page, live, screenshot):
    token = live.session_token(DANA)
    body = {
        "requester": {"name": "Ann Lee", "email": ANN, "asked": True, "blurb": "founder of Acme"},
        "target": {"name": "Bob Stone", "email": BOB, "blurb": "partner at Stone VC"},
        "context": "clinic go-to-market", "benefit_to_target": "an early look at Acme",
        "benefit_to_requester": "advice on selling to clinics", "shared_connection": "we worked together at MediSys",
    }
    intro = live.api("POST", "/api/v1/intros", json=body, token=token).json()
    live.api("POST", f"/api/v1/intros/{intro['id']}/send-now", token=token).raise_for_status()
    panel = open_sandbox(page, live)

    page.locator(".person", has_text="Bob Stone").click()
    page.locator(".thread", has_text="Ann Lee").first.click()
    page.get_by_label("Reply as Bob Stone").fill("Hmm, maybe. What does she want from me exactly?")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("#sandbox-status")).to_contain_text("Bob Stone replied")

    panel.get_by_role("tab", name="Intros").click()
    card = panel.locator(".intro-card")
    expect(card.locator(".badge.review")).to_be_visible()
    card.click()
    detail = panel.locator("#view-intros .intro-detail")
    expect(detail.locator(".consent[data-role=target]")).to_contain_text("needs review")
    detail.get_by_role("button", name="Mark yes").click()
    expect(detail.locator(".consent[data-role=target]")).to_contain_text("yes")
    expect(detail.locator(".badges .badge").first).not_to_have_text("Awaiting consent")
    screenshot("sandbox-marked-yes")


def test_settings_changed_in_the_panel_are_saved_for_the_account(page, live):
    panel = open_sandbox(page, live)
    panel.get_by_role("tab", name="Settings").click()
    panel.get_by_label("The intro").select_option("send")
    expect(panel.locator(".settings .form-status")).to_have_text("Saved.")
    panel.get_by_label("Remind a silent party after (business days)").fill("5")
    panel.get_by_label("Remind a silent party after (business days)").press("Tab")
    expect(panel.locator(".settings .form-status")).to_have_text("Saved.")
    settings = live.api("GET", "/api/v1/settings", token=live.session_token(DANA)).json()
    assert settings["intro"] == "send" and settings["consent_nudge_after_days"] == 5
