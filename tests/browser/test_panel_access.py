"""The panel as people use it: only the open thread pre-fills it, errors sit beside their fields in plain
words, it works by keyboard alone, and it fits a 300 px sidebar and a 1024 px window (axe-core checks)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from a11y import assert_accessible

pytestmark = pytest.mark.browser

ANN = "ann@acme.example"


def open_sandbox(page, live):
    page.goto(live.url + "/")
    panel = page.frame_locator("#panel-frame")
    expect(panel.get_by_role("tab", name="Introduce")).to_be_visible()
    return panel, page.frame(url=lambda url: "/panel" in url)


def test_switching_mailboxes_forgets_the_previous_threads_suggestions(page, live):
    panel, _ = open_sandbox(page, live)
    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(panel.locator("#f-requester_email")).to_have_value(ANN)
    page.locator(".person", has_text="Bob Stone").click()  # another mailbox: Dana's message is no longer open
    expect(panel.locator("#f-requester_email")).to_have_value("")
    expect(panel.locator("#f-target_email")).to_have_value("")
    expect(panel.locator("#introduce-source")).to_contain_text("Open a message")


def test_errors_sit_beside_their_fields_in_plain_words_all_at_once_and_the_preview_never_lags(page, live):
    panel, frame = open_sandbox(page, live)
    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(panel.locator("#f-target_email")).to_have_value("bob@stonevc.example")
    for label, value in (("What the target gets", "an early look at Acme, growing 15% a month"),
                         ("What the requester gets", "advice on selling to clinics from someone who backed two"),
                         ("How you know them (optional)", "Ann and I worked together at MediSys")):
        panel.get_by_label(label).fill(value)
    expect(panel.locator(".preview-subject")).to_contain_text("Bob Stone")

    panel.locator("#f-requester_email").fill("ann at acme")
    panel.locator("#f-target_name").fill("")
    expect(panel.locator("#f-requester_email-error")).to_have_text(
        "Ann's address looks incomplete: it should look like name@example.com.")
    expect(panel.locator("#f-target_name-error")).to_have_text("Who should they meet? Add a name.")  # both at once
    expect(panel.locator("#f-requester_email")).to_have_attribute("aria-invalid", "true")
    expect(panel.locator("#f-requester_email")).to_have_attribute("aria-describedby", "f-requester_email-error")
    expect(panel.locator(".preview")).to_be_hidden()  # no preview of values the form no longer has
    expect(panel.get_by_role("button", name="Introduce", exact=True)).to_be_disabled()
    assert_accessible(frame, "#panel")

    panel.locator("#f-requester_email").fill(ANN)
    panel.locator("#f-target_name").fill("Robert Stone")
    expect(panel.locator("#f-requester_email-error")).to_be_hidden()
    expect(panel.locator(".preview-subject")).to_contain_text("Robert Stone")  # the preview follows the form


def test_the_panel_works_by_keyboard_alone(page, live):
    panel, frame = open_sandbox(page, live)
    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(panel.locator("#f-requester_email")).to_have_value(ANN)
    panel.get_by_role("tab", name="Introduce").focus()
    page.keyboard.press("ArrowRight")
    expect(panel.get_by_role("tab", name="Intros")).to_be_focused()
    expect(panel.get_by_role("tab", name="Intros")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("End")
    expect(panel.get_by_role("tab", name="Settings")).to_be_focused()
    page.keyboard.press("Home")
    expect(panel.get_by_role("tab", name="Introduce")).to_be_focused()
    page.keyboard.press("Tab")
    expect(panel.locator("#f-requester_name")).to_be_focused()  # straight into the form, nothing hidden on the way
    for _ in range(9):
        page.keyboard.press("Tab")
    expect(panel.locator("#f-context")).to_be_focused()
    page.keyboard.press("End")  # tabbing into a field selects its text
    page.keyboard.type(" for clinics")
    expect(panel.locator("#f-context")).to_have_value("go-to-market for clinics")
    expect(panel.locator("#f-context")).not_to_have_class("suggested")  # typed by the user: no longer a guess


@pytest.mark.parametrize("width", [300, 1024])
def test_the_panel_fits_a_narrow_sidebar_and_a_small_laptop(browser, live, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    try:
        panel, frame = open_sandbox(page, live)
        page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
        expect(panel.locator("#f-requester_email")).to_have_value(ANN)
        box = page.locator("#panel-frame").bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, f"the panel is cut off at {width}px: {box}"
        overflow = frame.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the panel scrolls sideways by {overflow}px at {width}px"
        assert_accessible(frame, "#panel")
    finally:
        context.close()


def test_news_about_the_clock_fades_instead_of_lingering(page, live):
    page.clock.install()  # the page's timers run on a clock the test moves: no waiting
    open_sandbox(page, live)
    page.get_by_role("button", name="+1 hour", exact=True).click()
    status = page.locator("#sandbox-status")
    expect(status).to_contain_text("Clock moved +1 hour")
    page.clock.run_for(9_000)
    expect(status).to_have_text("")
