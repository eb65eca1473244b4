"""HTTP plumbing of the Graph face: error bodies, Prefer headers, armed faults, concurrency gauge.

Error bodies follow GD concepts/errors.md: `{"error": {"code", "message", "innerError": {"date",
"request-id", "client-request-id"}}}`. Throttling follows GD concepts/throttling.md: 429 (and 503/504)
with `Retry-After` in seconds.
"""
from __future__ import annotations

import json
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

from werkzeug.wrappers import Response


class GraphFault(Exception):
    """A request the face answers with a Graph error."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def bad_request(message: str, code: str = "BadRequest") -> GraphFault:
    return GraphFault(400, code, message)


def subscription_not_found() -> GraphFault:
    return GraphFault(404, "ResourceNotFound", "The object was not found.")


def json_response(status: int, body: dict | None, request_id: str, client_request_id: str | None,
                  headers: dict[str, str] | None = None) -> Response:
    response = Response(json.dumps(body) if body is not None else b"", status=status,
                        content_type="application/json" if body is not None else None)
    response.headers["request-id"] = request_id
    response.headers["client-request-id"] = client_request_id or request_id
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_body(fault: GraphFault, request_id: str, client_request_id: str | None) -> dict:
    return {"error": {"code": fault.code, "message": fault.message, "innerError": {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S"), "request-id": request_id,
        "client-request-id": client_request_id or request_id}}}


def parse_prefer(values: list[str]) -> dict[str, str]:
    """Prefer headers (RFC 7240), one or several, comma-separated: lower-cased names, unquoted values."""
    out: dict[str, str] = {}
    for value in values:
        for item in value.split(","):
            name, _, val = item.strip().partition("=")
            if name:
                out[name.strip().lower()] = val.strip().strip('"')
    return out


def new_request_id() -> str:
    return str(uuid.uuid4())


@dataclass
class _Armed:
    status: int
    retry_after: int | None
    after: bool


class HttpFaults:
    """Answers armed on purpose: `arm("send", 429, retry_after=2)` fails the next send with 429.

    `after=True` lets the call reach the world first and fails only the answer (a gateway timeout
    after the work was done). Operation "*" matches every operation.
    """

    _CODES = {404: ("ResourceNotFound", "Resource not found for the segment 'delta'."),  # an endpoint not offered
              429: ("TooManyRequests", "Too many requests; retry after the time in Retry-After."),
              503: ("ServiceUnavailable", "The service is temporarily unavailable."),
              504: ("GatewayTimeout", "The gateway timed out.")}

    def __init__(self) -> None:
        self._armed: dict[str, list[_Armed]] = defaultdict(list)
        self._lock = threading.Lock()
        self.fired: dict[str, int] = defaultdict(int)  # operation -> armed answers given

    def arm(self, operation: str, status: int = 429, *, retry_after: int | None = 1, times: int = 1,
            after: bool = False) -> None:
        with self._lock:
            self._armed[operation].extend([_Armed(status, retry_after, after)] * times)

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, operation: str, after: bool) -> GraphFault | None:
        with self._lock:
            for key in (operation, "*"):
                pending = self._armed.get(key) or []
                for i, armed in enumerate(pending):
                    if armed.after == after:
                        del pending[i]
                        self.fired[operation] += 1
                        code, message = self._CODES.get(armed.status, ("InternalServerError", "Server error."))
                        headers = {"Retry-After": str(armed.retry_after)} if armed.retry_after is not None else {}
                        return GraphFault(armed.status, code, message, headers)
        return None


class ConcurrencyGauge:
    """Requests in flight per mailbox, and the most ever seen at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now: dict[str, int] = defaultdict(int)
        self.peak: dict[str, int] = defaultdict(int)

    def enter(self, mailbox: str) -> int:
        with self._lock:
            self._now[mailbox] += 1
            self.peak[mailbox] = max(self.peak[mailbox], self._now[mailbox])
            return self._now[mailbox]

    def leave(self, mailbox: str) -> None:
        with self._lock:
            self._now[mailbox] -= 1
