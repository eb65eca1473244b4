"""Repositories: the queries the service layer needs, one class per aggregate, all over one Session.

They never commit; the unit of work does. `add` flushes, so ids exist and unique keys are
checked at the call that broke them. The rows that coordinate workers (due work, seen messages,
sync requests) live in coordination.py and are re-exported here.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import literal_column, or_, select, update
from sqlalchemy.orm import Session

from ..domain.model import Role
from ..domain.states import IntroState
from .coordination import DueRepository, SeenRepository, SyncRepository
from .db import dialect_insert
from .models import Account, AccountStatus, Consent, Event, Intro, Outbound, OutboundStatus, TrackedThread
from .types import utcnow

MAX_ID = 2**31 - 1  # the integer primary keys (PostgreSQL INTEGER)

__all__ = [
    "AccountRepository", "IntroRepository", "ConsentRepository", "OutboundRepository", "EventRepository",
    "DueRepository", "SeenRepository", "SyncRepository",
]


class _Repository:
    def __init__(self, session: Session):
        self.session = session

    def _add(self, obj):
        self.session.add(obj)
        self.session.flush()
        return obj


class AccountRepository(_Repository):
    def get(self, account_id: int) -> Account | None:
        return self.session.get(Account, account_id)

    def by_email(self, provider: str, email: str) -> Account | None:
        """Exact match: callers pass addresses normalised by domain.address.check_email."""
        found = select(Account).where(Account.provider == provider, Account.email == email)
        if provider != "outlook":  # the unique index's condition, spelled out so SQLite searches the index
            found = found.where(Account.provider != literal_column("'outlook'"))
        return self.session.scalar(found)

    def by_external_id(self, provider: str, external_id: str) -> Account | None:
        return self.session.scalar(
            select(Account).where(Account.provider == provider, Account.external_id == external_id)
            .order_by(Account.id).limit(1))

    def add(self, account: Account) -> Account:
        return self._add(account)

    def list_active(self) -> list[Account]:
        return list(self.session.scalars(
            select(Account).where(Account.status == AccountStatus.ACTIVE.value).order_by(Account.id)))

    def with_credentials(self) -> list[Account]:
        return list(self.session.scalars(
            select(Account).where(Account.credentials.is_not(None)).order_by(Account.id)))

    def watches_due(self, before) -> list[Account]:
        """Active accounts whose push subscription expires before `before` (or was never started)."""
        return list(self.session.scalars(
            select(Account).where(Account.status == AccountStatus.ACTIVE.value, Account.provider != "sandbox",
                                  (Account.watch_expires_at.is_(None)) | (Account.watch_expires_at < before))
            .order_by(Account.id)))


class IntroRepository(_Repository):
    """Every read is scoped to an account: one account never sees another's intros."""

    def add(self, intro: Intro) -> Intro:
        return self._add(intro)

    def get(self, intro_id: int, account_id: int) -> Intro | None:
        if not 0 < intro_id <= MAX_ID:  # ids come from URLs and add-on events; the databases refuse bigger ones
            return None
        return self.session.scalar(select(Intro).where(Intro.id == intro_id, Intro.account_id == account_id))

    def list(self, account_id: int, states: Iterable[IntroState] | None = None,
             limit: int = 50, offset: int = 0) -> list[Intro]:
        """Newest first."""
        query = select(Intro).where(Intro.account_id == account_id)
        if states is not None:
            query = query.where(Intro.state.in_([IntroState(s).value for s in states]))
        query = query.order_by(Intro.created_at.desc(), Intro.id.desc()).limit(limit).offset(offset)
        return list(self.session.scalars(query))

    def by_ids(self, intro_ids: Iterable[int]) -> dict[int, Intro]:
        """Several intros in one query (ids from rows that point at intros, never from requests)."""
        wanted = set(intro_ids)
        if not wanted:
            return {}
        return {intro.id: intro for intro in self.session.scalars(select(Intro).where(Intro.id.in_(wanted)))}

    def for_thread(self, account_id: int, thread_id: str) -> tuple[Intro, str] | None:
        """The intro a mailbox thread belongs to and what the thread is for, or None if untracked."""
        row = self.session.execute(
            select(Intro, TrackedThread.purpose)
            .join(TrackedThread, TrackedThread.intro_id == Intro.id)
            .where(TrackedThread.account_id == account_id, TrackedThread.thread_id == thread_id,
                   Intro.account_id == account_id)
        ).first()
        return (row[0], row[1]) if row else None

    def track_thread(self, account_id: int, thread_id: str, intro_id: int, purpose: str) -> bool:
        """Start watching a thread for an intro. Idempotent: True if newly tracked.

        A thread belongs to one intro; tracking it again (for any intro) leaves the first owner.
        """
        self.session.flush()  # the intro row must exist before the foreign key points at it
        statement = (
            dialect_insert(self.session, TrackedThread)
            .values(account_id=account_id, thread_id=thread_id, intro_id=intro_id, purpose=purpose)
            .on_conflict_do_nothing(index_elements=["account_id", "thread_id"])
            .returning(TrackedThread.id)
        )
        return self.session.execute(statement).first() is not None

    def tracked_thread_ids(self, account_id: int) -> set[str]:
        return set(self.session.scalars(
            select(TrackedThread.thread_id).where(TrackedThread.account_id == account_id)))

    def tracked_among(self, account_id: int, thread_ids: Iterable[str]) -> set[str]:
        """Which of these threads (say, the ones a change feed mentions) belong to an intro."""
        wanted = set(thread_ids)
        if not wanted:
            return set()
        return set(self.session.scalars(
            select(TrackedThread.thread_id)
            .where(TrackedThread.account_id == account_id, TrackedThread.thread_id.in_(wanted))))

    def open_thread_ids(self, account_id: int) -> set[str]:
        """Tracked threads of intros still in progress: what a full resync re-reads."""
        final = [state.value for state in IntroState if state.is_final]
        return set(self.session.scalars(
            select(TrackedThread.thread_id)
            .join(Intro, Intro.id == TrackedThread.intro_id)
            .where(TrackedThread.account_id == account_id, Intro.account_id == account_id,
                   Intro.state.not_in(final))))

    def open_states_by_account(self) -> dict[int, set[str]]:
        """The states of every intro still in progress, per account (what reconciliation adapts to)."""
        final = [state.value for state in IntroState if state.is_final]
        found: dict[int, set[str]] = {}
        for account_id, state in self.session.execute(
                select(Intro.account_id, Intro.state).where(Intro.state.not_in(final)).distinct()):
            found.setdefault(account_id, set()).add(str(state))
        return found

    def threads_of(self, intro_id: int) -> list[str]:
        """Every mailbox thread of one intro, in the order they were tracked."""
        return list(self.session.scalars(
            select(TrackedThread.thread_id).where(TrackedThread.intro_id == intro_id).order_by(TrackedThread.id)))

    def thread_labels(self, intro_id: int) -> dict[str, list[str]]:
        """thread id -> the intro labels last applied to it."""
        rows = self.session.execute(select(TrackedThread.thread_id, TrackedThread.labels)
                                    .where(TrackedThread.intro_id == intro_id).order_by(TrackedThread.id))
        return {thread_id: list(labels or []) for thread_id, labels in rows}

    def set_thread_labels(self, intro_id: int, thread_id: str, labels: list[str]) -> None:
        # a plain UPDATE: recording labels must not bump the intro's version and race its workflow
        self.session.execute(update(TrackedThread).where(TrackedThread.intro_id == intro_id,
                                                         TrackedThread.thread_id == thread_id).values(labels=labels))


