"""Build and read RFC 5322 messages with the standard library, never by string concatenation."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from ..domain.address import InvalidAddress, check_email, check_name
from ..domain.model import Person
from .port import KEY_HEADER, OutgoingMessage

_MSGID = re.compile(r"<[^<>\s]+>")


def message_id_for(key: str, domain: str) -> str:
    """Deterministic Message-ID for an outbound key, so a resend after a crash is recognisable."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"<introducer.{digest}@{domain}>"


def _address(p: Person) -> Address:
    email = check_email(p.email)
    local, domain = email.rsplit("@", 1)
    return Address(display_name=check_name(p.name), username=local, domain=domain)


def build_message(msg: OutgoingMessage, sender: Person, *, date: datetime | None = None,
                  message_id: str | None = None) -> EmailMessage:
    """The message as it would be created: plain text and, when given, an HTML alternative."""
    if any(ch in msg.subject for ch in "\r\n"):
        raise InvalidAddress("subject contains a line break")
    em = EmailMessage(policy=policy.SMTP)
    em["From"] = _address(sender)
    em["To"] = [_address(p) for p in msg.to]
    if msg.cc:
        em["Cc"] = [_address(p) for p in msg.cc]
    if msg.bcc:
        em["Bcc"] = [_address(p) for p in msg.bcc]
    if msg.reply_to_addresses:
        em["Reply-To"] = [_address(p) for p in msg.reply_to_addresses]
    em["Subject"] = msg.subject
    em["Date"] = format_datetime(date or datetime.now(timezone.utc))
    em["Message-ID"] = message_id or message_id_for(msg.key, sender.email.rsplit("@", 1)[1])
    if msg.reply_to is not None:
        em["In-Reply-To"] = msg.reply_to.internet_message_id
        refs = list(msg.reply_to.references)
        if msg.reply_to.internet_message_id not in refs:
            refs.append(msg.reply_to.internet_message_id)
        em["References"] = " ".join(refs)
    em[KEY_HEADER] = msg.key
    for name, value in msg.extra_headers:
        if any(ch in name + value for ch in "\r\n"):
            raise InvalidAddress(f"header {name} contains a line break")
        em[name] = value
    em.set_content(msg.text)
    if msg.html:
        em.add_alternative(msg.html, subtype="html")
    return em


def parse(raw: bytes) -> EmailMessage:
    return BytesParser(policy=policy.default).parsebytes(raw)


def people(value: str | None) -> tuple[Person, ...]:
    if not value:
        return ()
    return tuple(Person(name=n, email=a) for n, a in getaddresses([str(value)]) if a)


def message_ids(value: str | None) -> tuple[str, ...]:
    return tuple(_MSGID.findall(str(value or "")))


def date_of(em: EmailMessage) -> datetime:
    try:
        d = parsedate_to_datetime(str(em["Date"]))
    except (TypeError, ValueError):
        return datetime.now(timezone.utc)
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "p", "div", "li", "tr", "blockquote"):
            self.parts.append("\n")

    def handle_data(self, data):
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
