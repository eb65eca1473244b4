"""The Outlook task pane in headless Chromium, its own code unmodified: only the two scripts Microsoft
serves (Office.js from appsforoffice.microsoft.com, MSAL.js from its CDN) are answered by small shims
(tests/browser/shims/) through page.route; every other outside request is refused.

Behind the page: the live app with Dana's Outlook account connected through msal to the sandbox's Graph
face; the task-pane tokens are minted by the fake Microsoft identity platform and checked for real.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from fakes.microsoft_identity import FakeMicrosoftIdentity
from introducer.app import create_app
from introducer.mail.graph.demo import DEMO_CLIENT_ID
from introducer.mail.sandbox.graph_ids import conversation_id
from introducer.mail.sandbox.loopback import LoopbackServer
from introducer.service import intros
from introducer.spec import parse_spec
from introducer.web.outlook_auth import SESSIONS
from outlook_fixtures import OutlookDemo, close, outlook_demo_for
from workflow_fixtures import BOB as BOB_SPEC, spec_data

pytestmark = pytest.mark.browser

SHIMS = Path(__file__).parent / "shims"
OFFICE_JS = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js"
DANA, ANN, BOB = "dana@parkcap.example", "ann@acme.example", "bob@stonevc.example"


@dataclass
class Pane:
    demo: OutlookDemo
    idp: FakeMicrosoftIdentity
    url: str
    flask_app: object

    def token(self, email: str = DANA, name: str = "Dana Park", oid: str | None = None) -> str:
        """The access token NAA would get for our API, as Entra would sign it for Dana's tenant."""
        identity = self.demo.outlook.identity
        tid = identity.tenant_id
        return self.idp.mint_api_token(DEMO_CLIENT_ID, tid, oid or identity.user_id(email), name=name,
                                       preferred_username=email,
                                       issuer=f"{self.demo.container.settings.ms_authority_host}/{tid}/v2.0")


@pytest.fixture
def pane(tmp_path):
    with FakeMicrosoftIdentity() as idp:
        demo = outlook_demo_for(tmp_path / "instance")
        idp.rotate_keys(issuer=None)  # the fake's keys must vouch for the sandbox authority's issuer
        bundle = tmp_path / "trusted.pem"
        bundle.write_text(Path(demo.outlook.ca.bundle_path).read_text() + Path(idp.ca_bundle_path).read_text())
        demo.container.settings = demo.container.settings.model_copy(
            update={"ms_jwks_url": idp.jwks_url, "ms_ca_bundle": bundle})
        flask_app = create_app(demo.container)
        with LoopbackServer(flask_app) as server:
            yield Pane(demo, idp, server.base_url, flask_app)
        close(demo)


def open_pane(page, pane: Pane, office: dict, msal: dict | None = None) -> None:
    page.add_init_script(f"window.__office = {json.dumps(office)}; window.__msal = {json.dumps(msal or {})};")
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(pane.url)
               else route.abort())  # offline: nothing but the app and the two shims below
    page.route(OFFICE_JS, lambda route: route.fulfill(path=SHIMS / "office.js", content_type="text/javascript"))
    page.route(pane.demo.container.settings.msal_browser_url,
               lambda route: route.fulfill(path=SHIMS / "msal-browser.js", content_type="text/javascript"))
    page.goto(pane.url + "/addin/outlook/taskpane.html")


def calls(page, name: str, of: str = "__officeCalls") -> list[list]:
    return [c["args"] for c in page.evaluate(f"window.{of}") if c["name"] == name]


def read_item(pane: Pane) -> dict:
    """Ann's ask, as Office.js shows the open message in read mode."""
    return {"itemType": "message", "subject": "Could you introduce me to Bob Stone?",
            "from": {"displayName": "Ann Lee", "emailAddress": ANN},
            "to": [{"displayName": "Dana Park", "emailAddress": DANA}], "cc": [],
            "conversationId": conversation_id(pane.demo.seeded["inbound_thread_id"]),
            "itemId": "AAMkAGI2THVSAAA=", "internetMessageId": "<ask-bob-stone.1@acme.example>"}


PROFILE = {"emailAddress": DANA, "displayName": "Dana Park"}


def test_read_mode_prefills_from_the_open_message_and_the_intro_moves_on(page, pane, screenshot):
    open_pane(page, pane, {"mode": "read", "naa": True, "item": read_item(pane), "profile": PROFILE},
              {"token": pane.token(), "interactionFirst": True})
    expect(page.locator("#f-requester_name")).to_have_value("Ann Lee")
    expect(page.locator("#f-requester_email")).to_have_value(ANN)
    expect(page.locator("#introduce-source")).to_contain_text("Could you introduce me to Bob Stone?")

    body = spec_data(DANA)
    for field, value in (("target_name", "Bob Stone"), ("target_email", BOB),
                         ("requester_blurb", body["requester"]["blurb"]), ("target_blurb", body["target"]["blurb"]),
                         ("context", "clinic go-to-market"), ("benefit_to_target", body["benefit_to_target"]),
                         ("benefit_to_requester", body["benefit_to_requester"]),
                         ("shared_connection", body["shared_connection"])):
        page.locator(f"#f-{field}").fill(value)
    expect(page.locator(".lint li.error")).to_have_count(0)
    page.get_by_role("button", name="Introduce", exact=True).click()

    card = page.locator(".intro-card")
    expect(card).to_have_attribute("data-state", "awaiting_consent")
    intro_id = int(card.get_attribute("data-intro-id"))
    assert pane.demo.view(intro_id)["spec"]["source_thread_id"] == read_item(pane)["conversationId"]

    intros.send_now(pane.demo.deps, pane.demo.account_id, intro_id)  # Dana sends the ask from Outlook
    pane.demo.advance(3)  # Bob agrees; the worker reads it through Graph
    expect(card).to_have_attribute("data-state", "consented")  # the pane's polling shows it
    expect(card.locator(".badge")).to_have_text("Consented")
    screenshot("outlook-taskpane-consented")

    [config] = calls(page, "createNestablePublicClientApplication", "__msalCalls")
    assert config[0]["auth"] == {"clientId": DEMO_CLIENT_ID,
                                 "authority": pane.demo.container.settings.ms_authority_host + "/organizations"}
    silent = calls(page, "acquireTokenSilent", "__msalCalls")
    host = urlsplit(pane.url).netloc
    assert silent[0][0]["scopes"] == [f"api://{host}/{DEMO_CLIENT_ID}/access_as_user"]
    assert silent[0][0]["loginHint"] == DANA
    assert len(calls(page, "acquireTokenPopup", "__msalCalls")) == 1  # once: interaction was required
    assert ["NestedAppAuth", "1.1"] in calls(page, "isSetSupported")
    assert ["AAMkAGI2THVSAAA=", "v2.0"] in calls(page, "convertToRestId")


