"""The sandbox mail world: users and their mailboxes, persistent in one SQLite file, thread-safe.

Public API (the sandbox UI and the Gmail-shaped HTTP face build on exactly this):

- ``SandboxWorld(path | None, *, domain, bounce_domains, history_retention)``; ``close()``.
- Clock: ``now()``, ``advance(delta)``, ``set_clock(fn)``. Everything in the world uses it.
- Users: ``add_user(name, email, behaviour=None, *, is_simulated=True)``, ``users()``, ``user(email)``,
  ``set_behaviour(email, behaviour)``.
- Sending: ``submit(sender, raw, thread_id=None) -> StoredMessage`` (the sender's copy),
  ``receive(email, raw)`` (mail from outside the world).
- Drafts: ``create_draft`` / ``update_draft -> DraftRef``, ``delete_draft``, ``send_draft -> StoredMessage``,
  ``draft(email, draft_id)``, ``drafts(email)``.
- Reading: ``thread``, ``message``, ``inbox``, ``mailbox_threads``, ``find_header``.
- Labels: ``set_label(email, thread_id, label, on)``, ``labels(email)``.
- Changes: ``history(email, start) -> (records, latest)`` (``StaleCursor`` when too old), ``latest_history``,
  ``subscribe(callback(email, history_id)) -> unsubscribe``.
- Simulated people: ``tick() -> int`` acts on what is due at ``now()``; ``reactions(email=None)``.
- ``faults``: failures adapters consult before and after each call (see faults.py).

Mailbox addresses are compared lower-cased. Ids are opaque 16-hex strings, unique per mailbox.
"""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import create_engine, event, insert, select, update
from sqlalchemy.pool import StaticPool

from ...domain.address import check_name, person
from ..port import KEY_HEADER, NotFound
from . import delivery, people, schema as t, store, transport
from .faults import DRAFT_SENT_AS_LABELS, DRAFT_SENT_ELSEWHERE, Faults
from .people import Behaviour
from .records import (DRAFT, INBOX, SYSTEM_LABELS, DraftRef, HistoryRecord, Label, Reaction, StoredMessage,
                      ThreadSummary, User)
from .transport import Tx

log = logging.getLogger(__name__)
Listener = Callable[[str, int], None]


def _wal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; a demo world needs no more
    finally:
        cursor.close()


