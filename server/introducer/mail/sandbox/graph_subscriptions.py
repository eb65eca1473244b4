"""Graph change notifications over the sandbox world: subscriptions, the validation handshake, and
delivery of change notifications and lifecycle events to the subscriber's URLs.

References: GD concepts/change-notifications-delivery-webhooks.md (create, validation: POST
`{url}?validationToken=…`, a `text/plain` echo within 10 s), api-reference/v1.0/api/subscription-post-
subscriptions.md, subscription-update.md, subscription-delete.md, concepts/change-notifications-lifecycle-
events.md; maximum lifetime for Outlook messages 10,080 minutes (outlook.md §5). Notifications are
queued when the world changes and posted by `deliver()` (or a background thread, `start()`);
a delivery that fails or takes longer than the 3 s Graph allows is retried, so receivers see
duplicates as they would from Graph.
"""
from __future__ import annotations

import re
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import requests

from .faults import NotificationFaults
from .graph_http import GraphFault, bad_request, subscription_not_found
from .graph_ids import etag
from .graph_render import iso
from .records import INBOX, SENT, StaleCursor

if TYPE_CHECKING:
    from .graph_face import Call, GraphFace

MAX_LIFETIME = timedelta(minutes=10080)
_RESOURCE = re.compile(r"^/?(?:me|users/(?P<user>[^/]+))/(?:mailfolders(?:\('(?P<f1>[^']+)'\)|/(?P<f2>[^/]+))/)?"
                       r"messages$", re.I)
_FOLDER_LABEL = {"inbox": INBOX, "sentitems": SENT}
_ATTEMPTS = 3


@dataclass
class Subscription:
    id: str
    email: str
    app_id: str
    user_id: str
    tenant_id: str
    resource: str
    folder: str | None  # None: every message of the mailbox
    change_types: frozenset[str]
    notification_url: str
    lifecycle_url: str | None
    client_state: str | None
    expires: datetime
    immutable: bool

    def as_json(self, base: str) -> dict:
        return {"@odata.context": f"{base}/$metadata#subscriptions/$entity", "id": self.id,
                "resource": self.resource, "applicationId": self.app_id, "changeType": ",".join(
                    sorted(self.change_types)), "clientState": self.client_state,
                "notificationUrl": self.notification_url, "lifecycleNotificationUrl": self.lifecycle_url,
                "expirationDateTime": iso(self.expires), "creatorId": self.user_id, "includeResourceData": False,
                "latestSupportedTlsVersion": "v1_2", "encryptionCertificate": None,
                "encryptionCertificateId": None, "notificationQueryOptions": None, "notificationUrlAppId": None}


@dataclass(frozen=True)
class Delivery:
    kind: str  # notification | lifecycle
    url: str
    payload: dict
    status: int | None
    error: str | None = None


@dataclass
class _Pending:
    kind: str
    url: str
    payload: dict
    attempts: int = field(default=0)


