"""Mailbox storage inside one transaction: messages, Gmail-like threading, labels and history.

Every function takes an open connection; the world holds the lock and the transaction around them.
"""
from __future__ import annotations

import json
import re
import secrets
from datetime import datetime, timezone

from sqlalchemy import and_, case, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from ..mime import message_ids, parse, text_of
from ..port import KEY_HEADER, NotFound
from . import schema as t
from .records import SYSTEM_LABELS, HistoryRecord, StaleCursor, StoredMessage, ThreadSummary

# Prefixes mail clients put before a subject they answer; Gmail threads on the subject without them.
# Auto-replies are included because Outlook's "Automatic reply: X" lands in X's thread.
_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|sv|wg|automatic reply|auto|out of office)\s*(?:\[\d+\])?\s*:\s*)+",
                     re.IGNORECASE)


def normal_subject(subject: str) -> str:
    return " ".join(_PREFIX.sub("", subject or "").split()).lower()


def new_id() -> str:
    """An opaque id shaped like Gmail's (16 hex digits)."""
    return secrets.token_hex(8)


def to_ms(d: datetime) -> int:
    return int(d.timestamp() * 1000)


def from_ms(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def snippet_of(text: str, length: int = 120) -> str:
    return " ".join(text.split())[:length]


def _labels_of(conn: Connection, mailbox: str, ids: list[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {i: set() for i in ids}
    if ids:
        rows = conn.execute(select(t.message_labels.c.message_id, t.message_labels.c.label_id).where(
            t.message_labels.c.mailbox == mailbox, t.message_labels.c.message_id.in_(ids)))
        for mid, lid in rows:
            out[mid].add(lid)
    return out


def load(conn: Connection, *where) -> list[StoredMessage]:
    """Messages matching the conditions, oldest first, with their labels."""
    rows = conn.execute(select(t.messages).where(*where).order_by(t.messages.c.internal_ms, t.messages.c.pk)).all()
    by_box: dict[str, list[str]] = {}
    for r in rows:
        by_box.setdefault(r.mailbox, []).append(r.id)
    labels = {box: _labels_of(conn, box, ids) for box, ids in by_box.items()}
    return [StoredMessage(
        mailbox=r.mailbox, id=r.id, thread_id=r.thread_id, internet_message_id=r.internet_message_id,
        subject=r.subject, sender=r.sender, snippet=r.snippet, date=from_ms(r.internal_ms),
        labels=frozenset(labels[r.mailbox][r.id]), raw=r.raw, history_id=r.history_id, draft_id=r.draft_id,
    ) for r in rows]


def one(conn: Connection, mailbox: str, message_id: str) -> StoredMessage:
    found = load(conn, t.messages.c.mailbox == mailbox, t.messages.c.id == message_id)
    if not found:
        raise NotFound(f"message {message_id} not found")
    return found[0]


def thread_exists(conn: Connection, mailbox: str, thread_id: str) -> bool:
    return conn.execute(select(t.messages.c.pk).where(
        t.messages.c.mailbox == mailbox, t.messages.c.thread_id == thread_id).limit(1)).first() is not None


def place(conn: Connection, mailbox: str, subject: str, refs: list[str], requested: str | None) -> str | None:
    """The thread a message joins, like Gmail: it must name a message of that thread in In-Reply-To or
    References and carry the same subject (prefixes aside). A requested thread id is honoured only
    when those hold too; otherwise the message starts a new thread."""
    if not refs:
        return None
    rows = conn.execute(select(t.messages.c.thread_id, t.messages.c.subject, t.messages.c.internet_message_id)
                        .where(t.messages.c.mailbox == mailbox, t.messages.c.internet_message_id.in_(refs))).all()
    wanted = normal_subject(subject)
    # The closest ancestor wins: In-Reply-To first, then References from the newest backwards.
    rank = {mid: i for i, mid in enumerate(refs)}
    for row in sorted(rows, key=lambda r: rank.get(r.internet_message_id, len(refs))):
        if normal_subject(row.subject) != wanted:
            continue
        if requested is None or row.thread_id == requested:
            return row.thread_id
    return None


def record(conn: Connection, mailbox: str, kind: str, message_id: str, thread_id: str,
           label_ids: tuple[str, ...] | list[str], retention: int) -> int:
    """Append a history record under the mailbox's next id, dropping the oldest beyond retention.

    The id is taken by one UPDATE .. RETURNING, not read and then written: several processes write the
    same world file (the web app and every worker), and each must get an id of its own."""
    users = t.users.c
    following = users.history_id + 1
    hid, floor = conn.execute(
        update(t.users).where(users.email == mailbox)
        .values(history_id=following,
                history_floor=case((following - retention > users.history_floor, following - retention),
                                   else_=users.history_floor))
        .returning(users.history_id, users.history_floor)).one()
    conn.execute(insert(t.history).values(mailbox=mailbox, id=hid, kind=kind, message_id=message_id,
                                          thread_id=thread_id, label_ids=json.dumps(sorted(label_ids))))
    if floor > 0 and floor == hid - retention:  # the floor moved with this record
        conn.execute(delete(t.history).where(t.history.c.mailbox == mailbox, t.history.c.id <= floor))
    return hid


def history(conn: Connection, mailbox: str, start: int) -> tuple[list[HistoryRecord], int]:
    user = conn.execute(select(t.users.c.history_id, t.users.c.history_floor)
                        .where(t.users.c.email == mailbox)).one()
    if start < user.history_floor or start > user.history_id:
        raise StaleCursor(f"history id {start} is outside {user.history_floor}..{user.history_id}")
    rows = conn.execute(select(t.history).where(t.history.c.mailbox == mailbox, t.history.c.id > start)
                        .order_by(t.history.c.id))
    records = [HistoryRecord(r.id, r.kind, r.message_id, r.thread_id, tuple(json.loads(r.label_ids))) for r in rows]
    return records, user.history_id


def latest_history(conn: Connection, mailbox: str) -> int:
    return conn.execute(select(t.users.c.history_id).where(t.users.c.email == mailbox)).scalar_one()


def label_id(conn: Connection, mailbox: str, name: str, *, create: bool) -> str | None:
    """The id of a label by name (system labels are their own ids); user labels made on first use."""
    if name.upper() in SYSTEM_LABELS:
        return name.upper()
    found = conn.execute(select(t.labels.c.id).where(t.labels.c.mailbox == mailbox, t.labels.c.name == name)).scalar()
    if found or not create:
        return found
    count = conn.execute(select(func.count()).select_from(t.labels).where(t.labels.c.mailbox == mailbox)).scalar_one()
    lid = f"Label_{count + 1}"
    while conn.execute(select(t.labels.c.id).where(t.labels.c.mailbox == mailbox, t.labels.c.id == lid)).scalar():
        count += 1  # a label was deleted: its number is taken by a later one
        lid = f"Label_{count + 1}"
    conn.execute(insert(t.labels).values(mailbox=mailbox, id=lid, name=name, type="user"))
    return lid


def delete_label(conn: Connection, mailbox: str, name: str) -> bool:
    """Remove a user label from the mailbox and from every message carrying it, as Gmail's settings do."""
    lid = label_id(conn, mailbox, name, create=False)
    if lid is None or lid == name.upper():
        return False
    conn.execute(delete(t.message_labels).where(t.message_labels.c.mailbox == mailbox, t.message_labels.c.label_id == lid))
    conn.execute(delete(t.labels).where(t.labels.c.mailbox == mailbox, t.labels.c.id == lid))
    return True


def add(conn: Connection, mailbox: str, raw: bytes, label_ids: list[str], now: datetime, retention: int, *,
        requested_thread: str | None = None, force_thread: str | None = None,
        draft_id: str | None = None) -> StoredMessage:
    """Store a message in a mailbox: thread it, label it, record messageAdded."""
    em = parse(raw)
    subject = str(em["Subject"] or "")
    refs = list(message_ids(em["In-Reply-To"])) + list(reversed(message_ids(em["References"])))
    thread = force_thread or place(conn, mailbox, subject, refs, requested_thread)
    mid = new_id()
    thread = thread or mid  # like Gmail, a thread is named after its first message
    hid = record(conn, mailbox, "messageAdded", mid, thread, label_ids, retention)
    key = em[KEY_HEADER]
    conn.execute(insert(t.messages).values(
        mailbox=mailbox, id=mid, thread_id=thread, draft_id=draft_id,
        internet_message_id=str(em["Message-ID"] or "").strip(), subject=subject, sender=str(em["From"] or ""),
        snippet=snippet_of(text_of(em)), internal_ms=to_ms(now), history_id=hid,
        key=str(key).strip() if key is not None else None, raw=raw))
    for lid in set(label_ids):
        conn.execute(insert(t.message_labels).values(mailbox=mailbox, message_id=mid, label_id=lid))
    return one(conn, mailbox, mid)


def remove(conn: Connection, message: StoredMessage, retention: int) -> None:
    """Delete a message for good (drafts are deleted when updated, sent or discarded)."""
    conn.execute(delete(t.messages).where(t.messages.c.mailbox == message.mailbox, t.messages.c.id == message.id))
    conn.execute(delete(t.message_labels).where(t.message_labels.c.mailbox == message.mailbox,
                                                t.message_labels.c.message_id == message.id))
    record(conn, message.mailbox, "messageDeleted", message.id, message.thread_id, sorted(message.labels), retention)


def relabel_message(conn: Connection, mailbox: str, message_id: str, thread_id: str, lid: str, on: bool,
                    retention: int) -> None:
    """Add or remove a label on one message, recording labelAdded/labelRemoved."""
    if on:
        conn.execute(insert(t.message_labels).values(mailbox=mailbox, message_id=message_id, label_id=lid))
    else:
        conn.execute(delete(t.message_labels).where(and_(
            t.message_labels.c.mailbox == mailbox, t.message_labels.c.message_id == message_id,
            t.message_labels.c.label_id == lid)))
    record(conn, mailbox, "labelAdded" if on else "labelRemoved", message_id, thread_id, [lid], retention)


def relabel(conn: Connection, mailbox: str, thread_id: str, lid: str, on: bool, retention: int) -> bool:
    """Add or remove a label on every message of a thread; True when anything changed."""
    ids = conn.execute(select(t.messages.c.id).where(t.messages.c.mailbox == mailbox,
                                                     t.messages.c.thread_id == thread_id)).scalars().all()
    have = _labels_of(conn, mailbox, list(ids))
    changed = False
    for mid in ids:
        if on == (lid in have[mid]):
            continue
        relabel_message(conn, mailbox, mid, thread_id, lid, on, retention)
        changed = True
    return changed


def summaries(messages: list[StoredMessage], label_id: str | None = None) -> list[ThreadSummary]:
    """One line per thread (only threads carrying the label, when given), newest activity first."""
    threads: dict[str, list[StoredMessage]] = {}
    for m in messages:
        threads.setdefault(m.thread_id, []).append(m)
    out = []
    for tid, ms in threads.items():
        labels = frozenset().union(*(m.labels for m in ms))
        if label_id and label_id not in labels:
            continue
        senders = tuple(dict.fromkeys(m.sender for m in ms))
        out.append(ThreadSummary(tid, ms[0].subject, ms[-1].snippet, ms[-1].date, senders, len(ms), labels,
                                 any(m.unread for m in ms)))
    return sorted(out, key=lambda s: s.date, reverse=True)
