"""Transport for Microsoft Graph: one mailbox's authenticated, throttle-aware requests.

- The access token comes from a callable (the caller owns MSAL and its cache); on 401 it is asked
  once more, and a second 401 means the grant is gone (ReconnectNeeded).
- `Prefer: IdType="ImmutableId"` goes on every request: the header applies only to the request it is
  on (GD concepts/outlook-immutable-id.md), and ids must not change when a draft is sent.
- 429/503/504 are retried after `Retry-After` seconds, or with exponential backoff and jitter when it
  is absent (GD concepts/throttling.md); bounded attempts, then TransientMailboxError.
- At most `max_concurrency` requests per mailbox at once across the process: Outlook allows 4
  concurrent requests per app per mailbox (GD concepts/throttling-limits.md).
"""
from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator

import requests

from ..port import MailboxError, NotFound, ReconnectNeeded, TransientMailboxError
from ..retry_after import retry_after_seconds

GRAPH_URL = "https://graph.microsoft.com/v1.0"
IMMUTABLE_IDS = 'IdType="ImmutableId"'
RETRYABLE = frozenset({429, 503, 504})
_TIMEOUT = (5, 30)
_SEMAPHORES: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_SEMAPHORES_LOCK = threading.Lock()


class GraphRequestError(MailboxError):
    """Graph refused a request (a 4xx other than 401/404); `code` is Graph's error code."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"Graph answered {status} {code}: {message}")
        self.status, self.code = status, code


class SyncStateGone(MailboxError):
    """A delta link Graph no longer knows (410 SyncStateNotFound, or SyncStateInvalid): start again."""


def mailbox_semaphore(mailbox: str, limit: int) -> threading.BoundedSemaphore:
    """The process-wide gate for one mailbox: every GraphMailbox for it shares the same one."""
    key = (mailbox.strip().lower(), limit)
    with _SEMAPHORES_LOCK:
        if key not in _SEMAPHORES:
            _SEMAPHORES[key] = threading.BoundedSemaphore(limit)
        return _SEMAPHORES[key]


def _error_of(response: requests.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    return str(error.get("code") or response.reason or ""), str(error.get("message") or response.text[:200])


class GraphClient:
    def __init__(self, token: Callable[[], str], base_url: str = GRAPH_URL, *, mailbox: str,
                 session: requests.Session | None = None, max_concurrency: int = 4, max_attempts: int = 4,
                 max_wait: float = 120.0, sleep: Callable[[float], None] = time.sleep,
                 jitter: Callable[[], float] = random.random):
        self._token_supplier = token
        self.base_url = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._gate = mailbox_semaphore(mailbox, max_concurrency)
        self.max_attempts, self.max_wait = max_attempts, max_wait
        self._sleep, self._jitter = sleep, jitter
        self._token: str | None = None
        self._token_lock = threading.Lock()

    def _bearer(self, refresh: bool = False) -> str:
        with self._token_lock:
            if self._token is None or refresh:
                self._token = self._token_supplier()
            return self._token

    def _wait_for(self, response: requests.Response | None, attempt: int) -> float:
        """Seconds to wait before the next attempt: Retry-After if given, else backoff with jitter."""
        given = retry_after_seconds(response.headers.get("Retry-After")) if response is not None else None
        if given is not None:
            return given
        return min(self.max_wait, (2 ** attempt) * (0.5 + self._jitter()))

    def request(self, method: str, path: str, *, params: dict | None = None, json: dict | None = None,
                prefer: tuple[str, ...] = (), retry_server_errors: bool = True) -> requests.Response:
        """One Graph call; returns a 2xx response, raises the port's errors otherwise.

        `retry_server_errors=False` retries only 429 (Graph did not act on a throttled request); use it
        for calls that must not be repeated blindly after a 503/504 (the work may have been done).
        """
        url = path if path.startswith(("https://", "http://")) else f"{self.base_url}/{path.lstrip('/')}"
        if not url.startswith(self.base_url + "/"):
            raise MailboxError(f"refusing to send the mailbox token to {url}")  # a nextLink elsewhere
        headers = {"Prefer": ", ".join((IMMUTABLE_IDS, *prefer))}
        refreshed = False
        attempt = 0
        while True:
            headers["Authorization"] = f"Bearer {self._bearer()}"
            try:
                with self._gate:  # released while sleeping: a throttled caller must not block the others
                    response = self._session.request(method, url, params=params, json=json, headers=headers,
                                                     timeout=_TIMEOUT)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if method != "GET" or attempt + 1 >= self.max_attempts:
                    raise TransientMailboxError(f"Graph unreachable: {exc}") from exc
                response = None
            else:
                if response.status_code < 300:
                    return response
                if response.status_code == 401 and not refreshed:
                    refreshed = True
                    self._bearer(refresh=True)  # may raise ReconnectNeeded itself
                    continue
                retryable = response.status_code == 429 or (retry_server_errors and response.status_code in RETRYABLE)
                if not retryable or attempt + 1 >= self.max_attempts:
                    raise self._failure(response)
            wait = self._wait_for(response, attempt)
            if wait > self.max_wait:  # a long Retry-After is the scheduler's job, not a worker thread's
                raise TransientMailboxError(f"Graph asks to retry after {wait:.0f}s")
            self._sleep(wait)
            attempt += 1

    @staticmethod
    def _failure(response: requests.Response) -> MailboxError:
        code, message = _error_of(response)
        status = response.status_code
        if status == 401:
            return ReconnectNeeded(f"Graph refused the access token: {code}: {message}")
        if status == 404:
            return NotFound(f"Graph: {code}: {message}")
        if status == 410 or code in ("SyncStateNotFound", "SyncStateInvalid", "syncStateNotFound"):
            return SyncStateGone(f"Graph: {code}: {message}")
        if status == 429 or status >= 500:
            return TransientMailboxError(f"Graph answered {status} {code}: {message}")
        return GraphRequestError(status, code, message)

    def get(self, path: str, params: dict | None = None, prefer: tuple[str, ...] = ()) -> dict:
        return self.request("GET", path, params=params, prefer=prefer).json()

    def post(self, path: str, body: dict | None = None, *, retry_server_errors: bool = False) -> dict | None:
        response = self.request("POST", path, json=body, retry_server_errors=retry_server_errors)
        return response.json() if response.content else None

    def patch(self, path: str, body: dict) -> dict:
        return self.request("PATCH", path, json=body).json()

    def delete(self, path: str) -> None:
        self.request("DELETE", path)

    def pages(self, path: str, params: dict | None = None, prefer: tuple[str, ...] = ()) -> Iterator[dict]:
        """Each page of a collection, following @odata.nextLink; the last page has the deltaLink, if any."""
        page = self.get(path, params, prefer)
        yield page
        while page.get("@odata.nextLink"):
            page = self.get(page["@odata.nextLink"], None, prefer)
            yield page
