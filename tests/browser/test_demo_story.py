"""The README's demo story in headless Chromium, at a desktop width and at a phone's (320 px).

Dana introduces Ann to Bob from Ann's ask (target and context pre-filled), sends the drafts, and presses
"Next event" until every promise has been seen: the consent bump (Gus never answers), the intro, the
handoff, the requester reminder (Gus asked to meet Carol; neither follows up) and the close-the-loop
check-in. A screenshot of each step goes to test-results/story-<width>/ (ignored by git).
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from a11y import assert_accessible
from conftest import RESULTS
from live_server import LiveApp

pytestmark = pytest.mark.browser

DANA, ANN, BOB = "dana@parkcap.example", "ann@acme.example", "bob@stonevc.example"
GUS = {"name": "Gus Olsen", "email": "gus@quiet.example", "blurb": "ran sales at two clinic-software startups"}
CAROL = {"name": "Carol Diaz", "email": "carol@clinico.example", "blurb": "head of operations at Clinico"}
PROMISES = ("consent_bump", "intro", "handoff", "requester_reminder", "close_loop")
MONDAY_EVENING = datetime(2026, 12, 7, 19, 49, tzinfo=ZoneInfo("America/New_York")).astimezone(timezone.utc)


def spec(requester: dict, target: dict) -> dict:
    return {"requester": {**requester, "asked": True}, "target": target, "context": "clinic operations",
            "benefit_to_target": "a first look at a team fixing clinic no-shows",
            "benefit_to_requester": "advice from someone who has run clinic operations",
            "shared_connection": "I know both of you from MediSys"}


@pytest.fixture
def story(tmp_path):
    app = LiveApp(tmp_path / "data", clock=lambda: MONDAY_EVENING)
    token = app.session_token(DANA)
    ann = {"name": "Ann Lee", "email": ANN, "blurb": "founder of Acme"}
    # Two intros Dana started earlier that day: Gus never answers; Gus and Carol never follow up.
    for requester, target in ((ann, GUS), (GUS, CAROL)):
        app.api("POST", "/api/v1/intros", json=spec(requester, target), token=token).raise_for_status()
    yield app, token
    app.stop()


def seen(app, token) -> set[str]:
    """The steps that went out, over all of Dana's intros."""
    out = set()
    for summary in app.api("GET", "/api/v1/intros", token=token).json()["intros"]:
        view = app.api("GET", f"/api/v1/intros/{summary['id']}", token=token).json()
        out |= {m["step"] for m in view["messages"] if m["status"] == "sent"}
    return out


@pytest.mark.parametrize("width", [1440, 320])
def test_the_demo_story_shows_every_promise_with_next_event(browser, story, width):
    app, token = story
    folder = RESULTS / f"story-{width}"
    folder.mkdir(parents=True, exist_ok=True)
    shots = []
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def shot(name: str) -> None:
        path = folder / f"{len(shots) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=width < 760)
        shots.append(path)
        if width < 760:  # the page is one long column there: the panel on its own shows the layout
            page.locator("#panel-frame").screenshot(path=str(path.with_name(path.stem + "-panel.png")))

    page.goto(app.url + "/")
    panel = page.frame_locator("#panel-frame")
    expect(panel.get_by_role("tab", name="Introduce")).to_be_visible()
    frame = page.frame(url=lambda url: "/panel" in url)

    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(panel.locator("#f-requester_email")).to_have_value(ANN)
    expect(panel.locator("#f-target_email")).to_have_value(BOB)  # named in the ask, known to Dana
    expect(panel.locator("#f-target_name")).to_have_value("Bob Stone")
    expect(panel.locator("#f-context")).to_have_value("go-to-market")
    expect(panel.locator("#f-requester_blurb")).to_have_value(
        "Acme helps 40 clinics fill cancelled slots automatically and is growing 15% a month.")
    for field in ("target_email", "context", "requester_blurb"):
        expect(panel.locator(f"#f-{field}")).to_have_class("suggested")  # never silently
    assert_accessible(frame, "#panel")
    shot("introduce-prefilled")

    panel.get_by_label("What the target gets").fill("an early look at Acme, growing 15% a month with 40 clinics")
    panel.get_by_label("What the requester gets").fill("advice on selling to clinics from someone who backed two")
    panel.get_by_label("How you know them (optional)").fill("Ann and I worked together at MediSys")
    introduce = panel.get_by_role("button", name="Introduce", exact=True)
    expect(panel.locator(".lint li.error")).to_have_count(0)
    expect(panel.locator(".preview-subject")).to_contain_text("Bob Stone")  # the preview matches the form
    expect(introduce).to_be_enabled()
    introduce.click()
    expect(panel.locator(".intro-card")).to_have_count(3)
    shot("introduced")

    done: list[str] = []
    banner_checked = False
    for _ in range(40):
        now = seen(app, token)
        for step in PROMISES:
            if step in now and step not in done:
                done.append(step)
                shot(step)
        if set(PROMISES) <= set(done):
            break
        drafts = page.locator(".drafts .send-draft")
        if not drafts.count() and not banner_checked:  # "Review and send…" is no longer true: it is gone
            expect(panel.locator(".notice")).to_be_hidden(timeout=5_000)
            banner_checked = True
        if drafts.count():
            try:
                with page.expect_response(lambda r: "/drafts/" in r.url and r.request.method == "POST",
                                          timeout=10_000):
                    drafts.first.click(timeout=5_000)
            except PlaywrightTimeout:
                pass  # the simulated people changed the list under the click; look again
            continue
        with page.expect_response(lambda r: r.url.endswith("/sandbox/api/clock")) as answer:
            page.get_by_role("button", name="Next event").click()
        assert answer.value.json()["event"] is not None, f"nothing scheduled, yet only {done} were seen"
    assert set(PROMISES) <= set(done), f"seen only {done}"
    assert done.index("consent_bump") < done.index("requester_reminder")

    # Opening the intro's own thread shows that intro, not the form
    bob = next(i for i in app.api("GET", "/api/v1/intros", token=token).json()["intros"] if i["target"]["email"] == BOB)
    view = app.api("GET", f"/api/v1/intros/{bob['id']}", token=token).json()
    intro_thread = next(m["thread_id"] for m in view["messages"] if m["step"] == "intro")
    panel.get_by_role("tab", name="Introduce").click()
    page.locator(f'.thread[data-thread-id="{intro_thread}"]').click()
    expect(panel.locator("#view-introduce .thread-purpose")).to_have_text("This thread is the intro (and its handoff).")
    state = app.api("GET", f"/api/v1/intros/{bob['id']}", token=token).json()["state"]
    assert state in ("handed_off", "completed")  # the check-in went out after the handoff
    expect(panel.locator("#view-introduce .badge").first).to_have_text(state.replace("_", " ").capitalize())
    expect(panel.locator("#view-introduce form.intro-form")).to_be_hidden()
    assert_accessible(frame, "#panel")
    overflow = frame.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the panel scrolls sideways by {overflow}px at {width}px"
    shot("thread-shows-its-intro")

    context.close()
    assert errors == [], f"script errors on the page: {errors}"
    print(f"\nstory screenshots at {width}px: {folder} ({len(shots)} files)")
