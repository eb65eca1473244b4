"""The Microsoft Graph face of the sandbox mail world: Graph v1.0 mail endpoints over a `SandboxWorld`.

A WSGI app (serve it with `LoopbackServer(face.wsgi_app)`; the base URL is `{server}/v1.0`) that lets
the real `GraphMailbox` run against the world. It serves what outlook.md §4/§5 describes, shaped as
the Graph docs publish it: messages (create, get, PATCH, send, createReplyAll, delete, list by
conversationId/internetMessageId), delta on inbox/sentitems/drafts, master categories, and
subscriptions with the validation handshake and change/lifecycle notifications.

Bearer tokens come from `SandboxMicrosoftIdentity` (anything with `owner_of(token) -> GraphCaller`).
For tests and the sandbox UI it records every request (`requests`, `without_immutable_ids()`),
measures concurrent requests per mailbox (`max_concurrency`), answers with armed faults (`faults`),
and, like Graph, throttles more than `concurrency_limit` requests at once for one mailbox.
"""
from __future__ import annotations

import json
import logging
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable

import requests
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Request, Response

from ..port import NotFound
from . import graph_delta, graph_messages, graph_subscriptions
from .graph_http import (ConcurrencyGauge, GraphFault, HttpFaults, error_body, json_response, new_request_id,
                         parse_prefer)
from .graph_ids import IdBook
from .microsoft_identity import GraphCaller
from .records import UnknownUser
from .world import SandboxWorld

log = logging.getLogger(__name__)
Handler = Callable[..., tuple[int, dict | None, dict | None]]
_ID = r"(?P<id>[^/]+)"
ROUTES: list[tuple[str, re.Pattern, str, Handler]] = [(m, re.compile(p + "$", re.I), op, h) for m, p, op, h in [
    ("POST", r"me/messages", "create_message", graph_messages.create),
    ("GET", r"me/messages", "list_messages", graph_messages.list_messages),
    ("GET", rf"me/messages/{_ID}", "get_message", graph_messages.get),
    ("PATCH", rf"me/messages/{_ID}", "update_message", graph_messages.update),
    ("DELETE", rf"me/messages/{_ID}", "delete_message", graph_messages.delete),
    ("POST", rf"me/messages/{_ID}/send", "send", graph_messages.send),
    ("POST", rf"me/messages/{_ID}/createReplyAll", "create_reply_all", graph_messages.create_reply_all),
    ("GET", r"me/mailFolders(?:/|\(')(?P<folder>[^/']+)(?:'\))?/messages/delta", "delta", graph_delta.handle),
    ("GET", r"me/outlook/masterCategories", "list_categories", graph_messages.list_categories),
    ("POST", r"me/outlook/masterCategories", "create_category", graph_messages.create_category),
    ("GET", r"subscriptions", "list_subscriptions", graph_subscriptions.list_subscriptions),
    ("POST", r"subscriptions", "create_subscription", graph_subscriptions.create),
    ("PATCH", rf"subscriptions/{_ID}", "update_subscription", graph_subscriptions.update),
    ("DELETE", rf"subscriptions/{_ID}", "delete_subscription", graph_subscriptions.delete),
]]


@dataclass(frozen=True)
class Call:
    """One authenticated request, as the handlers need it."""

    caller: GraphCaller
    immutable: bool  # Prefer: IdType="ImmutableId"
    prefer: dict[str, str]
    args: MultiDict
    body: Any
    base: str  # the service root as the client called it, e.g. http://127.0.0.1:5000/v1.0

    @property
    def email(self) -> str:
        return self.caller.email

    @property
    def text_body(self) -> bool:
        return self.prefer.get("outlook.body-content-type", "").lower() == "text"


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    operation: str | None
    mailbox: str | None
    immutable_ids: bool
    status: int


