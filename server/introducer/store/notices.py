"""The webhooks' way to a coalesced sync request: one read in the common case, a write only when needed.

A provider may notify a mailbox hundreds of times a minute, and each notification must end in a sync
request (store/coordination.py: one row per account, leased while a worker reads the mailbox):
- A request that no worker holds (`claimed_by` empty) already covers the change: whoever takes it reads
  the mailbox after taking it, so after this change. Nothing is written.
- Otherwise (no request, or one a worker holds and may already have read past this change) the request
  is written as `SyncRepository.request` does: inserted, or its version bumped so the worker's `finish`
  keeps it for another sync. A notification is never lost to a sync already under way.
The read names the account too (its status and cursor decide whether there is anything to do), so a
notification costs one round trip; on PostgreSQL it runs on its own (autocommit), no transaction around it.
On SQLite writes are committed in groups: while one thread commits, the requests of the others gather
and go in the next commit, one disk flush for all of them (SQLite flushes on every commit and lets one
writer in at a time); PostgreSQL groups concurrent commits itself. Each webhook answers only once its
own request is committed. A connection the
database dropped is retried once on a fresh one.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Connection, Engine, bindparam, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from .db import is_postgres
from .models import Account, SyncRequest

T = TypeVar("T")


@dataclass(frozen=True)
class Mailbox:
    """An account as a notification sees it, with whether a sync request already waits for it."""

    account_id: int
    provider: str
    external_id: str | None
    status: str
    sync_cursor: str | None
    pending: bool  # a request exists that no worker holds: it covers any change made until now


class SyncNotices:
    """Built once per engine; the statements are built once too (their compiled forms are cached)."""

    def __init__(self, engine: Engine):
        # PostgreSQL: autocommit spares the BEGIN and ROLLBACK round trips around the read. SQLite opens no
        # transaction for a read anyway (and switching its isolation level costs a PRAGMA each way).
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT") if is_postgres(engine) else engine
        # SQLite lets one writer in at a time and flushes the disk on each commit: commit writes in groups.
        # PostgreSQL groups concurrent commits itself: each write is one statement, in one round trip.
        self._submit = self._write if is_postgres(engine) else GroupCommit(self._write).submit
        accounts, requests = Account.__table__, SyncRequest.__table__
        looked_up = (select(accounts.c.id, accounts.c.provider, accounts.c.external_id, accounts.c.status,
                            accounts.c.sync_cursor, requests.c.account_id, requests.c.claimed_by)
                     .select_from(accounts.outerjoin(requests, requests.c.account_id == accounts.c.id)))
        self._by_email = looked_up.where(accounts.c.provider == bindparam("provider"),
                                         accounts.c.email == bindparam("email"))
        # Spelled as the unique index's condition, so that SQLite searches the index instead of the table.
        self._by_verified_email = self._by_email.where(accounts.c.provider != literal_column("'outlook'"))
        self._by_ids = looked_up.where(accounts.c.id.in_(bindparam("ids", expanding=True)))
        dialect = {"postgresql": postgresql, "sqlite": sqlite}.get(engine.dialect.name)
        if dialect is None:
            raise NotImplementedError(f"the store supports SQLite and PostgreSQL, not {engine.dialect.name}")
        insert = dialect.insert(SyncRequest).values(account_id=bindparam("account_id"), requested_at=bindparam("at"),
                                                    reason=bindparam("reason"), version=0)
        self._request = insert.on_conflict_do_update(
            index_elements=["account_id"],
            set_={"reason": insert.excluded.reason, "version": requests.c.version + 1})

    def by_email(self, provider: str, email: str) -> Mailbox | None:
        statement = self._by_email if provider == "outlook" else self._by_verified_email
        rows = self._run(lambda c: c.execute(statement, {"provider": provider, "email": email}).all())
        return _mailbox(rows[0]) if rows else None

    def by_ids(self, account_ids: Iterable[int]) -> dict[int, Mailbox]:
        ids = sorted(set(account_ids))
        if not ids:
            return {}
        rows = self._run(lambda c: c.execute(self._by_ids, {"ids": ids}).all())
        return {row[0]: _mailbox(row) for row in rows}

    def request(self, mailboxes: Iterable[Mailbox], reason: str, at: datetime) -> int:
        """Make sure each mailbox has a sync request no worker has read past; how many were written."""
        needed = sorted({m.account_id for m in mailboxes if not m.pending})
        if needed:
            self._submit([{"account_id": account_id, "at": at, "reason": reason} for account_id in needed])
        return len(needed)

    def _write(self, rows: list[dict]) -> None:
        latest = {row["account_id"]: row for row in rows}  # one row per account, in a fixed order (no deadlocks)
        ordered = [latest[account_id] for account_id in sorted(latest)]
        self._run(lambda c: c.execute(self._request, ordered if len(ordered) > 1 else ordered[0]), commit=True)

    def _run(self, work: Callable[[Connection], T], commit: bool = False) -> T:
        for attempt in (1, 2):
            try:
                with self._engine.connect() as connection:
                    result = work(connection)
                    if commit:
                        connection.commit()
                    return result
            except DBAPIError as exc:
                if attempt == 2 or not exc.connection_invalidated:
                    raise
        raise AssertionError("unreachable")


class GroupCommit:
    """`submit(rows)` returns once `write` has committed them, with whatever else was submitted meanwhile.

    The first thread in writes; threads arriving while it writes wait, and the next of them writes all
    their rows in one call. A failed write fails every submission in it.
    """

    def __init__(self, write: Callable[[list], None]):
        self._write = write
        self._changed = threading.Condition()
        self._waiting: list[_Submission] = []
        self._writing = False

    def submit(self, rows: list) -> None:
        mine = _Submission(rows)
        with self._changed:
            self._waiting.append(mine)
            while self._writing and not mine.done:
                self._changed.wait()
            if mine.done:
                if mine.error is not None:
                    raise mine.error
                return
            batch, self._waiting, self._writing = self._waiting, [], True
        error = None
        try:
            self._write([row for submission in batch for row in submission.rows])
        except BaseException as exc:
            error = exc
        with self._changed:
            for submission in batch:
                submission.done, submission.error = True, error
            self._writing = False
            self._changed.notify_all()
        if error is not None:
            raise error


class _Submission:
    __slots__ = ("rows", "done", "error")

    def __init__(self, rows: list):
        self.rows, self.done, self.error = rows, False, None


def _mailbox(row) -> Mailbox:
    account_id, provider, external_id, status, cursor, request, claimed_by = row
    return Mailbox(account_id, provider, external_id, status, cursor, request is not None and claimed_by is None)
