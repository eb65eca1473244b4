"""Shared plumbing for the Gmail tests: a sandbox world, its Gmail face on loopback, and mailboxes
connected to it through the real google-auth and google-api-python-client."""
from __future__ import annotations

import base64

import pytest
import requests
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from introducer.domain.model import Person
from introducer.mail.gmail import GmailMailbox, gmail_mailbox_for
from introducer.mail.mime import build_message
from introducer.mail.port import OutgoingMessage
from introducer.mail.sandbox.gmail_face import GmailFace
from sandbox_fixtures import T0, Clock, clock, world  # noqa: F401  (re-exported fixtures)

CLIENT_ID = "1234567890-introducer.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-client-secret"
TOPIC = "projects/introducer-test/topics/gmail"
DANA = Person("Dana Park", "dana@parkcap.example")
ANN = Person("Ann Lee", "ann@acme.example")
BOB = Person("Bob Stone", "bob@stonevc.example")


@pytest.fixture
def face(world):
    with GmailFace(world, clients={CLIENT_ID: CLIENT_SECRET}).start() as running:
        yield running


@pytest.fixture
def sleeps():
    """The pauses the adapter asked for, instead of sleeping them."""
    return []


def connect(face: GmailFace, person: Person, sleeps: list, **options) -> GmailMailbox:
    """A GmailMailbox for a world user, through a refresh token from the face's token endpoint."""
    refresh = face.connect(person.email, CLIENT_ID)
    options.setdefault("sleep", sleeps.append)
    return gmail_mailbox_for(person, refresh, CLIENT_ID, CLIENT_SECRET, face.token_url, face.url, **options)


@pytest.fixture
def dana(face, sleeps):
    return connect(face, DANA, sleeps, topic=TOPIC)


def ask(key="intro-1:permission_request:target", **kw) -> OutgoingMessage:
    fields = dict(key=key, to=(BOB,), subject="Would you like to meet Ann Lee?",
                  text="Hi Bob,\n\nAnn Lee runs Acme. Would you like an introduction?\n\nDana")
    fields.update(kw)
    return OutgoingMessage(**fields)


def service(face: GmailFace, person=DANA, scopes=None):
    """The Gmail service object exactly as an application builds it, against the face."""
    refresh = face.connect(person.email, CLIENT_ID, **({"scopes": scopes} if scopes else {}))
    credentials = Credentials(None, refresh_token=refresh, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                              token_uri=face.token_url)
    return build("gmail", "v1", credentials=credentials, client_options={"api_endpoint": face.url},
                 cache_discovery=False).users()


def bearer(face: GmailFace, person=DANA) -> dict:
    refresh = face.connect(person.email, CLIENT_ID)
    token = requests.post(face.token_url, data={"grant_type": "refresh_token", "refresh_token": refresh,
                                                "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


def raw(message: OutgoingMessage, sender=DANA) -> str:
    return base64.urlsafe_b64encode(build_message(message, sender).as_bytes()).decode()


def label_body(name: str) -> dict:
    # The discovery document marks both visibilities required for labels.create.
    return {"name": name, "labelListVisibility": "labelShow", "messageListVisibility": "show"}
