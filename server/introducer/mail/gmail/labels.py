"""Label ids of one Gmail mailbox, listed once and shared by every `GmailMailbox` of the account in a process.

threads.modify takes label ids, not names, and user labels must be created first (labels.create). A
listing (labels.list, 1 quota unit) is kept and trusted: a name it lacks is created when it is to be
added, and is taken as absent when it is only to be removed, so relabelling costs no listing at all.
What the listing cannot know is a label another process created after it; three rules keep that right:

- labels.create answering 409 (another process made it a moment ago) reads the list again;
- a name the caller says the thread carries (`present`, what it last applied) but the listing lacks
  reads the list again;
- a listing older than `FRESH_FOR` seconds is read again before a name it lacks is taken as absent.

A label the user deleted makes threads.modify fail (400 "Invalid label"): the list is read again once
and the change retried with the ids it gives (`GmailMailbox.change_labels`).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

FRESH_FOR = 300.0  # seconds a listing is trusted to say which labels do not exist

_shared: dict[tuple, "LabelIds"] = {}
_shared_lock = threading.Lock()


class LabelIds:
    """name -> id for one mailbox, safe to share between threads."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._ids: dict[str, str] | None = None
        self._listed_at = 0.0
        self._clock = clock
        self._lock = threading.Lock()

    def get(self, name: str) -> str | None:
        with self._lock:
            return None if self._ids is None else self._ids.get(name)

    def snapshot(self) -> dict[str, str]:
        with self._lock:
            return dict(self._ids or {})

    def needs_listing(self, add=(), remove=(), present=()) -> bool:
        """Whether these names can be resolved only by listing the labels (again)."""
        with self._lock:
            if self._ids is None:
                return True
            if any(name not in self._ids for name in present):
                return True
            stale = self._clock() - self._listed_at > FRESH_FOR
            return stale and any(name not in self._ids for name in (*add, *remove))

    def listed(self, ids: dict[str, str]) -> None:
        with self._lock:
            self._ids = dict(ids)
            self._listed_at = self._clock()

    def created(self, name: str, label_id: str) -> None:
        with self._lock:
            if self._ids is None:
                self._ids = {}
            self._ids[name] = label_id

    def forget(self) -> None:
        with self._lock:
            self._ids = None


def shared(key: tuple) -> LabelIds:
    """The one LabelIds of a mailbox in this process (key: account and API endpoint)."""
    with _shared_lock:
        found = _shared.get(key)
        if found is None:
            found = _shared[key] = LabelIds()
        return found


def forget_all() -> None:
    with _shared_lock:
        _shared.clear()
