"""`introducer demo --provider gmail`: the real Gmail path, offline, over the sandbox mail world.

`attach` starts the sandbox's Gmail face (with its Google sign-in, certificates and Pub/Sub-shaped
push) on loopback, points the container's Google settings at it, connects Dana through the real
OAuth flow (google-auth-oauthlib, the face's consent page, GoogleConnect.finish), and stores her
sealed refresh token on a `provider="gmail"` account. From then on every intro she starts from the
add-on cards goes through GmailMailbox and google-api-python-client, exactly as against Google.
"""
from __future__ import annotations

import hashlib
import logging
import os
from urllib.parse import parse_qsl, urlsplit

import requests
from pydantic import SecretStr

from ...auth.credentials import seal
from ...auth.google_oauth import GoogleConnect
from ...auth.google_tokens import GoogleTokenVerifier
from ...service.connections import ProviderUser, account_for_user, connect_account, rename_account
from ...service.push import mailbox_changed
from ..sandbox.gmail_face import GmailFace
from .accounts import mailbox_for_account, sealed_grant
from .push import MalformedPush, decode_push

log = logging.getLogger(__name__)
CLIENT_ID = "introducer-demo.apps.googleusercontent.com"
CLIENT_SECRET = "introducer-demo-local-secret"  # known to the local sign-in face only
ADDON_ACCOUNT = "service-0@gcp-sa-gsuiteaddons.iam.gserviceaccount.com"
PUSH_ACCOUNT = "gmail-push@introducer-demo.iam.gserviceaccount.com"
TOPIC = "projects/introducer-demo/topics/gmail"
TIMEZONE = "America/New_York"


def attach(container, seeded: dict) -> dict:
    """Put the Gmail face in front of the demo world and connect the introducer through it."""
    # oauthlib refuses plain-http token endpoints; the face is plain http on 127.0.0.1 in this process.
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
    secret = hashlib.sha256(container.settings.secret("secret_key").encode() + b":gmail-face").digest()
    face = GmailFace(container.world, clients={CLIENT_ID: CLIENT_SECRET}, secret=secret,
                     push=lambda envelope: _pushed(container, envelope)).start()
    container.faces["gmail"] = face
    settings = container.settings.model_copy(update={
        "google_client_id": CLIENT_ID, "google_client_secret": SecretStr(CLIENT_SECRET),
        "google_addon_service_account": ADDON_ACCOUNT, "google_pubsub_service_account": PUSH_ACCOUNT,
        "google_pubsub_topic": TOPIC, "gmail_api_url": face.url, "google_auth_url": face.auth_url,
        "google_token_url": face.token_url, "google_certs_url": face.certs_url})
    container.settings = settings
    _route_gmail_accounts(container)

    introducer = container.world.user(seeded["introducer"])
    flow = GoogleConnect(CLIENT_ID, CLIENT_SECRET, f"http://{settings.host}:{settings.port}/connect/google/callback",
                         auth_uri=face.auth_url, token_uri=face.token_url,
                         id_token_verifier=GoogleTokenVerifier(certs_url=face.certs_url))
    started = flow.start(login_hint=introducer.email)
    grant = flow.finish(_consent(started.authorization_url, introducer.email), started.state, started.code_verifier)
    user = ProviderUser("gmail", grant.subject, grant.email or introducer.email, introducer.name)
    account_id = account_for_user(container.deps, user, TIMEZONE)
    rename_account(container.deps, account_id, introducer.name)
    sealed = seal(container.cipher, sealed_grant(grant.refresh_token, grant.subject))
    connect_account(container.deps, account_id, sealed)
    log.info("demo: %s connected through the local Gmail face at %s", introducer.email, face.url)
    return {**seeded, "account_id": account_id, "provider": "gmail", "gmail_api_url": face.url}


def _consent(authorization_url: str, email: str) -> str:
    """Answer the face's consent page as the person would: pick the account, allow. Returns the redirect."""
    page = requests.get(authorization_url, timeout=10)
    page.raise_for_status()
    fields = dict(parse_qsl(urlsplit(authorization_url).query))
    answer = requests.post(authorization_url.split("?")[0], data={**fields, "account": email},
                           allow_redirects=False, timeout=10)
    if answer.status_code != 302:
        raise RuntimeError(f"the local consent page answered {answer.status_code}: {answer.text[:200]}")
    return answer.headers["Location"]


def _route_gmail_accounts(container) -> None:
    """Gmail accounts open with the settings just changed; everything else as before."""
    previous = container.deps.mailboxes

    def mailboxes(account):
        if account.provider == "gmail":
            return mailbox_for_account(container.settings, container.cipher, container.uow, account)
        return previous(account)

    container.deps.mailboxes = mailboxes


def _pushed(container, envelope: dict) -> None:
    """The demo's Pub/Sub: a push becomes a sync request in-process (the public webhook needs a public URL)."""
    try:
        notice = decode_push(envelope)
    except MalformedPush as exc:
        log.warning("demo push ignored: %s", exc)
        return
    mailbox_changed(container.deps, "gmail", notice.email, notice.history_id)
