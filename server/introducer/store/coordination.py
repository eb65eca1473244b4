"""The rows that let many workers share the work without doing any of it twice.

Due work and sync requests are claimed under a lease,
and seen messages are marked through a unique key. Each of these is a single guarded SQL
statement, so two workers can never both win: PostgreSQL adds `FOR UPDATE SKIP LOCKED` so
workers pass each other's rows by instead of queueing on them; SQLite has one writer at a time.

Claims and takes only count once committed: call `uow.commit()` right after them.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, or_, select, update
from sqlalchemy.orm import Session

from ..domain.model import Role
from .db import dialect_insert
from .models import DueStatus, DueWork, SeenMessage, SyncRequest
from .types import utcnow


def due_key(intro_id: int, kind: str, role: Role | str | None = None) -> str:
    """One row per (intro, kind, role): '42:consent_bump:target', '42:expire'."""
    return f"{intro_id}:{kind}:{Role(role).value}" if role else f"{intro_id}:{kind}"


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _chosen_once(session: Session, chosen: Select):
    """The ids `chosen` picks, evaluated once, for an UPDATE or DELETE of the same table.

    On PostgreSQL the rows are locked with SKIP LOCKED, inside a MATERIALIZED common table
    expression: as a plain `IN (subquery)` the planner may run the subquery once per row, and
    since rows this statement already changed no longer qualify for its FOR UPDATE, each run
    would return new rows and the statement would take more than `limit`.
    """
    if not _is_postgres(session):
        # SQLite runs an uncorrelated IN once; correlate(None) keeps the inner FROM the same table.
        return chosen.correlate(None)
    cte = chosen.with_for_update(skip_locked=True).cte("chosen").prefix_with("MATERIALIZED")
    return select(cte.c[0])


class DueRepository:
    def __init__(self, session: Session):
        self.session = session

    def schedule(self, account_id: int, intro_id: int, kind: str, role: Role | str | None,
                 due_at: datetime) -> DueWork:
        """Make sure this work is pending at `due_at`, and return its row.

        A pending (or cancelled) row for the same key is re-armed at the new time and loses any
        claim on it, so a worker still holding the old claim cannot complete it. Work already done
        stays done: each (intro, kind, role) happens once.
        """
        now = utcnow()
        role_value = Role(role).value if role else None
        table = DueWork.__table__
        insert = dialect_insert(self.session, DueWork).values(
            account_id=account_id, intro_id=intro_id, kind=kind, role=role_value,
            key=due_key(intro_id, kind, role), due_at=due_at, status=DueStatus.PENDING.value,
            attempts=0, created_at=now, updated_at=now)
        statement = insert.on_conflict_do_update(
            index_elements=["key"],
            set_={"due_at": insert.excluded.due_at, "status": DueStatus.PENDING.value,
                  "claimed_by": None, "claimed_until": None, "updated_at": now},
            where=table.c.status != DueStatus.DONE.value,
        )
        self.session.execute(statement)
        return self.session.scalars(
            select(DueWork).where(DueWork.key == due_key(intro_id, kind, role))
            .execution_options(populate_existing=True)).one()

    def cancel(self, intro_id: int, kind: str | None = None, role: Role | str | None = None) -> int:
        """Cancel pending work for an intro (all of it, one kind, or one kind for one role)."""
        statement = update(DueWork).where(DueWork.intro_id == intro_id,
                                          DueWork.status == DueStatus.PENDING.value)
        if kind is not None:
            statement = statement.where(DueWork.kind == kind)
        if role is not None:
            statement = statement.where(DueWork.role == Role(role))
        statement = statement.values(status=DueStatus.CANCELLED.value, claimed_by=None, claimed_until=None,
                                     updated_at=utcnow())
        return self.session.execute(statement.execution_options(synchronize_session="fetch")).rowcount

    def claim(self, now: datetime, worker_id: str, limit: int, lease: timedelta) -> list[DueWork]:
        """Claim up to `limit` due rows for `lease`; oldest due first. Commit right after."""
        claimable = (
            DueWork.status == DueStatus.PENDING.value,
            DueWork.due_at <= now,
            or_(DueWork.claimed_until.is_(None), DueWork.claimed_until < now),
        )
        chosen = select(DueWork.id).where(*claimable).order_by(DueWork.due_at, DueWork.id).limit(limit)
        # The guard is repeated on the UPDATE itself: a row that changed hands after the
        # choice was made is re-checked on its newest version and left alone.
        statement = (
            update(DueWork)
            .where(DueWork.id.in_(_chosen_once(self.session, chosen)), *claimable)
            .values(claimed_by=worker_id, claimed_until=now + lease, attempts=DueWork.attempts + 1,
                    updated_at=utcnow())
            .returning(DueWork)
            .execution_options(populate_existing=True)
        )
        claimed = list(self.session.scalars(statement))
        return sorted(claimed, key=lambda work: (work.due_at, work.id))

    def complete(self, work: DueWork) -> bool:
        """Mark claimed work done. False if the claim was lost (lease expired and retaken, or re-armed)."""
        return self._finish(work, status=DueStatus.DONE.value, last_error=None)

    def release(self, work: DueWork, error: str | None, retry_at: datetime) -> bool:
        """Give claimed work back to be tried again at `retry_at`, noting why it failed."""
        return self._finish(work, due_at=retry_at, last_error=error)

    def pending_for_intro(self, intro_id: int) -> list[DueWork]:
        return list(self.session.scalars(
            select(DueWork).where(DueWork.intro_id == intro_id, DueWork.status == DueStatus.PENDING.value)
            .order_by(DueWork.due_at, DueWork.id)))

    def next_pending(self, limit: int = 20) -> list[DueWork]:
        """The pending rows due soonest, across accounts (the sandbox clock jumps to the next one)."""
        return list(self.session.scalars(
            select(DueWork).where(DueWork.status == DueStatus.PENDING.value)
            .order_by(DueWork.due_at, DueWork.id).limit(limit)))

    def _finish(self, work: DueWork, **values) -> bool:
        statement = (
            update(DueWork)
            .where(DueWork.id == work.id, DueWork.status == DueStatus.PENDING.value,
                   DueWork.claimed_by == work.claimed_by, DueWork.claimed_until == work.claimed_until)
            .values(claimed_by=None, claimed_until=None, updated_at=utcnow(), **values)
            .returning(DueWork)
            .execution_options(populate_existing=True)
        )
        return self.session.scalars(statement).first() is not None


class SeenRepository:
    def __init__(self, session: Session):
        self.session = session

    def mark(self, account_id: int, provider_id: str, intro_id: int | None, at: datetime | None = None) -> bool:
        """Mark a provider message as acted on. True only for the one caller that marked it first.

        The unique key decides, so concurrent workers cannot both get True; on PostgreSQL the
        second waits for the first to commit (or roll back, and then wins itself).
        """
        statement = (
            dialect_insert(self.session, SeenMessage)
            .values(account_id=account_id, provider_id=provider_id, intro_id=intro_id, at=at or utcnow())
            .on_conflict_do_nothing(index_elements=["account_id", "provider_id"])
            .returning(SeenMessage.id)
        )
        return self.session.execute(statement).first() is not None

    def is_seen(self, account_id: int, provider_id: str) -> bool:
        return self.session.scalar(
            select(SeenMessage.id).where(SeenMessage.account_id == account_id,
                                         SeenMessage.provider_id == provider_id)) is not None


class SyncRepository:
    """One coalesced sync request per account, leased while a worker reads the mailbox.

    A request is deleted only by the worker that read the mailbox for it, and only if no new request
    came in meanwhile (`version` unchanged); otherwise its lease is dropped and it is taken again.
    A worker that dies mid-sync never releases its lease: when the lease runs out, another takes it.
    """

    def __init__(self, session: Session):
        self.session = session

    def request(self, account_id: int, reason: str, at: datetime) -> None:
        """Ask for the account's mailbox to be read. Requests coalesce into one row per account:
        the first time is kept (how long it has waited), the latest reason wins."""
        insert = dialect_insert(self.session, SyncRequest).values(
            account_id=account_id, requested_at=at, reason=reason, version=0)
        self.session.execute(insert.on_conflict_do_update(
            index_elements=["account_id"],
            set_={"reason": insert.excluded.reason, "version": SyncRequest.__table__.c.version + 1}))

    def take(self, limit: int, now: datetime | None = None, worker_id: str = "worker",
             lease: timedelta = timedelta(minutes=5)) -> list[tuple[int, int]]:
        """Lease up to `limit` requests nobody holds (or whose lease ran out), longest waiting first:
        (account id, version) pairs for `finish`. Commit right after."""
        now = now or utcnow()
        free = or_(SyncRequest.claimed_until.is_(None), SyncRequest.claimed_until < now)
        chosen = (select(SyncRequest.account_id).where(free)
                  .order_by(SyncRequest.requested_at, SyncRequest.account_id).limit(limit))
        rows = self.session.execute(
            update(SyncRequest).where(SyncRequest.account_id.in_(_chosen_once(self.session, chosen)), free)
            .values(claimed_by=worker_id, claimed_until=now + lease)
            .returning(SyncRequest.account_id, SyncRequest.version, SyncRequest.requested_at)
            .execution_options(synchronize_session=False)
        ).all()
        return [(account_id, version) for account_id, version, _ in sorted(rows, key=lambda row: (row[2], row[0]))]

    def finish(self, account_id: int, version: int, worker_id: str = "worker") -> bool:
        """The mailbox was read for this request: delete it, unless a request came in meanwhile (then
        it stays, unleased, for the next sync). False if the lease was lost to another worker."""
        mine = (SyncRequest.account_id == account_id, SyncRequest.claimed_by == worker_id)
        deleted = self.session.execute(
            delete(SyncRequest).where(*mine, SyncRequest.version == version)
            .execution_options(synchronize_session=False)).rowcount
        if deleted:
            return True
        return self.release(account_id, worker_id)

    def release(self, account_id: int, worker_id: str = "worker") -> bool:
        """Give the request back without reading (the sync failed): the next take gets it."""
        return bool(self.session.execute(
            update(SyncRequest).where(SyncRequest.account_id == account_id, SyncRequest.claimed_by == worker_id)
            .values(claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)).rowcount)

    def pending_count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(SyncRequest))
