"""Simulated people: how each one answers permission requests and intros, and when.

A delivered message is turned into stored reactions (`plan`); `tick` later turns due reactions into
real replies (`compose_reaction`). Rules, so the sandbox behaves like polite humans:
- only messages from a non-simulated user (an introducer's mailbox) are answered, never automatic ones;
- a thread where they are in To together with someone else is an intro thread: they reply all once
  (`on_intro`), after `intro_reply_delay`; any later message in it (the handoff) gets nothing more;
- a check-in after the handoff (the product's close-the-loop message, told by its X-Introducer-Key
  step) gets a short "we did talk" reply when they answer intros (`on_intro`), and a note after a
  "no" or a silence (decline_note, expiry_note) gets nothing: neither is a question about meeting;
- anything else is a permission request or a nudge: the first one in a thread is answered once per
  `on_permission_request` after `reply_delay`; a nudge gets the answer if none is on its way yet;
  they never answer in a thread they started themselves (the requester's own ask);
- while out of office (`ooo_until` in the future) every such message gets one automatic reply per
  thread at once, and the real answer comes after the return date (`after_ooo` for "ooo").
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time, timedelta, timezone
from email.message import EmailMessage
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ...domain.model import Person
from ..mime import people
from ..port import KEY_HEADER
from . import replies
from . import schema as t
from . import store
from .records import Reaction, StoredMessage, User

ON_PERMISSION_REQUEST = ("agree", "decline", "question", "ooo", "never", "bounce")
AFTER_OOO = ("agree", "decline", "question", "never")
ON_INTRO = ("reply", "never")
STYLES = ("gmail", "outlook", "mobile")


@dataclass(frozen=True)
class Behaviour:
    """How one simulated person acts. `style` is how their mail client quotes: gmail | outlook | mobile."""

    on_permission_request: str = "agree"
    ooo_until: date | None = None
    after_ooo: str = "agree"
    reply_delay: timedelta = timedelta(hours=2)
    on_intro: str = "reply"
    intro_reply_delay: timedelta = timedelta(hours=3)
    style: str = "gmail"
    signature: str = ""
    timezone: str = "UTC"  # where they live: their Date headers and quoted "On … wrote:" lines use it

    def __post_init__(self) -> None:
        for name, allowed in (("on_permission_request", ON_PERMISSION_REQUEST), ("after_ooo", AFTER_OOO),
                              ("on_intro", ON_INTRO), ("style", STYLES)):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of: {', '.join(allowed)}")
        if self.on_permission_request == "ooo" and self.ooo_until is None:
            raise ValueError("on_permission_request 'ooo' needs ooo_until")
        if self.reply_delay < timedelta(0) or self.intro_reply_delay < timedelta(0):
            raise ValueError("delays cannot be negative")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone {self.timezone!r} is not a known time zone") from None

    @property
    def bounces(self) -> bool:
        return self.on_permission_request == "bounce"

    def away(self, now: datetime) -> bool:
        return self.ooo_until is not None and now.date() < self.ooo_until

    def answer(self) -> str:
        return self.after_ooo if self.on_permission_request == "ooo" else self.on_permission_request

    def due(self, now: datetime, delay: timedelta) -> datetime:
        """When an answer goes out: after the delay, and not before they are back (9:00 UTC that day)."""
        if self.away(now):
            return max(now, datetime.combine(self.ooo_until, time(9), timezone.utc)) + delay
        return now + delay

    def to_dict(self) -> dict:
        data = asdict(self)
        data["ooo_until"] = self.ooo_until.isoformat() if self.ooo_until else None
        data["reply_delay"] = self.reply_delay.total_seconds()
        data["intro_reply_delay"] = self.intro_reply_delay.total_seconds()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Behaviour":
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        if data.get("ooo_until"):
            data["ooo_until"] = date.fromisoformat(data["ooo_until"])
        for name in ("reply_delay", "intro_reply_delay"):
            if name in data:
                data[name] = timedelta(seconds=data[name])
        return cls(**data)


def is_automatic(em: EmailMessage) -> bool:
    """Auto-replies, bounces and bulk mail: never answered, so two robots cannot talk forever."""
    auto = str(em["Auto-Submitted"] or "no").strip().lower()
    precedence = str(em["Precedence"] or "").strip().lower()
    sender = people(em["From"])
    local = sender[0].email.split("@")[0].lower() if sender else ""
    return (auto != "no" or em["X-Autoreply"] is not None or precedence in ("bulk", "junk", "list", "auto_reply")
            or local in ("mailer-daemon", "postmaster") or em.get_content_type() == "multipart/report")


NOTES = frozenset({"decline_note", "expiry_note"})  # news for the requester, nothing to answer


def product_step(em: EmailMessage) -> str:
    """The step of a message Introducer wrote ("close_loop"), from its key "intro-7:close_loop:requester"."""
    parts = str(em[KEY_HEADER] or "").split(":")
    return parts[1] if len(parts) >= 3 else ""


def _sender(m: StoredMessage) -> str:
    found = people(m.sender)
    return found[0].email.lower() if found else ""


def _is_intro_thread(thread: list[StoredMessage], me: str) -> bool:
    for m in thread:
        to = [p.email.lower() for p in people(m.parsed()["To"])]
        if me in to and any(a not in (me, _sender(m)) for a in to):
            return True
    return False


def _schedule(conn: Connection, me: str, msg: StoredMessage, kind: str, answer: str | None, due: datetime) -> None:
    conn.execute(sqlite_insert(t.reactions).values(
        person=me, thread_id=msg.thread_id, kind=kind, answer=answer, trigger_id=msg.id,
        due_ms=store.to_ms(due)).on_conflict_do_nothing(index_elements=["person", "thread_id", "kind"]))


def plan(conn: Connection, now: datetime, me: User, msg: StoredMessage, sender: User | None) -> None:
    """Decide what a simulated person will do about a message just delivered to them."""
    b = me.behaviour or Behaviour()
    if sender is None or sender.is_simulated or sender.email == me.email or is_automatic(msg.parsed()):
        return
    thread = store.load(conn, t.messages.c.mailbox == me.email, t.messages.c.thread_id == msg.thread_id)
    if b.away(now):
        _schedule(conn, me.email, msg, "auto_reply", None, now)
    if _is_intro_thread(thread, me.email):
        if b.on_intro == "reply":
            _schedule(conn, me.email, msg, "intro", "reply", b.due(now, b.intro_reply_delay))
        return
    if thread and _sender(thread[0]) == me.email:
        return
    step = product_step(msg.parsed())
    if step == "close_loop":
        if b.on_intro == "reply":
            _schedule(conn, me.email, msg, "checkin", None, b.due(now, b.intro_reply_delay))
        return
    if step in NOTES:
        return
    if b.answer() in ("agree", "decline", "question"):
        _schedule(conn, me.email, msg, "answer", b.answer(), b.due(now, b.reply_delay))


def reaction_of(row) -> Reaction:
    return Reaction(id=row.pk, person=row.person, thread_id=row.thread_id, kind=row.kind, answer=row.answer,
                    trigger_id=row.trigger_id, due=store.from_ms(row.due_ms), done=store.from_ms(row.done_ms))


def due_reactions(conn: Connection, now: datetime) -> list[Reaction]:
    rows = conn.execute(select(t.reactions).where(t.reactions.c.done_ms.is_(None),
                                                  t.reactions.c.due_ms <= store.to_ms(now))
                        .order_by(t.reactions.c.due_ms, t.reactions.c.pk))
    return [reaction_of(r) for r in rows]


def _unique(found: list[Person], me: str, seen: set[str]) -> list[Person]:
    out = []
    for p in found:
        if p.email.lower() not in seen and p.email.lower() != me:
            seen.add(p.email.lower())
            out.append(p)
    return out


def _reply_to(em: EmailMessage) -> list[Person]:
    return list(people(em["Reply-To"]) or people(em["From"]))


def compose_reaction(conn: Connection, now: datetime, me: User, r: Reaction) -> bytes | None:
    """The message a due reaction sends, or None when there is nothing sensible to send any more."""
    b = me.behaviour or Behaviour()
    thread = store.load(conn, t.messages.c.mailbox == me.email, t.messages.c.thread_id == r.thread_id)
    trigger = next((m for m in thread if m.id == r.trigger_id), None)
    if trigger is None:
        return None
    # People reply to the newest message they got, which after a nudge or a handoff is not the first.
    theirs = [m for m in thread if _sender(m) != me.email and not is_automatic(m.parsed())]
    latest = (theirs[-1] if theirs else trigger).parsed()
    if r.kind == "auto_reply":
        if b.ooo_until is None:
            return None
        em = trigger.parsed()
        return replies.compose(me.person, _reply_to(em), f"Automatic reply: {em['Subject']}",
                               replies.out_of_office(b.ooo_until), now, replying_to=em,
                               extra_headers=replies.AUTO_REPLY_HEADERS)
    subject = replies.re_subject(str(latest["Subject"] or ""))
    zone = ZoneInfo(b.timezone)
    if r.kind in ("answer", "checkin"):
        sentence = replies.CHECK_IN if r.kind == "checkin" else replies.ANSWERS[r.answer]
        text = replies.reply_body(sentence, latest, style=b.style, signature=b.signature, tz=zone)
        return replies.compose(me.person, _reply_to(latest), subject, text, now.astimezone(zone), replying_to=latest)
    # Reply all: whoever the newest message says to answer (Reply-To after a handoff) plus the others.
    seen: set[str] = set()
    to = _unique(_reply_to(latest) + list(people(latest["To"])), me.email, seen)
    cc = _unique(list(people(latest["Cc"])), me.email, seen)
    if not to:
        to, cc = cc, []
    if not to:
        return None
    text = replies.reply_body(replies.intro_sentence(me.person, trigger.parsed()), latest,
                              style=b.style, signature=b.signature, tz=zone)
    return replies.compose(me.person, to, subject, text, now.astimezone(zone), cc=cc, replying_to=latest)
