"""users.watch for the sandbox: which mailboxes are watched, and the Pub/Sub pushes their changes make.

A push is the envelope Cloud Pub/Sub POSTs to a push subscription (gmail.md §5 "Push payload"):
`{"message": {"data": base64url({"emailAddress", "historyId"}), "messageId", "publishTime"},
"subscription"}`. `push_to` delivers them over HTTP with an OIDC bearer token minted by the
sandbox's Google sign-in, as a push subscription with an authentication service account does.
"""
from __future__ import annotations

import base64
import itertools
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests

from .faults import NotificationFaults
from .google_identity import GoogleIdentity
from .records import StaleCursor
from .world import SandboxWorld

log = logging.getLogger(__name__)
WATCH_LIFETIME = timedelta(days=7)  # Gmail: re-call watch at least every 7 days
Deliver = Callable[[dict], None]


@dataclass
class Watch:
    topic: str
    label_ids: frozenset[str]
    behavior: str  # include | exclude
    expires_at: datetime
    notified: int  # the history id the last push covered


def pubsub_envelope(email: str, history_id: int, topic: str, message_id: int, now: datetime) -> dict:
    data = json.dumps({"emailAddress": email, "historyId": str(history_id)}).encode()
    project = topic.split("/")[1] if topic.count("/") >= 3 else "sandbox"
    return {"message": {"data": base64.urlsafe_b64encode(data).decode("ascii"), "messageId": str(message_id),
                        "publishTime": now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"},
            "subscription": f"projects/{project}/subscriptions/introducer-gmail-push"}


class Watches:
    """The watched mailboxes of a world; pushes go to `deliver` and are kept in `notifications`."""

    def __init__(self, world: SandboxWorld, deliver: Deliver | None = None, keep: int = 1000):
        self._world = world
        self._deliver = deliver
        self._keep = keep
        self._lock = threading.Lock()
        self._watches: dict[str, Watch] = {}
        self._ids = itertools.count(2070443601311540)
        self.notifications: list[dict] = []
        self.faults = NotificationFaults()  # dropped, duplicated, reordered pushes, when a test asks
        self._unsubscribe = world.subscribe(self._changed)

    def close(self) -> None:
        self._unsubscribe()

    def start(self, email: str, topic: str, label_ids, behavior: str) -> tuple[int, datetime]:
        latest = self._world.latest_history(email)
        expires = self._world.now() + WATCH_LIFETIME
        with self._lock:
            self._watches[email] = Watch(topic, frozenset(label_ids or ()), behavior, expires, latest)
        self._push(email, latest, topic)  # a successful watch is followed by one notification at once
        return latest, expires

    def stop(self, email: str) -> None:
        with self._lock:
            self._watches.pop(email, None)

    def watching(self, email: str) -> Watch | None:
        with self._lock:
            return self._watches.get(email)

    def _changed(self, email: str, history_id: int) -> None:
        with self._lock:
            watch = self._watches.get(email)
            if watch is None or watch.expires_at <= self._world.now() or history_id <= watch.notified:
                return
            since, watch.notified = watch.notified, history_id
        try:
            records, _ = self._world.history(email, since)
        except StaleCursor:
            records = None  # cannot tell what changed: notify, the receiver will resync
        if records is None or any(self._relevant(watch, r.label_ids) for r in records):
            self._push(email, history_id, watch.topic)

    @staticmethod
    def _relevant(watch: Watch, labels) -> bool:
        if not watch.label_ids:
            return True
        touches = bool(watch.label_ids.intersection(labels))
        return touches if watch.behavior == "include" else not touches

    def _push(self, email: str, history_id: int, topic: str) -> None:
        envelope = pubsub_envelope(email, history_id, topic, next(self._ids), self._world.now())
        for shaped in self.faults.shape(envelope):
            with self._lock:
                self.notifications.append(shaped)
                del self.notifications[:-self._keep]
            if self._deliver is not None:
                try:
                    self._deliver(shaped)
                except Exception:  # a failing receiver must not fail the mailbox change behind it
                    log.exception("gmail push delivery failed for %s", email)


def push_to(url: str, identity: GoogleIdentity, service_account: str, audience: str | None = None,
            timeout: float = 10) -> Deliver:
    """POST each envelope to `url` in the background, with an OIDC token (aud = audience or url)."""

    def post(envelope: dict) -> None:
        token = identity.mint_id_token(audience or url, "118" + "0" * 18, service_account)
        try:
            requests.post(url, json=envelope, timeout=timeout, headers={"Authorization": f"Bearer {token}"})
        except requests.RequestException as exc:  # Pub/Sub would retry; the worker's polling covers it
            log.warning("gmail push to %s failed: %s", url, exc)

    return lambda envelope: threading.Thread(target=post, args=(envelope,), daemon=True).start()
