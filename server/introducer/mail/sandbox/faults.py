"""Failures armed on purpose, so tests and the sandbox UI can show how the product copes.

Adapters call `check(operation)` before a call reaches the world and `check(operation + ":after")`
once it has succeeded: an error armed on "send:after" is a crash between the provider call and the
caller's commit, the case exactly-once sending must survive.

`NotificationFaults` makes a push channel (Gmail Pub/Sub pushes, Graph change notifications) behave
as the providers say it may: notifications dropped, duplicated, or delivered out of order.
"""
from __future__ import annotations

import random
from collections import Counter
import threading
from typing import TypeVar

T = TypeVar("T")


class Faults:
    def __init__(self) -> None:
        self._armed: dict[str, list[Exception]] = {}
        self._lock = threading.Lock()
        self.fired: Counter = Counter()  # operation -> how many armed errors it raised

    def arm(self, operation: str, error: Exception, times: int = 1) -> None:
        """Make the next `times` calls of `operation` raise `error`."""
        with self._lock:
            self._armed.setdefault(operation, []).extend([error] * times)

    def check(self, operation: str) -> None:
        with self._lock:
            pending = self._armed.get(operation)
            error = pending.pop(0) if pending else None
            if error is not None:
                self.fired[operation] += 1
        if error is not None:
            raise error

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()


class NotificationFaults:
    """What a push channel does to each notification, switchable per test (seeded, so a run repeats).

    `drop`: the share of notifications never delivered; `duplicate`: each delivered twice;
    `reorder`: each held back until the next one went out (a notification with nothing after it
    stays held: late, as good as lost until the mailbox changes again).
    """

    def __init__(self) -> None:
        self.set()

    def set(self, drop: float = 0.0, duplicate: bool = False, reorder: bool = False, seed: int = 7) -> None:
        self._lock = threading.Lock()
        self.drop, self.duplicate, self.reorder = drop, duplicate, reorder
        self._rng = random.Random(seed)
        self._held: list = []
        self.counts = {"sent": 0, "dropped": 0, "duplicated": 0, "reordered": 0}

    def shape(self, notification: T) -> list[T]:
        """The notifications to deliver now in place of this one (none, it, it twice, or with a held one)."""
        with self._lock:
            if self.drop and self._rng.random() < self.drop:
                self.counts["dropped"] += 1
                return []
            out = [notification, notification] if self.duplicate else [notification]
            self.counts["duplicated"] += len(out) - 1
            if self.reorder:
                if not self._held:  # hold this one back until the next one has gone out
                    self._held = out
                    self.counts["reordered"] += 1
                    return []
                out, self._held = out + self._held, []
            self.counts["sent"] += len(out)
            return out
