"""Connect Gmail from the add-on card: the link's ticket, Google's consent (the sandbox sign-in page), the
callback storing a sealed refresh token; a grant of another Google account refused; a revoked grant
turning into "reconnect needed" on the home card, and reconnecting."""
from __future__ import annotations

from datetime import timedelta

from urllib.parse import parse_qsl, urlsplit

import requests

from gmail_addon_fixtures import (DANA, card_of, clock, find_button, live, plain_http_to_loopback,  # noqa: F401
                                  texts)
from introducer.auth.credentials import unseal
from introducer.mail.sandbox.google_identity import account_for


def stored_grant(live) -> dict:
    return unseal(live.container.cipher, live.account().credentials)


def test_connecting_stores_a_sealed_refresh_token_and_activates_the_account(live):
    page = live.connect()
    assert page.status_code == 200 and "Gmail is connected" in page.text
    account = live.account()
    assert account.status == "active" and account.external_id == account_for(DANA).sub
    assert b"1//" not in account.credentials  # sealed, not stored as is
    assert stored_grant(live)["refresh_token"].startswith("1//")
    assert account.sync_cursor == str(live.world.latest_history(DANA))
    assert account.watch_expires_at is not None and live.face.watches.watching(DANA) is not None
    asked = live.face.identity.authorize_requests[-1]
    assert asked["login_hint"] == DANA and asked["access_type"] == "offline"
    assert asked["redirect_uri"] == live.url + "/connect/google/callback"
    assert "Gmail connected" in texts(card_of(live.trigger("/addon/gmail/home")))


def test_a_grant_for_another_google_account_is_refused(live):
    live.world.add_user("Eve Moss", "eve@parkcap.example", is_simulated=False)
    page = live.connect(sign_in_as="eve@parkcap.example")
    assert page.status_code == 403 and "eve@parkcap.example" in page.text
    assert live.account().status == "disconnected" and live.account().credentials is None


def test_a_tampered_or_missing_ticket_is_refused(live):
    assert requests.get(live.url + "/connect/google/start?ticket=forged", timeout=10).status_code == 400
    assert requests.get(live.url + "/connect/google/start", timeout=10).status_code == 400


def test_a_callback_nobody_started_is_refused(live):
    page = requests.get(live.url + "/connect/google/callback?state=x&code=4/0abc", timeout=10)
    assert page.status_code == 400 and "Nothing to finish" in page.text


def test_cancelling_on_the_consent_screen_leaves_the_account_unconnected(live):
    home = live.trigger("/addon/gmail/home")
    browser = requests.Session()
    consent_url = browser.get(find_button(card_of(home), "Connect Gmail")["onClick"]["openLink"]["url"],
                              allow_redirects=False, timeout=10).headers["Location"]
    fields = dict(parse_qsl(urlsplit(consent_url).query))
    denied = browser.post(consent_url.split("?")[0], data={**fields, "decision": "deny"}, allow_redirects=False,
                          timeout=10)
    page = browser.get(denied.headers["Location"], timeout=10)
    assert page.status_code == 400 and "cancelled" in page.text
    assert live.account().status == "disconnected"


def test_a_revoked_grant_shows_reconnect_on_the_home_card_and_reconnecting_resumes(live, clock):
    live.connect()
    cursor = live.account().sync_cursor
    live.face.identity.revoke(stored_grant(live)["refresh_token"])  # e.g. from myaccount.google.com
    clock.now += timedelta(hours=1)
    live.world.receive(DANA, b"From: Ann Lee <ann@acme.example>\r\nTo: dana@parkcap.example\r\n"
                             b"Subject: Hello\r\nMessage-ID: <hello@acme.example>\r\n\r\nHi!\r\n")
    live.settle()  # the push asks for a sync; Google refuses the grant when the worker reads history
    assert live.account().status == "reconnect_needed"
    home = card_of(live.trigger("/addon/gmail/home"))
    assert "Reconnect needed" in texts(home) and find_button(home, "Reconnect Gmail")

    page = live.connect()
    assert page.status_code == 200
    assert live.account().status == "active"
    assert live.account().sync_cursor == cursor  # what happened while disconnected is still read


def test_a_plain_http_google_authorize_url_is_a_clear_setting_error_not_a_server_error(live, monkeypatch):
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT")  # as in production: oauthlib's https rule applies
    home = live.trigger("/addon/gmail/home")
    page = requests.get(find_button(card_of(home), "Connect Gmail")["onClick"]["openLink"]["url"],
                        allow_redirects=False, timeout=10)
    assert page.status_code == 503
    assert "INTRODUCER_GOOGLE_AUTH_URL" in page.text and "must be https" in page.text


def test_the_connect_cookie_is_http_only_and_same_site_lax(live):
    home = live.trigger("/addon/gmail/home")
    started = requests.get(find_button(card_of(home), "Connect Gmail")["onClick"]["openLink"]["url"],
                           allow_redirects=False, timeout=10)
    cookie = started.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on loopback: a Secure cookie would never come back