class SandboxWorld:
    def __init__(self, path: str | Path | None = None, *, domain: str = "sandbox.example",
                 bounce_domains: tuple[str, ...] | frozenset[str] = (), history_retention: int = 1_000_000):
        if path is None:
            self._engine = create_engine("sqlite://", poolclass=StaticPool,
                                         connect_args={"check_same_thread": False})
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._engine = create_engine(f"sqlite:///{Path(path)}",
                                         connect_args={"check_same_thread": False, "timeout": 30})
            # Several processes share the file (the web app and each worker): with WAL, readers go on while
            # one writer writes, and a commit does not wait for every reader to finish.
            event.listen(self._engine, "connect", _wal)
        t.metadata.create_all(self._engine)
        self.domain = domain
        self.bounce_domains = frozenset(d.lower() for d in bounce_domains)
        self.history_retention = max(1, history_retention)
        self.faults = Faults()
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._base: Callable[[], datetime] = lambda: datetime.now(timezone.utc)
        with self._engine.connect() as conn:
            value = conn.execute(select(t.settings.c.value).where(t.settings.c.key == "clock_offset")).scalar()
        self._offset = timedelta(seconds=float(value or 0))

    def close(self) -> None:
        self._engine.dispose()

    # --- clock -------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self._base() + self._offset

    def advance(self, delta: timedelta) -> datetime:
        """Move the world's clock forward (persisted); simulated people act on the next tick()."""
        if delta < timedelta(0):
            raise ValueError("the sandbox clock only moves forward")
        with self._write() as tx:
            offset = self._offset + delta
            value = str(offset.total_seconds())
            if tx.conn.execute(update(t.settings).where(t.settings.c.key == "clock_offset")
                               .values(value=value)).rowcount == 0:
                tx.conn.execute(insert(t.settings).values(key="clock_offset", value=value))
            self._offset = offset
        return self.now()

    def set_clock(self, fn: Callable[[], datetime] | None) -> None:
        """Base the clock on fn() instead of real time (tests); advance() still adds to it."""
        self._base = fn or (lambda: datetime.now(timezone.utc))

    # --- plumbing ----------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[Tx]:
        with self._lock:
            with self._engine.begin() as conn:
                # One writer at a time across processes sharing the world: the driver would otherwise start
                # the transaction only at the first write, after reads that another process can overtake.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                tx = Tx(conn, self.now(), self.history_retention, self.domain, self.bounce_domains)
                yield tx
                changed = {email: store.latest_history(conn, email) for email in tx.changed}
        # Listeners run outside the lock: they may well read the world back.
        for email, hid in changed.items():
            for listener in list(self._listeners):
                try:
                    listener(email, hid)
                except Exception:  # a broken listener must not break delivery
                    log.exception("sandbox listener failed for %s", email)

    @contextmanager
    def _read(self):
        with self._lock, self._engine.connect() as conn:
            yield conn

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call listener(email, history_id) after each committed change to a mailbox."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    # --- users -------------------------------------------------------------------------------
    def add_user(self, name: str, email: str, behaviour: Behaviour | None = None, *,
                 is_simulated: bool = True) -> User:
        p = person(name, email, "user")
        with self._write() as tx:
            if transport.find_user(tx.conn, p.email):
                raise ValueError(f"{p.email} already has a mailbox")
            tx.conn.execute(insert(t.users).values(
                email=p.email.lower(), name=p.name, is_simulated=is_simulated, history_id=0, history_floor=0,
                behaviour=json.dumps(behaviour.to_dict()) if behaviour else None))
            for label in SYSTEM_LABELS:
                tx.conn.execute(insert(t.labels).values(mailbox=p.email.lower(), id=label, name=label,
                                                        type="system"))
            return transport.need_user(tx.conn, p.email)

    def users(self) -> list[User]:
        with self._read() as conn:
            return [transport.user_of(r) for r in conn.execute(select(t.users).order_by(t.users.c.pk))]

    def user(self, email: str) -> User | None:
        with self._read() as conn:
            return transport.find_user(conn, email)

    def set_behaviour(self, email: str, behaviour: Behaviour | None) -> None:
        """Change how a person acts from now on; reactions already scheduled stand."""
        with self._write() as tx:
            user = transport.need_user(tx.conn, email)
            tx.conn.execute(update(t.users).where(t.users.c.email == user.email).values(
                behaviour=json.dumps(behaviour.to_dict()) if behaviour else None))

    # --- sending -----------------------------------------------------------------------------
    def submit(self, sender_email: str, raw: bytes, thread_id: str | None = None) -> StoredMessage:
        """Send raw RFC 5322 bytes from a mailbox to its To/Cc/Bcc; returns the sender's copy."""
        with self._write() as tx:
            return transport.submit(tx, sender_email.lower(), raw, thread_id)

    def receive(self, email: str, raw: bytes, *, authenticated: bool = True) -> StoredMessage:
        """Deliver mail that came from outside the world into one mailbox's inbox; with
        `authenticated=False` its sender checks fail (a forged From)."""
        with self._write() as tx:
            return transport.deliver_inbound(tx, email.lower(), raw, authenticated=authenticated)

    # --- drafts ------------------------------------------------------------------------------
    def draft(self, email: str, draft_id: str) -> StoredMessage:
        with self._read() as conn:
            return self._draft(conn, email, draft_id)

    def _draft(self, conn, email: str, draft_id: str) -> StoredMessage:
        found = store.load(conn, t.messages.c.mailbox == email.lower(), t.messages.c.draft_id == draft_id)
        if not found:
            raise NotFound(f"draft {draft_id} not found")
        return found[0]

    def create_draft(self, email: str, raw: bytes, thread_id: str | None = None) -> DraftRef:
        """Store a draft; it joins `thread_id` only when its References and subject match (as in Gmail)."""
        with self._write() as tx:
            email = email.lower()
            transport.need_user(tx.conn, email)
            if thread_id and not store.thread_exists(tx.conn, email, thread_id):
                raise NotFound(f"thread {thread_id} not found")
            return self._store_draft(tx, email, raw, "r" + store.new_id(), requested_thread=thread_id)

    def _store_draft(self, tx: Tx, email: str, raw: bytes, draft_id: str, **placement) -> DraftRef:
        m = store.add(tx.conn, email, transport.stamp(raw, tx, email), [DRAFT], tx.now, tx.retention,
                      draft_id=draft_id, **placement)
        tx.changed.add(email)
        return DraftRef(draft_id, m.id, m.thread_id)

    def update_draft(self, email: str, draft_id: str, raw: bytes, thread_id: str | None = None) -> DraftRef:
        """Replace a draft's content: the draft keeps its id and thread, its message gets a new id."""
        with self._write() as tx:
            email = email.lower()
            old = self._draft(tx.conn, email, draft_id)
            if thread_id and thread_id != old.thread_id and not store.thread_exists(tx.conn, email, thread_id):
                raise NotFound(f"thread {thread_id} not found")
            store.remove(tx.conn, old, tx.retention)
            if thread_id and thread_id != old.thread_id:
                return self._store_draft(tx, email, raw, draft_id, requested_thread=thread_id)
            return self._store_draft(tx, email, raw, draft_id, force_thread=old.thread_id)

    def delete_draft(self, email: str, draft_id: str) -> None:
        with self._write() as tx:
            store.remove(tx.conn, self._draft(tx.conn, email, draft_id), tx.retention)
            tx.changed.add(email.lower())

    def send_draft(self, email: str, draft_id: str, *, by_api: bool = False) -> StoredMessage:
        """Send what the draft holds, in its thread; the sent message has a new id, the draft is gone.
        The switches DRAFT_SENT_AS_LABELS and DRAFT_SENT_ELSEWHERE (faults.py) change how that shows;
        the second only for a person sending from a mail app (`by_api=False`), not for API calls."""
        with self._write() as tx:
            draft = self._draft(tx.conn, email, draft_id)
            raw = delivery.with_header(draft.raw, "Date", format_datetime(tx.now), replace=True)
            if self.faults.is_on(DRAFT_SENT_AS_LABELS):
                return transport.submit_in_place(tx, draft, raw)
            store.remove(tx.conn, draft, tx.retention)
            if self.faults.is_on(DRAFT_SENT_ELSEWHERE) and not by_api:
                raw = delivery.without_header(delivery.without_header(raw, KEY_HEADER), "Message-ID")
                return transport.submit(tx, email.lower(), raw)
            return transport.submit(tx, email.lower(), raw, force_thread=draft.thread_id)

    def drafts(self, email: str) -> list[StoredMessage]:
        with self._read() as conn:
            return store.load(conn, t.messages.c.mailbox == email.lower(), t.messages.c.draft_id.is_not(None))

    # --- reading -----------------------------------------------------------------------------
    def thread(self, email: str, thread_id: str) -> list[StoredMessage]:
        """The thread's messages, oldest first, drafts included."""
        with self._read() as conn:
            found = store.load(conn, t.messages.c.mailbox == email.lower(), t.messages.c.thread_id == thread_id)
        if not found:
            raise NotFound(f"thread {thread_id} not found")
        return found

    def message(self, email: str, message_id: str) -> StoredMessage:
        with self._read() as conn:
            return store.one(conn, email.lower(), message_id)

    def mailbox_threads(self, email: str, label: str | None = None) -> list[ThreadSummary]:
        """Threads newest first (optionally only those with a label), as a mail client lists them."""
        with self._read() as conn:
            lid = store.label_id(conn, email.lower(), label, create=False) if label else None
            if label and lid is None:
                return []
            return store.summaries(store.load(conn, t.messages.c.mailbox == email.lower()), lid)

    def inbox(self, email: str) -> list[ThreadSummary]:
        return self.mailbox_threads(email, INBOX)

    def find_header(self, email: str, name: str, value: str) -> list[StoredMessage]:
        """Messages of a mailbox whose header `name` equals value (names compared case-insensitively)."""
        with self._read() as conn:
            if name.lower() == "x-introducer-key":
                candidates = store.load(conn, t.messages.c.mailbox == email.lower(), t.messages.c.key == value.strip())
            else:
                candidates = store.load(conn, t.messages.c.mailbox == email.lower())
        return [m for m in candidates
                if any(str(v).strip() == value.strip() for v in m.parsed().get_all(name, []))]

    # --- labels ------------------------------------------------------------------------------
    def set_label(self, email: str, thread_id: str, label: str, on: bool = True) -> None:
        """Add or remove a label on a whole thread; user labels are created on first use."""
        label = check_name(label, "label").strip()
        if not label:
            raise ValueError("a label needs a name")
        with self._write() as tx:
            if not store.thread_exists(tx.conn, email.lower(), thread_id):
                raise NotFound(f"thread {thread_id} not found")
            lid = store.label_id(tx.conn, email.lower(), label, create=on)
            if lid and store.relabel(tx.conn, email.lower(), thread_id, lid, on, tx.retention):
                tx.changed.add(email.lower())

    def delete_label(self, email: str, name: str) -> bool:
        """The user deletes a label (Gmail settings): gone from the mailbox and from every message."""
        with self._write() as tx:
            return store.delete_label(tx.conn, email.lower(), name)

    def labels(self, email: str) -> list[Label]:
        with self._read() as conn:
            rows = conn.execute(select(t.labels).where(t.labels.c.mailbox == email.lower())
                                .order_by(t.labels.c.type, t.labels.c.name))
            return [Label(r.id, r.name, r.type) for r in rows]

    # --- changes -----------------------------------------------------------------------------
    def history(self, email: str, start: int) -> tuple[list[HistoryRecord], int]:
        """Records after `start` and the latest id; StaleCursor when `start` is no longer (or never was) kept."""
        with self._read() as conn:
            transport.need_user(conn, email)
            return store.history(conn, email.lower(), start)

    def latest_history(self, email: str) -> int:
        with self._read() as conn:
            transport.need_user(conn, email)
            return store.latest_history(conn, email.lower())

    # --- simulated people --------------------------------------------------------------------
    def tick(self) -> int:
        """Let every simulated person do what is due by now(); returns how many messages they sent."""
        sent = 0
        for _ in range(100):  # replies can make more replies due; bounded so a bug cannot spin forever
            with self._write() as tx:
                due, done = transport.act_on_due(tx)
                sent += done
            if not due:
                break
        return sent

    def reactions(self, email: str | None = None) -> list[Reaction]:
        """Scheduled and done reactions of simulated people (all, or one person's), by due time."""
        with self._read() as conn:
            q = select(t.reactions).order_by(t.reactions.c.due_ms, t.reactions.c.pk)
            if email:
                q = q.where(t.reactions.c.person == email.lower())
            return [people.reaction_of(r) for r in conn.execute(q)]
