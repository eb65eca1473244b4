"""Sandbox fixtures: a settable clock and the seeded demo world in memory.

Import what a module needs (`from sandbox_fixtures import T0, clock, world  # noqa: F401`).
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from introducer.mail.sandbox import SandboxWorld, seed_demo

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday morning


class Clock:
    """The world's clock in a test: read it by calling, move it by setting `.now`."""

    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(clock):
    """The seeded demo world (Dana, Ann, Bob, Carol, Evan, Farah, Gus) on the test clock."""
    w = SandboxWorld(None)
    w.set_clock(clock)
    seed_demo(w)
    yield w
    w.close()
