"""Initial schema: accounts, intros and their consents, outbound messages, due work, events,
seen messages, tracked threads and sync requests.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Plain SQLAlchemy types on purpose: the store's decorators (UTCDateTime, StrEnumType) may change,
# a migration that has run must not. Both decorators are a timestamptz / a string underneath.
TIME = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete="CASCADE")


def _stamps() -> list[sa.Column]:
    return [sa.Column("created_at", TIME, nullable=False), sa.Column("updated_at", TIME, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "accounts",
        _id(),
        sa.Column("provider", sa.String(16), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=True),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("sync_cursor", sa.String(), nullable=True),
        sa.Column("watch_expires_at", TIME, nullable=True),
        sa.Column("credentials", sa.LargeBinary(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("provider", "email", name="uq_accounts_provider_email"),
    )
    op.create_index("ix_accounts_provider_external_id", "accounts", ["provider", "external_id"])

    op.create_table(
        "intros",
        _id(),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("requester_name", sa.String(200), nullable=False),
        sa.Column("requester_email", sa.String(320), nullable=False),
        sa.Column("target_name", sa.String(200), nullable=False),
        sa.Column("target_email", sa.String(320), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("source_thread_id", sa.String(), nullable=True),
        sa.Column("intro_thread_id", sa.String(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("labels_applied", sa.JSON(), nullable=False),
        *_stamps(),
        sa.Column("version", sa.Integer(), nullable=False),
        _fk("intros", "account_id", "accounts"),
        sa.PrimaryKeyConstraint("id", name="pk_intros"),
    )
    op.create_index("ix_intros_account_id", "intros", ["account_id"])

    op.create_table(
        "consents",
        _id(),
        sa.Column("intro_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("thread_id", sa.String(), nullable=True),
        sa.Column("asked_at", TIME, nullable=True),
        sa.Column("answered_at", TIME, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("snooze_until", TIME, nullable=True),
        _fk("consents", "intro_id", "intros"),
        sa.PrimaryKeyConstraint("id", name="pk_consents"),
        sa.UniqueConstraint("intro_id", "role", name="uq_consents_intro_id_role"),
    )

    op.create_table(
        "outbound",
        _id(),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("intro_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("step", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("claimed_until", TIME, nullable=True),
        sa.Column("draft_id", sa.String(), nullable=True),
        sa.Column("provider_id", sa.String(), nullable=True),
        sa.Column("thread_id", sa.String(), nullable=True),
        sa.Column("internet_message_id", sa.String(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        *_stamps(),
        sa.Column("sent_at", TIME, nullable=True),
        _fk("outbound", "account_id", "accounts"),
        _fk("outbound", "intro_id", "intros"),
        sa.PrimaryKeyConstraint("id", name="pk_outbound"),
        sa.UniqueConstraint("key", name="uq_outbound_key"),
    )
    op.create_index("ix_outbound_intro_id", "outbound", ["intro_id"])
    op.create_index("ix_outbound_account_id_status", "outbound", ["account_id", "status"])
    op.create_index("ix_outbound_account_id_thread_id", "outbound", ["account_id", "thread_id"])
    op.create_index("ix_outbound_status_claimed_until", "outbound", ["status", "claimed_until"])

    op.create_table(
        "due_work",
        _id(),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("intro_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16), nullable=True),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("due_at", TIME, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_by", sa.String(255), nullable=True),
        sa.Column("claimed_until", TIME, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        *_stamps(),
        _fk("due_work", "account_id", "accounts"),
        _fk("due_work", "intro_id", "intros"),
        sa.PrimaryKeyConstraint("id", name="pk_due_work"),
        sa.UniqueConstraint("key", name="uq_due_work_key"),
    )
    op.create_index("ix_due_work_intro_id", "due_work", ["intro_id"])
    # Claims scan pending rows in due order.
    op.create_index("ix_due_work_status_due_at", "due_work", ["status", "due_at"])

    op.create_table(
        "events",
        _id(),
        sa.Column("intro_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("at", TIME, nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        _fk("events", "intro_id", "intros"),
        _fk("events", "account_id", "accounts"),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_index("ix_events_intro_id", "events", ["intro_id"])

    op.create_table(
        "seen_messages",
        _id(),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(), nullable=False),
        sa.Column("intro_id", sa.Integer(), nullable=True),
        sa.Column("at", TIME, nullable=False),
        _fk("seen_messages", "account_id", "accounts"),
        _fk("seen_messages", "intro_id", "intros"),
        sa.PrimaryKeyConstraint("id", name="pk_seen_messages"),
        sa.UniqueConstraint("account_id", "provider_id", name="uq_seen_messages_account_id_provider_id"),
    )

    op.create_table(
        "tracked_threads",
        _id(),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.String(), nullable=False),
        sa.Column("intro_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        _fk("tracked_threads", "account_id", "accounts"),
        _fk("tracked_threads", "intro_id", "intros"),
        sa.PrimaryKeyConstraint("id", name="pk_tracked_threads"),
        # Also the index ingest looks threads up by.
        sa.UniqueConstraint("account_id", "thread_id", name="uq_tracked_threads_account_id_thread_id"),
    )
    op.create_index("ix_tracked_threads_intro_id", "tracked_threads", ["intro_id"])

    op.create_table(
        "sync_requests",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", TIME, nullable=False),
        sa.Column("reason", sa.String(64), nullable=False),
        _fk("sync_requests", "account_id", "accounts"),
        sa.PrimaryKeyConstraint("account_id", name="pk_sync_requests"),
    )


def downgrade() -> None:
    # Children before parents; dropping a table drops its indexes.
    for table in ("sync_requests", "tracked_threads", "seen_messages", "events", "due_work", "outbound",
                  "consents", "intros", "accounts"):
        op.drop_table(table)
