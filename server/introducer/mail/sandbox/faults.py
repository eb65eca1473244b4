"""Failures armed on purpose, so tests and the sandbox UI can show how the product copes.

Adapters call `check(operation)` before a call reaches the world and `check(operation + ":after")`
once it has succeeded: an error armed on "send:after" is a crash between the provider call and the
caller's commit, the case exactly-once sending must survive.
"""
from __future__ import annotations

import threading


class Faults:
    def __init__(self) -> None:
        self._armed: dict[str, list[Exception]] = {}
        self._lock = threading.Lock()

    def arm(self, operation: str, error: Exception, times: int = 1) -> None:
        """Make the next `times` calls of `operation` raise `error`."""
        with self._lock:
            self._armed.setdefault(operation, []).extend([error] * times)

    def check(self, operation: str) -> None:
        with self._lock:
            pending = self._armed.get(operation)
            error = pending.pop(0) if pending else None
        if error is not None:
            raise error

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()
