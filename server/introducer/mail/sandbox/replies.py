"""How simulated people write: real replies with quoted history, signatures and mobile footers,
out-of-office auto-replies, and plain messages (the seeded ask). This is sandbox content, not the
product's wording, so it lives here rather than in the product's templates.
"""
from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

from ...domain.model import Person
from ..mime import message_ids, people, text_of
from .delivery import new_message_id

ANSWERS = {
    "agree": "Yes, happy to — thanks for thinking of me!",
    "decline": "Thanks, but I'll have to pass for now. I hope you understand.",
    "question": "Sure — what's the company about? And what would they like from me?",
}
CHECK_IN = "We did — we had a good call last week and are meeting again soon. Thanks again for connecting us!"


def _address(p: Person) -> Address:
    local, domain = p.email.rsplit("@", 1)
    return Address(display_name=p.name, username=local, domain=domain)


def compose(sender: Person, to: list[Person], subject: str, text: str, when: datetime, *,
            cc: list[Person] = (), replying_to: EmailMessage | None = None,
            extra_headers: tuple[tuple[str, str], ...] = (), message_id: str | None = None) -> bytes:
    """A message as a person's mail client would write it."""
    em = EmailMessage()
    em["From"] = _address(sender)
    em["To"] = [_address(p) for p in to]
    if cc:
        em["Cc"] = [_address(p) for p in cc]
    em["Subject"] = subject
    em["Date"] = format_datetime(when)
    em["Message-ID"] = message_id or new_message_id(sender.email.rsplit("@", 1)[1])
    if replying_to is not None:
        parent = str(replying_to["Message-ID"] or "").strip()
        refs = list(message_ids(replying_to["References"])) or list(message_ids(replying_to["In-Reply-To"]))
        if parent:
            em["In-Reply-To"] = parent
            if parent not in refs:
                refs.append(parent)
        if refs:
            em["References"] = " ".join(refs)
    for name, value in extra_headers:
        em[name] = value
    em.set_content(text)
    return em.as_bytes()


def re_subject(subject: str) -> str:
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def _clock(d: datetime) -> str:
    return f"{d.hour % 12 or 12}:{d:%M} {'AM' if d.hour < 12 else 'PM'}"


def _who(em: EmailMessage) -> str:
    found = people(em["From"])
    if not found:
        return "someone"
    p = found[0]
    return f"{p.name} <{p.email}>" if p.name else f"<{p.email}>"


def quoted(em: EmailMessage, style: str, tz: tzinfo = timezone.utc) -> str:
    """The quoted history a mail client appends under a reply, its time in the replier's zone `tz`."""
    sent = _sent_at(em).astimezone(tz)
    original = text_of(em).rstrip()
    if style == "outlook":
        # Outlook does not quote with ">": it puts a header block above the original text.
        to = ", ".join(f"{p.name} <{p.email}>" if p.name else p.email for p in people(em["To"]))
        return (f"________________________________\nFrom: {_who(em)}\n"
                f"Sent: {sent:%A}, {sent:%B} {sent.day}, {sent.year} {_clock(sent)}\n"
                f"To: {to}\nSubject: {em['Subject']}\n\n{original}\n")
    lines = "\n".join(f"> {line}" if line else ">" for line in original.splitlines())
    if style == "mobile":
        head = f"On {sent:%b} {sent.day}, {sent.year}, at {_clock(sent)}, {_who(em)} wrote:"
    else:
        head = f"On {sent:%a}, {sent:%b} {sent.day}, {sent.year} at {_clock(sent)} {_who(em)} wrote:"
    return f"{head}\n\n{lines}\n"


def _sent_at(em: EmailMessage) -> datetime:
    try:
        return em["Date"].datetime
    except (AttributeError, TypeError, ValueError):
        return datetime.now().astimezone()


def reply_body(sentence: str, em: EmailMessage, *, style: str, signature: str, tz: tzinfo = timezone.utc) -> str:
    parts = [sentence]
    if signature:
        parts.append(f"-- \n{signature}")
    if style == "mobile":
        parts.append("Sent from my iPhone")
    return "\n\n".join(parts) + "\n\n" + quoted(em, style, tz)


def intro_sentence(me: Person, intro: EmailMessage) -> str:
    introducer = people(intro["From"])
    others = [p for p in people(intro["To"]) if p.email.lower() != me.email.lower()]
    thanks = f"Thanks for the intro, {introducer[0].first_name}!" if introducer else "Thanks for the intro!"
    if not others:
        return f"{thanks} Happy to connect."
    names = " and ".join(p.first_name for p in others)
    return f"{thanks} {names}, great to meet you — happy to find a time to talk. Does next week work?"


def out_of_office(until: date) -> str:
    return (f"I'm out of the office until {until:%A}, {until:%B} {until.day}, {until.year} with limited access "
            f"to email. I'll reply when I'm back.\n")


AUTO_REPLY_HEADERS = (("Auto-Submitted", "auto-replied"), ("X-Autoreply", "yes"),
                      ("X-Auto-Response-Suppress", "All"))
