"""What every use case is given: a unit-of-work factory, a mailbox factory, a clock and the composer.

Nothing here knows Flask or HTTP; the web layer, the worker and the tests build one `Deps` each
(see bootstrap.py) and pass it in.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Callable

from ..domain.business_time import SendWindow
from ..domain.compose import Renderer
from ..domain.message_keys import MessageKeys

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
    # how long a claimed send stays with its worker if that worker dies (longer jobs: long_lease)
    lease: timedelta = timedelta(minutes=2)
    LONG_LEASE_FACTOR = 2.5  # a class constant, not a field
    # keys of our outbound messages (a MAC under the secret key); bootstrap passes the configured secret
    message_keys: MessageKeys = field(default_factory=MessageKeys.random)
    # Set when the process is asked to stop: loops over claimed work finish the item in hand and give
    # the rest back instead of holding it until its lease runs out.
    stopping: threading.Event = field(default_factory=threading.Event)


    @property
    def long_lease(self) -> timedelta:
        """The lease of a sync request or a due nudge: jobs that read a mailbox take longer than one send."""
        return self.lease * self.LONG_LEASE_FACTOR


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_window(value: str) -> SendWindow:
    """'09:00-17:00' (Monday to Friday) or '09:00-17:00 Mon-Sat' -> SendWindow; ValueError naming the problem."""
    hours, _, days = value.strip().partition(" ")
    try:
        start, end = (time.fromisoformat(part.strip()) for part in hours.split("-"))
    except ValueError:
        raise ValueError(f"send window {value!r} must look like 09:00-17:00 (or 09:00-17:00 Mon-Sat)") from None
    if start >= end:
        raise ValueError(f"send window {value!r} must end after it starts")
    if not days.strip():
        return SendWindow(start=start, end=end)
    first, _, last = days.strip().lower().partition("-")
    if first not in DAYS or (last or first) not in DAYS or DAYS.index(last or first) < DAYS.index(first):
        raise ValueError(f"send window {value!r}: the days must be a range such as Mon-Fri or Mon-Sun")
    return SendWindow(start=start, end=end, weekdays=frozenset(range(DAYS.index(first), DAYS.index(last or first) + 1)))
