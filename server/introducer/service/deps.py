"""What every use case is given: a unit-of-work factory, a mailbox factory, a clock and the composer.

Nothing here knows Flask or HTTP; the web layer, the worker and the tests build one `Deps` each
(see bootstrap.py) and pass it in.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Callable

from ..domain.business_time import SendWindow
from ..domain.compose import Renderer

log = logging.getLogger("introducer")


@dataclass
class Deps:
    uow: Callable  # () -> UnitOfWork
    mailboxes: Callable  # (Account) -> Mailbox
    clock: Callable[[], datetime]
    renderer: Renderer
    window: SendWindow = field(default_factory=SendWindow)
    consent_links: Callable | None = None  # (intro_id, role, account_id=) -> {"yes": url, "no": url}
    worker_id: str = "worker"
    # Set when the process is asked to stop: loops over claimed work finish the item in hand and give
    # the rest back instead of holding it until its lease runs out.
    stopping: threading.Event = field(default_factory=threading.Event)


def parse_window(value: str) -> SendWindow:
    """'09:00-17:00' -> SendWindow; ValueError with a clear message otherwise."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ValueError(f"send window {value!r} must look like 09:00-17:00") from None
    if start >= end:
        raise ValueError(f"send window {value!r} must end after it starts")
    return SendWindow(start=start, end=end)
