"""Idempotency keys: one row per (account, key), claimed by a single guarded INSERT."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .db import dialect_insert
from .models import IdempotencyKey


class IdempotencyRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, account_id: int, key: str) -> IdempotencyKey | None:
        return self.session.scalar(select(IdempotencyKey).where(IdempotencyKey.account_id == account_id,
                                                                IdempotencyKey.key == key))

    def claim(self, account_id: int, key: str, request_hash: str, at: datetime, intro_id: int | None = None,
              status: int | None = None, response: dict | None = None) -> bool:
        """Insert the key; False when it exists already (then nothing is written). On PostgreSQL a claim
        racing an uncommitted one waits for it, so two requests with one key never both win."""
        if intro_id is not None:
            self.session.flush()  # the intro row must exist before the foreign key points at it
        statement = (
            dialect_insert(self.session, IdempotencyKey)
            .values(account_id=account_id, key=key, request_hash=request_hash, intro_id=intro_id, status=status,
                    response=response, created_at=at)
            .on_conflict_do_nothing(index_elements=["account_id", "key"])
            .returning(IdempotencyKey.id)
        )
        return self.session.execute(statement).first() is not None

    def answer(self, account_id: int, key: str, status: int, response: dict) -> None:
        """Keep the first answer given for the key, for retries to get it back unchanged."""
        self.session.execute(update(IdempotencyKey)
                             .where(IdempotencyKey.account_id == account_id, IdempotencyKey.key == key,
                                    IdempotencyKey.status.is_(None))
                             .values(status=status, response=response))
