"""What the sandbox world hands out: plain frozen records, safe to pass between threads."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, NamedTuple

from ...domain.model import Person
from ..mime import parse

if TYPE_CHECKING:
    from .people import Behaviour

# Gmail's system label ids; user labels get ids like "Label_3".
INBOX, SENT, DRAFT, UNREAD = "INBOX", "SENT", "DRAFT", "UNREAD"
SYSTEM_LABELS = (INBOX, SENT, DRAFT, UNREAD)


class StaleCursor(Exception):
    """The history id is older than the oldest record kept (or not from this world): resync."""


class UnknownUser(LookupError):
    """No mailbox with that address in the world."""


@dataclass(frozen=True)
class User:
    email: str
    name: str
    is_simulated: bool
    behaviour: "Behaviour | None" = None

    @property
    def person(self) -> Person:
        return Person(name=self.name, email=self.email)


@dataclass(frozen=True)
class StoredMessage:
    """One message in one mailbox: the same email has a different id in each mailbox it is in."""

    mailbox: str
    id: str
    thread_id: str
    internet_message_id: str
    subject: str
    sender: str
    snippet: str
    date: datetime  # when it entered this mailbox, world time
    labels: frozenset[str]
    raw: bytes
    history_id: int
    draft_id: str | None = None

    @property
    def is_draft(self) -> bool:
        return self.draft_id is not None

    @property
    def unread(self) -> bool:
        return UNREAD in self.labels

    def parsed(self) -> EmailMessage:
        return parse(self.raw)


class DraftRef(NamedTuple):
    draft_id: str
    message_id: str
    thread_id: str


@dataclass(frozen=True)
class ThreadSummary:
    """A line of a mailbox listing, newest first, as a mail client shows it."""

    thread_id: str
    subject: str
    snippet: str
    date: datetime
    senders: tuple[str, ...]
    message_count: int
    labels: frozenset[str]
    unread: bool


@dataclass(frozen=True)
class HistoryRecord:
    id: int
    kind: str  # messageAdded | messageDeleted | labelAdded | labelRemoved
    message_id: str
    thread_id: str
    label_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    type: str  # system | user


@dataclass(frozen=True)
class Reaction:
    """Something a simulated person will do (or did) in one of their threads."""

    id: int
    person: str
    thread_id: str
    kind: str  # auto_reply | answer | intro
    answer: str | None
    trigger_id: str
    due: datetime
    done: datetime | None
