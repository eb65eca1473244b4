"""The change feed of a Graph mailbox: delta queries on Inbox and Sent Items
(learn.microsoft.com/graph/api/message-delta), the cursor being the JSON of both deltaLinks.

A message this process has just sent through the API is not named again: its Sent Items copy (the
draft's id, with immutable ids) and a copy of it in the owner's Inbox (a Bcc to themselves, found by
its Message-ID) tell the sync nothing the send did not record, and naming them would read the thread
once more. Drafts the owner sends from Outlook are never in that memory, so they are always named."""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import datetime, timedelta

from ..port import ChangeFeedUnavailable, Changes, ChangedMessage, MailboxError, NotFound
from . import parse, payloads
from .client import GraphClient, SyncStateGone

FOLDERS = ("inbox", "sentitems")
PAGE_SIZE = "odata.maxpagesize=50"
# A fresh cursor only needs to know where "now" is. Delta's one supported $filter is receivedDateTime
# ge|gt (outlook.md §5); a day's margin keeps a clock that runs ahead of Exchange's from skipping mail.
FRESH_MARGIN = timedelta(days=1)
FIELDS = "id,conversationId,internetMessageId"
MAX_REMEMBERED = 1000  # sends per mailbox; more than a sync ever falls behind
_SENT: dict[tuple[str, str], OrderedDict[str, None]] = {}
_SENT_LOCK = threading.Lock()


def sent_by_us(mailbox: tuple[str, str], provider_id: str, internet_message_id: str) -> None:
    """Remember a message the API sent for `mailbox` ((base URL, address)), for this process's syncs."""
    with _SENT_LOCK:
        remembered = _SENT.setdefault(mailbox, OrderedDict())
        for value in (provider_id, internet_message_id):
            if value:
                remembered[value] = None
                remembered.move_to_end(value)
        while len(remembered) > 2 * MAX_REMEMBERED:
            remembered.popitem(last=False)


def _ours(mailbox: tuple[str, str] | None, item: dict, folder: str) -> bool:
    if mailbox is None:
        return False
    with _SENT_LOCK:
        remembered = _SENT.get(mailbox, {})
        if folder == "sentitems":
            return item.get("id") in remembered
        return bool(item.get("internetMessageId")) and item["internetMessageId"] in remembered


def _follow(client: GraphClient, url: str, params: dict | None = None) -> tuple[list[dict], str]:
    """Every item of a delta round, following nextLinks, and the deltaLink that ends it.

    Quirk: where delta is not offered for a mailbox (an endpoint switched off, a tenant policy) it
    answers 404; that is no missing message but a missing feed (ChangeFeedUnavailable)."""
    items: list[dict] = []
    try:
        for page in client.pages(url, params, (PAGE_SIZE,)):
            items.extend(page.get("value", []))
            if "@odata.deltaLink" in page:
                return items, page["@odata.deltaLink"]
    except NotFound as exc:
        raise ChangeFeedUnavailable(f"Graph delta is not available: {exc}") from exc
    raise MailboxError("a Graph delta round ended without a deltaLink")


def fresh_link(client: GraphClient, folder: str, now: datetime) -> str:
    """The deltaLink for "from now on": an initial round over recent mail only, followed to its end."""
    params = {"$select": FIELDS, "changeType": "created",
              "$filter": f"receivedDateTime ge {payloads.utc(now - FRESH_MARGIN)}"}
    return _follow(client, f"me/mailFolders/{folder}/messages/delta", params)[1]


def links_of(cursor: str) -> dict[str, str] | None:
    try:
        links = json.loads(cursor)
    except ValueError:
        return None
    if not isinstance(links, dict) or not all(isinstance(links.get(f), str) for f in FOLDERS):
        return None
    return links


def changes_since(client: GraphClient, cursor: str | None, now: datetime,
                  mailbox: tuple[str, str] | None = None) -> Changes:
    """Messages created in Inbox or Sent Items since the cursor, less the copies of what this process
    sent for `mailbox` (see above); `reset` when Graph forgot a sync state."""
    if cursor is None:
        return Changes((), json.dumps({f: fresh_link(client, f, now) for f in FOLDERS}, sort_keys=True))
    links = links_of(cursor)
    if links is None:  # not a cursor of this adapter (e.g. the account changed provider)
        return Changes((), json.dumps({f: fresh_link(client, f, now) for f in FOLDERS}, sort_keys=True), True)
    found: list[ChangedMessage] = []
    reset = False
    for folder in FOLDERS:
        try:
            items, links[folder] = _follow(client, links[folder])
        except SyncStateGone:  # 410 SyncStateNotFound: the stored link expired
            reset = True
            links[folder] = fresh_link(client, folder, now)
            continue
        found.extend(c for c in (parse.changed(i, folder == "sentitems") for i in items
                                 if not _ours(mailbox, i, folder)) if c is not None)
    return Changes(tuple(dict.fromkeys(found)), json.dumps(links, sort_keys=True), reset)
