"""Classify a party's opt-in reply: the one path the service and `introducer classify-reply` share.

`classify_message` reads a reply as the service receives it (a `ThreadMessage` from any mailbox);
`classify_item` reads the same fields from a JSON object (`introducer classify-reply --jsonl`). Both
build a `Reply` and call `classify`, so the command line decides exactly what ingestion decides: the
sender and subject come from the headers when not given, an HTML body is turned into text the way
the mailbox adapters do it, then quoted history and signatures are stripped and the new text is read.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr

from .domain.classify import Classification, classify_text
from .domain.model import Verdict
from .mail.mime import html_to_text
from .mail.port import ThreadMessage
from .mail.reply_text import strip_reply

_MAX_CHARS = 8000  # an automatic notice sits near the top; the rest is history or attachments
# A body that is markup, not prose: some clients (and pasted samples) put HTML in the text part.
_HTML = re.compile(r"^\s*(?:<!doctype html|<html\b|<head\b|<body\b|<div\b|<p\b|<table\b|<meta\b|<span\b|<br\b|<style\b|<!--)", re.I)


@dataclass(frozen=True)
class Reply:
    """What the classifier reads from one received message."""

    text: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    subject: str = ""
    sender: str = ""
    received_at: datetime | None = None
    html: str | None = None


def classify_message(message: ThreadMessage) -> Classification:
    """Classify a reply as read back from the mailbox (what ingestion calls)."""
    return classify(Reply(message.text, dict(message.headers or {}), message.subject, message.sender.email,
                          message.date))


def classify_item(item: Mapping) -> Classification:
    """Classify a JSON object {"text" | "html", "headers"?, "subject"?, "sender"?, "received_at"?}.

    Raises ValueError or TypeError on a malformed item (no body, a date that is not ISO 8601).
    """
    if not isinstance(item, Mapping):
        raise TypeError("each line must be a JSON object")
    text, html = item.get("text"), item.get("html")
    if not isinstance(text, str) and not isinstance(html, str):
        raise ValueError('needs a "text" or an "html" string')
    headers = {} if item.get("headers") is None else item["headers"]
    if not isinstance(headers, Mapping):
        raise TypeError('"headers" must be an object')
    received = item.get("received_at")
    return classify(Reply(
        text=text if isinstance(text, str) else "",
        headers={str(k).lower(): "" if v is None else str(v) for k, v in headers.items()},
        subject=str(item.get("subject") or ""),
        sender=str(item.get("sender") or ""),
        received_at=datetime.fromisoformat(received) if received else None,
        html=html if isinstance(html, str) else None,
    ))


def classify(reply: Reply) -> Classification:
    """Classify one received reply (see the module docstring for what is read and how)."""
    headers = reply.headers
    sender = reply.sender or parseaddr(headers.get("from", ""))[1]
    subject = reply.subject or headers.get("subject", "")
    return classify_reply(body_text(reply.text, reply.html), headers, subject, sender, reply.received_at)


def body_text(text: str | None, html: str | None = None) -> str:
    """The plain text a person reads: the text part, else the HTML part converted, as the adapters do."""
    text = text if isinstance(text, str) else ""
    if text.strip() and not _HTML.match(text):
        return text
    if _HTML.match(text):
        return html_to_text(text)
    return html_to_text(html) if isinstance(html, str) else text


def classify_reply(
    text: str,
    headers: dict | None = None,
    subject: str = "",
    sender: str = "",
    received_at: datetime | None = None,
) -> Classification:
    """Classify the plain-text body of a party's reply to a permission request.

    The new text decides. Only when nothing new was written is the whole body read again, for an
    automatic notice that stripping removed (some responders put it under a header block or quote
    it). The quoted history is never searched for a yes or a no, and a person's own words are never
    overruled by an absence, or a date, that someone else mentioned further down the thread.
    """
    raw = text if isinstance(text, str) else ""
    new_text = strip_reply(raw)
    result = classify_text(new_text, headers, subject, sender, received_at)
    if new_text.strip() or (result.verdict is Verdict.AUTO_REPLY and result.return_date is not None):
        return result
    unquoted = "\n".join(line.lstrip("> ") for line in raw[:_MAX_CHARS].splitlines())
    whole = classify_text(unquoted, headers, subject, sender, received_at)
    if whole.verdict is not Verdict.AUTO_REPLY:
        return result
    reason = result.reason if result.verdict is Verdict.AUTO_REPLY else f"{whole.reason} (below a quote header)"
    return Classification(Verdict.AUTO_REPLY, reason, whole.return_date, bounce=result.bounce or whole.bounce)
