"""Idempotency keys per account: a retried create returns the first result instead of a second intro.

Revision ID: 0005_idempotency
Revises: 0004_account_address
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_idempotency"
down_revision = "0004_account_address"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("intro_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name="fk_idempotency_keys_account_id_accounts",
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["intro_id"], ["intros.id"], name="fk_idempotency_keys_intro_id_intros",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_idempotency_keys"),
        sa.UniqueConstraint("account_id", "key", name="uq_idempotency_keys_account_id_key"),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
