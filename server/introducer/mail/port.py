"""The Mailbox port: what the service needs from a mailbox, in the product's words, not an API's.

Adapters (sandbox, Gmail, Microsoft Graph) implement `Mailbox`. Ids are opaque provider strings.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from ..domain.model import Person

KEY_HEADER = "X-Introducer-Key"


@dataclass(frozen=True)
class ReplyTarget:
    """The message a reply answers: threading headers come from it."""

    provider_id: str
    internet_message_id: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutgoingMessage:
    """A message to create as a draft or send, from the mailbox owner.

    `key` is the exactly-once key; adapters put it in the X-Introducer-Key header and derive the
    Message-ID from it, so the message can be found again after a crash (`find_by_key`).
    `thread_id` + `reply_to` place it in an existing thread (In-Reply-To/References set from it).
    """

    key: str
    to: tuple[Person, ...]
    subject: str
    text: str
    html: str | None = None
    cc: tuple[Person, ...] = ()
    bcc: tuple[Person, ...] = ()
    reply_to_addresses: tuple[Person, ...] = ()
    thread_id: str | None = None
    reply_to: ReplyTarget | None = None
    extra_headers: tuple[tuple[str, str], ...] = ()
    # the labels its thread should carry; an adapter that can set them as it creates a new thread
    # does (and says so in Created.labels), the others leave them to change_labels
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ThreadMessage:
    """One message of a thread as read back from the provider."""

    provider_id: str
    thread_id: str
    internet_message_id: str
    sender: Person
    to: tuple[Person, ...]
    cc: tuple[Person, ...]
    subject: str
    date: datetime  # timezone-aware
    text: str  # plain-text body (HTML converted when there is no text part)
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    bcc: tuple[Person, ...] = ()
    reply_to_addresses: tuple[Person, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    is_draft: bool = False
    from_me: bool = False  # sent by the mailbox owner (in Sent, not a draft)
    draft_id: str | None = None  # set when is_draft: what send_draft takes
    # every Authentication-Results header, topmost first: the receiving provider's own stamp is the first
    # (domain/sender_auth.py); `headers` keeps only one value per name
    authentication_results: tuple[str, ...] = ()

    @property
    def key(self) -> str | None:
        return self.headers.get(KEY_HEADER.lower())

    def as_reply_target(self) -> ReplyTarget:
        refs = tuple(self.references)
        if self.internet_message_id and self.internet_message_id not in refs:
            refs = refs + (self.internet_message_id,)
        return ReplyTarget(self.provider_id, self.internet_message_id, refs)


@dataclass(frozen=True)
class Created:
    """Where a created draft or sent message lives."""

    provider_id: str  # message id (for a draft: the draft's message id)
    thread_id: str
    internet_message_id: str
    draft_id: str | None = None  # set for drafts; send_draft takes it
    labels: tuple[str, ...] | None = None  # the labels its new thread was created with, if the adapter set them


@dataclass(frozen=True)
class ChangedMessage:
    """A message the change feed names. `sent`: the mailbox owner sent it (it arrived in Sent, or a draft
    became sent in place), which is how a draft the user sent from any client is noticed."""

    provider_id: str
    thread_id: str
    sent: bool = False


@dataclass(frozen=True)
class Changes:
    """Messages added (or sent in place) since a cursor. `reset` means the cursor was too old: resync
    tracked threads."""

    messages: tuple[ChangedMessage, ...]
    cursor: str
    reset: bool = False


@dataclass(frozen=True)
class WatchInfo:
    cursor: str
    expires_at: datetime | None


class MailboxError(Exception):
    """A provider call failed in a way retrying now will not fix."""


class TransientMailboxError(MailboxError):
    """Throttled or unavailable; try again later. Nothing was changed by the failed call."""


class ReconnectNeeded(MailboxError):
    """The account's grant was revoked or expired: the user must connect again."""


class ChangeFeedUnavailable(MailboxError):
    """The provider does not offer the change feed for this mailbox (Graph delta answering 404): read
    the open intros' threads one by one instead, and try the feed again later."""


class NotFound(MailboxError):
    """A draft, message or thread no longer exists (e.g. the user deleted the draft)."""


@runtime_checkable
class Mailbox(Protocol):
    """One user's mailbox. Every method is synchronous and safe to retry after a failure."""

    @property
    def owner(self) -> Person: ...

    def create_draft(self, message: OutgoingMessage) -> Created: ...

    def send_draft(self, draft_id: str) -> Created: ...

    def send(self, message: OutgoingMessage) -> Created: ...

    def draft_exists(self, draft_id: str) -> bool:
        """Whether the draft is still a draft (False once it was sent or deleted): one cheap call."""
        ...

    def read_thread(self, thread_id: str) -> list[ThreadMessage]:
        """All messages of the thread, drafts included (is_draft set), oldest first."""
        ...

    # Optional: `read_messages(thread_id, message_ids) -> list[ThreadMessage]`, just those messages of the
    # thread (oldest first; gone ones left out), where that is cheaper than the whole thread. Callers fall
    # back to read_thread when a mailbox does not offer it (service/ingest.py `read_changed`).

    def find_by_key(self, key: str, thread_id: str | None = None) -> ThreadMessage | None:
        """The draft or sent message carrying this outbound key, if any (crash recovery)."""
        ...

    def changes_since(self, cursor: str | None) -> Changes:
        """Messages added, or drafts sent in place, since the cursor (None: nothing, just the current cursor)."""
        ...

    def set_label(self, thread_id: str, label: str, on: bool = True) -> None: ...

    def change_labels(self, thread_id: str, add: Sequence[str] = (), remove: Sequence[str] = (),
                      present: Sequence[str] | None = None) -> None:
        """Add and remove labels (created if missing) on a thread, in as few provider calls as it allows.
        `present`: the labels the caller last applied to the thread, if it knows (a hint: a mailbox may
        skip reading what the thread carries, or learn of labels made by another process)."""
        ...

    def watch(self) -> WatchInfo | None:
        """Start or renew push notifications; None when the provider world has no push."""
        ...

    def stop_watch(self) -> None: ...


class MailboxFactory(Protocol):
    def __call__(self, account) -> Mailbox: ...
