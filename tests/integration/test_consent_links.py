"""One-click consent links over real HTTP: the links in a permission request, their pages, and what they record.

The app runs on a loopback port with the seeded sandbox world (tests/live_server.py). Links are built for
the configured local address; the tests follow their path on the live app's actual port.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest

from introducer.auth.consent_tokens import ConsentClaims, consent_tokens
from introducer.bootstrap import build
from introducer.config import Settings
from introducer.domain.model import Role
from live_server import LiveApp
from store_fixtures import database_url  # noqa: F401  (fixture)
from workflow_fixtures import spec_data

DANA, ANN = "dana@parkcap.example", "ann@acme.example"
GUS = {"name": "Gus Olsen", "email": "gus@quiet.example", "blurb": "runs clinic operations at Quiet Health"}
LINK = re.compile(r"(Yes, introduce us|No thanks): (\S+)")


class Intros:
    """Dana, signed in over HTTP: starts intros, reads and sends her drafts, follows the links she sent."""

    def __init__(self, app: LiveApp):
        self.app, self.token = app, app.session_token(DANA)

    def call(self, method: str, path: str, json=None, expect: int = 200) -> dict:
        response = self.app.api(method, path, json=json, token=self.token)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    def start(self, **spec) -> int:
        body = spec_data(DANA, target=GUS, **spec)  # Gus never answers by mail: only the links speak for him
        body.pop("introducer")
        return self.call("POST", "/api/v1/intros", json=body, expect=201)["id"]

    def view(self, intro_id: int) -> dict:
        return self.call("GET", f"/api/v1/intros/{intro_id}")

    def drafts(self) -> list[dict]:
        return self.call("GET", f"/sandbox/api/mailboxes/{DANA}/drafts")["drafts"]

    def send_drafts(self) -> None:
        for draft in self.drafts():
            self.call("POST", f"/sandbox/api/mailboxes/{DANA}/drafts/{draft['draft_id']}/send")

    def links_to(self, email: str, subject_words: str = "") -> dict:
        """{"yes": url, "no": url} from the permission request to `email` waiting in Dana's drafts."""
        [draft] = [d for d in self.drafts() if [p["email"] for p in d["to"]] == [email]
                   and subject_words in d["subject"]]
        found = dict(LINK.findall(draft["text"]))
        return {"yes": found["Yes, introduce us"], "no": found["No thanks"]}

    def open(self, link: str):
        return self.app.api("GET", urlsplit(link).path)

    def press(self, link: str, answer: str):
        return self.app.api("POST", urlsplit(link).path, data={"answer": answer})


@pytest.fixture
def live(tmp_path, database_url):  # noqa: F811
    app = LiveApp(tmp_path / "instance", database_url=database_url)
    yield app
    app.stop()


@pytest.fixture
def dana(live) -> Intros:
    intros = Intros(live)
    intros.call("PATCH", "/api/v1/settings", json={"consent_links": True})
    return intros


def test_the_server_offers_links_and_the_permission_request_carries_them_only_when_switched_on(live):
    intros = Intros(live)
    assert intros.call("GET", "/api/v1/me")["features"]["consent_links"] is True
    intros.start()
    assert "/consent/" not in intros.drafts()[0]["text"]

    intros.call("PATCH", "/api/v1/settings", json={"consent_links": True})
    intros.start(context="clinic staffing")
    links = intros.links_to(GUS["email"], "clinic staffing")
    # no public URL in the sandbox: the links point at the local address the demo listens on
    assert all(url.startswith("http://127.0.0.1:8080/consent/") for url in links.values())
    assert links["yes"] != links["no"]


def test_opening_a_link_shows_a_private_confirmation_page_and_changes_nothing(dana):
    intro_id = dana.start()
    links = dana.links_to(GUS["email"])
    before = dana.view(intro_id)
    for _ in range(2):  # a mail scanner, then the person
        page = dana.open(links["yes"])
        assert page.status_code == 200
        assert "Dana Park" in page.text and "Ann Lee" in page.text
        assert page.text.count('name="answer"') == 2 and 'method="post"' in page.text
        assert page.headers["Cache-Control"] == "no-store"
        assert "noindex" in page.headers["X-Robots-Tag"]
        assert page.headers["Referrer-Policy"] == "no-referrer"
    after = dana.view(intro_id)
    assert after["consents"] == before["consents"] == {"requester": "not_required", "target": "pending"}
    assert after["timeline"] == before["timeline"]


def test_pressing_yes_records_the_partys_own_answer_and_drafts_the_intro(dana):
    intro_id = dana.start()
    links = dana.links_to(GUS["email"])
    dana.send_drafts()

    page = dana.press(links["yes"], "yes")
    assert page.status_code == 200 and "Thank you" in page.text
    view = dana.view(intro_id)
    assert view["state"] == "consented"
    assert view["consent_detail"]["target"]["status"] == "yes"
    assert "'Yes, introduce us' link" in view["consent_detail"]["target"]["reason"]
    assert "Marked by you" not in view["consent_detail"]["target"]["reason"]
    [intro_draft] = dana.drafts()
    assert intro_draft["subject"].startswith("Intro: Ann Lee meets Gus Olsen")


