"""Named crash points for the crash suite: a test-only switch that makes this process kill itself.

`INTRODUCER_CRASH_AT=name:count[,name:count…]` SIGKILLs the process the count-th time it passes the named
point (`crash_point(name)`), exactly as a power cut or the OOM killer would: no exception handler, no
`finally`, no commit runs. Unset (production), a crash point is one dictionary lookup. The points:

    send.before_provider   send.after_provider   send.before_commit   send.after_commit
    sync.mid               ingest.before_commit  ingest.after_commit  relabel.after_provider
"""
from __future__ import annotations

import os
import signal

ENV = "INTRODUCER_CRASH_AT"
POINTS = ("send.before_provider", "send.after_provider", "send.before_commit", "send.after_commit",
          "sync.mid", "ingest.before_commit", "ingest.after_commit", "relabel.after_provider")
_plan: dict[str, int] | None = None
_hits: dict[str, int] = {}


def _load() -> dict[str, int]:
    plan = {}
    for item in os.environ.get(ENV, "").split(","):
        name, _, count = item.strip().partition(":")
        if name:
            plan[name] = int(count or 1)
    return plan


def reset() -> None:
    """Read the plan again (a process forked from one that had read it, with another plan)."""
    global _plan
    _plan = None
    _hits.clear()


def crash_point(name: str) -> None:
    global _plan
    if _plan is None:
        _plan = _load()
    if name not in _plan:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] == _plan[name]:
        os.kill(os.getpid(), signal.SIGKILL)
