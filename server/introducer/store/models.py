"""The tables of the application database as SQLAlchemy 2 typed declarative models.

The initial migration (migrations/versions/0001_initial.py) writes the same schema out by hand;
a test compares the two so they cannot drift apart.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Text, UniqueConstraint, event, text,
)
from sqlalchemy.ext.mutable import MutableDict
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, object_session

from ..domain.model import ConsentStatus, Role, SendMode, Step
from ..domain.states import IntroState
from .types import StrEnumType, UTCDateTime, utcnow

# Named constraints make the schema identical on SQLite and PostgreSQL and let later
# migrations refer to a constraint by name.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AccountStatus(StrEnum):
    ACTIVE = "active"
    RECONNECT_NEEDED = "reconnect_needed"  # the provider revoked or expired our grant
    DISCONNECTED = "disconnected"


class OutboundStatus(StrEnum):
    PENDING = "pending"  # recorded before the provider call; the call may or may not have happened
    DRAFTED = "drafted"
    SENT = "sent"
    CANCELLED = "cancelled"
    FAILED = "failed"


class DueStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    CANCELLED = "cancelled"


def _fk(column: str, *, nullable: bool = False, index: bool = False):
    # Removing an account removes everything that hangs off it, intros' history included.
    return mapped_column(ForeignKey(column, ondelete="CASCADE"), nullable=nullable, index=index)


def _created() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), nullable=False, default=utcnow)


def _updated() -> Mapped[datetime]:
    return mapped_column(UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow)


class Account(Base):
    """A connected mailbox: the introducer's identity, settings and sync position."""

    __tablename__ = "accounts"
    __table_args__ = (
        # The provider's identity is the key (Google `sub`, Microsoft `oid.tid`); sandbox accounts have none.
        Index("uq_accounts_provider_external_id", "provider", "external_id", unique=True),
        # One account per address only where the provider verifies addresses: Microsoft's address claims are
        # not verified across tenants, so two Outlook identities may claim one address (migration 0003).
        Index("uq_accounts_provider_email_verified", "provider", "email", unique=True,
              sqlite_where=text("provider != 'outlook'"), postgresql_where=text("provider != 'outlook'")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), nullable=False)  # sandbox | gmail | outlook
    email: Mapped[str] = mapped_column(String(320), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    timezone: Mapped[str] = mapped_column(String(64), nullable=False, default="UTC")
    external_id: Mapped[str | None] = mapped_column(String(255))  # Google `sub`, Microsoft `oid.tid`
    policy: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSON()), nullable=False, default=dict)
    status: Mapped[str] = mapped_column(String(32), nullable=False, default=AccountStatus.ACTIVE.value)
    sync_cursor: Mapped[str | None] = mapped_column(String)
    watch_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # last complete read of the mailbox
    credentials: Mapped[bytes | None] = mapped_column(LargeBinary)  # already encrypted by auth
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()

    def __repr__(self) -> str:
        return f"<Account {self.id} {self.provider}:{self.email} {self.status}>"


class Intro(Base):
    """One introduction and where it stands. `version` guards against two writers racing."""

    __tablename__ = "intros"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = _fk("accounts.id", index=True)
    state: Mapped[IntroState] = mapped_column(StrEnumType(IntroState, 32), nullable=False, default=IntroState.NEW)
    spec: Mapped[dict] = mapped_column(MutableDict.as_mutable(JSON()), nullable=False, default=dict)
    requester_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    requester_email: Mapped[str] = mapped_column(String(320), nullable=False)
    target_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    target_email: Mapped[str] = mapped_column(String(320), nullable=False)
    context: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source_thread_id: Mapped[str | None] = mapped_column(String)
    intro_thread_id: Mapped[str | None] = mapped_column(String)
    needs_review: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Intro {self.id} account={self.account_id} {self.state}>"


