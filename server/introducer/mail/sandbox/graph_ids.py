"""Graph-shaped ids over the sandbox world's ids, immutable or not (GD concepts/outlook-immutable-id.md).

The world gives a draft a new message id each time it is saved and its sent copy yet another one,
like Gmail. Graph does not: a draft keeps its id while edited, and with `Prefer: IdType="ImmutableId"`
it keeps it after sending too, while the default (mutable) id changes when the item moves folder.
So:

- a message the Graph face created carries a network message id header (a GUID; Exchange stamps
  X-MS-Exchange-Organization-Network-Message-Id on its mail, see GD message-get.md example 4); its
  immutable id is made from that GUID, found again by that header;
- any other message's immutable id is made from its world id (received mail never moves here);
- mutable ids are made from the draft id while a draft, from the world message id once sent.

`IdBook` remembers where each id was last seen, so finding one rarely needs a scan of the mailbox.
"""
from __future__ import annotations

import base64
import binascii
import threading
import uuid

from ..port import NotFound
from .records import StoredMessage
from .world import SandboxWorld

NETWORK_ID_HEADER = "X-MS-Exchange-Organization-Network-Message-Id"
# Prefixes shaped like Exchange's: "AAkALg" starts immutable ids, "AAMkAG" REST (mutable) ids.
IMMUTABLE, MUTABLE, CONVERSATION, FOLDER = "AAkALg", "AAMkAG", "AAQkAG", "AQMkAG"


def _encode(prefix: str, payload: str) -> str:
    return prefix + base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _decode(prefix: str, value: str) -> str | None:
    if not value.startswith(prefix):
        return None
    body = value[len(prefix):]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def new_network_id() -> str:
    return str(uuid.uuid4())


def network_id(m: StoredMessage) -> str | None:
    value = m.parsed()[NETWORK_ID_HEADER]
    return str(value).strip() if value else None


def conversation_id(thread_id: str) -> str:
    return _encode(CONVERSATION, thread_id)


def thread_of(conversation: str) -> str | None:
    return _decode(CONVERSATION, conversation)


def folder_id(name: str) -> str:
    return _encode(FOLDER, name)


def folder_name(value: str) -> str | None:
    """A folder's well-known name from the name itself (any case) or from its id."""
    name = _decode(FOLDER, value) or value.lower()
    return name if name in ("inbox", "sentitems", "drafts") else None


def etag(m: StoredMessage) -> str:
    return 'W/"' + base64.b64encode(f"{m.id}:{m.history_id}".encode()).decode() + '"'


class IdBook:
    """Turns world messages into Graph ids and back, for every mailbox of one world."""

    def __init__(self, world: SandboxWorld) -> None:
        self._world = world
        self._lock = threading.Lock()
        self._where: dict[tuple[str, str], str] = {}  # (mailbox, immutable id) -> world id
        self._seen: dict[tuple[str, str], str] = {}  # (mailbox, world id) -> immutable id

    def graph_id(self, m: StoredMessage, immutable: bool) -> str:
        if not immutable:
            return _encode(MUTABLE, f"d:{m.draft_id}" if m.is_draft else f"m:{m.id}")
        netid = network_id(m)
        gid = _encode(IMMUTABLE, f"n:{netid}" if netid else f"w:{m.id}")
        with self._lock:
            self._where[(m.mailbox, gid)] = m.id
            self._seen[(m.mailbox, m.id)] = gid
        return gid

    @staticmethod
    def mutable_for(world_id: str) -> str:
        """The mutable id a sent or received world message has (drafts have theirs from the draft id)."""
        return _encode(MUTABLE, f"m:{world_id}")

    def known(self, mailbox: str, world_id: str) -> str | None:
        """The immutable id a (possibly deleted) world message was last shown under."""
        with self._lock:
            return self._seen.get((mailbox, world_id))

    def find(self, mailbox: str, graph_id: str) -> StoredMessage:
        """The message an id names now, either kind of id; NotFound when it names nothing (any more)."""
        mutable = _decode(MUTABLE, graph_id)
        if mutable is not None:
            kind, _, value = mutable.partition(":")
            if kind == "d":
                return self._world.draft(mailbox, value)
            if kind == "m":
                return self._world.message(mailbox, value)
            raise NotFound(f"message {graph_id} not found")
        payload = _decode(IMMUTABLE, graph_id) or ""
        kind, _, value = payload.partition(":")
        if kind == "w":
            return self._world.message(mailbox, value)
        if kind != "n":
            raise NotFound(f"message {graph_id} not found")
        with self._lock:
            cached = self._where.get((mailbox, graph_id))
        if cached is not None:
            try:
                found = self._world.message(mailbox, cached)
                if network_id(found) == value:
                    return found
            except NotFound:
                pass  # saved again or sent since: look it up by its network id
        matches = self._world.find_header(mailbox, NETWORK_ID_HEADER, value)
        if not matches:
            raise NotFound(f"message {graph_id} not found")
        found = matches[-1]
        self.graph_id(found, immutable=True)
        return found
