"""The Gmail API transport: one method per API call, polite retries, errors in the port's words.

Built on google-api-python-client with the static discovery document, so it works offline and
against any base URL (`api_url`, a setting: Google's, or the sandbox's Gmail face). Every method
returns the decoded JSON resource. Not thread-safe (httplib2 is not): one client per thread.

Quirk: `HttpRequest.execute(num_retries=N)` does retry 429, 5xx and 403 rate-limit reasons
(googleapiclient/http.py `_should_retry_response`), but it sleeps `rand() * 2**n` whatever the
Retry-After header says, and it repeats a `messages.send` after a 5xx or a dropped connection
without knowing whether the first attempt went out. So requests run with `num_retries=0` here,
and `_execute` retries itself: Retry-After honoured, and before repeating a call that may have
acted, the caller's `reconcile` looks for its effect first.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable

import google.auth.exceptions
import httplib2
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from ..port import TransientMailboxError
from . import errors

log = logging.getLogger(__name__)
GOOGLE_API_URL = "https://gmail.googleapis.com/"
Reconcile = Callable[[], dict | None]  # the effect of an attempt that may have acted, or None to retry


class GmailClient:
    def __init__(self, credentials, api_url: str = GOOGLE_API_URL, *, num_retries: int = 5,
                 max_wait: float = 30.0, sleep: Callable[[float], None] = time.sleep):
        """`max_wait`: the longest single pause; a Retry-After beyond it fails fast as transient, so
        a worker is never parked for minutes (the caller's own retry schedule takes over)."""
        # Quirk: new_batch_http_request() would ignore api_endpoint and still call
        # https://gmail.googleapis.com/batch (gmail.md §6); nothing here batches.
        self._service = build("gmail", "v1", credentials=credentials, client_options={"api_endpoint": api_url},
                              cache_discovery=False, static_discovery=True)
        self._users = self._service.users()
        self.num_retries = num_retries
        self.max_wait = max_wait
        self._sleep = sleep
        self.calls: Counter[str] = Counter()  # attempts per operation, for logs and benchmarks

    def _execute(self, request, operation: str, reconcile: Reconcile | None = None) -> dict:
        """Run a request: retry what Google refused for load, reconcile what may have acted."""
        for attempt in range(self.num_retries + 1):
            self.calls[operation] += 1
            try:
                return request.execute(num_retries=0) or {}
            except HttpError as exc:
                if not errors.is_retryable(exc) or attempt == self.num_retries:
                    raise errors.translate(exc, operation) from exc
                acted_maybe = not errors.is_rate_limit(exc)  # a 5xx may come after the work was done
                wait = errors.retry_after(exc)
                if wait is not None and wait > self.max_wait:
                    raise TransientMailboxError(f"gmail {operation}: asked to wait {wait:.0f}s") from exc
                wait = wait if wait is not None else errors.backoff(attempt)
                problem = f"{errors.status_of(exc)} {errors.reason_of(exc) or ''}"
            except google.auth.exceptions.GoogleAuthError as exc:
                if not isinstance(exc, google.auth.exceptions.TransportError) or attempt == self.num_retries:
                    raise errors.translate_auth(exc, operation) from exc
                acted_maybe, wait, problem = False, errors.backoff(attempt), str(exc)
            except (OSError, httplib2.HttpLib2Error) as exc:  # refused, reset, timed out
                if attempt == self.num_retries:
                    raise TransientMailboxError(f"gmail {operation}: {exc}") from exc
                acted_maybe, wait, problem = True, errors.backoff(attempt), str(exc)
            log.warning("gmail %s failed (%s); retry %d of %d in %.1fs", operation, problem, attempt + 1,
                        self.num_retries, wait)
            self._sleep(wait)
            if acted_maybe and reconcile is not None:
                done = reconcile()
                if done is not None:
                    return done
        raise AssertionError("unreachable")  # the loop returns or raises

    # --- profile and push ----------------------------------------------------------------------
    def get_profile(self) -> dict:
        """users.getProfile: https://developers.google.com/gmail/api/reference/rest/v1/users/getProfile"""
        return self._execute(self._users.getProfile(userId="me"), "getProfile")

    def watch(self, topic: str, label_ids: list[str], behavior: str = "include") -> dict:
        """users.watch: https://developers.google.com/gmail/api/reference/rest/v1/users/watch"""
        body = {"topicName": topic, "labelIds": label_ids, "labelFilterBehavior": behavior}
        return self._execute(self._users.watch(userId="me", body=body), "watch")

    def stop(self) -> None:
        """users.stop: https://developers.google.com/gmail/api/reference/rest/v1/users/stop"""
        self._execute(self._users.stop(userId="me"), "stop")

    # --- drafts ------------------------------------------------------------------------------
    def create_draft(self, raw: str, thread_id: str | None, reconcile: Reconcile | None = None) -> dict:
        """users.drafts.create: https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/create"""
        message = {"raw": raw, **({"threadId": thread_id} if thread_id else {})}
        return self._execute(self._users.drafts().create(userId="me", body={"message": message}),
                             "drafts.create", reconcile)

    def send_draft(self, draft_id: str, reconcile: Reconcile | None = None) -> dict:
        """users.drafts.send: https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/send"""
        return self._execute(self._users.drafts().send(userId="me", body={"id": draft_id}), "drafts.send", reconcile)

    def get_draft(self, draft_id: str, fmt: str = "minimal") -> dict:
        """users.drafts.get: https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/get"""
        return self._execute(self._users.drafts().get(userId="me", id=draft_id, format=fmt), "drafts.get")

    def list_drafts(self, q: str | None = None, page_token: str | None = None) -> dict:
        """users.drafts.list: https://developers.google.com/gmail/api/reference/rest/v1/users.drafts/list"""
        params = {k: v for k, v in (("q", q), ("pageToken", page_token)) if v}
        return self._execute(self._users.drafts().list(userId="me", maxResults=500, **params), "drafts.list")

    # --- messages and threads ----------------------------------------------------------------------
    def send_message(self, raw: str, thread_id: str | None, reconcile: Reconcile | None = None) -> dict:
        """users.messages.send: https://developers.google.com/gmail/api/reference/rest/v1/users.messages/send"""
        body = {"raw": raw, **({"threadId": thread_id} if thread_id else {})}
        return self._execute(self._users.messages().send(userId="me", body=body), "messages.send", reconcile)

    def get_message(self, message_id: str, fmt: str = "full", headers: list[str] | None = None) -> dict:
        """users.messages.get: https://developers.google.com/gmail/api/reference/rest/v1/users.messages/get"""
        extra = {"metadataHeaders": headers} if headers else {}
        return self._execute(self._users.messages().get(userId="me", id=message_id, format=fmt, **extra),
                             "messages.get")

    def list_messages(self, q: str) -> dict:
        """users.messages.list: https://developers.google.com/gmail/api/reference/rest/v1/users.messages/list"""
        return self._execute(self._users.messages().list(userId="me", q=q), "messages.list")

    def get_thread(self, thread_id: str, fmt: str = "full") -> dict:
        """users.threads.get: https://developers.google.com/gmail/api/reference/rest/v1/users.threads/get"""
        return self._execute(self._users.threads().get(userId="me", id=thread_id, format=fmt), "threads.get")

    def modify_thread(self, thread_id: str, add: list[str] = (), remove: list[str] = ()) -> dict:
        """users.threads.modify: https://developers.google.com/gmail/api/reference/rest/v1/users.threads/modify"""
        body = {"addLabelIds": list(add), "removeLabelIds": list(remove)}
        return self._execute(self._users.threads().modify(userId="me", id=thread_id, body=body), "threads.modify")

    # --- labels and history -------------------------------------------------------------------------
    def list_labels(self) -> dict:
        """users.labels.list: https://developers.google.com/gmail/api/reference/rest/v1/users.labels/list"""
        return self._execute(self._users.labels().list(userId="me"), "labels.list")

    def create_label(self, name: str) -> dict:
        """users.labels.create: https://developers.google.com/gmail/api/reference/rest/v1/users.labels/create"""
        body = {"name": name, "labelListVisibility": "labelShow", "messageListVisibility": "show"}
        return self._execute(self._users.labels().create(userId="me", body=body), "labels.create")

    def list_history(self, start: str, page_token: str | None = None,
                     history_types: tuple[str, ...] = ("messageAdded",), max_results: int = 500) -> dict:
        """users.history.list: https://developers.google.com/gmail/api/reference/rest/v1/users.history/list"""
        params = {"pageToken": page_token} if page_token else {}
        return self._execute(self._users.history().list(userId="me", startHistoryId=start,
                                                        historyTypes=list(history_types),
                                                        maxResults=max_results, **params), "history.list")
