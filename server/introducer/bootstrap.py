"""The composition root: production, the demo and the tests are wired here the same way.

`build(settings)` returns a `Container` holding the engine, the unit-of-work factory, the mailbox
factory for the configured provider and the `Deps` every use case takes. Tests pass their own clock,
world or mailbox factory; nothing is created at import time.
"""
from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable
from urllib.parse import urlsplit

from .auth.consent_tokens import consent_tokens, link_builder
from .auth.crypto import TokenCipher
from .config import Settings, SettingsError
from .domain.address import person
from .domain.message_keys import MessageKeys
from .domain.model import Person
from .service.deps import Deps, parse_window
from .store.db import make_engine
from .store.migrate import upgrade
from .store.models import Account
from .store.uow import UnitOfWorkFactory
from .templating import JinjaRenderer


@dataclass
class Container:
    settings: Settings
    engine: object
    uow: UnitOfWorkFactory
    deps: Deps
    cipher: TokenCipher  # seals provider credentials at rest
    world: object | None = None  # the sandbox mail world, when the sandbox is on
    faces: dict | None = None  # local Gmail/Graph faces of the sandbox world (demo --provider gmail|outlook)

    def close(self) -> None:
        for face in (self.faces or {}).values():  # the demo's local Gmail / Graph faces
            (getattr(face, "stop", None) or face.close)()
        self.faces = {}
        self.engine.dispose()
        if self.world is not None:
            self.world.close()


def build(settings: Settings, *, world=None, clock: Callable[[], datetime] | None = None,
          mailboxes: Callable | None = None, migrate: bool = True) -> Container:
    engine = make_engine(settings.effective_database_url)
    if migrate:
        upgrade(engine)
    uow = UnitOfWorkFactory(engine)
    cipher = TokenCipher.from_setting(settings.secret("token_keys"))
    if world is None and settings.sandbox:
        from .mail.sandbox.world import SandboxWorld

        world = SandboxWorld(settings.ensure_data_dir() / "sandbox.db")
    if clock is None:
        clock = world.now if world is not None else (lambda: datetime.now(timezone.utc))
    deps = Deps(
        uow=uow,
        mailboxes=mailboxes or _mailbox_factory(settings, world, cipher, uow),
        clock=clock,
        renderer=JinjaRenderer(override_dir=settings.templates_dir),
        window=parse_window(settings.send_window),
        lease=timedelta(seconds=settings.lease_seconds),
        worker_id=settings.worker_id or f"{socket.gethostname()}:{os.getpid()}",
        consent_links=_consent_links(settings, clock),
        message_keys=MessageKeys(settings.secret("secret_key")),
    )
    return Container(settings=settings, engine=engine, uow=uow, deps=deps, cipher=cipher, world=world, faces={})


def check_sandbox(settings: Settings) -> None:
    """The sandbox lets anyone sign in as any of its mailboxes: a demo on this machine, never a public service.
    The commands that start a service (serve, worker, demo) call this first."""
    if not settings.sandbox or not settings.public_url:
        return
    host = urlsplit(settings.public_url).hostname or ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if not loopback:
        raise SettingsError(f"the sandbox (INTRODUCER_SANDBOX) is a local demo and cannot run with the public URL "
                            f"{settings.public_url}: turn the sandbox off or use a loopback URL")


def _consent_links(settings: Settings, clock: Callable[[], datetime]) -> Callable | None:
    """One-click consent links under the public URL; in the sandbox without one, under the local address.

    None (links off, the panel's switch disabled) when people outside could not reach any address we know.
    """
    base = settings.public_url
    if not base and settings.sandbox:
        host = "127.0.0.1" if settings.host in ("0.0.0.0", "::", "") else settings.host
        base = f"http://[{host}]:{settings.port}" if ":" in host else f"http://{host}:{settings.port}"
    return link_builder(consent_tokens(settings, clock), base) if base else None


def _mailbox_factory(settings: Settings, world, cipher: TokenCipher, uow: UnitOfWorkFactory) -> Callable:
    """Account -> Mailbox. Gmail and Outlook accounts open their sealed credentials (see auth/credentials.py)."""
    def for_account(account) -> object:
        if account.provider == "sandbox":
            if world is None:
                raise RuntimeError("a sandbox account needs the sandbox mail world (INTRODUCER_SANDBOX=true)")
            from .mail.sandbox.mailbox import SandboxMailbox

            return SandboxMailbox(world, Person(account.name, account.email))
        if account.provider == "gmail":
            from .mail.gmail.accounts import mailbox_for_account
        elif account.provider == "outlook":
            from .mail.graph.accounts import mailbox_for_account
        else:
            raise RuntimeError(f"no mailbox adapter for provider {account.provider!r}")
        return mailbox_for_account(settings, cipher, uow, account)

    return for_account


def ensure_account(container: Container, provider: str, name: str, email: str, timezone_name: str = "UTC",
                   policy: dict | None = None) -> int:
    """The account for this mailbox, created on first use with its change cursor set to now."""
    who = person(name, email, "account")
    with container.uow() as uow:
        account = uow.accounts.by_email(provider, who.email)
        if account is not None:
            return account.id
        now = container.deps.clock()
        account = Account(provider=provider, email=who.email, name=who.name, timezone=timezone_name,
                          policy=policy or {}, status="active", created_at=now, updated_at=now)
        uow.accounts.add(account)
        uow.session.flush()
        account_id = account.id
        uow.commit()
    mailbox = container.deps.mailboxes(account)
    cursor = mailbox.changes_since(None).cursor
    with container.uow() as uow:
        uow.accounts.get(account_id).sync_cursor = cursor
        uow.commit()
    return account_id
