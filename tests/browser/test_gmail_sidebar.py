"""The Gmail add-on's real cards in the sandbox page (`introducer demo --provider gmail`), in headless
Chromium: the card renderer shows the home card, the contextual card for the open message, and an intro
started from it lands as a draft in Dana's mailbox through the Gmail API."""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from introducer.app import create_app
from introducer.config import Settings
from introducer.demo import prepare
from introducer.mail.gmail.accounts import forget_mailboxes
from introducer.service import intros
from introducer.spec import parse_spec
from workflow_fixtures import spec_data

pytestmark = pytest.mark.browser


@pytest.fixture
def gmail_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    forget_mailboxes()
    container, seeded = prepare(Settings(data_dir=tmp_path / "instance"), "gmail")
    server = make_server("127.0.0.1", 0, create_app(container), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield container, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    container.faces["gmail"].stop()
    container.close()
    forget_mailboxes()


def test_an_intro_is_started_from_the_addon_cards_beside_the_mailboxes(page, gmail_demo, screenshot):
    container, url = gmail_demo
    page.goto(url + "/")
    sidebar = page.frame_locator("#panel-frame")
    expect(sidebar.locator(".card-header h2")).to_have_text("Introducer")
    expect(sidebar.locator(".card")).to_contain_text("Gmail connected")

    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(sidebar.locator(".card-header h2")).to_have_text("Introduce")
    expect(sidebar.get_by_label("Requester's address")).to_have_value("ann@acme.example")
    expect(sidebar.get_by_label("What the intro is about")).to_have_value("go-to-market")  # read from the ask
    expect(sidebar.locator(".card")).to_contain_text("Filled in from the message")
    sidebar.get_by_label("Target's name (someone else)").fill("Bob Stone")
    sidebar.get_by_label("Target's address (someone else)").fill("bob@stonevc.example")
    sidebar.get_by_label("What the intro is about").fill("clinic go-to-market")
    sidebar.get_by_role("button", name="Check").click()
    expect(sidebar.locator(".card")).to_contain_text("Fix:")  # no benefits yet: the etiquette check says so

    sidebar.get_by_label("One line about the requester").fill("founder of Acme, scheduling software for clinics")
    sidebar.get_by_label("One line about the target").fill("partner at Stone VC, led two rounds in clinic software")
    sidebar.get_by_label("Why it is worth it for the target").fill("an early look at Acme, growing 15% a month")
    sidebar.get_by_label("Why it is worth it for the requester").fill(
        "advice on selling to clinics from someone who backed two such companies")
    sidebar.get_by_role("button", name="Check").click()
    expect(sidebar.locator(".card")).to_contain_text("Ready")
    sidebar.get_by_role("button", name="Introduce", exact=True).last.click()

    expect(sidebar.locator("#addon-status")).to_contain_text("Permission request drafted")
    expect(sidebar.locator("#addon-gmail-action")).to_contain_text("Gmail opens the draft")
    expect(sidebar.locator("#addon-gmail-action")).not_to_contain_text("draft r")  # no internal draft id
    expect(page.locator("#reader .message.is-draft")).to_contain_text("Bob")  # the draft, open beside the card
    expect(sidebar.get_by_role("button", name="Open draft: permission request")).to_be_visible()
    expect(page.locator(".drafts .send-draft")).to_have_count(1)  # in Dana's mailbox, via drafts.create
    assert "drafts.create" in container.faces["gmail"].calls("dana@parkcap.example")
    screenshot("gmail-sidebar-started")

    sidebar.get_by_role("button", name="Home").click()
    expect(sidebar.locator(".card")).to_contain_text("Ann Lee → Bob Stone")


def test_opening_an_intro_thread_shows_its_status_card_in_the_introducers_zone(page, gmail_demo, screenshot):
    container, url = gmail_demo
    deps = container.deps
    with deps.uow() as uow:
        account_id = next(a.id for a in uow.accounts.list_active() if a.provider == "gmail")
    thread_id = next(t.thread_id for t in container.world.inbox("dana@parkcap.example"))
    intros.start_intro(deps, account_id, parse_spec({**spec_data("dana@parkcap.example"), "source_thread_id": thread_id}))

    page.goto(url + "/")
    sidebar = page.frame_locator("#panel-frame")
    expect(sidebar.locator(".card")).to_contain_text("Gmail connected")
    page.locator(".thread", has_text="Could you introduce me to Bob Stone?").click()
    expect(sidebar.locator(".card")).to_contain_text("This thread is the ask for this intro.")
    expect(sidebar.locator(".card")).to_contain_text("Awaiting consent")
    expect(sidebar.get_by_role("button", name="Introduce someone else from this message")).to_be_visible()
    expect(sidebar.locator(".card")).not_to_contain_text("UTC")  # times in Dana's zone, as in the other demos
    with deps.uow() as uow:
        assert uow.accounts.get(account_id).timezone == "America/New_York"  # the card's event said so
    screenshot("gmail-card-knows-its-thread")
