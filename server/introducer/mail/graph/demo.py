"""`introducer demo --provider outlook`: the introducer's mailbox through the real Graph adapter and msal.

`attach` starts the sandbox's Microsoft identity and Graph faces over HTTPS on loopback, in front of the
same sandbox world, registers a made-up app with the identity face, and connects the introducer
through the real MSAL authorization-code flow (the sign-in page is answered the way a browser would).
Her `provider="outlook"` account then holds the sealed MSAL cache, and every sync, draft and send goes
GraphMailbox → HTTPS → the Graph face → the world. The sandbox page shows the real task pane.
"""
from __future__ import annotations

import html
import re
import secrets
import uuid
from pathlib import Path

from pydantic import SecretStr

from ...store.models import Account
from ..sandbox.outlook_sandbox import OutlookSandbox
from .accounts import CALLBACK_PATH, mailbox_for_account, microsoft_connect, redirect_uri, save_grant

DEMO_CLIENT_ID = str(uuid.uuid5(uuid.NAMESPACE_URL, "https://introducer.example/demo-outlook-app"))
DEMO_TIMEZONE = "America/New_York"
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _use_faces(container, outlook: OutlookSandbox, secret: str) -> None:
    """Point the Microsoft settings at the faces, and Outlook mailboxes at the world's clock."""
    container.settings = container.settings.model_copy(update={
        "ms_client_id": DEMO_CLIENT_ID, "ms_client_secret": SecretStr(secret),
        "ms_authority_host": outlook.authority_host, "graph_url": outlook.graph_url,
        "ms_jwks_url": f"{outlook.authority_host}/common/discovery/v2.0/keys",
        "ms_ca_bundle": Path(outlook.ca.bundle_path)})
    others = container.deps.mailboxes

    def mailboxes(account):
        if account.provider != "outlook":
            return others(account)
        return mailbox_for_account(container.settings, container.cipher, container.uow, account,
                                   clock=container.world.now)

    container.deps.mailboxes = mailboxes


def sign_in(outlook: OutlookSandbox, auth_uri: str, email: str) -> dict:
    """Pick `email` on the identity face's sign-in page; the form_post fields it answers with."""
    page = outlook.session().post(auth_uri, data={"account": email}, timeout=10)
    page.raise_for_status()
    return {name: html.unescape(value) for name, value in _HIDDEN.findall(page.text)}


def connect(container, outlook: OutlookSandbox, email: str, name: str) -> int:
    """Connect a world user's mailbox through the auth-code flow; returns her Outlook account id."""
    connection = microsoft_connect(container.settings)
    flow = connection.start(login_hint=email)
    grant = connection.finish(flow, sign_in(outlook, flow["auth_uri"], email))
    now = container.deps.clock()
    with container.uow() as uow:
        account = uow.accounts.by_email("outlook", email)
        if account is None:
            account = uow.accounts.add(Account(provider="outlook", email=email, name=name, timezone=DEMO_TIMEZONE,
                                               policy={}, status="active", created_at=now, updated_at=now))
        account.external_id = grant.home_account_id  # "<oid>.<tid>", what the task pane's tokens name
        account_id = account.id
        uow.commit()
    save_grant(container.uow, container.cipher, account_id, grant, now)
    with container.uow() as uow:
        account = uow.accounts.get(account_id)
    cursor = container.deps.mailboxes(account).changes_since(None).cursor
    with container.uow() as uow:
        uow.accounts.get(account_id).sync_cursor = cursor
        uow.commit()
    return account_id


def _push(container, account_id: int, email: str) -> None:
    """Changes in the world become sync requests at once, as Graph webhooks do when there is a public URL."""
    def on_change(changed: str, _history_id) -> None:
        if changed == email and not container.settings.public_url:
            with container.uow() as uow:
                uow.sync.request(account_id, "push", container.deps.clock())
                uow.commit()

    container.world.subscribe(on_change)


def attach(container, seeded: dict) -> dict:
    outlook = OutlookSandbox(container.world).start()
    container.faces["outlook"] = outlook
    secret = secrets.token_urlsafe(32)
    _use_faces(container, outlook, secret)
    s = container.settings
    local = f"http://{'127.0.0.1' if s.host in ('0.0.0.0', '::', '') else s.host}:{s.port}"
    outlook.identity.register_client(DEMO_CLIENT_ID, secret, (redirect_uri(s), local + CALLBACK_PATH))
    introducer = container.world.user(seeded["introducer"])
    account_id = connect(container, outlook, introducer.email, introducer.name)
    _push(container, account_id, introducer.email)
    return {**seeded, "account_id": account_id, "provider": "outlook"}