class Subscriptions:
    def __init__(self, face: GraphFace, http: requests.Session, *, validation_timeout: float,
                 notification_timeout: float, https_only: bool):
        self._face, self._http = face, http
        self.validation_timeout, self.notification_timeout, self.https_only = \
            validation_timeout, notification_timeout, https_only
        self._subs: dict[str, Subscription] = {}
        self._pending: list[_Pending] = []
        self.faults = NotificationFaults()  # dropped, duplicated, reordered notifications, when a test asks
        self._seen: dict[str, int] = {}  # the last history id looked at, per mailbox
        self.delivered: deque[Delivery] = deque(maxlen=10_000)
        self._lock = threading.RLock()
        self._unsubscribe = face.world.subscribe(self._on_change)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # --- subscriptions -----------------------------------------------------------------------------
    def live(self, email: str | None = None) -> list[Subscription]:
        now = self._face.world.now()
        with self._lock:
            return [s for s in self._subs.values() if s.expires > now and (email is None or s.email == email)]

    def expiry(self, value) -> datetime:
        try:
            expires = datetime.fromisoformat(str(value))
        except ValueError:
            raise bad_request("expirationDateTime is not a valid date and time.", "InvalidRequest") from None
        now = self._face.world.now()
        if expires.tzinfo is None or expires <= now:
            raise bad_request("Subscription expiration must be in the future.", "InvalidRequest")
        if expires > now + MAX_LIFETIME:
            raise bad_request(f"Subscription expiration can only be {int(MAX_LIFETIME.total_seconds() // 60)} "
                              "minutes in the future.", "InvalidRequest")
        return expires

    def _validate(self, url: str) -> None:
        """The handshake: POST {url}?validationToken=…; the endpoint echoes the decoded token as text/plain."""
        if not url.lower().startswith("https://") and (self.https_only or not url.lower().startswith("http://")):
            raise bad_request("Subscription validation request failed. The notification URL must use https.",
                              "ValidationError")
        token = f"Validation: Testing client application reachability for subscription Request-Id: {uuid.uuid4()}"
        started = time.monotonic()
        try:
            answer = self._http.post(url, params={"validationToken": token}, data=b"",
                                     headers={"Content-Type": "text/plain; charset=utf-8"},
                                     timeout=self.validation_timeout)
        except requests.Timeout:
            raise bad_request("Subscription validation request timed out.", "InvalidRequest") from None
        except requests.RequestException:
            answer = None
        if time.monotonic() - started > self.validation_timeout:
            raise bad_request("Subscription validation request timed out.", "InvalidRequest")
        if answer is None or answer.status_code != 200:
            raise bad_request("Subscription validation request failed. Notification endpoint must respond with "
                              "200 OK to validation request.", "ValidationError")
        if not answer.headers.get("Content-Type", "").lower().startswith("text/plain") or answer.text != token:
            raise bad_request("Subscription validation request failed. Response must exactly match "
                              "validationToken query parameter.", "ValidationError")

    def add(self, call: Call, body: dict) -> Subscription:
        change_types = frozenset(c.strip() for c in str(body.get("changeType") or "").split(",") if c.strip())
        if not change_types or not change_types <= {"created", "updated", "deleted"}:
            raise bad_request("changeType must be created, updated or deleted (comma-separated).", "InvalidRequest")
        resource = str(body.get("resource") or "")
        match = _RESOURCE.match(resource)
        folder = (match.group("f1") or match.group("f2") or "").lower() if match else ""
        if not match or (folder and folder not in _FOLDER_LABEL) or (
                match.group("user") and match.group("user").lower() not in (call.caller.user_id, call.email)):
            raise bad_request(f"Resource '{resource}' is not supported for subscriptions here.", "InvalidRequest")
        client_state = body.get("clientState")
        if client_state is not None and len(str(client_state)) > 128:
            raise bad_request("clientState can be at most 128 characters.", "InvalidRequest")
        expires = self.expiry(body.get("expirationDateTime"))
        url, lifecycle = str(body.get("notificationUrl") or ""), body.get("lifecycleNotificationUrl")
        self._validate(url)
        if lifecycle:
            self._validate(str(lifecycle))
        sub = Subscription(str(uuid.uuid4()), call.email, call.caller.app_id, call.caller.user_id,
                           call.caller.tenant_id, resource, folder or None, change_types, url,
                           str(lifecycle) if lifecycle else None, client_state, expires, call.immutable)
        with self._lock:
            self._seen.setdefault(call.email, self._face.world.latest_history(call.email))
            self._subs[sub.id] = sub
        return sub

    def owned(self, call: Call, subscription_id: str) -> Subscription:
        found = next((s for s in self.live(call.email) if s.id == subscription_id and s.app_id == call.caller.app_id),
                     None)
        if found is None:
            raise subscription_not_found()
        return found

    def remove(self, subscription_id: str) -> None:
        with self._lock:
            self._subs.pop(subscription_id, None)

    # --- notifications -----------------------------------------------------------------------------
    def _on_change(self, email: str, _history_id: int) -> None:
        subs = self.live(email)
        with self._lock:
            start = self._seen.get(email)
            if not subs or start is None:
                return
            try:
                records, latest = self._face.world.history(email, start)
            except StaleCursor:  # changes were lost to us: tell subscribers to catch up with delta
                self._seen[email] = self._face.world.latest_history(email)
                for sub in subs:
                    self._queue_lifecycle(sub, "missed")
                return
            self._seen[email] = latest
        for sub in subs:
            changes = []
            for r in records:
                kind = {"messageAdded": "created", "labelAdded": "updated", "labelRemoved": "updated"}.get(r.kind)
                if kind not in sub.change_types:
                    continue
                try:
                    m = self._face.world.message(email, r.message_id)
                except LookupError:
                    continue  # already gone again (a draft saved twice): nothing left to fetch
                if sub.folder and _FOLDER_LABEL[sub.folder] not in m.labels:
                    continue
                changes.append(self._change(sub, kind, m))
            if changes:
                for shaped in self.faults.shape(_Pending("notification", sub.notification_url, {"value": changes})):
                    with self._lock:
                        self._pending.append(shaped)

    def _change(self, sub: Subscription, kind: str, m) -> dict:
        gid = self._face.ids.graph_id(m, sub.immutable)
        resource = f"Users/{sub.user_id}/Messages/{gid}"
        return {"subscriptionId": sub.id, "subscriptionExpirationDateTime": iso(sub.expires), "changeType": kind,
                "resource": resource, "resourceData": {"@odata.type": "#Microsoft.Graph.Message",
                                                       "@odata.id": resource, "@odata.etag": etag(m), "id": gid},
                "clientState": sub.client_state, "tenantId": sub.tenant_id}

    def lifecycle(self, subscription_id: str, event: str) -> None:
        if event not in ("reauthorizationRequired", "subscriptionRemoved", "missed"):
            raise ValueError(f"unknown lifecycle event {event!r}")
        with self._lock:
            sub = self._subs.get(subscription_id)
            if sub is None:
                raise LookupError(f"no subscription {subscription_id}")
            if event == "subscriptionRemoved":
                del self._subs[subscription_id]
            self._queue_lifecycle(sub, event)

    def _queue_lifecycle(self, sub: Subscription, event: str) -> None:
        if not sub.lifecycle_url:
            return  # without a lifecycle URL Graph has nowhere to say it
        self._pending.append(_Pending("lifecycle", sub.lifecycle_url, {"value": [{
            "subscriptionId": sub.id, "subscriptionExpirationDateTime": iso(sub.expires), "tenantId": sub.tenant_id,
            "clientState": sub.client_state, "lifecycleEvent": event}]}))

    def deliver(self) -> list[Delivery]:
        with self._lock:
            batch, self._pending = self._pending, []
        done: list[Delivery] = []
        for item in batch:
            started, status, error = time.monotonic(), None, None
            try:
                status = self._http.post(item.url, json=item.payload, timeout=self.notification_timeout).status_code
            except requests.RequestException as exc:
                error = type(exc).__name__
            slow = time.monotonic() - started > self.notification_timeout
            done.append(Delivery(item.kind, item.url, item.payload, status, error or ("slow" if slow else None)))
            if (status is None or status >= 300 or slow) and item.attempts + 1 < _ATTEMPTS:
                with self._lock:
                    self._pending.append(_Pending(item.kind, item.url, item.payload, item.attempts + 1))
        with self._lock:
            self.delivered.extend(done)
        return done

    def start(self, interval: float = 0.2) -> None:
        """Deliver in a background thread every `interval` seconds (the demo; tests call deliver())."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, args=(interval,), name="graph-notifications",
                                            daemon=True)
            self._thread.start()

    def _run(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.deliver()

    def close(self) -> None:
        self._unsubscribe()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)


def create(face: GraphFace, call: Call):
    body = call.body if isinstance(call.body, dict) else {}
    return 201, face.subscriptions.add(call, body).as_json(call.base), None


def list_subscriptions(face: GraphFace, call: Call):
    subs = [s.as_json(call.base) for s in face.subscriptions.live(call.email) if s.app_id == call.caller.app_id]
    return 200, {"@odata.context": f"{call.base}/$metadata#subscriptions", "value": subs}, None


def update(face: GraphFace, call: Call, id: str):
    sub = face.subscriptions.owned(call, id)
    body = call.body if isinstance(call.body, dict) else {}
    if set(body) - {"expirationDateTime"}:
        raise GraphFault(501, "NotImplemented", "The sandbox renews subscriptions (expirationDateTime) only.")
    sub.expires = face.subscriptions.expiry(body.get("expirationDateTime"))
    return 200, sub.as_json(call.base), None


def delete(face: GraphFace, call: Call, id: str):
    face.subscriptions.remove(face.subscriptions.owned(call, id).id)
    return 204, None, None
