"""Pure functions from Gmail API JSON (the discovery document's schemas) to the port's types.

No I/O here: every function takes decoded JSON and returns values, so each Gmail quirk has a unit
test (tests/unit/test_gmail_parse.py). Reference for the shapes:
https://developers.google.com/gmail/api/reference/rest/v1/users.messages#Message
"""
from __future__ import annotations

import base64
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from ...domain.model import Person
from ..mime import html_to_text, message_ids, people
from ..port import ChangedMessage, Created, ThreadMessage, WatchInfo

DRAFT, SENT = "DRAFT", "SENT"


def unb64url(data: str) -> bytes:
    """Gmail's base64url; tolerate missing padding."""
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def headers_of(part: dict) -> dict[str, str]:
    """A part's headers with lower-cased names (Gmail keeps the sender's casing: Message-Id, Message-ID...)."""
    return {h["name"].lower(): h.get("value", "") for h in part.get("headers", [])}


def _charset(part: dict) -> str:
    content_type = headers_of(part).get("content-type", "")
    for param in content_type.split(";")[1:]:
        name, _, value = param.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip('"').strip()
    return "utf-8"


def _leaves(part: dict):
    """Body parts depth-first, as a mail client reads them (attachments left out)."""
    if part.get("parts"):
        for child in part["parts"]:
            yield from _leaves(child)
    elif not part.get("filename"):
        yield part


def _decoded(part: dict) -> str:
    data = part.get("body", {}).get("data")
    if not data:
        return ""
    raw = unb64url(data)
    try:
        return raw.decode(_charset(part), errors="replace")
    except LookupError:  # a charset Python does not know: the bytes are most likely UTF-8 anyway
        return raw.decode("utf-8", errors="replace")


def text_of(payload: dict) -> str:
    """The plain-text body; HTML converted when there is no text part."""
    leaves = list(_leaves(payload))
    for wanted in ("text/plain", "text/html"):
        for leaf in leaves:
            if leaf.get("mimeType", "").lower() == wanted:
                text = _decoded(leaf)
                return html_to_text(text) if wanted == "text/html" else text
    return ""


def date_of(headers: dict[str, str], internal_date: str | None) -> datetime:
    """The Date header; Gmail's internalDate (epoch ms) when it is missing or unreadable."""
    try:
        d = parsedate_to_datetime(headers["date"])
        return d if d.tzinfo else d.replace(tzinfo=timezone.utc)
    except (KeyError, TypeError, ValueError):
        ms = int(internal_date or 0)
        return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def thread_message(message: dict, draft_id: str | None = None) -> ThreadMessage:
    """A Message fetched with format=full. Quirk: whether it is a draft or was sent by the owner is
    told only by its labels, DRAFT and SENT; a message sent to oneself carries SENT and INBOX."""
    payload = message.get("payload", {})
    headers = headers_of(payload)
    labels = set(message.get("labelIds", []))
    sender = people(headers.get("from"))
    is_draft = DRAFT in labels
    return ThreadMessage(
        provider_id=message["id"], thread_id=message["threadId"],
        internet_message_id=headers.get("message-id", "").strip(),
        sender=sender[0] if sender else Person(name="", email=""),
        to=people(headers.get("to")), cc=people(headers.get("cc")), subject=headers.get("subject", ""),
        date=date_of(headers, message.get("internalDate")), text=text_of(payload), headers=headers,
        bcc=people(headers.get("bcc")), reply_to_addresses=people(headers.get("reply-to")),
        in_reply_to=next(iter(message_ids(headers.get("in-reply-to"))), None),
        references=message_ids(headers.get("references")),
        is_draft=is_draft, from_me=SENT in labels and not is_draft, draft_id=draft_id if is_draft else None,
        authentication_results=all_values(payload, "authentication-results"))


def all_values(part: dict, name: str) -> tuple[str, ...]:
    """Every value of one header in the message's order (headers_of keeps one per name)."""
    return tuple(h.get("value", "") for h in part.get("headers", []) if h.get("name", "").lower() == name)


def thread_messages(thread: dict, draft_ids: dict[str, str]) -> list[ThreadMessage]:
    """A Thread's messages oldest first, drafts carrying their draft id. Gmail lists them by
    internalDate already; sorting (stably) keeps that true whatever the server's order."""
    ordered = sorted(thread.get("messages", []), key=lambda m: int(m.get("internalDate", 0)))
    return [thread_message(m, draft_ids.get(m["id"])) for m in ordered]


def draft_messages(thread: dict) -> list[dict]:
    return [m for m in thread.get("messages", []) if DRAFT in m.get("labelIds", [])]


def draft_ids(listing: dict) -> dict[str, str]:
    """drafts.list → {message id: draft id}. Quirk: an empty list has no `drafts` key at all."""
    return {d["message"]["id"]: d["id"] for d in listing.get("drafts", []) if "message" in d}


def message_refs(listing: dict) -> list[tuple[str, str]]:
    """messages.list → [(message id, thread id)]; an empty result has no `messages` key."""
    return [(m["id"], m["threadId"]) for m in listing.get("messages", [])]


HISTORY_TYPES = ("messageAdded", "labelAdded", "labelRemoved")


def added_messages(page: dict) -> list[ChangedMessage]:
    """history.list page → the messages it adds or that the owner sent, in history order.

    Quirk: a page with no changes has no `history` key. Quirk: sending a draft may show up only as
    label changes on the draft's own message (`labelsAdded` SENT, `labelsRemoved` DRAFT), with no
    `messagesAdded` at all; other label changes (ours included) are not changes to read."""
    out: list[ChangedMessage] = []
    for record in page.get("history", []):
        for added in record.get("messagesAdded", []):
            message = added["message"]
            out.append(ChangedMessage(message["id"], message["threadId"], SENT in message.get("labelIds", [])))
        for field, label in (("labelsAdded", SENT), ("labelsRemoved", DRAFT)):
            for change in record.get(field, []):
                if label in change.get("labelIds", []):
                    out.append(ChangedMessage(change["message"]["id"], change["message"]["threadId"], True))
    return out


def created(message: dict, internet_message_id: str, draft_id: str | None = None) -> Created:
    return Created(provider_id=message["id"], thread_id=message["threadId"],
                   internet_message_id=internet_message_id, draft_id=draft_id)


def created_draft(draft: dict, internet_message_id: str) -> Created:
    return created(draft["message"], internet_message_id, draft["id"])


def label_ids(listing: dict) -> dict[str, str]:
    """labels.list → {name: id}; system labels are their own ids (INBOX, SENT...)."""
    return {label["name"]: label["id"] for label in listing.get("labels", [])}


def watch_info(response: dict) -> WatchInfo:
    """users.watch → the cursor to sync from and when to renew (expiration is epoch ms)."""
    expiration = response.get("expiration")
    expires = datetime.fromtimestamp(int(expiration) / 1000, tz=timezone.utc) if expiration else None
    return WatchInfo(cursor=str(response["historyId"]), expires_at=expires)
