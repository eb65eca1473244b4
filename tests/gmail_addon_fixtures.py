"""A live Introducer wired for Gmail, with the sandbox's Gmail face and Google sign-in on loopback.

`GmailLive` plays Google's part the way the deployed add-on sees it: it signs add-on events (system
token for the URL called, user token for our client id, a userOAuthToken with the add-on's scopes),
clicks card buttons by POSTing the event Google would send, walks Dana through Connect Gmail in a
browser-like session, and delivers the face's Pub/Sub pushes to /webhooks/gmail with an OIDC token.

Event JSON follows the "Event object" schema and the button-click example of
developers.google.com/workspace/add-ons/guides/alternate-runtimes (gmail.md §2): parameters arrive as a
map, form values as `stringInputs.value` lists, tokens in `authorizationEventObject`.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from introducer.app import create_app
from introducer.bootstrap import build
from introducer.config import Settings
from introducer.mail.gmail.accounts import forget_mailboxes
from introducer.mail.sandbox import SandboxWorld, seed_demo
from introducer.mail.sandbox.gmail_face import GmailFace
from introducer.mail.sandbox.google_identity import account_for
from introducer.manifests.gmail import ADDON_SCOPES
from introducer.worker import run_once

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday morning
CLIENT_ID = "1234567890-introducer.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-client-secret"
ADDON_ACCOUNT = "service-123456789@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
PUSH_ACCOUNT = "gmail-push@introducer-test.iam.gserviceaccount.com"
TOPIC = "projects/introducer-test/topics/gmail"
DANA = "dana@parkcap.example"
ANN, BOB = "ann@acme.example", "bob@stonevc.example"
FILLED = dict(
    your_name="Dana Park", requester_name="Ann Lee", requester_email=ANN,
    requester_blurb="founder of Acme, scheduling software for clinics", target_pick="other",
    target_name="Bob Stone", target_email=BOB,
    target_blurb="partner at Stone VC, led two rounds in clinic software", context="healthcare go-to-market",
    benefit_to_target="an early look at a clinic software company growing 15% a month",
    benefit_to_requester="advice on selling to clinics from someone who has backed two companies doing it",
    shared_connection="Ann and I worked together at Medisys")


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


def form(**values) -> dict:
    """formInputs as Google sends them: every value is a list of strings."""
    return {name: {"stringInputs": {"value": list(v) if isinstance(v, (list, tuple, set)) else [v]}}
            for name, v in values.items()}


class GmailLive:
    def __init__(self, data_dir: Path, clock: Clock, *, public: bool = True, database_url: str | None = None,
                 **settings):
        forget_mailboxes()
        self.clock = clock
        self.world = SandboxWorld(None)
        self.world.set_clock(clock)
        self.seeded = seed_demo(self.world)
        self.face = GmailFace(self.world, clients={CLIENT_ID: CLIENT_SECRET}).start()
        self._app = None
        self._server = make_server("127.0.0.1", 0, lambda env, start: self._app(env, start), threaded=True,
                                   request_handler=_Quiet)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        values = dict(
            data_dir=Path(data_dir), sandbox=True, provider="gmail", public_url=self.url if public else None,
            google_client_id=CLIENT_ID, google_client_secret=CLIENT_SECRET,
            google_addon_service_account=ADDON_ACCOUNT, google_pubsub_service_account=PUSH_ACCOUNT,
            google_pubsub_topic=TOPIC, gmail_api_url=self.face.url, google_auth_url=self.face.auth_url,
            google_token_url=self.face.token_url, google_certs_url=self.face.certs_url)
        values.update(settings)
        if database_url:
            values["database_url"] = database_url
        self.settings = Settings(**values)
        self.container = build(self.settings, world=self.world, clock=clock)
        self._app = create_app(self.container)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.http = requests.Session()
        self._oauth: dict[str, str] = {}
        self._minted: dict[tuple, str] = {}  # signing takes a while; Google reuses its tokens too
        self._pushed = 0

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self.http.close()
        self.face.stop()
        self.container.close()
        forget_mailboxes()

    # --- Google's tokens ------------------------------------------------------------------------
    def system_token(self, url: str, **options) -> str:
        return self._mint(url, "117" + "0" * 18, ADDON_ACCOUNT, **options)

    def user_token(self, email: str = DANA, client_id: str = CLIENT_ID, **options) -> str:
        return self._mint(client_id, account_for(email).sub, email, azp=client_id, **options)

    def _mint(self, audience: str, sub: str, email: str, **options) -> str:
        if options.keys() - {"azp"}:
            return self.face.identity.mint_id_token(audience, sub, email, **options)
        key = (audience, sub, email)
        if key not in self._minted:
            self._minted[key] = self.face.identity.mint_id_token(audience, sub, email, **options)
        return self._minted[key]

    def oauth_token(self, email: str = DANA) -> str:
        """The userOAuthToken: an access token with the add-on's scopes only (no refresh token reaches us)."""
        if email not in self._oauth:
            refresh = self.face.connect(email, CLIENT_ID, scopes=ADDON_SCOPES)
            answer = requests.post(self.face.token_url, data={
                "grant_type": "refresh_token", "refresh_token": refresh, "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET}, timeout=10).json()
            self._oauth[email] = answer["access_token"]
        return self._oauth[email]

    # --- add-on events ----------------------------------------------------------------------------
    def event(self, email: str = DANA, *, parameters: dict | None = None, inputs: dict | None = None,
              gmail: dict | None = None) -> dict:
        common = {"hostApp": "GMAIL", "platform": "WEB", "userLocale": "en",
                  "timeZone": {"id": "America/New_York", "offset": -18000000}}
        if parameters:
            common["parameters"] = dict(parameters)
        if inputs:
            common["formInputs"] = inputs
        return {"commonEventObject": common,
                "authorizationEventObject": {"userOAuthToken": self.oauth_token(email),
                                             "userIdToken": self.user_token(email), "systemIdToken": "eyJ.unused.x"},
                **({"gmail": gmail} if gmail else {})}

    def open_message(self, thread_id: str | None = None, email: str = DANA) -> dict:
        """The `gmail` part of a contextual trigger for a message in `email`'s mailbox."""
        thread_id = thread_id or self.seeded["inbound_thread_id"]
        message = self.world.thread(email, thread_id)[-1]
        return {"messageId": message.id, "threadId": thread_id, "accessToken": "AHgP9sandbox-open-message"}

    def post(self, path_or_url: str, body, *, token: str | None = "valid", raw: bytes | None = None):
        url = path_or_url if path_or_url.startswith("http") else self.url + path_or_url
        headers = {"Content-Type": "application/json"}
        if token == "valid":
            token = self.system_token(url)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else None
        return self.http.post(url, json=None if raw is not None else body, data=data, headers=headers, timeout=30)

    def trigger(self, path: str, email: str = DANA, **event) -> dict:
        response = self.post(path, self.event(email, **event))
        assert response.status_code == 200, response.text
        return response.json()

    def click(self, answer: dict, text: str, email: str = DANA, inputs: dict | None = None,
              gmail: dict | None = None) -> dict:
        """Press a card button as Gmail does: POST its function URL with its parameters and the form."""
        onclick = find_button(card_of(answer), text)["onClick"]["action"]
        parameters = {p["key"]: p["value"] for p in onclick.get("parameters", [])}
        response = self.post(onclick["function"], self.event(email, parameters=parameters, inputs=inputs,
                                                             gmail=gmail))
        assert response.status_code == 200, response.text
        return response.json()

    # --- Connect Gmail, as a person in a browser ---------------------------------------------------------
    def connect(self, email: str = DANA, *, sign_in_as: str | None = None) -> requests.Response:
        home = self.trigger("/addon/gmail/home", email)
        link = find_button(card_of(home), "Connect Gmail", "Reconnect Gmail")["onClick"]["openLink"]
        browser = requests.Session()
        started = browser.get(link["url"], allow_redirects=False, timeout=10)
        assert started.status_code == 302, started.text
        consent_url = started.headers["Location"]
        fields = dict(parse_qsl(urlsplit(consent_url).query))
        chosen = browser.post(consent_url.split("?")[0], data={**fields, "account": sign_in_as or email},
                              allow_redirects=False, timeout=10)
        assert chosen.status_code == 302, chosen.text
        return browser.get(chosen.headers["Location"], allow_redirects=False, timeout=30)

    # --- push and the worker -----------------------------------------------------------------------------
    def push_token(self, audience: str | None = None, **options) -> str:
        return self._mint(audience or self.url + "/webhooks/gmail", "118" + "0" * 18, PUSH_ACCOUNT, **options)

    def deliver_pushes(self) -> int:
        """Post the face's new Pub/Sub pushes to the webhook, as the push subscription would."""
        fresh = self.face.watches.notifications[self._pushed:]
        self._pushed += len(fresh)
        for envelope in fresh:
            answer = self.post("/webhooks/gmail", envelope, token=self.push_token())
            assert answer.status_code == 204, answer.text
        return len(fresh)

    def run_worker(self) -> None:
        self.deliver_pushes()
        run_once(self.container)

    def settle(self, rounds: int = 3) -> None:
        """Pushes delivered and the worker run until nothing more happens in the world."""
        for _ in range(rounds):
            self.run_worker()

    def account(self, email: str = DANA):
        with self.container.uow() as uow:
            return uow.accounts.by_email("gmail", email)


# --- reading cards -------------------------------------------------------------------------------------
def card_of(answer: dict) -> dict:
    """The card a trigger or click answered with (pushCard or updateCard, bare or in renderActions)."""
    action = answer.get("renderActions", answer).get("action", {})
    for navigation in action.get("navigations", []):
        for kind in ("pushCard", "updateCard"):
            if kind in navigation:
                return navigation[kind]
    raise AssertionError(f"no card in {answer}")


def widgets(card: dict) -> list[dict]:
    return [w for s in card.get("sections", []) for w in s.get("widgets", [])]


def all_buttons(card: dict) -> list[dict]:
    found = []
    for w in widgets(card):
        found += w.get("buttonList", {}).get("buttons", [])
        if "button" in w.get("decoratedText", {}):
            found.append(w["decoratedText"]["button"])
    return found


def find_button(card: dict, *texts: str) -> dict:
    for b in all_buttons(card):
        if b["text"] in texts or any(b["text"].startswith(t) for t in texts):
            return b
    raise AssertionError(f"no button {texts} in {[b['text'] for b in all_buttons(card)]}")


def texts(card: dict) -> str:
    """Every visible text of a card, for assertions on what the user reads."""
    out = [card.get("header", {}).get("title", "")]
    for w in widgets(card):
        for kind in ("textParagraph", "decoratedText"):
            if kind in w:
                out += [w[kind].get(k, "") for k in ("topLabel", "text", "bottomLabel")]
    return "\n".join(out)


def inputs_of(card: dict) -> dict:
    """The card's form fields with their prefilled values (text inputs, and the selected options)."""
    values = {}
    for w in widgets(card):
        if "textInput" in w:
            values[w["textInput"]["name"]] = w["textInput"].get("value", "")
        if "selectionInput" in w:
            s = w["selectionInput"]
            values[s["name"]] = [i["value"] for i in s["items"] if i.get("selected")]
    return values


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def live(tmp_path, clock):
    running = GmailLive(tmp_path / "instance", clock)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def plain_http_to_loopback(monkeypatch):
    # oauthlib insists on https token endpoints; the sandbox's Google sign-in is plain http on 127.0.0.1.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
