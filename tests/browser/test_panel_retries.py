"""The panel sends one Idempotency-Key per user action and retries a lost answer with it: the web process
committed the intro but the answer never arrived (the request is aborted after the server handled it), and
the panel's retry gets the same intro back instead of starting a second one."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from test_sandbox_page import BOB, DANA, open_sandbox

pytestmark = pytest.mark.browser


def test_a_start_whose_answer_was_lost_is_retried_with_the_same_key_and_makes_one_intro(page, live):
    seen: list[str] = []

    def lose_first_answer(route):
        request = route.request
        if request.method != "POST":
            return route.continue_()
        seen.append(request.headers.get("idempotency-key", ""))
        if len(seen) == 1:
            route.fetch()  # the server creates the intro ...
            return route.abort("connectionreset")  # ... and the answer is lost on the way back
        return route.continue_()

    page.context.route("**/api/v1/intros", lose_first_answer)
    panel = open_sandbox(page, live)
    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(panel.locator("#f-requester_name")).to_have_value("Ann Lee")  # prefilled from Ann's message
    panel.get_by_label("Choose someone").select_option(BOB)
    panel.get_by_label("Context").fill("clinic go-to-market")
    panel.locator("#f-requester_blurb").fill("founder of Acme, scheduling software for small clinics")
    panel.locator("#f-target_blurb").fill("partner at Stone VC, led two rounds in clinic software")
    panel.get_by_label("What the target gets").fill("an early look at Acme, growing 15% a month with 40 clinics")
    panel.get_by_label("What the requester gets").fill("advice on selling to clinics from someone who backed two")
    panel.get_by_label("How you know them (optional)").fill("Ann and I worked together at MediSys")
    introduce = panel.get_by_role("button", name="Introduce", exact=True)
    expect(introduce).to_be_enabled()
    introduce.click()

    for _ in range(100):  # the retry comes a second after the lost answer
        if len(seen) >= 2:
            break
        page.wait_for_timeout(100)
    card = panel.locator(".intro-card")
    expect(card).to_have_count(1)
    expect(panel.locator(".intro-form > .form-status")).not_to_contain_text("cannot be reached")
    expect(card).to_contain_text("Ann Lee → Bob Stone")
    assert len(seen) == 2 and seen[0] and seen[0] == seen[1]
    token = live.session_token(DANA)
    assert len(live.api("GET", "/api/v1/intros", token=token).json()["intros"]) == 1
    assert len(live.world.drafts(DANA)) == 1  # one permission request
