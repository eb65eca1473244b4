"""Pure functions from Graph JSON to the port's types (GD api-reference/v1.0/resources/message.md)."""
from __future__ import annotations

from datetime import datetime, timezone

from ...domain.model import Person
from ..mime import html_to_text, message_ids
from ..port import ChangedMessage, Created, ThreadMessage

# What read_thread and find_by_key ask for. internetMessageHeaders is selectable on a list as well as
# on one message (microsoft-graph-docs-contrib#7834 shows it on GET /me/messages?$select=...).
MESSAGE_FIELDS = ("id,conversationId,internetMessageId,from,sender,toRecipients,ccRecipients,bccRecipients,"
                  "replyTo,subject,body,receivedDateTime,sentDateTime,createdDateTime,isDraft,"
                  "internetMessageHeaders")
TEXT_BODY = 'outlook.body-content-type="text"'


def person(recipient: dict | None) -> Person:
    address = (recipient or {}).get("emailAddress") or {}
    email = str(address.get("address") or "")
    name = str(address.get("name") or "")
    return Person(name="" if name == email else name, email=email)


def people(recipients: list | None) -> tuple[Person, ...]:
    return tuple(p for p in (person(r) for r in recipients or ()) if p.email)


def when(value: str | None) -> datetime | None:
    """A Graph timestamp ("2016-11-20T18:23:45.9356913Z", seven fractional digits or none) as UTC."""
    if not value:
        return None
    d = datetime.fromisoformat(value)
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def headers_of(message: dict) -> dict[str, str]:
    """internetMessageHeaders by lower-cased name (first occurrence wins, as in a parsed message)."""
    out: dict[str, str] = {}
    for header in message.get("internetMessageHeaders") or ():
        name = str(header.get("name") or "").lower()
        if name and name not in out:
            out[name] = str(header.get("value") or "")
    return out


def text_of(message: dict) -> str:
    body = message.get("body") or {}
    content = str(body.get("content") or "")
    if str(body.get("contentType") or "").lower() == "html":
        content = html_to_text(content)
    return content.replace("\r\n", "\n")


def thread_message(message: dict, owner_email: str) -> ThreadMessage:
    """One message as the port reads it; `from_me` when the owner sent it and it is no longer a draft."""
    sender = person(message.get("from") or message.get("sender"))
    headers = headers_of(message)
    is_draft = bool(message.get("isDraft"))
    date = (when(message.get("receivedDateTime")) or when(message.get("sentDateTime"))
            or when(message.get("createdDateTime")) or datetime.now(timezone.utc))
    return ThreadMessage(
        provider_id=message["id"], thread_id=str(message.get("conversationId") or ""),
        internet_message_id=str(message.get("internetMessageId") or ""), sender=sender,
        to=people(message.get("toRecipients")), cc=people(message.get("ccRecipients")),
        subject=str(message.get("subject") or ""), date=date, text=text_of(message), headers=headers,
        bcc=people(message.get("bccRecipients")), reply_to_addresses=people(message.get("replyTo")),
        in_reply_to=next(iter(message_ids(headers.get("in-reply-to"))), None),
        references=message_ids(headers.get("references")), is_draft=is_draft,
        from_me=not is_draft and sender.email.lower() == owner_email.lower(),
        draft_id=message["id"] if is_draft else None,
        authentication_results=tuple(str(h.get("value") or "") for h in message.get("internetMessageHeaders") or ()
                                     if str(h.get("name") or "").lower() == "authentication-results"))


def created(message: dict, labels: tuple[str, ...] | None = None) -> Created:
    """Where a created draft (or, with immutable ids, its sent copy) lives; `labels`: the categories it
    was created with, when we set them."""
    is_draft = bool(message.get("isDraft", True))
    return Created(provider_id=message["id"], thread_id=str(message.get("conversationId") or ""),
                   internet_message_id=str(message.get("internetMessageId") or ""),
                   draft_id=message["id"] if is_draft else None, labels=labels)


def changed(item: dict, sent: bool = False) -> ChangedMessage | None:
    """A delta item as a change, None for removals (`@removed`) and items without a conversation.
    `sent`: the item came from Sent Items."""
    if "@removed" in item or not item.get("conversationId"):
        return None
    return ChangedMessage(provider_id=item["id"], thread_id=item["conversationId"], sent=sent)