class Consent(Base):
    """Whether one party agreed to be introduced, and the permission-request thread that asked."""

    __tablename__ = "consents"
    __table_args__ = (UniqueConstraint("intro_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intro_id: Mapped[int] = _fk("intros.id")
    role: Mapped[Role] = mapped_column(StrEnumType(Role, 16), nullable=False)
    status: Mapped[ConsentStatus] = mapped_column(
        StrEnumType(ConsentStatus, 16), nullable=False, default=ConsentStatus.PENDING)
    thread_id: Mapped[str | None] = mapped_column(String)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    snooze_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # "away until" from an automatic reply

    def __repr__(self) -> str:
        return f"<Consent intro={self.intro_id} {self.role}={self.status}>"


class Outbound(Base):
    """A message Introducer writes, recorded under its exactly-once key before the provider call.

    `payload` holds the composed message, so a recorded message can be created or sent later
    (after a crash, after a provider error) exactly as it was decided. `claimed_until` is the lease
    of the one process performing it.
    """

    __tablename__ = "outbound"
    __table_args__ = (
        Index("ix_outbound_account_id_status", "account_id", "status"),
        Index("ix_outbound_account_id_thread_id", "account_id", "thread_id"),
        Index("ix_outbound_status_claimed_until", "status", "claimed_until"),  # the retry sweep
        # a message the change feed names: one of ours? (by provider id, or by Message-ID)
        Index("ix_outbound_account_id_provider_id", "account_id", "provider_id"),
        Index("ix_outbound_account_id_internet_message_id", "account_id", "internet_message_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = _fk("accounts.id")
    intro_id: Mapped[int] = _fk("intros.id", index=True)
    key: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    step: Mapped[Step] = mapped_column(StrEnumType(Step, 32), nullable=False)
    role: Mapped[Role | None] = mapped_column(StrEnumType(Role, 16))
    mode: Mapped[SendMode] = mapped_column(StrEnumType(SendMode, 16), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=OutboundStatus.PENDING.value)
    payload: Mapped[dict] = mapped_column(JSON(), nullable=False, default=dict)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    draft_id: Mapped[str | None] = mapped_column(String)
    provider_id: Mapped[str | None] = mapped_column(String)
    thread_id: Mapped[str | None] = mapped_column(String)
    internet_message_id: Mapped[str | None] = mapped_column(String)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Outbound {self.key} {self.mode} {self.status}>"


class DueWork(Base):
    """Scheduled work (a nudge, an expiry) with its due time; workers claim rows under a lease."""

    __tablename__ = "due_work"
    __table_args__ = (Index("ix_due_work_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = _fk("accounts.id")
    intro_id: Mapped[int] = _fk("intros.id", index=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)  # consent_bump | expire | requester_reminder | …
    role: Mapped[Role | None] = mapped_column(StrEnumType(Role, 16))
    key: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)  # "42:consent_bump:target"
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=DueStatus.PENDING.value)
    claimed_by: Mapped[str | None] = mapped_column(String(255))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)  # times claimed
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = _updated()

    def __repr__(self) -> str:
        return f"<DueWork {self.key} due {self.due_at} {self.status}>"


class Event(Base):
    """One line of an intro's history, written for people. Append-only (see the guard below)."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intro_id: Mapped[int] = _fk("intros.id", index=True)
    account_id: Mapped[int] = _fk("accounts.id")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    kind: Mapped[str] = mapped_column(String(64), nullable=False)
    detail: Mapped[dict] = mapped_column(JSON(), nullable=False, default=dict)
    message: Mapped[str] = mapped_column(Text, nullable=False)

    def __repr__(self) -> str:
        return f"<Event intro={self.intro_id} {self.kind}>"


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a recorded event."""


@event.listens_for(Event, "before_update")
def _refuse_event_update(mapper, connection, target: Event) -> None:
    # before_update also fires for objects touched without a net change; those are harmless.
    if not object_session(target).is_modified(target):
        return
    raise AppendOnlyError(f"event {target.id} is history and cannot be changed")


@event.listens_for(Event, "before_delete")
def _refuse_event_delete(mapper, connection, target: Event) -> None:
    raise AppendOnlyError(f"event {target.id} is history and cannot be deleted")


class SeenMessage(Base):
    """A provider message already acted on, so a repeated notification does nothing."""

    __tablename__ = "seen_messages"
    __table_args__ = (UniqueConstraint("account_id", "provider_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = _fk("accounts.id")
    provider_id: Mapped[str] = mapped_column(String, nullable=False)
    intro_id: Mapped[int | None] = _fk("intros.id", nullable=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class TrackedThread(Base):
    """A mailbox thread that belongs to an intro; ingest ignores every thread not listed here."""

    __tablename__ = "tracked_threads"
    # The unique constraint is also the (account_id, thread_id) index ingest looks threads up by.
    __table_args__ = (UniqueConstraint("account_id", "thread_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = _fk("accounts.id")
    thread_id: Mapped[str] = mapped_column(String, nullable=False)
    intro_id: Mapped[int] = _fk("intros.id", index=True)
    # what the thread is: permission:requester | permission:target | intro | source | note
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    # the intro labels last applied to this thread in the mailbox (None: none yet)
    labels: Mapped[list | None] = mapped_column(JSON())


class SyncRequest(Base):
    """'This mailbox changed, read it': one coalesced row per account until a worker has read it."""

    __tablename__ = "sync_requests"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    reason: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    # leased, not deleted, while a worker syncs: a dead worker's lease runs out and another takes it
    claimed_by: Mapped[str | None] = mapped_column(String(255))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # bumped by every request: a request that came in during the sync keeps the row after it
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")


class IdempotencyKey(Base):
    """A client's key for one action (Idempotency-Key header, or the add-on form's per-action key): a retry
    with the same key gets the first answer back instead of doing the action twice.

    For a create, the row is inserted in the same transaction as what it creates (`intro_id`), so a
    retry after a crash between commit and response still finds it; `status`/`response` hold the first
    answer once it was sent."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = _fk("accounts.id")
    key: Mapped[str] = mapped_column(String(255), nullable=False)
    request_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    intro_id: Mapped[int | None] = _fk("intros.id", nullable=True)
    status: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict | None] = mapped_column(JSON())
    created_at: Mapped[datetime] = _created()
