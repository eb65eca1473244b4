"""Build and read RFC 5322 messages with the standard library, never by string concatenation."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from ..domain.address import InvalidAddress, readable_name
from ..domain.model import Person
from . import headers
from .port import KEY_HEADER, OutgoingMessage

_MSGID = re.compile(r"<[^<>\s]+>")


def message_id_for(key: str, domain: str) -> str:
    """Deterministic Message-ID for an outbound key, so a resend after a crash is recognisable."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<introducer.{digest}@{domain}>"


def build_message(msg: OutgoingMessage, sender: Person, *, date: datetime | None = None,
                  message_id: str | None = None) -> EmailMessage:
    """The message as it would be created: plain text and, when given, an HTML alternative.

    The header block is written by `mail/headers.py` (the same bytes on every Python version, no header
    smuggled through a name or a subject); the email package only builds the MIME body under it.
    """
    if any(ch in msg.subject for ch in "\r\n"):
        raise InvalidAddress("subject contains a line break")
    head = [headers.address_header("From", [sender]), headers.address_header("To", msg.to)]
    if msg.cc:
        head.append(headers.address_header("Cc", msg.cc))
    if msg.bcc:
        head.append(headers.address_header("Bcc", msg.bcc))
    if msg.reply_to_addresses:
        head.append(headers.address_header("Reply-To", msg.reply_to_addresses))
    head.append(headers.text_header("Subject", msg.subject))
    head.append(headers.raw_header("Date", format_datetime(date or datetime.now(timezone.utc))))
    head.append(headers.raw_header("Message-ID", message_id or message_id_for(msg.key, sender.email.rsplit("@", 1)[1])))
    if msg.reply_to is not None:
        head.append(headers.raw_header("In-Reply-To", msg.reply_to.internet_message_id))
        refs = list(msg.reply_to.references)
        if msg.reply_to.internet_message_id not in refs:
            refs.append(msg.reply_to.internet_message_id)
        head.append(headers.raw_header("References", " ".join(refs)))
    head.append(headers.raw_header(KEY_HEADER, msg.key))
    for name, value in msg.extra_headers:
        head.append(headers.raw_header(name, value))
    body = EmailMessage(policy=policy.SMTP)
    body.set_content(msg.text)
    if msg.html:
        body.add_alternative(msg.html, subtype="html")
    # parsed back with a policy that keeps lines under 78 characters as they are when written again
    return BytesParser(policy=policy.SMTP).parsebytes("".join(head).encode("ascii") + body.as_bytes())


class _Tolerant(policy.EmailPolicy):
    """policy.default, except that a header the registry cannot parse is handed back as its raw text
    instead of raising: a stranger's From whose encoded display name hides a line break must not stop
    a mailbox from being read (names are decoded and cleaned by `people`)."""

    def header_fetch_parse(self, name, value):
        try:
            return super().header_fetch_parse(name, value)
        except ValueError:
            return " ".join(str(value).split())


TOLERANT = _Tolerant()


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=TOLERANT).parsebytes(raw)


def people(value: str | None) -> tuple[Person, ...]:
    if not value:
        return ()
    # names read from a message (Gmail returns headers undecoded) are decoded and freed of control characters
    return tuple(Person(name=readable_name(n), email=a) for n, a in getaddresses([str(value)]) if a)


def message_ids(value: str | None) -> tuple[str, ...]:
    return tuple(_MSGID.findall(str(value or "")))


def date_of(em: EmailMessage) -> datetime:
    try:
        d = parsedate_to_datetime(str(em["Date"]))
    except (TypeError, ValueError):
        return datetime.now(timezone.utc)
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


class _TextOf(HTMLParser):
    _HIDDEN = ("style", "script", "head", "title")  # their text is never shown to the reader

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self._HIDDEN:
            self._hidden += 1
        if tag in ("br", "p", "div", "li", "tr", "blockquote"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self._HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    p = _TextOf()
    p.feed(html)
    return re.sub(r"\n{3,}", "\n\n", "".join(p.parts)).strip()


def text_of(em: EmailMessage) -> str:
    """The plain-text body; HTML converted when there is no text part."""
    part = em.get_body(preferencelist=("plain",))
    if part is not None:
        return part.get_content()
    part = em.get_body(preferencelist=("html",))
    return html_to_text(part.get_content()) if part is not None else ""


def headers_of(em: EmailMessage) -> dict[str, str]:
    return {k.lower(): str(v) for k, v in em.items()}


AUTH_RESULTS = "Authentication-Results"


def authentication_results(em: EmailMessage) -> tuple[str, ...]:
    """Every Authentication-Results header, in the message's order (topmost first)."""
    return tuple(str(v) for v in em.get_all(AUTH_RESULTS, []))
