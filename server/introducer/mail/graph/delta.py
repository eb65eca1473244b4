"""The change feed of a Graph mailbox: delta queries on Inbox and Sent Items
(learn.microsoft.com/graph/api/message-delta), the cursor being the JSON of both deltaLinks."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from ..port import ChangeFeedUnavailable, Changes, ChangedMessage, MailboxError, NotFound
from . import parse, payloads
from .client import GraphClient, SyncStateGone

FOLDERS = ("inbox", "sentitems")
PAGE_SIZE = "odata.maxpagesize=50"
# A fresh cursor only needs to know where "now" is. Delta's one supported $filter is receivedDateTime
# ge|gt (outlook.md §5); a day's margin keeps a clock that runs ahead of Exchange's from skipping mail.
FRESH_MARGIN = timedelta(days=1)


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
    params = {"$select": "id,conversationId", "changeType": "created",
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


def changes_since(client: GraphClient, cursor: str | None, now: datetime) -> Changes:
    """Messages created in Inbox or Sent Items since the cursor; `reset` when Graph forgot a sync state."""
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
        found.extend(c for c in map(parse.changed, items) if c is not None)
    return Changes(tuple(dict.fromkeys(found)), json.dumps(links, sort_keys=True), reset)
