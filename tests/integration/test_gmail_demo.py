"""`introducer demo --provider gmail`: the demo connects Dana through the real OAuth flow against the local
Gmail face, and the sandbox page's side panel becomes the add-on's cards, fed by locally minted tokens."""
from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import make_server

from introducer.app import create_app
from introducer.auth.credentials import unseal
from introducer.config import Settings
from introducer.demo import prepare
from introducer.mail.gmail.accounts import forget_mailboxes

DANA = "dana@parkcap.example"


@pytest.fixture
def demo(tmp_path, monkeypatch):
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    forget_mailboxes()
    container, seeded = prepare(Settings(data_dir=tmp_path / "instance"), "gmail")
    server = make_server("127.0.0.1", 0, create_app(container), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield container, seeded, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    container.faces["gmail"].stop()
    container.close()
    forget_mailboxes()


def test_the_demo_connects_the_introducer_through_the_gmail_face(demo):
    container, seeded, _ = demo
    face = container.faces["gmail"]
    assert seeded["provider"] == "gmail" and container.settings.gmail_api_url == face.url
    with container.uow() as uow:
        account = uow.accounts.get(seeded["account_id"])
    assert (account.provider, account.email, account.name, account.status) == ("gmail", DANA, "Dana Park", "active")
    assert unseal(container.cipher, account.credentials)["refresh_token"].startswith("1//")
    assert face.identity.token_requests[0]["grant_type"] == "authorization_code"  # a real code exchange
    assert face.watches.watching(DANA) is not None
    changes = container.deps.mailboxes(account).changes_since(account.sync_cursor)
    assert changes.cursor and face.calls(DANA)[-1] == "history.list"  # the Gmail API, not the world directly


def test_the_sandbox_page_shows_the_addon_sidebar_and_its_events_are_accepted(demo):
    container, seeded, url = demo
    assert 'src="/sandbox/gmail-addon"' in requests.get(url + "/", timeout=10).text
    assert "cards/host.js" in requests.get(url + "/sandbox/gmail-addon", timeout=10).text
    endpoint = url + "/addon/gmail/on-open"
    tokens = requests.post(url + "/sandbox/api/gmail-addon/tokens",
                           json={"url": endpoint, "thread_id": seeded["inbound_thread_id"]}, timeout=10).json()
    event = {"commonEventObject": {"hostApp": "GMAIL", "platform": "WEB"},
             "authorizationEventObject": {k: tokens[k] for k in ("userOAuthToken", "userIdToken", "systemIdToken")},
             "gmail": tokens["gmail"]}
    answer = requests.post(endpoint, json=event, headers={"Authorization": f"Bearer {tokens['systemIdToken']}"},
                           timeout=10)
    assert answer.status_code == 200, answer.text
    assert "Ann Lee" in answer.text and "ann@acme.example" in answer.text
    stolen = requests.post(url + "/addon/gmail/home", json=event,
                           headers={"Authorization": f"Bearer {tokens['systemIdToken']}"}, timeout=10)
    assert stolen.status_code == 401  # a token minted for one endpoint opens no other
