"""Graph fixtures: the seeded sandbox world behind its Graph face over HTTPS on loopback, and helpers.

Import the fixtures a module needs (`from graph_fixtures import world, outlook, …  # noqa: F401`).
A module can override `history_retention` to make stale delta links easy to reach.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from fakes.graph_helpers import GraphCaller, WebhookReceiver
from introducer.domain.model import Person
from introducer.mail.graph import GraphMailbox, categories
from introducer.mail.port import OutgoingMessage
from introducer.mail.sandbox import SandboxWorld, seed_demo
from introducer.mail.sandbox.outlook_sandbox import OutlookSandbox

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
DANA = Person("Dana Park", "dana@parkcap.example")
ANN = Person("Ann Lee", "ann@acme.example")
BOB = Person("Bob Stone", "bob@stonevc.example")
BOB_EMAIL = BOB.email


class Sleeps(list):
    """The adapter's sleep: records how long it was asked to wait, and returns at once."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def history_retention() -> int:
    return 60


@pytest.fixture
def world(history_retention):
    w = SandboxWorld(None, history_retention=history_retention)
    w.set_clock(lambda: T0)
    seed_demo(w)
    yield w
    w.close()


@pytest.fixture
def outlook(world):
    categories.forget()  # a new mailbox behind a face that may reuse an earlier one's address
    with OutlookSandbox(world) as sandbox:
        yield sandbox


@pytest.fixture
def receiver(outlook):
    with WebhookReceiver(outlook.ca) as r:
        yield r


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def connect(outlook, world, sleeps):
    """Build a GraphMailbox for Dana the way a worker process would (a fresh one each call)."""
    def build(token=None, **options) -> GraphMailbox:
        token = token or (lambda: outlook.identity.issue_access_token(DANA.email))
        return GraphMailbox(DANA, token, outlook.graph_url, session=outlook.session(), sleep=sleeps,
                            clock=world.now, **options)
    return build


@pytest.fixture
def graph(outlook):
    """Plain HTTPS calls to the face as Dana."""
    return GraphCaller(outlook, DANA.email)


def to(address: str, name: str = "") -> list[dict]:
    return [{"emailAddress": {"address": address, "name": name or address}}]


def draft(graph: GraphCaller, **fields) -> dict:
    body = {"subject": "Would you like to meet Ann?", "body": {"contentType": "Text", "content": "Hi Bob"},
            "toRecipients": to(BOB_EMAIL, "Bob Stone"),
            "internetMessageHeaders": [{"name": "x-introducer-key", "value": "intro-1:ask"}], **fields}
    response = graph("POST", "me/messages", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def ask(key="intro-1:permission_request:target", **fields) -> OutgoingMessage:
    """A permission request to Bob, as the service would create it."""
    values = dict(key=key, to=(BOB,), subject="Would you like to meet Ann Lee?",
                  text="Hi Bob,\n\nAnn Lee runs Acme. Would you like an introduction?\n\nDana")
    values.update(fields)
    return OutgoingMessage(**values)


@pytest.fixture
def dana(connect):
    return connect()
