"""`introducer demo --provider outlook`: the sandbox page shows the real task pane (Office.js and MSAL.js
replaced by the sandbox's own stand-ins), and everything Dana does goes through Graph to her mailbox."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from introducer.app import create_app
from introducer.mail.sandbox.loopback import LoopbackServer
from outlook_fixtures import close, outlook_demo_for
from workflow_fixtures import spec_data

pytestmark = pytest.mark.browser
DANA, ANN, BOB = "dana@parkcap.example", "ann@acme.example", "bob@stonevc.example"


@pytest.fixture
def demo_page(tmp_path):
    demo = outlook_demo_for(tmp_path / "instance")
    with LoopbackServer(create_app(demo.container)) as server:
        demo.url = server.base_url
        yield demo
    close(demo)


def test_the_demo_page_hosts_the_task_pane_and_intros_go_through_graph(page, demo_page, screenshot):
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(demo_page.url)
               else route.abort())
    page.goto(demo_page.url + "/")
    pane = page.frame_locator("#panel-frame")
    expect(page.locator("#panel-frame")).to_have_attribute("src", "/addin/outlook/taskpane.html?sandbox=1")
    expect(pane.get_by_role("tab", name="Introduce")).to_be_visible()

    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(pane.locator("#f-requester_email")).to_have_value(ANN)
    expect(pane.locator("#f-context")).to_have_value("go-to-market")  # read from the body (body.getAsync)
    body = spec_data(DANA)
    pane.locator("#f-target_name").fill("Bob Stone")  # Outlook has no contact suggestions here: typed
    pane.locator("#f-target_email").fill(BOB)
    pane.locator("#f-requester_blurb").fill(body["requester"]["blurb"])
    pane.locator("#f-target_blurb").fill(body["target"]["blurb"])
    pane.get_by_label("Context").fill("clinic go-to-market")
    pane.get_by_label("What the target gets").fill(body["benefit_to_target"])
    pane.get_by_label("What the requester gets").fill(body["benefit_to_requester"])
    pane.get_by_role("button", name="Introduce", exact=True).click()
    expect(pane.locator(".intro-card .badge")).to_have_text("Awaiting consent")

    # the permission request is a draft in Dana's mailbox, created through the Graph face
    expect(page.locator(".drafts .send-draft")).to_have_count(1)
    assert any(r.operation == "create_message" for r in demo_page.outlook.face.requests)
    with demo_page.container.uow() as uow:
        [intro] = uow.intros.list(demo_page.account_id)
    assert intro.source_thread_id.startswith("AAQkAG")  # the Graph conversation id of Ann's ask
    screenshot("outlook-demo-page")
