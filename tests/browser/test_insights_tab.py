"""The Insights tab drawn in headless Chromium from the demo's seeded history, with screenshots."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from introducer.mail.sandbox.history import seed_history

from conftest import RESULTS

pytestmark = pytest.mark.browser

DANA = "dana@parkcap.example"


def test_the_insights_tab_draws_the_numbers_of_the_api(page, live, screenshot):
    seed_history(live.container, live.seeded["account_id"])
    numbers = live.api("GET", "/api/v1/insights?months=12", token=live.session_token(DANA)).json()
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(live.url + "/")
    # the story still starts with Ann's ask: the only thread in Dana's inbox
    expect(page.locator(".thread")).to_have_count(1)
    expect(page.locator(".thread").first).to_contain_text("Could you introduce me to Bob Stone?")

    panel = page.frame_locator("#panel-frame")
    panel.get_by_role("tab", name="Insights").click()
    view = panel.locator("#view-insights")
    expect(view.locator(".tile")).to_have_count(4)
    expect(view.locator(".tile").nth(1)).to_contain_text(f"{round(numbers['consent']['rate'] * 100)}%")

    months = view.locator("#chart-months g.month")
    expect(months).to_have_count(12)
    for i, row in enumerate(numbers["per_month"]):
        expect(months.nth(i)).to_have_attribute("data-intros", str(row["intros"]))
        expect(months.nth(i).locator("rect")).to_have_count(1 if row["intros"] else 0)
    expect(view.locator("#chart-consent rect")).to_have_count(
        sum(1 for k in ("yes", "no", "no_answer", "pending") if numbers["consent"][k]))
    top = numbers["most_connected"][0]
    expect(view.locator(".people li").first).to_contain_text(f"{top['name']}{top['intros']} intros")
    expect(view.locator(".outcomes li")).to_have_count(len(numbers["declined_or_stalled"][:8]))
    expect(view.locator(".outcomes li").first).to_contain_text(" declined")

    assert screenshot("insights-1440").stat().st_size > 10_000

    # a sidebar as narrow as a Gmail or Outlook one: the charts shrink to fit, nothing is cut off
    page.locator("#panel-frame").evaluate("frame => { frame.style.width = '320px'; frame.style.flex = '0 0 320px'; }")
    frame = page.locator("#panel-frame").bounding_box()
    assert abs(frame["width"] - 320) <= 2
    for chart in ("#chart-months", "#chart-consent", ".people"):
        box = view.locator(chart).bounding_box()
        assert box["x"] >= frame["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, chart
    RESULTS.mkdir(exist_ok=True)
    page.locator("#panel-frame").screenshot(path=str(RESULTS / "insights-panel-320.png"))
