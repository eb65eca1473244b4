"""Test helpers around the sandbox's Graph face: a signed-in raw HTTP caller, and a stand-in for our
Graph webhook endpoints served over HTTPS on loopback for the face to call.

`WebhookReceiver` answers the validation handshake as GD concepts/change-notifications-delivery-
webhooks.md asks (200, text/plain, the URL-decoded token) and records every notification and lifecycle
event. `mode` makes it misbehave: "wrong" echoes something else, "error" answers 500, "slow" answers
after `delay`.
"""
from __future__ import annotations

import threading
import time

from flask import Flask, Response, request

from introducer.mail.sandbox.loopback import LoopbackCA, LoopbackServer
from introducer.mail.sandbox.outlook_sandbox import OutlookSandbox

IMMUTABLE = 'IdType="ImmutableId"'


class GraphCaller:
    """Plain `requests` with a user's bearer token and, unless told otherwise, immutable ids."""

    def __init__(self, outlook: OutlookSandbox, email: str):
        self.base = outlook.graph_url
        self.http = outlook.session()
        self.token = outlook.identity.issue_access_token(email)

    def __call__(self, method: str, path: str, *, prefer: str | None = IMMUTABLE, token: str | None = None, **kw):
        headers = {"Authorization": f"Bearer {token or self.token}", **kw.pop("headers", {})}
        if prefer:
            headers["Prefer"] = prefer
        url = path if path.startswith("https://") else f"{self.base}/{path}"
        return self.http.request(method, url, headers=headers, timeout=10, **kw)


class WebhookReceiver:
    def __init__(self, ca: LoopbackCA | None = None):
        self.mode = "echo"
        self.delay = 0.0
        self.validations: list[tuple[str, str, str]] = []  # (path, token, request content type)
        self.notifications: list[dict] = []
        self.lifecycle_events: list[dict] = []
        self._lock = threading.Lock()
        app = Flask(__name__)
        app.add_url_rule("/graph/notify", "notify", self._handle, methods=["POST"])
        app.add_url_rule("/graph/lifecycle", "lifecycle", self._handle, methods=["POST"])
        self._server = LoopbackServer(app, ca=ca)

    def __enter__(self) -> "WebhookReceiver":
        self._server.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.close()

    @property
    def notify_url(self) -> str:
        return f"{self._server.base_url}/graph/notify"

    @property
    def lifecycle_url(self) -> str:
        return f"{self._server.base_url}/graph/lifecycle"

    def _handle(self):
        if self.mode == "slow":
            time.sleep(self.delay)
        token = request.args.get("validationToken")  # Flask has URL-decoded it already
        if token is not None:
            with self._lock:
                self.validations.append((request.path, token, request.headers.get("Content-Type", "")))
            if self.mode == "error":
                return Response("", 500)
            answer = token if self.mode != "wrong" else token.upper() + "!"
            return Response(answer, 200, content_type="text/plain; charset=utf-8")
        with self._lock:
            target = self.lifecycle_events if request.path.endswith("lifecycle") else self.notifications
            target.append(request.get_json())
        return Response("", 202)
