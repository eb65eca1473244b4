"""What a mail server does to a message in transit: envelope recipients, Bcc removal, missing
headers filled in, and delivery status notifications (bounces) for addresses that do not exist.

Raw bytes are edited line by line rather than re-serialised, so every other byte arrives unchanged.
"""
from __future__ import annotations

import re
import secrets
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import format_datetime, getaddresses

from ...domain.sender_auth import aligned
from ..mime import parse

_HEADER_END = re.compile(rb"\r?\n\r?\n")


def _split(raw: bytes) -> tuple[list[bytes], bytes]:
    """Header lines (with their line endings) and the rest of the message."""
    m = _HEADER_END.search(raw)
    if m is None:
        head, rest = raw, b""
    else:
        head, rest = raw[:m.start()], raw[m.start():]
    return head.splitlines(keepends=True), rest


def _eol(lines: list[bytes]) -> bytes:
    return b"\r\n" if lines and lines[0].endswith(b"\r\n") else b"\n"


def without_header(raw: bytes, name: str) -> bytes:
    """The message with every occurrence of a header (and its folded continuation lines) removed."""
    lines, rest = _split(raw)
    prefix = name.lower().encode() + b":"
    kept: list[bytes] = []
    dropping = False
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            if not dropping:
                kept.append(line)
            continue
        dropping = line.lower().startswith(prefix)
        if not dropping:
            kept.append(line)
    if kept:
        # The last header line's ending belongs to the separator in `rest`.
        kept[-1] = kept[-1].rstrip(b"\r\n")
    return b"".join(kept) + rest


def with_header(raw: bytes, name: str, value: str, *, replace: bool = False) -> bytes:
    """Prepend a header when it is missing (or always, replacing it, with replace=True)."""
    if any(ch in value for ch in "\r\n"):
        raise ValueError(f"{name} value contains a line break")
    if replace:
        raw = without_header(raw, name)
    elif parse(raw)[name] is not None:
        return raw
    lines, _ = _split(raw)
    return f"{name}: {value}".encode() + _eol(lines) + raw


def prepend_header(raw: bytes, name: str, value: str) -> bytes:
    """Add a header above every other one, as a receiving server stamps its own trace headers."""
    if any(ch in value for ch in "\r\n"):
        raise ValueError(f"{name} value contains a line break")
    lines, _ = _split(raw)
    return f"{name}: {value}".encode() + _eol(lines) + raw


def authentication_results(mta_domain: str, from_address: str, envelope_sender: str | None) -> str:
    """The receiving server's Authentication-Results, shaped like Gmail's.

    `envelope_sender` is the world mailbox that really sent the message (its own mail is signed for its
    domain and sent from its servers: DKIM and SPF pass for that domain); None for mail from outside the
    world that failed every check. DMARC passes only when the From domain is aligned with those."""
    from_domain = domain_of(from_address) if "@" in from_address else "unknown.invalid"
    if envelope_sender is None:
        return (f"mx.{mta_domain}; dkim=none (message not signed) header.from={from_domain}; "
                f"spf=softfail (mx.{mta_domain}: domain of transitioning {from_address} does not designate "
                f"the sending host as permitted sender) smtp.mailfrom={from_address}; "
                f"dmarc=fail (p=REJECT sp=REJECT dis=NONE) header.from={from_domain}")
    real = domain_of(envelope_sender)
    dmarc = "pass" if aligned(real, from_domain) else "fail"
    return (f"mx.{mta_domain}; dkim=pass header.i=@{real} header.s=sandbox header.b=sandbox; "
            f"spf=pass (mx.{mta_domain}: domain of {envelope_sender} designates the sandbox as permitted "
            f"sender) smtp.mailfrom={envelope_sender}; dmarc={dmarc} (p=NONE sp=NONE dis=NONE) "
            f"header.from={from_domain}")


def addresses(em: Message, *names: str) -> list[str]:
    """Lower-cased unique addresses from the named headers, in order."""
    out: list[str] = []
    for name in names:
        # raw values: the header registry raises on a display name whose encoded word hides a line break
        raw = [str(v) for k, v in em.raw_items() if k.lower() == name.lower()]
        for _, addr in getaddresses(raw):
            addr = addr.strip().lower()
            if addr and "@" in addr and addr not in out:
                out.append(addr)
    return out


def domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].lower()


def new_message_id(domain: str) -> str:
    return f"<{secrets.token_hex(12)}@{domain}>"


def bounce(original: EmailMessage, failed: list[str], *, sender: str, mta_domain: str, date: datetime) -> bytes:
    """A delivery status notification (RFC 3464) telling the sender the addresses do not exist.

    It names the original in In-Reply-To/References; the world files it in the original's thread,
    which is where Gmail shows bounces too."""
    report = EmailMessage()
    report["From"] = f"Mail Delivery Subsystem <mailer-daemon@{mta_domain}>"
    report["To"] = sender
    report["Subject"] = "Delivery Status Notification (Failure)"
    report["Date"] = format_datetime(date)
    report["Message-ID"] = new_message_id(mta_domain)
    report["Auto-Submitted"] = "auto-replied"
    original_id = str(original["Message-ID"] or "").strip()
    if original_id:
        report["In-Reply-To"] = original_id
        report["References"] = original_id
    who = ", ".join(failed)
    report.set_content(
        f"Address not found\n\nYour message wasn't delivered to {who} because the address couldn't be "
        f"found, or is unable to receive mail.\n\nThe response was:\n\n550 5.1.1 The email account that "
        f"you tried to reach does not exist.\n")
    report.make_mixed()
    report.set_type("multipart/report")
    report.set_param("report-type", "delivery-status")

    status = Message()
    status.set_type("message/delivery-status")
    per_message = Message()
    per_message["Reporting-MTA"] = f"dns; {mta_domain}"
    per_message["Arrival-Date"] = format_datetime(date)
    blocks = [per_message]
    for addr in failed:
        block = Message()
        block["Final-Recipient"] = f"rfc822; {addr}"
        block["Action"] = "failed"
        block["Status"] = "5.1.1"
        block["Diagnostic-Code"] = "smtp; 550 5.1.1 The email account that you tried to reach does not exist."
        blocks.append(block)
    status.set_payload(blocks)
    report.attach(status)

    headers = Message()
    headers.set_type("text/rfc822-headers")
    headers.set_payload("".join(f"{k}: {v}\n" for k, v in original.items() if k.lower() != "bcc"))
    report.attach(headers)
    return report.as_bytes()
