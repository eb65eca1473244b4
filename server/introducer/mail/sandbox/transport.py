"""Sending inside the world: the sender's copy, one copy per recipient mailbox, bounces, and what
simulated recipients will do about it. Runs inside one transaction (`Tx`) held by the world."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from ..mime import parse
from ..port import NotFound
from . import delivery, people, store
from . import schema as t
from .records import DRAFT, INBOX, SENT, UNREAD, StoredMessage, UnknownUser, User

log = logging.getLogger(__name__)


@dataclass
class Tx:
    """One locked transaction of the world, and the mailboxes it changed (notified after commit)."""

    conn: Connection
    now: datetime
    retention: int
    domain: str
    bounce_domains: frozenset[str]
    changed: set[str] = field(default_factory=set)


def user_of(row) -> User:
    behaviour = people.Behaviour.from_dict(json.loads(row.behaviour)) if row.behaviour else None
    return User(email=row.email, name=row.name, is_simulated=row.is_simulated, behaviour=behaviour)


def find_user(conn: Connection, email: str) -> User | None:
    row = conn.execute(select(t.users).where(t.users.c.email == email.strip().lower())).first()
    return user_of(row) if row else None


def need_user(conn: Connection, email: str) -> User:
    found = find_user(conn, email)
    if found is None:
        raise UnknownUser(f"no mailbox {email!r} in the sandbox world")
    return found


def stamp(raw: bytes, tx: Tx, sender: str) -> bytes:
    """Fill in what a mail server adds when the client left it out: Message-ID and Date."""
    raw = delivery.with_header(raw, "Date", format_datetime(tx.now))
    return delivery.with_header(raw, "Message-ID", delivery.new_message_id(delivery.domain_of(sender)))


def _bounces(conn: Connection, address: str, domains: frozenset[str]) -> bool:
    domain = delivery.domain_of(address)
    if domain in domains or domain == "invalid" or domain.endswith(".invalid"):
        return True
    user = find_user(conn, address)
    return bool(user and user.behaviour and user.behaviour.bounces)


def submit(tx: Tx, sender_email: str, raw: bytes, requested_thread: str | None = None, *,
           force_thread: str | None = None) -> StoredMessage:
    """Send a message from a mailbox; returns the sender's copy (labelled SENT).

    `requested_thread` is a client's threadId (honoured when the headers match); `force_thread` keeps
    a sent draft in the thread it was drafted in."""
    sender = need_user(tx.conn, sender_email)
    if requested_thread and not store.thread_exists(tx.conn, sender.email, requested_thread):
        raise NotFound(f"thread {requested_thread} not found")
    raw = stamp(raw, tx, sender.email)
    em = parse(raw)
    everyone = delivery.addresses(em, "To", "Cc", "Bcc")
    if not everyone:
        raise ValueError("a message needs at least one recipient in To, Cc or Bcc")
    # Gmail keeps one copy of a message you send yourself: it is both SENT and INBOX.
    own_labels = [SENT, INBOX, UNREAD] if sender.email in everyone else [SENT]
    sent = store.add(tx.conn, sender.email, raw, own_labels, tx.now, tx.retention,
                     requested_thread=requested_thread, force_thread=force_thread)
    tx.changed.add(sender.email)
    _deliver(tx, sender, raw, em, everyone, sent)
    return sent


def submit_in_place(tx: Tx, draft: StoredMessage, raw: bytes) -> StoredMessage:
    """Send a draft as its own message: same id, DRAFT swapped for SENT (history: label changes only)."""
    sender = need_user(tx.conn, draft.mailbox)
    em = parse(raw)
    everyone = delivery.addresses(em, "To", "Cc", "Bcc")
    if not everyone:
        raise ValueError("a message needs at least one recipient in To, Cc or Bcc")
    tx.conn.execute(update(t.messages).where(t.messages.c.mailbox == draft.mailbox, t.messages.c.id == draft.id)
                    .values(raw=raw, draft_id=None, internal_ms=store.to_ms(tx.now)))
    store.relabel_message(tx.conn, draft.mailbox, draft.id, draft.thread_id, DRAFT, False, tx.retention)
    store.relabel_message(tx.conn, draft.mailbox, draft.id, draft.thread_id, SENT, True, tx.retention)
    tx.changed.add(sender.email)
    sent = store.one(tx.conn, draft.mailbox, draft.id)
    _deliver(tx, sender, raw, em, everyone, sent)
    return sent


def _deliver(tx: Tx, sender: User, raw: bytes, em, everyone: list[str], sent: StoredMessage) -> None:
    """One copy per recipient mailbox in the world; a bounce for addresses that do not exist."""
    delivered_raw = delivery.without_header(raw, "Bcc")
    failed: list[str] = []
    for address in everyone:
        if address == sender.email:
            continue
        if _bounces(tx.conn, address, tx.bounce_domains):
            failed.append(address)
            continue
        recipient = find_user(tx.conn, address)
        if recipient is None:
            continue  # leaves the world: somebody else's mail server
        copy = store.add(tx.conn, recipient.email, _received(tx, delivered_raw, em, sender.email),
                         [INBOX, UNREAD], tx.now, tx.retention)
        tx.changed.add(recipient.email)
        if recipient.is_simulated:
            people.plan(tx.conn, tx.now, recipient, copy, sender)
    if failed:
        dsn = delivery.bounce(em, failed, sender=sender.email, mta_domain=tx.domain, date=tx.now)
        # Quirk: a bounce's subject differs from the original's, yet Gmail shows it in the original's
        # thread; filing it there directly is what lets the service see it in a tracked thread.
        store.add(tx.conn, sender.email, dsn, [INBOX, UNREAD], tx.now, tx.retention, force_thread=sent.thread_id)


def _received(tx: Tx, raw: bytes, em, envelope_sender: str | None) -> bytes:
    """A recipient's copy with the receiving server's Authentication-Results on top (kept per copy, as
    Gmail and Exchange do); headers the sender wrote stay below it."""
    from_address = next(iter(delivery.addresses(em, "From")), "")
    return delivery.prepend_header(raw, "Authentication-Results",
                                   delivery.authentication_results(tx.domain, from_address, envelope_sender))


def deliver_inbound(tx: Tx, recipient_email: str, raw: bytes, *, authenticated: bool = True) -> StoredMessage:
    """Drop a message from outside the world into a mailbox (as if it came over SMTP).

    `authenticated=False` simulates a spoofed sender: the From domain's checks fail."""
    recipient = need_user(tx.conn, recipient_email)
    raw = stamp(delivery.without_header(raw, "Bcc"), tx, recipient.email)
    em = parse(raw)
    envelope = next(iter(delivery.addresses(em, "From")), None) if authenticated else None
    raw = _received(tx, raw, em, envelope) if envelope or not authenticated else raw
    copy = store.add(tx.conn, recipient.email, raw, [INBOX, UNREAD], tx.now, tx.retention)
    tx.changed.add(recipient.email)
    return copy


def act_on_due(tx: Tx) -> tuple[int, int]:
    """Let simulated people do what is due; returns (reactions due, messages sent)."""
    due = people.due_reactions(tx.conn, tx.now)
    sent = 0
    for r in due:
        # Claiming the row in the same transaction as the send is what makes tick idempotent.
        claimed = tx.conn.execute(update(t.reactions).where(
            t.reactions.c.pk == r.id, t.reactions.c.done_ms.is_(None)).values(done_ms=store.to_ms(tx.now))).rowcount
        me = find_user(tx.conn, r.person)
        try:
            raw = people.compose_reaction(tx.conn, tx.now, me, r) if claimed and me else None
        except Exception:  # one odd message must not stall every later tick: skip it
            log.exception("sandbox reaction %s could not be written", r.id)
            raw = None
        if raw is not None:
            submit(tx, me.email, raw, r.thread_id)
            sent += 1
    return len(due), sent
