"""Sync requests are leased, not deleted: a worker that dies mid-sync gives its request back.

Also remembers when each account's mailbox was last read in full (the reconciliation poll's clock).

Revision ID: 0003_sync_leases
Revises: 0002
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_sync_leases"
down_revision = "0002"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)  # as in 0001: plain types, a migration that ran must not change


def upgrade() -> None:
    with op.batch_alter_table("sync_requests") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(255), nullable=True))
        batch.add_column(sa.Column("claimed_until", TIME, nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("synced_at", TIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("synced_at")
    with op.batch_alter_table("sync_requests") as batch:
        batch.drop_column("version")
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
