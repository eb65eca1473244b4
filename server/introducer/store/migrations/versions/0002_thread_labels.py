"""Labels are remembered per tracked thread, so relabelling only changes what differs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tracked_threads") as batch:
        batch.add_column(sa.Column("labels", sa.JSON(), nullable=True))
    with op.batch_alter_table("intros") as batch:
        batch.drop_column("labels_applied")


def downgrade() -> None:
    with op.batch_alter_table("intros") as batch:
        batch.add_column(sa.Column("labels_applied", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("tracked_threads") as batch:
        batch.drop_column("labels")