def test_a_link_is_single_use_and_a_later_no_changes_nothing(dana):
    intro_id = dana.start()
    links = dana.links_to(GUS["email"])
    dana.send_drafts()
    assert dana.press(links["yes"], "yes").status_code == 200
    settled = dana.view(intro_id)

    again = dana.press(links["yes"], "yes")
    assert again.status_code == 200 and "Already answered" in again.text
    refused = dana.press(links["no"], "no")
    assert refused.status_code == 409 and "yes, introduce us" in refused.text
    shown = dana.open(links["no"])
    assert shown.status_code == 200 and 'name="answer"' not in shown.text and "yes, introduce us" in shown.text

    view = dana.view(intro_id)
    assert view["state"] == "consented" and view["consents"]["target"] == "yes"
    assert view["timeline"] == settled["timeline"]
    assert len(dana.drafts()) == 1  # still just the one intro: no second intro, no decline note


def test_presses_racing_each_other_record_the_answer_once(dana):
    intro_id = dana.start(requester={**spec_data(DANA)["requester"], "asked": False})  # Ann is asked too
    link = dana.links_to(GUS["email"])["yes"]
    with ThreadPoolExecutor(4) as pool:
        pages = list(pool.map(lambda _: dana.press(link, "yes"), range(4)))
    assert sorted(p.status_code for p in pages) == [200] * 4
    assert sum("Thank you" in p.text for p in pages) == 1
    view = dana.view(intro_id)
    assert [e["kind"] for e in view["timeline"]].count("consent_yes") == 1
    assert view["consents"] == {"requester": "pending", "target": "yes"}


def test_no_thanks_declines_and_drafts_the_tactful_note_to_the_requester(dana):
    intro_id = dana.start()
    links = dana.links_to(GUS["email"])
    dana.send_drafts()
    page = dana.press(links["yes"], "no")  # the confirmation page offers both answers, whichever link was clicked
    assert page.status_code == 200 and "no introduction to Ann Lee" in page.text
    view = dana.view(intro_id)
    assert view["state"] == "declined" and view["consents"]["target"] == "no"
    [note] = dana.drafts()
    assert [p["email"] for p in note["to"]] == [ANN]


def test_a_press_without_a_clear_answer_records_nothing(dana):
    intro_id = dana.start()
    links = dana.links_to(GUS["email"])
    for data in ({}, {"answer": "maybe"}):
        assert dana.app.api("POST", urlsplit(links["yes"]).path, data=data).status_code == 400
    assert dana.view(intro_id)["consents"]["target"] == "pending"


@pytest.mark.parametrize("spoil", [
    lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
    lambda token: token[: len(token) // 2],
    lambda token: "x" + token,
    lambda token: "A" * 2000,
])
def test_a_tampered_link_is_refused_with_a_clear_page(dana, spoil):
    intro_id = dana.start()
    path = urlsplit(dana.links_to(GUS["email"])["yes"]).path
    spoiled = "/consent/" + spoil(path.rsplit("/", 1)[1])
    for response in (dana.app.api("GET", spoiled), dana.app.api("POST", spoiled, data={"answer": "yes"})):
        assert response.status_code == 400
        assert "This link does not work" in response.text and "reply to" in response.text
    assert dana.view(intro_id)["consents"]["target"] == "pending"


def test_a_link_cannot_be_replayed_onto_another_intro_or_party(dana):
    first = dana.start(context="clinic staffing")
    second = dana.start(context="clinic billing")
    second_links = dana.links_to(GUS["email"], "clinic billing")
    # the form cannot redirect a link: only the token says which intro and party it answers for
    response = dana.app.api("POST", urlsplit(second_links["yes"]).path,
                            data={"answer": "yes", "intro_id": str(first), "role": "requester"})
    assert response.status_code == 200
    assert dana.view(second)["consents"]["target"] == "yes"
    assert dana.view(first)["consents"] == {"requester": "not_required", "target": "pending"}

    account_id = dana.call("GET", "/api/v1/me")["id"]
    tokens = consent_tokens(dana.app.settings, dana.app.container.deps.clock)  # what only the server can sign
    for claims in (ConsentClaims(account_id + 1, first, Role.TARGET, "yes"),  # another account's intro id
                   ConsentClaims(account_id, first, Role.REQUESTER, "yes"),  # a party who was never asked
                   ConsentClaims(account_id, first + 100, Role.TARGET, "yes")):  # an intro that does not exist
        path = f"/consent/{tokens.issue(claims)}"
        assert dana.app.api("GET", path).status_code == 404
        assert dana.app.api("POST", path, data={"answer": "yes"}).status_code == 404
    assert dana.view(first)["state"] == "awaiting_consent"


def test_an_expired_link_is_refused_and_records_nothing(tmp_path, database_url):  # noqa: F811
    with LiveApp(tmp_path / "instance", database_url=database_url, consent_link_days=1) as app:
        dana = Intros(app)
        dana.call("PATCH", "/api/v1/settings", json={"consent_links": True})
        intro_id = dana.start()
        links = dana.links_to(GUS["email"])
        dana.send_drafts()
        dana.call("POST", "/sandbox/api/clock", json={"hours": 25})
        for response in (dana.open(links["yes"]), dana.press(links["yes"], "yes")):
            assert response.status_code == 410 and "expired" in response.text
        view = dana.view(intro_id)
        assert view["state"] == "awaiting_consent" and view["consents"]["target"] == "pending"


def test_without_a_public_url_or_the_sandbox_there_are_no_links_and_with_one_they_use_it(tmp_path):
    off = build(Settings(data_dir=tmp_path / "off", sandbox=False, provider="gmail"))
    public = build(Settings(data_dir=tmp_path / "on", sandbox=False, provider="gmail",
                            public_url="https://intro.example.com/"))
    try:
        assert off.deps.consent_links is None
        links = public.deps.consent_links(5, Role.TARGET, account_id=1)
        assert links["yes"].startswith("https://intro.example.com/consent/")
    finally:
        off.close()
        public.close()
