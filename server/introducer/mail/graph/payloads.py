"""Pure functions from the port's types to Graph request bodies (GD user-post-messages.md,
message-update.md, subscription-post-subscriptions.md)."""
from __future__ import annotations

from datetime import datetime, timezone

from ...domain.model import Person
from ..port import KEY_HEADER, OutgoingMessage

KEY_HEADER_NAME = KEY_HEADER.lower()  # Microsoft's examples name custom headers in lower case, x- first


def recipients(who: tuple[Person, ...]) -> list[dict]:
    return [{"emailAddress": {"address": p.email, "name": p.name or p.email}} for p in who]


def body_of(message: OutgoingMessage) -> dict:
    # Graph keeps one body; Exchange derives the plain-text alternative from HTML when it sends.
    if message.html:
        return {"contentType": "HTML", "content": message.html}
    return {"contentType": "Text", "content": message.text}


def custom_headers(message: OutgoingMessage) -> list[dict]:
    """The key header and any extra ones; Graph accepts only x- headers (python-o365 PR #871)."""
    headers = [{"name": KEY_HEADER_NAME, "value": message.key}]
    for name, value in message.extra_headers:
        if not name.lower().startswith("x-"):
            raise ValueError(f"Graph can set only x- headers on a message, not {name}")
        headers.append({"name": name, "value": value})
    return headers


def content(message: OutgoingMessage, internet_message_id: str) -> dict:
    """What the draft says and to whom; internetMessageId is writable while the message is a draft
    (GD message-update.md), which makes it findable by its key even in Sent Items."""
    return {"subject": message.subject, "body": body_of(message), "toRecipients": recipients(message.to),
            "ccRecipients": recipients(message.cc), "bccRecipients": recipients(message.bcc),
            "replyTo": recipients(message.reply_to_addresses), "internetMessageId": internet_message_id}


def new_message(message: OutgoingMessage, internet_message_id: str) -> dict:
    return {**content(message, internet_message_id), "internetMessageHeaders": custom_headers(message)}


def odata_string(value: str) -> str:
    """A string literal for $filter: single quotes doubled (OData ABNF)."""
    return "'" + value.replace("'", "''") + "'"


def utc(d: datetime) -> str:
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def subscription(resource: str, notification_url: str, lifecycle_url: str | None, client_state: str,
                 expires: datetime) -> dict:
    body = {"changeType": "created", "notificationUrl": notification_url, "resource": resource,
            "expirationDateTime": utc(expires), "clientState": client_state}
    if lifecycle_url:
        body["lifecycleNotificationUrl"] = lifecycle_url
    return body
