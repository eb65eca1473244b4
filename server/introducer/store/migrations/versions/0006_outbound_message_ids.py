"""Outbound messages found by their provider id or Message-ID without scanning the table: a sync asks this
for every message the change feed names.

Revision ID: 0006_outbound_message_ids
Revises: 0005_idempotency
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = "0006_outbound_message_ids"
down_revision = "0005_idempotency"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_outbound_account_id_provider_id", "outbound", ["account_id", "provider_id"])
    op.create_index("ix_outbound_account_id_internet_message_id", "outbound", ["account_id", "internet_message_id"])


def downgrade() -> None:
    op.drop_index("ix_outbound_account_id_internet_message_id", table_name="outbound")
    op.drop_index("ix_outbound_account_id_provider_id", table_name="outbound")
