"""A sandbox message as a Graph `message` resource (GD api-reference/v1.0/resources/message.md).

Pure functions over a stored message and what the request asked for ($select, body type, id type).
"""
from __future__ import annotations

import html
from datetime import datetime, timezone
from email.message import EmailMessage

from ..mime import date_of, people, text_of
from .graph_ids import NETWORK_ID_HEADER, IdBook, conversation_id, etag, folder_id
from .records import DRAFT, INBOX, SENT, UNREAD, StoredMessage

# What GET /me/messages/{id} returns without $select; internetMessageHeaders and uniqueBody only
# come when selected (GD message resource: "Returned only on applying a $select query option").
DEFAULT_PROPERTIES = (
    "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "receivedDateTime", "sentDateTime",
    "hasAttachments", "internetMessageId", "subject", "bodyPreview", "importance", "parentFolderId",
    "conversationId", "isDeliveryReceiptRequested", "isReadReceiptRequested", "isRead", "isDraft", "webLink",
    "inferenceClassification", "body", "sender", "from", "toRecipients", "ccRecipients", "bccRecipients",
    "replyTo", "flag")
SELECTABLE = frozenset(DEFAULT_PROPERTIES) | {"internetMessageHeaders", "uniqueBody", "id"}
RECIPIENT_FIELDS = {"toRecipients": "To", "ccRecipients": "Cc", "bccRecipients": "Bcc", "replyTo": "Reply-To"}


def iso(d: datetime) -> str:
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_select(value: str | None) -> tuple[str, ...] | None:
    """The $select list, or None for the default properties; unknown names raise ValueError."""
    if not value:
        return None
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in SELECTABLE]
    if unknown:
        raise ValueError(f"Could not find a property named '{unknown[0]}' on type 'microsoft.graph.message'.")
    return names


def recipient(name: str, address: str) -> dict:
    return {"emailAddress": {"name": name or address, "address": address}}


def recipients(em: EmailMessage, header: str) -> list[dict]:
    return [recipient(p.name, p.email) for p in people(em[header])]


def folder_of(m: StoredMessage) -> str:
    if DRAFT in m.labels:
        return "drafts"
    if SENT in m.labels:
        return "sentitems"
    return "inbox" if INBOX in m.labels else "archive"


def body_of(em: EmailMessage, as_text: bool) -> dict:
    if as_text:
        return {"contentType": "text", "content": text_of(em)}
    part = em.get_body(preferencelist=("html",))
    if part is not None:
        return {"contentType": "html", "content": part.get_content()}
    # Exchange hands plain-text mail out as HTML unless the client prefers text.
    escaped = html.escape(text_of(em).replace("\r\n", "\n")).replace("\n", "<br>\r\n")
    return {"contentType": "html", "content": "<html><head>\r\n<meta http-equiv=\"Content-Type\" "
            f"content=\"text/html; charset=utf-8\"></head><body><div>{escaped}</div></body></html>"}


def internet_headers(m: StoredMessage, em: EmailMessage) -> list[dict] | None:
    """Headers as Graph shows them: a draft has the x- headers it was created with; a Sent Items copy
    has none (jasonjoh in microsoft-graph-docs#12726: "internet headers just do not exist on the copy
    in Sent Items"); received mail has the transport headers."""
    if m.is_draft:
        return [{"name": k, "value": str(v)} for k, v in em.items()
                if k.lower().startswith("x-") and k.lower() != NETWORK_ID_HEADER.lower()]
    if SENT in m.labels:
        return None
    return [{"name": k, "value": str(v)} for k, v in em.items() if k.lower() != "bcc"]


def render(m: StoredMessage, ids: IdBook, *, immutable: bool, text_body: bool = False,
           select: tuple[str, ...] | None = None, label_names: dict[str, str] | None = None,
           overlay: dict | None = None) -> dict:
    """The message resource, only the selected properties (plus id and @odata.etag) when $select is given."""
    em = m.parsed()
    wanted = select or DEFAULT_PROPERTIES
    sender = people(em["From"])
    sender_json = recipient(sender[0].name, sender[0].email) if sender else None
    values = {
        "createdDateTime": lambda: iso(m.date), "lastModifiedDateTime": lambda: iso(m.date),
        "changeKey": lambda: etag(m)[3:-1], "receivedDateTime": lambda: iso(m.date),
        "sentDateTime": lambda: None if m.is_draft else iso(date_of(em)),
        "categories": lambda: sorted(label_names[lid] for lid in m.labels if lid in (label_names or {})),
        "hasAttachments": lambda: False, "internetMessageId": lambda: m.internet_message_id,
        "subject": lambda: str(em["Subject"] or ""), "bodyPreview": lambda: m.snippet,
        "importance": lambda: "normal", "parentFolderId": lambda: folder_id(folder_of(m)),
        "conversationId": lambda: conversation_id(m.thread_id), "isDeliveryReceiptRequested": lambda: False,
        "isReadReceiptRequested": lambda: False, "isRead": lambda: UNREAD not in m.labels,
        "isDraft": lambda: m.is_draft, "inferenceClassification": lambda: "focused",
        "webLink": lambda: f"https://outlook.office365.com/owa/?ItemID={m.id}&exvsurl=1&viewmodel=ReadMessageItem",
        "body": lambda: body_of(em, text_body), "uniqueBody": lambda: body_of(em, text_body),
        "sender": lambda: sender_json, "from": lambda: sender_json,
        "flag": lambda: {"flagStatus": "notFlagged"},
        "internetMessageHeaders": lambda: internet_headers(m, em),
    }
    for field, header in RECIPIENT_FIELDS.items():
        values[field] = lambda header=header: recipients(em, header)
    out: dict = {"@odata.etag": etag(m), "id": ids.graph_id(m, immutable)}
    for name in wanted:
        if name == "id":
            continue
        if overlay and name in overlay:
            out[name] = overlay[name]
            continue
        value = values[name]()
        if name == "internetMessageHeaders" and value is None:
            continue  # absent altogether, as Graph leaves it on Sent Items copies
        out[name] = value
    return out