class GraphFace:
    def __init__(self, world: SandboxWorld, identity, *, prefix: str = "/v1.0", concurrency_limit: int | None = 4,
                 validation_timeout: float = 10.0, notification_timeout: float = 3.0,
                 http: requests.Session | None = None, https_only_callbacks: bool = True):
        """`http` makes the face's own calls (validation handshakes, notifications); give it a session
        that trusts the receiver's certificate. Graph accepts only https notification URLs; pass
        https_only_callbacks=False to let a local http receiver subscribe."""
        self.world = world
        self.identity = identity
        self.prefix = "/" + prefix.strip("/")
        self.concurrency_limit = concurrency_limit
        self.latency = 0.0  # seconds each request takes, so bursts overlap measurably
        self.ids = IdBook(world)
        self.secret = secrets.token_bytes(32)  # signs delta tokens; a restarted face forgets its sync states
        self.faults = HttpFaults()
        # False: ignore Prefer: IdType="ImmutableId" (a tenant or endpoint that answers changing REST ids)
        self.honour_immutable_ids = True
        self.gauge = ConcurrencyGauge()
        self.requests: deque[RequestRecord] = deque(maxlen=100_000)  # bounded: the demo runs for days
        self.overlay: dict[tuple[str, str], dict] = {}  # PATCHed recipients of sent/received copies
        self.categories = graph_messages.MasterCategories(world)
        self.subscriptions = graph_subscriptions.Subscriptions(
            self, http or requests.Session(), validation_timeout=validation_timeout,
            notification_timeout=notification_timeout, https_only=https_only_callbacks)
        self._lock = threading.Lock()

    # --- what tests and the sandbox UI look at ---------------------------------------------------
    def max_concurrency(self, email: str) -> int:
        """The most requests for one mailbox the face has seen in flight at once."""
        return self.gauge.peak.get(email.lower(), 0)

    def without_immutable_ids(self) -> list[RequestRecord]:
        """Authenticated requests that did not send Prefer: IdType="ImmutableId"."""
        with self._lock:
            return [r for r in self.requests if r.mailbox and not r.immutable_ids]

    def deliver_notifications(self) -> list:
        """Post every pending change notification and lifecycle event now; returns the deliveries."""
        return self.subscriptions.deliver()

    def deliver_in_background(self, interval: float = 0.2) -> None:
        """Post notifications from a background thread as they come (the demo; tests call deliver)."""
        self.subscriptions.start(interval)

    def lifecycle(self, subscription_id: str, event: str) -> None:
        """Queue a lifecycle event (reauthorizationRequired, subscriptionRemoved, missed) for delivery."""
        self.subscriptions.lifecycle(subscription_id, event)

    def close(self) -> None:
        self.subscriptions.close()

    # --- WSGI ------------------------------------------------------------------------------------
    def wsgi_app(self, environ, start_response):
        return self._respond(Request(environ))(environ, start_response)

    def _respond(self, request: Request) -> Response:
        request_id = new_request_id()
        client_id = request.headers.get("client-request-id")
        prefer = parse_prefer(request.headers.getlist("Prefer"))
        asked = prefer.get("idtype", "").lower() == "immutableid"
        immutable = asked and self.honour_immutable_ids
        path = request.path
        record = dict(method=request.method, path=path, operation=None, mailbox=None, immutable_ids=asked)
        try:
            operation, handler, params = self._route(request.method, path)
            record["operation"] = operation
            caller = self._authenticate(request)
            record["mailbox"] = caller.email
            call = Call(caller, immutable, prefer, request.args, self._body(request),
                        request.host_url.rstrip("/") + self.prefix)
            status, body, headers = self._run(call, operation, handler, params)
            if "outlook.body-content-type" in prefer and body is not None:
                # acknowledged as GD message-get.md example 3 shows, next to any other preference applied
                applied = f'outlook.body-content-type="{"text" if call.text_body else "html"}"'
                headers = dict(headers or {})
                headers["Preference-Applied"] = ", ".join(filter(None, (headers.get("Preference-Applied"), applied)))
            response = json_response(status, body, request_id, client_id, headers)
        except GraphFault as fault:
            response = json_response(fault.status, error_body(fault, request_id, client_id), request_id,
                                     client_id, fault.headers)
        except Exception:  # a bug here must still answer like Graph does, not with an HTML page
            log.exception("Graph face failed on %s %s", request.method, path)
            fault = GraphFault(500, "InternalServerError", "An internal server error occurred.")
            response = json_response(500, error_body(fault, request_id, client_id), request_id, client_id)
        with self._lock:
            self.requests.append(RequestRecord(**record, status=response.status_code))
        return response

    def _route(self, method: str, path: str) -> tuple[str, Handler, dict]:
        if not path.startswith(self.prefix + "/"):
            raise GraphFault(404, "BadRequest", "Invalid version.")
        rest = path[len(self.prefix) + 1:].rstrip("/")
        allowed = False
        for verb, pattern, operation, handler in ROUTES:
            match = pattern.match(rest)
            if match:
                allowed = True
                if verb == method:
                    return operation, handler, match.groupdict()
        if allowed:
            raise GraphFault(405, "Request_BadRequest", f"The HTTP method '{method}' is not allowed here.")
        raise GraphFault(400, "BadRequest", f"Resource not found for the segment '{rest.split('/')[-1]}'.")

    def _authenticate(self, request: Request) -> GraphCaller:
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise GraphFault(401, "InvalidAuthenticationToken", "Access token is empty.",
                             {"WWW-Authenticate": 'Bearer realm="", error="invalid_token"'})
        caller = self.identity.owner_of(token.strip())
        if caller is None:
            raise GraphFault(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.",
                             {"WWW-Authenticate": 'Bearer realm="", error="invalid_token"'})
        if self.world.user(caller.email) is None:
            raise GraphFault(404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, "
                                                                  "or is hosted on-premise.")
        return caller

    @staticmethod
    def _body(request: Request) -> Any:
        if request.method not in ("POST", "PATCH"):
            return None
        raw = request.get_data(cache=False)
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError:
            raise GraphFault(400, "RequestBodyRead", "Invalid JSON in the request body.") from None

    def _run(self, call: Call, operation: str, handler: Handler, params: dict):
        in_flight = self.gauge.enter(call.email)
        try:
            if self.concurrency_limit is not None and in_flight > self.concurrency_limit:
                raise GraphFault(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
                                 {"Retry-After": "1"})
            if self.latency:
                time.sleep(self.latency)
            fault = self.faults.take(operation, after=False)
            if fault:
                raise fault
            try:
                result = handler(self, call, **params)
            except (NotFound, UnknownUser):
                raise GraphFault(404, "ErrorItemNotFound", "The specified object was not found in the store.")
            fault = self.faults.take(operation, after=True)
            if fault:
                raise fault
            return result
        finally:
            self.gauge.leave(call.email)