def test_compose_mode_writes_the_agreed_intro_into_the_draft(page, pane, screenshot):
    demo = pane.demo
    intro_id = intros.start_intro(demo.deps, demo.account_id, demo.spec(target={**BOB_SPEC, "consent_given": True}))
    assert demo.view(intro_id)["state"] == "consented"

    open_pane(page, pane, {"mode": "compose", "naa": True, "item": {}, "profile": PROFILE}, {"token": pane.token()})
    insert = page.locator(f"#compose-tools button[data-intro-id='{intro_id}']")
    expect(insert).to_have_text("Insert: Ann Lee meets Bob Stone")
    insert.click()
    expect(page.locator("#compose-tools .form-status")).to_contain_text("is in your message")
    screenshot("outlook-taskpane-compose")

    [[subject]] = calls(page, "subject.setAsync")
    assert subject == "Intro: Ann Lee meets Bob Stone – healthcare go-to-market"
    [[to]] = calls(page, "to.setAsync")
    assert to == [{"displayName": "Ann Lee", "emailAddress": ANN}, {"displayName": "Bob Stone", "emailAddress": BOB}]
    [[html, options]] = calls(page, "body.setSelectedDataAsync")
    assert options == {"coercionType": "html"} and "Ann" in html and "Bob" in html and "<" in html


def test_a_new_user_is_asked_to_connect_and_is_sent_to_the_sign_in_window_when_microsoft_wants_consent(page, pane):
    erin = "erin@parkcap.example"
    open_pane(page, pane, {"mode": "read", "naa": True, "item": None,
                           "profile": {"emailAddress": erin, "displayName": "Erin"}},
              {"token": pane.token(erin, "Erin Fox", oid="5b0e8f0c-3c1d-4a55-9b8e-0d1f2a3b4c5d")})
    button = page.locator("#connect-outlook")
    expect(button).to_have_text("Connect Outlook")
    button.click()  # on-behalf-of is refused by this identity platform: the sign-in window opens instead
    expect(page.locator(".connect .form-status")).to_contain_text("The test closed the window.")
    [[url, _options]] = calls(page, "displayDialogAsync")
    assert urlsplit(url).path == "/connect/microsoft/start" and parse_qs(urlsplit(url).query)["login_hint"] == [erin]
    assert page.locator("#panel .tabs").count() == 0  # the panel waits until the mailbox is connected


def test_without_nested_app_authentication_the_sign_in_window_signs_in_and_connects(page, pane):
    with pane.demo.container.uow() as uow:
        account = uow.accounts.get(pane.demo.account_id)
    session = pane.flask_app.extensions[SESSIONS].issue(account.id, account.external_id)
    open_pane(page, pane, {"mode": "read", "naa": False, "item": read_item(pane), "profile": PROFILE,
                           "dialog": {"status": "connected", "token": session, "expires_in": 3600}})
    page.get_by_role("button", name="Sign in with Microsoft").click()
    expect(page.locator("#f-requester_email")).to_have_value(ANN)
    expect(page.locator(".panel-header .account")).to_have_text("Dana Park")
    [[url, options]] = calls(page, "displayDialogAsync")
    assert url.startswith(pane.url + "/connect/microsoft/start?login_hint=") and options["promptBeforeOpen"] is True
    assert page.evaluate("window.__msalCalls") == []  # MSAL.js is not used where NAA is missing


def test_a_conversation_that_belongs_to_an_intro_shows_that_intro_in_the_pane(page, pane, screenshot):
    item = read_item(pane)
    intro_id = intros.start_intro(pane.demo.deps, pane.demo.account_id,
                                  parse_spec({**spec_data(DANA), "source_thread_id": item["conversationId"]}))
    open_pane(page, pane, {"mode": "read", "naa": True, "item": item, "profile": PROFILE}, {"token": pane.token()})
    shown = page.locator("#view-introduce .intro-detail")
    expect(shown.locator(".thread-purpose")).to_have_text("This thread is the ask for this intro.")
    expect(shown.locator(".badge").first).to_have_text("Awaiting consent")
    expect(shown.get_by_role("button", name="Send now")).to_be_visible()  # the action that makes sense now
    expect(page.locator("#view-introduce form.intro-form")).to_be_hidden()
    page.get_by_role("button", name="Introduce someone else from this message").click()
    expect(page.locator("#f-requester_email")).to_have_value(ANN)  # the form is still one click away
    assert pane.demo.view(intro_id)["state"] == "awaiting_consent"
    screenshot("outlook-taskpane-knows-its-thread")
