"""What every use case is given: a unit-of-work factory, a mailbox factory, a clock and the composer.

Nothing here knows Flask or HTTP; the web layer, the worker and the tests build one `Deps` each
(see bootstrap.py) and pass it in.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, time
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
    # keys of our outbound messages (a MAC under the secret key); bootstrap passes the configured secret
    message_keys: MessageKeys = field(default_factory=MessageKeys.random)


def parse_window(value: str) -> SendWindow:
    """'09:00-17:00' -> SendWindow; ValueError with a clear message otherwise."""
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ValueError(f"send window {value!r} must look like 09:00-17:00") from None
    if start >= end:
        raise ValueError(f"send window {value!r} must end after it starts")
    return SendWindow(start=start, end=end)
