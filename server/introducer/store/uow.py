"""The unit of work: one transaction, the repositories over it, and nothing saved unless committed."""
from __future__ import annotations

from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .idempotency import IdempotencyRepository
from .notices import SyncNotices
from .repositories import (
    AccountRepository, ConsentRepository, DueRepository, EventRepository, IntroRepository,
    OutboundRepository, SeenRepository, SyncRepository,
)


class UnitOfWork:
    """`with uow: …; uow.commit()`. Leaving the block rolls back whatever was not committed."""

    accounts: AccountRepository
    intros: IntroRepository
    consents: ConsentRepository
    outbound: OutboundRepository
    due: DueRepository
    events: EventRepository
    seen: SeenRepository
    sync: SyncRepository
    idempotency: IdempotencyRepository

    def __init__(self, sessions: sessionmaker[Session]):
        self._sessions = sessions
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        """The underlying session, for the rare query no repository has."""
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._session

    def __enter__(self) -> "UnitOfWork":
        if self._session is not None:
            raise RuntimeError("this unit of work is already open; ask the factory for a new one")
        session = self._session = self._sessions()
        self.accounts = AccountRepository(session)
        self.intros = IntroRepository(session)
        self.consents = ConsentRepository(session)
        self.outbound = OutboundRepository(session)
        self.due = DueRepository(session)
        self.events = EventRepository(session)
        self.seen = SeenRepository(session)
        self.sync = SyncRepository(session)
        self.idempotency = IdempotencyRepository(session)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        session, self._session = self.session, None
        try:
            # Uncommitted changes are thrown away. A read-only or committed block just closes, so the
            # objects it loaded stay readable (a rollback would expire them) — callers use them after.
            if exc_type is not None or session.new or session.dirty or session.deleted:
                session.rollback()
        finally:
            session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class UnitOfWorkFactory:
    """Calling it gives a fresh UnitOfWork on the engine. Objects stay readable after commit."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self._sessions)

    @cached_property
    def notices(self) -> SyncNotices:
        """The webhooks' sync requests: a read, and a write only when one is needed (store/notices.py)."""
        return SyncNotices(self.engine)
