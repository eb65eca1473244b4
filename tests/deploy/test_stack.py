"""The production shape, tested as deployed: deploy/stack.sh (nginx + TLS, 2 web, 2 workers, PostgreSQL,
Google and Microsoft stand-ins over HTTPS), driven only through the proxy.

Per provider: Connect (OAuth through the proxy: https redirect URI, Secure cookies), Introduce, consent,
intro, handoff, a nudge. Then one web and one worker process are SIGKILLed while intros are in flight, and
every intro still completes with each message sent exactly once.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from gmail_addon_fixtures import card_of, find_button, form, inputs_of
from stack_harness import GmailAddon, Stack, outlook_connect

pytestmark = pytest.mark.postgres
POSTGRES_ENV = "INTRODUCER_TEST_POSTGRES_URL"
ANN = ("Ann Lee", "ann@acme.example")
DANA = ("Dana Park", "dana@parkcap.example")
GINA = ("Gina Hale", "gina@halefund.example")


def spec(target: tuple[str, str]) -> dict:
    return {"requester": {"name": ANN[0], "email": ANN[1], "asked": True, "blurb": "founder of Acme"},
            "target": {"name": target[0], "email": target[1], "blurb": "an investor in clinic software"},
            "context": "healthcare go-to-market", "benefit_to_target": "an early look at a growing company",
            "benefit_to_requester": "advice on selling to clinics", "shared_connection": "we worked together"}


@pytest.fixture(scope="module")
def stack():
    if not os.environ.get(POSTGRES_ENV):
        pytest.skip(f"{POSTGRES_ENV} is not set, so the deployment stack (PostgreSQL behind nginx) does not run")
    if not (shutil.which("nginx") or os.path.exists("/usr/sbin/nginx")):
        pytest.skip("nginx is not installed (./scripts/test and .ci/run install it with apt-get)")
    # its own folder: pytest's shared base folder may be pruned by other runs while the stack lives
    folder = Path(tempfile.mkdtemp(prefix="introducer-stack-"))
    running = Stack(folder)
    yield running
    assert running.stop() == 0, running.logs()
    # every process still running stopped cleanly on SIGTERM (the ones the test SIGKILLed show 137)
    assert {name: code for name, code in running.exits().items() if code != 137} == {
        name: 0 for name in running.pids() if name not in running.killed}, running.logs()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def outlook(stack):
    """Dana connects Outlook through the proxy; her API token, and the start response to inspect."""
    browser = stack.browser()
    start, token = outlook_connect(stack, browser, DANA[1])
    return browser, start, {"Authorization": f"Bearer {token}"}


def intro_view(stack, browser, auth, intro_id) -> dict:
    response = browser.get(f"{stack.url}/api/v1/intros/{intro_id}", headers=auth)
    assert response.status_code == 200, response.text
    return response.json()


def test_outlook_connect_goes_through_the_proxy_with_the_public_https_redirect(stack, outlook, report):
    report(f"deployment stack start (nginx, 2 web, 2 workers, stand-ins, new database): {stack.start_seconds:.1f}s")
    browser, start, auth = outlook
    me = browser.get(f"{stack.url}/api/v1/me", headers=auth).json()
    assert (me["email"], me["name"]) == (DANA[1], DANA[0])  # the name came with the sign-in
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
    view = stack.wait_until("the handoff", lambda: (v := intro_view(stack, browser, auth, intro_id))["state"] in
                            ("handed_off", "completed") and v,
                            describe=lambda: (intro_view(stack, browser, auth, intro_id)["timeline"],
                                              stack.outbound(intro_id)))
    steps = sorted(m["step"] for m in view["messages"] if m["status"] == "sent")
    assert steps == ["handoff", "intro", "permission_request"]
    assert len(stack.received_from("bob@stonevc.example", DANA[1])) == 3  # the ask, the intro, the handoff

    silent = browser.post(f"{stack.url}/api/v1/intros", headers=auth, json=spec(("Gus Olsen", "gus@quiet.example")))
    assert silent.status_code == 201, silent.text
    silent_id = silent.json()["id"]
    stack.wait_until("the ask to Gus", lambda: intro_view(stack, browser, auth, silent_id)["state"] == "awaiting_consent")
    # three business days pass (the bump is scheduled once the ask has gone out)
    stack.wait_until("the bump to be scheduled", lambda: stack.make_due_now(silent_id, "consent_bump") == 1)
    stack.wait_until("the nudge", lambda: any(m["step"] == "consent_bump" and m["status"] == "sent"
                                        for m in intro_view(stack, browser, auth, silent_id)["messages"]))
    received = stack.received_from("gus@quiet.example", DANA[1])
    assert len(received) == 2 and received[1].thread_id == received[0].thread_id  # the bump answers the ask
    report(f"deployment e2e, Outlook intro to handoff plus a nudge: {time.monotonic() - began:.1f}s")


def gmail_form(target: tuple[str, str]) -> dict:
    return form(your_name=GINA[0], requester_name=ANN[0], requester_email=ANN[1], requester_blurb="founder of Acme",
                target_pick="other", target_name=target[0], target_email=target[1],
                target_blurb="an investor in clinic software", context="healthcare go-to-market",
                benefit_to_target="an early look at a growing company",
                benefit_to_requester="advice on selling to clinics", shared_connection="we worked together")


@pytest.fixture(scope="module")
def gmail(stack):
    """Gina opens the add-on and connects Gmail through the proxy; the add-on, and the start response."""
    addon = GmailAddon(stack, GINA[1])
    home = card_of(addon.trigger("/addon/gmail/home"))
    link = find_button(home, "Connect Gmail")["onClick"]["openLink"]["url"]
    browser = stack.browser()
    start = browser.get(link, allow_redirects=False)
    assert start.status_code == 302, start.text
    consent_url = start.headers["Location"]
    chosen = browser.post(consent_url.split("?")[0], allow_redirects=False,  # Google's consent page, answered
                          data={**dict(parse_qsl(urlsplit(consent_url).query)), "account": GINA[1]})
    assert chosen.status_code == 302, chosen.text
    done = browser.get(chosen.headers["Location"], allow_redirects=False)  # Google's redirect, through the proxy
    assert done.status_code == 200 and "Gmail is connected" in done.text, done.text
    return addon, link, start


def test_gmail_connect_goes_through_the_proxy_with_the_public_https_redirect(stack, gmail):
    _, link, start = gmail
    assert link.startswith(f"{stack.url}/connect/google/start?ticket=")  # the card's link is the public one
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["redirect_uri"] == [f"{stack.url}/connect/google/callback"]
    cookie = start.headers["Set-Cookie"]  # the flow's state waits in the session cookie, https only
    assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_gmail_intro_runs_to_the_handoff_and_a_silent_target_is_nudged(stack, gmail, report):
    addon, _, _ = gmail
    began = time.monotonic()
    home = card_of(addon.trigger("/addon/gmail/home"))
    chosen = {k: v for k, v in inputs_of(home).items() if k not in ("permission_request", "intro")}
    addon.click(home, "Save settings", inputs=form(**chosen, permission_request="send", intro="send"))
    [ask] = [t for t in stack.world.mailbox_threads(GINA[1]) if t.subject == "Could you introduce me?"]
    opened = addon.open_message(ask.thread_id)
    card = card_of(addon.trigger("/addon/gmail/on-open", gmail=opened))

    addon.click(card, "Introduce", inputs=gmail_form(("Tara One", "tara1@targets.example")), gmail=opened)
    intro_id, _ = stack.wait_until("the intro", lambda: stack.intro(GINA[1], "tara1@targets.example"))
    stack.wait_until("the handoff", lambda: stack.intro(GINA[1], "tara1@targets.example")[1] in ("handed_off", "completed"),
                     describe=lambda: (stack.intro(GINA[1], "tara1@targets.example"), stack.outbound(intro_id)))
    assert stack.sent_steps(intro_id) == ["handoff", "intro", "permission_request"]
    assert len(stack.received_from("tara1@targets.example", GINA[1])) == 3

    # the open thread now belongs to Tara's intro: its card offers the form again, with a new action key
    # (the first form's key is spent: a second click on it is taken for a retry of the first intro)
    shown = card_of(addon.trigger("/addon/gmail/on-open", gmail=opened))
    form_again = card_of(addon.click(shown, "Introduce someone else from this message", gmail=opened))
    addon.click(form_again, "Introduce", inputs=gmail_form(("Gus Olsen", "gus@quiet.example")), gmail=opened)
    silent_id, _ = stack.wait_until("the ask to Gus", lambda: (i := stack.intro(GINA[1], "gus@quiet.example"))
                              and i[1] == "awaiting_consent" and i)
    # three business days pass (the bump is scheduled once the ask has gone out)
    stack.wait_until("the bump to be scheduled", lambda: stack.make_due_now(silent_id, "consent_bump") == 1)
    stack.wait_until("the nudge", lambda: "consent_bump" in stack.sent_steps(silent_id))
    received = stack.received_from("gus@quiet.example", GINA[1])
    assert len(received) == 2 and received[1].thread_id == received[0].thread_id
    report(f"deployment e2e, Gmail intro to handoff plus a nudge: {time.monotonic() - began:.1f}s")


@pytest.mark.timeout(300)  # a killed worker's leases run out (50 s) on a loaded machine
def test_killing_a_web_and_a_worker_mid_flow_loses_nothing_and_doubles_nothing(stack, outlook, report):
    """Kill -9 one web process and one worker while intros are under way: each intro still reaches the
    handoff, and every target received the ask, the intro and the handoff exactly once."""
    browser, _, auth = outlook
    began = time.monotonic()
    targets = [(f"Tara {n}", f"tara{n}@targets.example") for n in range(2, 8)]

    settings = browser.patch(f"{stack.url}/api/v1/settings", headers=auth,
                             json={"permission_request": "send", "intro": "send"})
    assert settings.status_code == 200, settings.text
    unanswered = []

    def introduce(target) -> int:
        created = browser.post(f"{stack.url}/api/v1/intros", headers=auth, json=spec(target))
        if created.status_code == 502:  # the proxy lost the answer: look before trying again, as a person would
            unanswered.append(target[1])
            listed = browser.get(f"{stack.url}/api/v1/intros", headers=auth).json()
            found = [i["id"] for i in listed["intros"] if i["target"]["email"] == target[1]]
            if found:
                return found[0]
            created = browser.post(f"{stack.url}/api/v1/intros", headers=auth, json=spec(target))
        assert created.status_code == 201, f"{created.status_code} {created.text}\n{stack.logs()}"
        return created.json()["id"]

    ids = [introduce(t) for t in targets[:3]]
    stack.kill("web1")  # while the first intros' consents, intros and handoffs are being worked on
    stack.kill("worker1")
    ids += [introduce(t) for t in targets[3:]]  # the proxy passes web1's refused connections to web2

    # A row the killed worker held comes back when its lease runs out (the stack sets INTRODUCER_LEASE_SECONDS
    # to 20: sends 20 s, sync requests and due work 50 s).
    stack.wait_until("every intro handed off", lambda: all(
        intro_view(stack, browser, auth, i)["state"] in ("handed_off", "completed") for i in ids), timeout=200,
        every=1, describe=lambda: {i: stack.outbound(i) for i in ids})
    for intro_id, (_, email) in zip(ids, targets):
        assert stack.sent_steps(intro_id) == ["handoff", "intro", "permission_request"], intro_id
        received = stack.received_from(email, DANA[1])
        assert len(received) == 3, [m.subject for m in received]  # no doubles, none missing
        assert len(stack.received_from(ANN[1], DANA[1])) >= len(ids)
    report(f"deployment e2e, 6 Outlook intros with a web and a worker SIGKILLed: {time.monotonic() - began:.1f}s "
           f"({len(unanswered)} request(s) answered 502 by the proxy)")
