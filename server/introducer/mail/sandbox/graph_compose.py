"""Drafts written through the Graph face: a Graph message body turned into RFC 5322 bytes and back.

A draft is kept in the world as raw bytes. Creating and PATCHing read the Graph JSON into `DraftFields`
(what a draft holds), check it as Graph does (GD user-post-messages.md, message-update.md), and
write it out again with the standard library.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from ...domain.model import Person
from ..mime import html_to_text, parse, people
from .graph_http import GraphFault, bad_request
from .graph_ids import NETWORK_ID_HEADER

_ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_MESSAGE_ID = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # RFC 5322 field name: printable, no colon
# Properties a draft may be created with; GD message-update.md lists which stay writable later.
WRITABLE = frozenset({"subject", "body", "toRecipients", "ccRecipients", "bccRecipients", "replyTo",
                      "internetMessageId", "internetMessageHeaders", "categories", "from", "sender"})
DRAFT_ONLY = frozenset({"subject", "body", "replyTo", "internetMessageId"})
READ_ONLY = frozenset({"id", "conversationId", "isDraft", "createdDateTime", "lastModifiedDateTime", "changeKey",
                       "receivedDateTime", "sentDateTime", "parentFolderId", "webLink", "bodyPreview",
                       "hasAttachments", "@odata.etag", "@odata.type"})


@dataclass(frozen=True)
class DraftFields:
    sender: Person
    to: tuple[Person, ...] = ()
    cc: tuple[Person, ...] = ()
    bcc: tuple[Person, ...] = ()
    reply_to: tuple[Person, ...] = ()
    subject: str = ""
    body_type: str = "text"  # text | html
    body: str = ""
    message_id: str = ""
    network_id: str = ""
    in_reply_to: str | None = None
    references: str | None = None
    headers: tuple[tuple[str, str], ...] = field(default=())  # custom x- headers, as created


def read_raw(raw: bytes) -> DraftFields:
    em = parse(raw)
    sender = people(em["From"])
    html_part = em.get_body(preferencelist=("html",))
    text_part = em.get_body(preferencelist=("plain",))
    if html_part is not None:
        body_type, body = "html", html_part.get_content()
    else:
        body_type, body = "text", text_part.get_content().replace("\r\n", "\n") if text_part is not None else ""
    custom = tuple((k, str(v)) for k, v in em.items()
                   if k.lower().startswith("x-") and k.lower() != NETWORK_ID_HEADER.lower())
    return DraftFields(
        sender=sender[0] if sender else Person("", ""), to=people(em["To"]), cc=people(em["Cc"]),
        bcc=people(em["Bcc"]), reply_to=people(em["Reply-To"]), subject=str(em["Subject"] or ""),
        body_type=body_type, body=body, message_id=str(em["Message-ID"] or "").strip(),
        network_id=str(em[NETWORK_ID_HEADER] or "").strip(),
        in_reply_to=str(em["In-Reply-To"]).strip() if em["In-Reply-To"] else None,
        references=str(em["References"]).strip() if em["References"] else None, headers=custom)


def _address(p: Person) -> Address:
    local, domain = p.email.rsplit("@", 1)
    return Address(display_name=p.name if p.name != p.email else "", username=local, domain=domain)


def write_raw(d: DraftFields, date: datetime) -> bytes:
    em = EmailMessage(policy=policy.SMTP)
    em["From"] = _address(d.sender)
    for header, who in (("To", d.to), ("Cc", d.cc), ("Bcc", d.bcc), ("Reply-To", d.reply_to)):
        if who:
            em[header] = [_address(p) for p in who]
    em["Subject"] = d.subject
    em["Date"] = format_datetime(date)
    em["Message-ID"] = d.message_id
    if d.in_reply_to:
        em["In-Reply-To"] = d.in_reply_to
    if d.references:
        em["References"] = d.references
    em[NETWORK_ID_HEADER] = d.network_id
    for name, value in d.headers:
        em[name] = value
    if d.body_type == "html":
        # Outlook sends HTML mail with a plain-text alternative; recipients' clients read either.
        em.set_content(html_to_text(d.body) or " ")
        em.add_alternative(d.body, subtype="html")
    else:
        em.set_content(d.body)
    return em.as_bytes()


def _people(value, prop: str) -> tuple[Person, ...]:
    if not isinstance(value, list):
        raise bad_request(f"Property '{prop}' must be a collection of recipients.", "RequestBodyRead")
    out = []
    for item in value:
        address = ((item or {}).get("emailAddress") or {}) if isinstance(item, dict) else {}
        email = str(address.get("address") or "").strip()
        if not _ADDRESS.match(email) or any(ch in email for ch in "\r\n"):
            raise GraphFault(400, "ErrorInvalidRecipients", f"At least one recipient is not valid., "
                                                            f"Recipient '{email}' is not resolved.")
        name = str(address.get("name") or "")
        if any(ch in name for ch in "\r\n"):
            raise bad_request("A recipient name contains a line break.", "ErrorInvalidRecipients")
        out.append(Person(name=name, email=email))
    return tuple(out)


def custom_headers(value) -> tuple[tuple[str, str], ...]:
    """internetMessageHeaders as given at creation; every name must start with x- (python-o365 PR #871)."""
    if not isinstance(value, list):
        raise bad_request("Property 'internetMessageHeaders' must be a collection.", "RequestBodyRead")
    out = []
    for item in value:
        name, val = str((item or {}).get("name") or ""), str((item or {}).get("value") or "")
        if not name.lower().startswith("x-"):
            raise bad_request(f"The internet message header name '{name}' should start with 'x-' or 'X-'.",
                              "InvalidInternetMessageHeader")
        if not _HEADER_NAME.match(name) or any(ch in val for ch in "\r\n"):
            raise bad_request(f"The internet message header '{name}' is not valid.", "InvalidInternetMessageHeader")
        out.append((name, val))
    return tuple(out)


def apply(d: DraftFields, body: dict, *, creating: bool, is_draft: bool = True) -> DraftFields:
    """The draft after a create or PATCH body; GraphFault for what Graph refuses."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.", "RequestBodyRead")
    changes: dict = {}
    for prop, value in body.items():
        if prop in READ_ONLY or prop.startswith("@odata."):
            if creating:
                continue  # Graph ignores server-set properties in a create body
            raise bad_request(f"The property '{prop}' is read-only and cannot be set.", "ErrorInvalidPropertySet")
        if prop not in WRITABLE:
            raise GraphFault(501, "NotImplemented", f"The sandbox does not implement setting '{prop}'.")
        if prop in DRAFT_ONLY and not is_draft:
            raise bad_request("Update operation is invalid for property of a sent message.",
                              "ErrorInvalidPropertyUpdateSentMessage")
        if prop == "internetMessageHeaders":
            if not creating:
                raise bad_request("The property 'internetMessageHeaders' can only be set when the message is "
                                  "created or sent.", "ErrorInvalidPropertySet")
            changes["headers"] = custom_headers(value)
        elif prop in ("from", "sender"):
            address = str(((value or {}).get("emailAddress") or {}).get("address") or "")
            if address.lower() != d.sender.email.lower():
                raise GraphFault(403, "ErrorSendAsDenied", "The user account which was used to submit this "
                                 "request does not have the right to send mail on behalf of the specified "
                                 "sending account.")
        elif prop == "subject":
            subject = str(value or "")
            if any(ch in subject for ch in "\r\n"):
                raise bad_request("The subject contains a line break.", "ErrorInvalidPropertyRequest")
            changes["subject"] = subject
        elif prop == "body":
            kind = str((value or {}).get("contentType") or "text").lower()
            if kind not in ("text", "html"):
                raise bad_request(f"Cannot convert the literal '{kind}' to the expected type "
                                  "'microsoft.graph.bodyType'.", "RequestBodyRead")
            changes["body_type"], changes["body"] = kind, str((value or {}).get("content") or "")
        elif prop == "internetMessageId":
            if not _MESSAGE_ID.match(str(value or "")):
                raise bad_request("The internetMessageId must look like <local@domain>.", "ErrorInvalidPropertyRequest")
            changes["message_id"] = str(value)
        elif prop != "categories":  # categories are labels, applied by the caller
            changes[{"toRecipients": "to", "ccRecipients": "cc", "bccRecipients": "bcc",
                     "replyTo": "reply_to"}[prop]] = _people(value, prop)
    return replace(d, **changes)
