"""`GraphMailbox`: the Mailbox port over Microsoft Graph, for one Outlook / Microsoft 365 mailbox.

Every outbound message is created as a draft first, so it has an id we track (`sendMail` returns none,
outlook.md §4); replies are made with createReplyAll and then PATCHed, which is also how the handoff
moves people to Bcc. Each draft gets the deterministic Message-ID of its key: crash recovery finds
a message by it in Drafts and in Sent Items alike, where custom headers do not survive.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import requests

from ...domain.model import Person
from ...domain.states import ALL_LABELS
from ..mime import message_id_for
from ..port import (Changes, Created, MailboxError, NotFound, OutgoingMessage, ReplyTarget, ThreadMessage,
                    TransientMailboxError, WatchInfo)
from . import delta, parse, payloads
from .categories import Categories
from .client import GRAPH_URL, GraphClient

INBOX_RESOURCE = "me/mailFolders('inbox')/messages"
# Outlook messages may be watched for at most 10,080 minutes (outlook.md §5); ask for ten minutes
# less, so a clock running slightly ahead of Graph's does not get the subscription refused.
SUBSCRIPTION_LIFETIME = timedelta(minutes=10080 - 10)
_STATE_FIELDS = "id,conversationId,internetMessageId,isDraft"
# A conversation read this recently is what a reply created right after it is checked against (no second
# listing for leftovers of a crash): the sync that reads a thread is what answers it, seconds later.
RECENT_READ_SECONDS = 30.0
_RECENT: OrderedDict[tuple[str, str, str], tuple[float, list[dict]]] = OrderedDict()
_RECENT_LOCK = threading.Lock()


class GraphMailbox:
    def __init__(self, owner: Person, token: Callable[[], str], base_url: str = GRAPH_URL, *,
                 notification_url: str | None = None, lifecycle_url: str | None = None,
                 client_state: str | None = None, session: requests.Session | None = None,
                 max_concurrency: int = 4, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], datetime] | None = None):
        """`token` returns a Graph access token for the owner (e.g. MicrosoftConnect.access_token);
        `clock` is the time subscriptions and delta filters are computed from (default: now, UTC)."""
        self._owner = owner
        self._client = GraphClient(token, base_url, mailbox=owner.email, session=session,
                                   max_concurrency=max_concurrency, sleep=sleep)
        self._notification_url, self._lifecycle_url = notification_url, lifecycle_url
        self._client_state = client_state
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self._categories = Categories(self._client, owner.email)
        self._mailbox_key = (self._client.base_url, owner.email.strip().lower())

    @property
    def owner(self) -> Person:
        return self._owner

    def _message_id(self, key: str) -> str:
        return message_id_for(key, self._owner.email.rsplit("@", 1)[1])

    # --- writing -------------------------------------------------------------------------------
    def create_draft(self, message: OutgoingMessage) -> Created:
        """POST /me/messages, or createReplyAll + PATCH for a reply
        (learn.microsoft.com/graph/api/user-post-messages, /message-createreplyall, /message-update)."""
        internet_id = self._message_id(message.key)
        target = message.reply_to or self._latest_in(message.thread_id)
        if target is None:  # a new conversation: created carrying its categories, on its first message
            labels = self._creatable(message.labels)
            body = payloads.new_message(message, internet_id)
            if labels:
                body["categories"] = list(labels)
            draft = self._client.post("me/messages", body)
            carried = tuple(draft.get("categories") or ())
            self._categories.remember(draft["conversationId"], draft["id"], carried)
            return parse.created(draft, carried if labels else None)
        self._discard_unfinished(target, message.key, internet_id)
        self._drop_read(target.provider_id)  # from here a draft may exist that the read did not show
        # Quirk: internetMessageHeaders can be set only when a message is created, and createReplyAll
        # is what creates a reply, so the key header rides on its `message` parameter. The body comes
        # with the PATCH; an empty comment keeps clear of "comment and message.body both given" (400).
        draft = self._client.post(f"me/messages/{target.provider_id}/createReplyAll", {
            "comment": "", "message": {"internetMessageHeaders": payloads.custom_headers(message)}})
        try:
            # Reply-all addressed everyone; the PATCH sets who it is really for (the handoff's Bcc).
            patched = self._client.patch(f"me/messages/{draft['id']}", payloads.content(message, internet_id))
        except MailboxError:
            self._delete_quietly(draft["id"])  # never leave a reply-all draft that could be sent as is
            raise
        return parse.created(patched)

    def _creatable(self, labels: tuple[str, ...]) -> tuple[str, ...]:
        """The labels a new message can be created with: none if their categories cannot be made now
        (change_labels tries again later)."""
        try:
            self._categories.ensure(labels)
        except MailboxError:
            return ()
        return labels

    def _latest_in(self, thread_id: str | None) -> ReplyTarget | None:
        """Graph threads only replies made with createReply*: answer the thread's newest message."""
        if not thread_id:
            return None
        try:
            sent = [m for m in self.read_thread(thread_id) if not m.is_draft]
        except NotFound:
            return None
        return sent[-1].as_reply_target() if sent else None

    def _discard_unfinished(self, target: ReplyTarget, key: str, internet_id: str) -> None:
        """Delete reply drafts of this key that a crash left between createReplyAll and their PATCH.
        The conversation read a moment ago (the sync reading the thread it answers) is not listed again."""
        messages = self._recently_read(target.provider_id)
        if messages is None:
            conversation = self._client.get(f"me/messages/{target.provider_id}", {"$select": "conversationId"})
            messages = self._list(f"conversationId eq {payloads.odata_string(conversation['conversationId'])}")
        for m in messages:
            found = parse.thread_message(m, self._owner.email)
            if found.is_draft and found.key == key and found.internet_message_id != internet_id:
                self._delete_quietly(found.provider_id)

    def _delete_quietly(self, message_id: str) -> None:
        try:
            self._client.delete(f"me/messages/{message_id}")
        except MailboxError:
            pass  # best effort: find_by_key ignores such drafts anyway (wrong Message-ID)

    def send_draft(self, draft_id: str) -> Created:
        """POST /me/messages/{id}/send (learn.microsoft.com/graph/api/message-send). With immutable ids
        the draft's id then names the Sent Items copy, so the id stays what we stored."""
        state = self._client.get(f"me/messages/{draft_id}", {"$select": _STATE_FIELDS})
        if state.get("isDraft"):
            try:
                self._client.post(f"me/messages/{draft_id}/send")
            except TransientMailboxError:
                # Quirk: a 503/504 can arrive after Exchange took the message; look before retrying.
                state = self._client.get(f"me/messages/{draft_id}", {"$select": _STATE_FIELDS})
                if state.get("isDraft"):
                    raise
            delta.sent_by_us(self._mailbox_key, state["id"], state["internetMessageId"])
        return Created(provider_id=state["id"], thread_id=state["conversationId"],
                       internet_message_id=state["internetMessageId"])

    def draft_exists(self, draft_id: str) -> bool:
        """GET the draft's isDraft: with immutable ids a sent draft keeps its id (isDraft false), a
        deleted one is a 404."""
        try:
            return bool(self._client.get(f"me/messages/{draft_id}", {"$select": "id,isDraft"}).get("isDraft"))
        except NotFound:
            return False

    def send(self, message: OutgoingMessage) -> Created:
        """A draft, then sent: every message we send has an id we can track. The draft was made just
        now, so it is not read back before sending; the send answers 202 without a body, and with
        immutable ids the draft's id, conversation and Message-ID are the sent copy's."""
        draft = self.create_draft(message)
        try:
            self._client.post(f"me/messages/{draft.draft_id}/send")
        except TransientMailboxError:
            sent = self.send_draft(draft.draft_id)  # a 503/504 may come after Exchange took it: look first
            return replace(sent, labels=draft.labels)
        delta.sent_by_us(self._mailbox_key, draft.provider_id, draft.internet_message_id)
        return replace(draft, draft_id=None)

    # --- reading -------------------------------------------------------------------------------
    def _list(self, where: str) -> list[dict]:
        """GET /me/messages?$filter=… (learn.microsoft.com/graph/api/user-list-messages), all pages."""
        params = {"$filter": where, "$select": parse.MESSAGE_FIELDS, "$top": "50"}
        return [m for page in self._client.pages("me/messages", params, (parse.TEXT_BODY,))
                for m in page.get("value", [])]

    def read_thread(self, thread_id: str) -> list[ThreadMessage]:
        # Quirk: $orderby together with this $filter is refused (400 InefficientFilter); sort here.
        listed = self._list(f"conversationId eq {payloads.odata_string(thread_id)}")
        self._keep_read(thread_id, listed)
        found = [parse.thread_message(m, self._owner.email) for m in listed]
        if not found:
            raise NotFound(f"conversation {thread_id} not found")
        return sorted(found, key=lambda m: (m.date, m.provider_id))

    def _keep_read(self, thread_id: str, listed: list[dict]) -> None:
        if not listed:
            return
        key = (*self._mailbox_key, thread_id)
        with _RECENT_LOCK:
            _RECENT[key] = (time.monotonic(), listed)
            _RECENT.move_to_end(key)
            while len(_RECENT) > 256:
                _RECENT.popitem(last=False)

    def _drop_read(self, message_id: str) -> None:
        mine = self._mailbox_key
        with _RECENT_LOCK:
            for key in [k for k, (_, listed) in _RECENT.items()
                        if k[:2] == mine and any(m.get("id") == message_id for m in listed)]:
                del _RECENT[key]

    def _recently_read(self, message_id: str) -> list[dict] | None:
        """The messages of the conversation holding `message_id`, if this process read it just now."""
        now, mine = time.monotonic(), self._mailbox_key
        with _RECENT_LOCK:
            for (base, owner, _), (at, listed) in reversed(_RECENT.items()):
                if (base, owner) == mine and now - at <= RECENT_READ_SECONDS \
                        and any(m.get("id") == message_id for m in listed):
                    return listed
        return None

    def find_by_key(self, key: str, thread_id: str | None = None) -> ThreadMessage | None:
        """By the key's Message-ID, in any folder. `thread_id` is not used to narrow it down: that id
        names exactly one outbound message, and a conversationId changes when the user edits the subject.

        Quirk: the x-introducer-key header cannot be used here: Sent Items copies have no
        internetMessageHeaders at all (jasonjoh in microsoft-graph-docs#12726)."""
        found = [parse.thread_message(m, self._owner.email)
                 for m in self._list(f"internetMessageId eq {payloads.odata_string(self._message_id(key))}")]
        found.sort(key=lambda m: (not m.is_draft, m.date))  # a sent copy outranks a leftover draft
        return found[-1] if found else None

    # --- changes, labels, watching -----------------------------------------------------------------
    def changes_since(self, cursor: str | None) -> Changes:
        return delta.changes_since(self._client, cursor, self._clock(), self._mailbox_key)

    def set_label(self, thread_id: str, label: str, on: bool = True) -> None:
        self.change_labels(thread_id, add=[label] if on else [], remove=[] if on else [label])

    def change_labels(self, thread_id: str, add=(), remove=(), present=None) -> None:
        """Categories on the conversation: one PATCH on its anchor message when they change (categories.py).
        `present` is not needed: what the anchor carries is known from the PATCH answer, or read."""
        self._categories.change(thread_id, list(add), list(remove))

    def watch(self) -> WatchInfo | None:
        """Create or renew the inbox subscription (learn.microsoft.com/graph/api/subscription-post-subscriptions,
        /subscription-update); None without a notification URL (then the worker polls)."""
        if not self._notification_url:
            return None
        if not self._client_state:
            raise MailboxError("a Graph subscription needs a clientState secret")
        expires = self._clock() + SUBSCRIPTION_LIFETIME
        mine = self._subscriptions()
        subscription = None
        if mine:
            try:
                subscription = self._client.patch(f"subscriptions/{mine[0]['id']}",
                                                  {"expirationDateTime": payloads.utc(expires)})
            except NotFound:
                mine = mine[1:]  # it expired between listing and renewing
        if subscription is None:
            subscription = self._client.post("subscriptions", payloads.subscription(
                INBOX_RESOURCE, self._notification_url, self._lifecycle_url, self._client_state, expires),
                retry_server_errors=True)
        for extra in mine[1:]:  # left by a race between two renewals: one is enough
            self._delete_subscription(extra["id"])
        try:  # once per mailbox and process: then applying a category never has to create it
            self._categories.ensure(ALL_LABELS)
        except MailboxError:
            pass  # not needed to be watched; a category missing then is created when first applied
        # No delta round here: the cursor is the sync's business, and a mailbox without delta (404)
        # must still be watched (renewing is not failing because the change feed is missing).
        return WatchInfo(cursor="", expires_at=parse.when(subscription.get("expirationDateTime")))

    def _subscriptions(self) -> list[dict]:
        listed = self._client.get("subscriptions").get("value", [])
        return [s for s in listed if s.get("notificationUrl") == self._notification_url
                and s.get("resource", "").lstrip("/").lower() == INBOX_RESOURCE.lower()]

    def _delete_subscription(self, subscription_id: str) -> None:
        try:
            self._client.delete(f"subscriptions/{subscription_id}")
        except NotFound:
            pass

    def stop_watch(self) -> None:
        """DELETE /subscriptions/{id} (learn.microsoft.com/graph/api/subscription-delete)."""
        if self._notification_url:
            for subscription in self._subscriptions():
                self._delete_subscription(subscription["id"])
