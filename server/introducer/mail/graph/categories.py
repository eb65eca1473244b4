"""Outlook categories as the port's labels, with as few Graph requests as the state allows.

- The master list (learn.microsoft.com/graph/api/outlookuser-post-mastercategories) gives a category its
  colour. Watching a mailbox puts every Introducer category in it (one read, then a POST per missing
  name); a name still unknown when first applied is POSTed then. 409 means it exists already (another
  process, or the user made it): the list is read, so every name it holds is known from then on. What
  exists is remembered per mailbox for the life of the process.
- A conversation carries its categories on one message, its anchor: Outlook shows a conversation with
  the categories of any of its messages, so one PATCH per state change is enough, whatever the number
  of messages (learn.microsoft.com/graph/api/message-update). The anchor is the oldest message, which
  replies never displace; what it carries is remembered from the PATCH response (or the create), so a
  state change is a single PATCH and no change is no request at all.
- Without that memory (a new process, an anchor deleted: 404), the conversation is listed: every message
  carrying one of our categories is brought to the wanted set (also repairing conversations labelled
  message by message earlier); if none does, the oldest message becomes the anchor.

Both memories are per process and per mailbox, bounded; they are hints checked by Graph's answers.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence

from ..port import NotFound
from . import payloads
from .client import GraphClient, GraphRequestError

COLOUR = "preset7"
MAX_CONVERSATIONS = 20_000
_LOCK = threading.Lock()
_MASTER: dict[tuple[str, str], set[str]] = {}
_ANCHORS: OrderedDict[tuple[str, str, str], tuple[str, tuple[str, ...]]] = OrderedDict()


def forget() -> None:
    """Drop what this process remembers (tests that reuse an address for a new mailbox)."""
    with _LOCK:
        _MASTER.clear()
        _ANCHORS.clear()


class Categories:
    def __init__(self, client: GraphClient, mailbox: str):
        self._client = client
        self._mailbox = (client.base_url, mailbox.strip().lower())

    # --- the master list ------------------------------------------------------------------------------
    def ensure(self, names: Iterable[str]) -> None:
        """Every name in the master list: several unknown ones are looked up in one read first."""
        missing = self._unknown(names)
        if len(missing) > 1:
            self._read_master()
            missing = self._unknown(missing)
        for name in missing:
            try:
                self._client.post("me/outlook/masterCategories", {"displayName": name, "color": COLOUR},
                                  retry_server_errors=True)
            except GraphRequestError as exc:
                if exc.status != 409:
                    raise
                self._read_master()  # made by another process or by the user: learn the whole list
            with _LOCK:
                _MASTER.setdefault(self._mailbox, set()).add(name.lower())

    def _unknown(self, names: Iterable[str]) -> list[str]:
        with _LOCK:
            known = _MASTER.get(self._mailbox, set())
            return [n for n in dict.fromkeys(names) if n.lower() not in known]

    def _read_master(self) -> None:
        listed = self._client.get("me/outlook/masterCategories", {"$select": "displayName"}).get("value", [])
        with _LOCK:
            _MASTER.setdefault(self._mailbox, set()).update(str(c.get("displayName") or "").lower() for c in listed)

    # --- the anchors --------------------------------------------------------------------------------------
    def _key(self, conversation_id: str) -> tuple[str, str, str]:
        return (*self._mailbox, conversation_id)

    def remember(self, conversation_id: str, message_id: str, categories: Sequence[str]) -> None:
        with _LOCK:
            _ANCHORS[self._key(conversation_id)] = (message_id, tuple(categories))
            _ANCHORS.move_to_end(self._key(conversation_id))
            while len(_ANCHORS) > MAX_CONVERSATIONS:
                _ANCHORS.popitem(last=False)

    def _forget(self, conversation_id: str) -> None:
        with _LOCK:
            _ANCHORS.pop(self._key(conversation_id), None)

    def change(self, conversation_id: str, add: Sequence[str], remove: Sequence[str]) -> None:
        self.ensure(add)
        with _LOCK:
            anchor = _ANCHORS.get(self._key(conversation_id))
        if anchor is not None:
            message_id, have = anchor
            wanted = _wanted(have, add, remove)
            if wanted == list(have):
                return
            try:
                self._patch(conversation_id, message_id, wanted)
                return
            except NotFound:
                self._forget(conversation_id)  # the anchor is gone (a deleted draft): look again
        params = {"$filter": f"conversationId eq {payloads.odata_string(conversation_id)}",
                  "$select": "id,categories,receivedDateTime,createdDateTime", "$top": "50"}
        items = [m for page in self._client.pages("me/messages", params) for m in page.get("value", [])]
        if not items:
            raise NotFound(f"conversation {conversation_id} not found")
        ours = set(add) | set(remove)
        items.sort(key=lambda m: (m.get("receivedDateTime") or m.get("createdDateTime") or "", m["id"]))
        carriers = [m for m in items if ours & set(m.get("categories") or ())] or items[:1]
        for item in carriers:
            have = list(item.get("categories") or [])
            wanted = _wanted(have, add, remove)
            if wanted != have:
                self._patch(conversation_id, item["id"], wanted, remember=len(carriers) == 1)
            elif len(carriers) == 1:
                self.remember(conversation_id, item["id"], have)

    def _patch(self, conversation_id: str, message_id: str, categories: list[str], remember: bool = True) -> None:
        patched = self._client.patch(f"me/messages/{message_id}", {"categories": categories})
        if remember:
            self.remember(conversation_id, message_id, patched.get("categories", categories))


def _wanted(have: Sequence[str], add: Sequence[str], remove: Sequence[str]) -> list[str]:
    return [c for c in have if c not in remove] + [a for a in add if a not in have]
