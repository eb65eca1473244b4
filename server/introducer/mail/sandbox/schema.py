"""The sandbox world's tables: its own SQLite file, its own MetaData, never the application's database."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, Index, Integer, LargeBinary, MetaData, String, Table,
                        Text, UniqueConstraint)

metadata = MetaData()

users = Table(
    "sandbox_users", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),  # lower-cased
    Column("name", String(120), nullable=False),
    Column("is_simulated", Boolean, nullable=False),
    Column("behaviour", Text),  # JSON, see people.Behaviour
    # Every history record takes the next id, so `history_id - history_floor` is the number kept.
    Column("history_id", Integer, nullable=False, default=0),
    Column("history_floor", Integer, nullable=False, default=0),
)

messages = Table(
    "sandbox_messages", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("mailbox", String(254), nullable=False),
    Column("id", String(32), nullable=False),
    Column("thread_id", String(32), nullable=False),
    Column("draft_id", String(32)),  # set while the message is a draft
    Column("internet_message_id", String(998), nullable=False),
    Column("subject", Text, nullable=False),
    Column("sender", Text, nullable=False),  # the From header as read
    Column("snippet", Text, nullable=False),
    Column("internal_ms", BigInteger, nullable=False),  # world time it entered this mailbox
    Column("history_id", Integer, nullable=False),
    Column("key", String(255)),  # X-Introducer-Key, indexed for crash recovery look-ups
    Column("raw", LargeBinary, nullable=False),
    UniqueConstraint("mailbox", "id"),
    Index("ix_sandbox_messages_thread", "mailbox", "thread_id"),
    Index("ix_sandbox_messages_msgid", "mailbox", "internet_message_id"),
    Index("ix_sandbox_messages_key", "mailbox", "key"),
    Index("ix_sandbox_messages_draft", "mailbox", "draft_id"),
)

labels = Table(
    "sandbox_labels", metadata,
    Column("mailbox", String(254), primary_key=True),
    Column("id", String(64), primary_key=True),
    Column("name", String(225), nullable=False),
    Column("type", String(16), nullable=False),  # system | user
    UniqueConstraint("mailbox", "name"),
)

message_labels = Table(
    "sandbox_message_labels", metadata,
    Column("mailbox", String(254), primary_key=True),
    Column("message_id", String(32), primary_key=True),
    Column("label_id", String(64), primary_key=True),
)

history = Table(
    "sandbox_history", metadata,
    Column("mailbox", String(254), primary_key=True),
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),  # messageAdded | messageDeleted | labelAdded | labelRemoved
    Column("message_id", String(32), nullable=False),
    Column("thread_id", String(32), nullable=False),
    Column("label_ids", Text, nullable=False),  # JSON list
)

# What a simulated person will do and when; stored so a restart loses nothing. The unique key is
# what makes "never answers the same thread twice" and an idempotent tick hold.
reactions = Table(
    "sandbox_reactions", metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("person", String(254), nullable=False),
    Column("thread_id", String(32), nullable=False),  # in the person's mailbox
    Column("kind", String(16), nullable=False),  # auto_reply | answer | intro
    Column("answer", String(16)),  # agree | decline | question for answers
    Column("trigger_id", String(32), nullable=False),  # the message that caused it
    Column("due_ms", BigInteger, nullable=False),
    Column("done_ms", BigInteger),
    UniqueConstraint("person", "thread_id", "kind"),
    Index("ix_sandbox_reactions_due", "done_ms", "due_ms"),
)

settings = Table(
    "sandbox_settings", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
