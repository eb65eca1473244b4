"""`SandboxMailbox`: the Mailbox port for one user of the sandbox world.

Push is in-process: `SandboxWorld.subscribe` calls back after each change, so `watch` only reports
the cursor and never expires.
"""
from __future__ import annotations

from ...domain.model import Person
from ..mime import authentication_results, build_message, date_of, headers_of, message_ids, parse, people, text_of
from ..port import Changes, ChangedMessage, Created, NotFound, OutgoingMessage, ThreadMessage, WatchInfo
from .records import DRAFT, SENT, StaleCursor, StoredMessage, UnknownUser
from .world import SandboxWorld

# A draft sent in place shows as label changes on its own message, not as a message added.
_SENT_IN_PLACE = {("labelAdded", (SENT,)), ("labelRemoved", (DRAFT,))}


class SandboxMailbox:
    def __init__(self, world: SandboxWorld, owner: Person | str):
        """For the world user with this address (a Person or the address itself)."""
        email = owner.email if isinstance(owner, Person) else owner
        user = world.user(email)
        if user is None:
            raise UnknownUser(f"no mailbox {email!r} in the sandbox world")
        self._world = world
        self._owner = user.person

    @property
    def owner(self) -> Person:
        return self._owner

    @property
    def _email(self) -> str:
        return self._owner.email

    def _call(self, operation: str, fn, *args):
        self._world.faults.check(operation)
        result = fn(*args)
        self._world.faults.check(f"{operation}:after")
        return result

    def _raw(self, message: OutgoingMessage) -> bytes:
        # The world's clock, not the machine's, so Date headers agree with a moved sandbox clock.
        return build_message(message, self._owner, date=self._world.now()).as_bytes()

    @staticmethod
    def _created(m: StoredMessage, draft_id: str | None = None) -> Created:
        return Created(provider_id=m.id, thread_id=m.thread_id, internet_message_id=m.internet_message_id,
                       draft_id=draft_id)

    def create_draft(self, message: OutgoingMessage) -> Created:
        raw = self._raw(message)
        ref = self._call("create_draft", self._world.create_draft, self._email, raw, message.thread_id)
        return self._created(self._world.message(self._email, ref.message_id), ref.draft_id)

    def send_draft(self, draft_id: str) -> Created:
        send = lambda email, draft: self._world.send_draft(email, draft, by_api=True)  # noqa: E731
        return self._created(self._call("send_draft", send, self._email, draft_id))

    def send(self, message: OutgoingMessage) -> Created:
        raw = self._raw(message)
        return self._created(self._call("send", self._world.submit, self._email, raw, message.thread_id))

    def draft_exists(self, draft_id: str) -> bool:
        try:
            self._call("draft_exists", self._world.draft, self._email, draft_id)
        except NotFound:
            return False
        return True

    def read_thread(self, thread_id: str) -> list[ThreadMessage]:
        return [self._thread_message(m) for m in self._call("read_thread", self._world.thread, self._email, thread_id)]

    def _thread_message(self, m: StoredMessage) -> ThreadMessage:
        em = parse(m.raw)
        sender = people(em["From"])
        return ThreadMessage(
            provider_id=m.id, thread_id=m.thread_id, internet_message_id=m.internet_message_id,
            sender=sender[0] if sender else Person(name="", email=""),
            to=people(em["To"]), cc=people(em["Cc"]), subject=str(em["Subject"] or ""), date=date_of(em),
            text=text_of(em), headers=headers_of(em), bcc=people(em["Bcc"]),
            reply_to_addresses=people(em["Reply-To"]),
            in_reply_to=next(iter(message_ids(em["In-Reply-To"])), None),
            references=message_ids(em["References"]), is_draft=m.is_draft, draft_id=m.draft_id,
            from_me=SENT in m.labels and not m.is_draft, authentication_results=authentication_results(em))

    def find_by_key(self, key: str, thread_id: str | None = None) -> ThreadMessage | None:
        found = [m for m in self._call("find_by_key", self._world.find_header, self._email, "X-Introducer-Key", key)
                 if (SENT in m.labels or m.is_draft) and (thread_id is None or m.thread_id == thread_id)]
        # A sent copy outranks a leftover draft: it is the one that reached people.
        found.sort(key=lambda m: (SENT in m.labels, m.date))
        return self._thread_message(found[-1]) if found else None

    def changes_since(self, cursor: str | None) -> Changes:
        if cursor is None:
            return Changes(messages=(), cursor=str(self._call("changes_since", self._world.latest_history, self._email)))
        try:
            start = int(cursor)
            records, latest = self._call("changes_since", self._world.history, self._email, start)
        except (StaleCursor, ValueError):  # too old, or not a cursor of this world at all
            return Changes(messages=(), cursor=str(self._world.latest_history(self._email)), reset=True)
        added = dict.fromkeys(ChangedMessage(r.message_id, r.thread_id, SENT in r.label_ids) for r in records
                              if r.kind == "messageAdded" or (r.kind, r.label_ids) in _SENT_IN_PLACE)
        return Changes(messages=tuple(added), cursor=str(latest))

    def set_label(self, thread_id: str, label: str, on: bool = True) -> None:
        self._call("set_label", self._world.set_label, self._email, thread_id, label, on)

    def change_labels(self, thread_id: str, add=(), remove=(), present=None) -> None:
        for label in remove:
            self.set_label(thread_id, label, on=False)
        for label in add:
            self.set_label(thread_id, label, on=True)

    def watch(self) -> WatchInfo | None:
        return WatchInfo(cursor=str(self._call("watch", self._world.latest_history, self._email)), expires_at=None)

    def stop_watch(self) -> None:
        self._world.faults.check("stop_watch")
