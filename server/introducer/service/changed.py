"""Which messages of a tracked thread a sync must read, when the change feed named them.

A thread is read whole (one threads.get, 10 Gmail quota units) only when the thread as a whole decides
something: the handoff that waits for both parties' replies. Otherwise each new message decides on its
own, so just the messages the feed named are read (messages.get, 5 units each), and not even those
when they are known already: messages acted on before, our own sent messages, our own new drafts.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..domain.model import HandoffTrigger, Policy
from ..mail.port import ChangedMessage, ThreadMessage
from ..store.models import OutboundStatus


def to_read(uow, account, thread_id: str, changed: Sequence[ChangedMessage]) -> list[str] | None:
    """Provider ids of the named messages that need reading; None when the whole thread must be read."""
    found = uow.intros.for_thread(account.id, thread_id)
    if found is None:
        return None
    _, purpose = found
    if purpose == "intro" and Policy.from_dict(account.policy).handoff_trigger is HandoffTrigger.BOTH_REPLIED:
        return None
    wanted: list[str] = []
    for message in changed:
        if message.provider_id in wanted or uow.seen.is_seen(account.id, message.provider_id):
            continue
        ours = uow.outbound.by_message(account.id, message.provider_id)
        if ours is not None and ours.provider_id == message.provider_id and (
                ours.status == OutboundStatus.SENT.value
                or (ours.status == OutboundStatus.DRAFTED.value and not message.sent)):
            continue  # our sent message (recorded when sent) or our draft as we made it
        wanted.append(message.provider_id)
    return wanted


def read_changed(mailbox, thread_id: str, message_ids: Sequence[str]) -> list[ThreadMessage]:
    """The named messages of a thread, through the mailbox's cheaper read where it has one."""
    if not message_ids:
        return []
    read_messages = getattr(mailbox, "read_messages", None)
    if read_messages is None:
        return mailbox.read_thread(thread_id)
    return read_messages(thread_id, message_ids)


def news(uow, account_id: int, changed) -> list:
    """The changes that may tell us something: not our own messages as we recorded them (the drafts and
    sends the worker just made show up in the next feed; their threads need no reading for them). A draft
    of ours reported as sent is news: the user sent it."""
    recorded = uow.outbound.recorded_in(account_id, {c.thread_id for c in changed})
    return [c for c in changed if not (recorded.get(c.provider_id) == "sent"
                                       or (recorded.get(c.provider_id) == "drafted" and not c.sent))]