class ConsentRepository(_Repository):
    def add(self, consent: Consent) -> Consent:
        return self._add(consent)

    def for_intro(self, intro_id: int) -> dict[Role, Consent]:
        consents = self.session.scalars(select(Consent).where(Consent.intro_id == intro_id))
        return {consent.role: consent for consent in consents}

    def for_intros(self, intro_ids: Iterable[int]) -> dict[tuple[int, Role], Consent]:
        """Several intros' consents in one query, by (intro id, role)."""
        wanted = set(intro_ids)
        if not wanted:
            return {}
        consents = self.session.scalars(select(Consent).where(Consent.intro_id.in_(wanted)))
        return {(consent.intro_id, consent.role): consent for consent in consents}


class OutboundRepository(_Repository):
    def in_flight(self, account_id: int, now: datetime) -> bool:
        """Whether a process holds one of the account's messages right now (claimed, provider call under way):
        its thread may exist at the provider before it is recorded as tracked."""
        return self.session.scalar(
            select(Outbound.id).where(Outbound.account_id == account_id,
                                      Outbound.status == OutboundStatus.PENDING.value,
                                      Outbound.attempts > 0, Outbound.claimed_until > now).limit(1)) is not None

    def add(self, outbound: Outbound) -> Outbound:
        """Record a message under its key; a second record with the same key raises IntegrityError."""
        return self._add(outbound)

    def by_key(self, key: str) -> Outbound | None:
        return self.session.scalar(select(Outbound).where(Outbound.key == key))

    def by_keys(self, *keys: str) -> list[Outbound]:
        """The rows recorded under any of these keys, in the order the keys are given (one query)."""
        rows = {row.key: row for row in self.session.scalars(select(Outbound).where(Outbound.key.in_(keys)))}
        return [rows[key] for key in keys if key in rows]

    def for_intro(self, intro_id: int) -> list[Outbound]:
        return list(self.session.scalars(
            select(Outbound).where(Outbound.intro_id == intro_id).order_by(Outbound.id)))

    def pending_for_account(self, account_id: int) -> list[Outbound]:
        """Messages recorded before a provider call that never got its answer: recovery looks these up."""
        return list(self.session.scalars(
            select(Outbound).where(Outbound.account_id == account_id,
                                   Outbound.status == OutboundStatus.PENDING.value).order_by(Outbound.id)))

    def retryable(self, now: datetime, limit: int) -> list[int]:
        """Ids of pending messages no process holds (never claimed, or the lease ran out), oldest first.

        Only ids: the caller claims each one with a conditional update before acting on it.
        """
        return list(self.session.scalars(
            select(Outbound.id)
            .where(Outbound.status == OutboundStatus.PENDING.value,
                   or_(Outbound.claimed_until.is_(None), Outbound.claimed_until < now))
            .order_by(Outbound.id).limit(limit)))

    def drafted_for_account(self, account_id: int) -> list[Outbound]:
        """Drafts waiting for the user to send them."""
        return list(self.session.scalars(
            select(Outbound).where(Outbound.account_id == account_id,
                                   Outbound.status == OutboundStatus.DRAFTED.value).order_by(Outbound.id)))

    def recorded_in(self, account_id: int, thread_ids: Iterable[str]) -> dict[str, str]:
        """Provider id -> status of our messages in these threads that reached the provider (one query)."""
        wanted = set(thread_ids)
        if not wanted:
            return {}
        rows = self.session.execute(
            select(Outbound.provider_id, Outbound.status)
            .where(Outbound.account_id == account_id, Outbound.thread_id.in_(wanted),
                   Outbound.provider_id.is_not(None)))
        return {provider_id: status for provider_id, status in rows}

    def by_thread(self, account_id: int, thread_id: str) -> list[Outbound]:
        return list(self.session.scalars(
            select(Outbound).where(Outbound.account_id == account_id, Outbound.thread_id == thread_id)
            .order_by(Outbound.id)))

    def by_message(self, account_id: int, message_id: str) -> Outbound | None:
        """The message we wrote with this provider id or Message-ID header, if any."""
        # one indexed lookup per column: SQLite uses an index for `account AND (a OR b)` by the account only
        found = [self.session.scalars(select(Outbound).where(Outbound.account_id == account_id, column == message_id)
                                      .order_by(Outbound.id).limit(1)).first()
                 for column in (Outbound.provider_id, Outbound.internet_message_id)]
        return min((o for o in found if o is not None), key=lambda o: o.id, default=None)


class EventRepository(_Repository):
    """History is append-only: there is no update or delete here, and the model refuses both."""

    def append(self, intro_id: int, account_id: int, kind: str, message: str,
               detail: dict | None = None, at: datetime | None = None) -> Event:
        event = Event(intro_id=intro_id, account_id=account_id, kind=kind, message=message,
                      detail=dict(detail or {}), at=at or utcnow())
        return self._add(event)

    def for_intro(self, intro_id: int) -> list[Event]:
        """Oldest first."""
        return list(self.session.scalars(
            select(Event).where(Event.intro_id == intro_id).order_by(Event.at, Event.id)))

    def for_account(self, account_id: int) -> list[Event]:
        """Every event of an account's intros, oldest first (what the Insights view adds up)."""
        return list(self.session.scalars(
            select(Event).where(Event.account_id == account_id).order_by(Event.at, Event.id)))
