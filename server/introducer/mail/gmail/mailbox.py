"""`GmailMailbox`: the Mailbox port over the Gmail API, for one connected Google account.

Reads are by thread (threads.get) and changes come from history.list from a stored cursor, so
the cost of a sync grows with what changed, never with how many intros are tracked; nothing here
polls threads one by one. One instance per thread of work (see client.py).
"""
from __future__ import annotations

import logging

from google.oauth2.credentials import Credentials

from ...domain.model import Person
from ..mime import build_message, message_id_for
from ..port import (Changes, Created, MailboxError, NotFound, OutgoingMessage, ReconnectNeeded, ThreadMessage,
                    TransientMailboxError, WatchInfo)
from ...domain.numbers import is_whole_number
from . import parse
from .client import GOOGLE_API_URL, GmailClient
from .labels import LabelIds

log = logging.getLogger(__name__)
# Quirk: users.watch filters by label. Replies land in INBOX, but a draft the user sends from
# Gmail only gets SENT, and the service must notice that too; drafts themselves need no push.
WATCH_LABELS = ["INBOX", "SENT"]


class GmailMailbox:
    def __init__(self, owner: Person, credentials, api_url: str = GOOGLE_API_URL, topic: str | None = None,
                 num_retries: int = 5, *, labels: LabelIds | None = None, drafts: dict[str, str] | None = None,
                 **client_options):
        """`topic`: projects/<p>/topics/<t> for users.watch (None: no push, the worker polls).
        `labels`, `drafts`: what is known about the mailbox, shared by the account's mailboxes in a process
        (accounts.py); a mailbox of its own by default. `client_options` go to GmailClient (max_wait, sleep)."""
        self._owner = owner
        self._topic = topic
        self.client = GmailClient(credentials, api_url, num_retries=num_retries, **client_options)
        self._labels = labels if labels is not None else LabelIds()  # name -> id (labels.py)
        self._drafts = drafts if drafts is not None else {}  # message id -> draft id, drafts seen or made

    @property
    def owner(self) -> Person:
        return self._owner

    @property
    def _domain(self) -> str:
        return self._owner.email.rsplit("@", 1)[1]

    def _raw(self, message: OutgoingMessage) -> tuple[str, str]:
        """base64url MIME and its Message-ID. Quirk: Gmail threads a message only when threadId is
        given AND In-Reply-To/References name a message of the thread AND the subjects match
        (gmail.md §5); build_message sets the headers from `reply_to`, the caller keeps the subject."""
        mime = build_message(message, self._owner)
        return parse.b64url(mime.as_bytes()), str(mime["Message-ID"])

    # --- writing ---------------------------------------------------------------------------------
    def create_draft(self, message: OutgoingMessage) -> Created:
        raw, message_id = self._raw(message)
        draft = self.client.create_draft(raw, message.thread_id,
                                         reconcile=lambda: self._existing_draft(message_id))
        self._drafts[draft["message"]["id"]] = draft["id"]
        return parse.created_draft(draft, message_id)

    def send(self, message: OutgoingMessage) -> Created:
        raw, message_id = self._raw(message)
        sent = self.client.send_message(raw, message.thread_id, reconcile=lambda: self._existing_sent(message_id))
        return parse.created(sent, self._message_id_of(sent["id"], message_id))

    def send_draft(self, draft_id: str) -> Created:
        sent = self.client.send_draft(draft_id, reconcile=lambda: self._draft_still_there(draft_id))
        return parse.created(sent, self._message_id_of(sent["id"], ""))

    def _message_id_of(self, provider_id: str, expected: str) -> str:
        """The Message-ID recipients got. Quirk: a draft edited in Gmail carries Gmail's own
        Message-ID, not ours, so what went out is read back (5 units next to a 100-unit send)."""
        try:
            found = self.client.get_message(provider_id, "metadata", ["Message-ID"])
        except MailboxError as exc:
            if not expected:
                # It did go out: a retryable failure sends the caller to its key lookup, never to a resend.
                raise TransientMailboxError(f"gmail: sent {provider_id} but could not read it back ({exc})") from exc
            log.warning("gmail: could not read back %s (%s); keeping %s", provider_id, exc, expected)
            return expected
        return parse.headers_of(found.get("payload", {})).get("message-id", expected).strip()

    def draft_exists(self, draft_id: str) -> bool:
        """drafts.get (1 quota unit): 404 once the draft was sent or deleted."""
        try:
            self.client.get_draft(draft_id)
        except NotFound:
            return False
        return True

    # --- crash-safe retries: did the failed attempt act after all? -----------------------------------
    def _existing_sent(self, message_id: str) -> dict | None:
        for message in self._by_message_id(message_id):
            if parse.SENT in message.get("labelIds", []):
                return {"id": message["id"], "threadId": message["threadId"], "labelIds": message["labelIds"]}
        return None

    def _existing_draft(self, message_id: str) -> dict | None:
        listing = self.client.list_drafts(q=f"rfc822msgid:{message_id.strip('<>')}")
        drafts = listing.get("drafts", [])
        return {"id": drafts[0]["id"], "message": drafts[0]["message"]} if drafts else None

    def _draft_still_there(self, draft_id: str) -> dict | None:
        try:
            self.client.get_draft(draft_id)
        except NotFound:
            # Gone after a send that failed on the way back: it went out (or the user deleted it).
            # Retrying would answer 404 and make the caller send a fresh copy; its key lookup
            # (find_by_key) on the next attempt finds the sent message instead.
            raise TransientMailboxError(f"draft {draft_id} is gone after a failed send; look it up by key")
        return None  # still a draft: the send did not happen, try again

    def _by_message_id(self, message_id: str) -> list[dict]:
        """Full messages with this Message-ID (Gmail search `rfc822msgid:` takes it without <>)."""
        listing = self.client.list_messages(f"rfc822msgid:{message_id.strip('<>')}")
        return [self.client.get_message(mid, "full") for mid, _ in parse.message_refs(listing)]

    # --- reading -----------------------------------------------------------------------------------
    def read_thread(self, thread_id: str) -> list[ThreadMessage]:
        thread = self.client.get_thread(thread_id, "full")
        for draft in parse.draft_messages(thread):
            if draft["id"] not in self._drafts:
                self._find_draft_id(draft)
        return parse.thread_messages(thread, self._drafts)

    def read_messages(self, thread_id: str, message_ids) -> list[ThreadMessage]:
        """These messages of the thread, oldest first: one messages.get each (5 units), or one threads.get
        (10) when there are two or more. One that is gone or in another thread is left out; a draft carries
        its draft id only when known here (no drafts.list: the service acts on sent and received mail)."""
        wanted = list(dict.fromkeys(message_ids))
        if len(wanted) >= 2:
            found = [m for m in self.client.get_thread(thread_id, "full").get("messages", []) if m["id"] in wanted]
        else:
            found = []
            for message_id in wanted:
                try:
                    message = self.client.get_message(message_id, "full")
                except NotFound:
                    continue
                if message.get("threadId") == thread_id:
                    found.append(message)
        return parse.thread_messages({"messages": found}, self._drafts)

    def _find_draft_id(self, message: dict) -> None:
        """Quirk: a thread's draft messages do not say which draft they belong to; drafts.list does."""
        message_id = parse.headers_of(message.get("payload", {})).get("message-id", "").strip("<> ")
        if message_id:
            self._drafts.update(parse.draft_ids(self.client.list_drafts(q=f"rfc822msgid:{message_id}")))
        token = None
        while message["id"] not in self._drafts:
            listing = self.client.list_drafts(page_token=token)
            self._drafts.update(parse.draft_ids(listing))
            token = listing.get("nextPageToken")
            if not token:
                break

    def find_by_key(self, key: str, thread_id: str | None = None) -> ThreadMessage | None:
        found = [m for m in self._by_message_id(message_id_for(key, self._domain))
                 if parse.SENT in m.get("labelIds", []) or parse.DRAFT in m.get("labelIds", [])]
        candidates = [self._as_thread_message(m) for m in found]
        candidates = [m for m in candidates if m.key == key and (thread_id is None or m.thread_id == thread_id)]
        if not candidates and thread_id is not None:
            # The Message-ID may not be ours (a draft edited in Gmail): the thread still has the header.
            try:
                candidates = [m for m in self.read_thread(thread_id) if m.key == key and (m.from_me or m.is_draft)]
            except NotFound:
                return None
        # A sent copy outranks a leftover draft: it is the one that reached people.
        candidates.sort(key=lambda m: (m.from_me, m.date))
        return candidates[-1] if candidates else None

    def _as_thread_message(self, message: dict) -> ThreadMessage:
        if parse.DRAFT in message.get("labelIds", []) and message["id"] not in self._drafts:
            self._find_draft_id(message)
        return parse.thread_message(message, self._drafts.get(message["id"]))

    # --- changes, labels, push -------------------------------------------------------------------------
    def changes_since(self, cursor: str | None) -> Changes:
        if cursor is None:
            return Changes(messages=(), cursor=str(self.client.get_profile()["historyId"]))
        if not is_whole_number(cursor, max_digits=20):  # not a Gmail history id at all (another provider's cursor)
            return Changes(messages=(), cursor=str(self.client.get_profile()["historyId"]), reset=True)
        added, token = [], None
        try:
            while True:
                page = self.client.list_history(cursor, token, parse.HISTORY_TYPES)
                added += parse.added_messages(page)
                token = page.get("nextPageToken")
                if not token:
                    break
        except NotFound:
            # Quirk: history ids are kept about a week, sometimes hours; an older one is a 404 and
            # the caller must re-read its tracked threads (Changes.reset).
            return Changes(messages=(), cursor=str(self.client.get_profile()["historyId"]), reset=True)
        # With no nextPageToken left, the page's historyId is the cursor to store (history.list docs).
        return Changes(messages=tuple(dict.fromkeys(added)), cursor=str(page["historyId"]))

    def set_label(self, thread_id: str, label: str, on: bool = True) -> None:
        self.change_labels(thread_id, add=[label] if on else [], remove=[] if on else [label])

    def change_labels(self, thread_id: str, add=(), remove=(), present=None) -> None:
        """One threads.modify for every addition and removal (10 quota units, however many labels); label
        ids come from the account's shared listing (labels.py), so usually no labels.list at all.
        `present`: the labels the caller last applied to the thread: when it names exactly `add` and none
        of `remove`, there is nothing to do."""
        if present is not None and set(present) == set(add) and not set(present) & set(remove):
            return
        present = tuple(present or ())
        listed_now = self._labels.needs_listing(add, remove, present)
        if listed_now:
            self._list_labels()
        try:
            self._modify(thread_id, add, remove)
        except (TransientMailboxError, ReconnectNeeded):
            raise
        except MailboxError:
            # A label deleted by the user since the listing: 400 "Invalid label". Read the list once more
            # and retry with the ids it gives; when nothing changed, the failure was something else.
            if listed_now:
                raise
            before = self._labels.snapshot()
            self._list_labels()
            if self._labels.snapshot() == before:
                raise
            self._modify(thread_id, add, remove)

    def _modify(self, thread_id: str, add, remove) -> None:
        add_ids = [self._label_id(name) for name in add]
        remove_ids = [i for i in (self._labels.get(name) for name in remove) if i]  # one never made: nothing to do
        if add_ids or remove_ids:
            self.client.modify_thread(thread_id, add=add_ids, remove=remove_ids)

    def _list_labels(self) -> None:
        self._labels.listed(parse.label_ids(self.client.list_labels()))

    def _label_id(self, name: str) -> str:
        """Quirk: threads.modify takes label ids, not names; user labels must be created first."""
        found = self._labels.get(name)
        if found:
            return found
        try:
            self._labels.created(name, self.client.create_label(name)["id"])
        except (TransientMailboxError, ReconnectNeeded):
            raise
        except MailboxError:
            # 409 when another process created it a moment ago: read the list again.
            self._list_labels()
            if not self._labels.get(name):
                raise
        return self._labels.get(name)

    def watch(self) -> WatchInfo | None:
        if not self._topic:
            return None
        return parse.watch_info(self.client.watch(self._topic, WATCH_LABELS))

    def stop_watch(self) -> None:
        self.client.stop()


def gmail_mailbox_for(owner: Person, refresh_token: str, client_id: str, client_secret: str, token_uri: str,
                      api_url: str = GOOGLE_API_URL, topic: str | None = None, **options) -> GmailMailbox:
    """A GmailMailbox whose credentials fetch access tokens from `token_uri` as needed (google-auth
    refreshes before the first call and on a 401)."""
    credentials = Credentials(token=None, refresh_token=refresh_token, client_id=client_id,
                              client_secret=client_secret, token_uri=token_uri)
    return GmailMailbox(owner, credentials, api_url, topic, **options)
