"""Shared test plumbing: measured numbers reported at the end of the run."""
from __future__ import annotations

import pytest

_MEASURED: list[str] = []


@pytest.fixture
def report():
    """Call report("name: value") to print a measured number in the run's summary."""
    return _MEASURED.append


def pytest_terminal_summary(terminalreporter):
    if _MEASURED:
        terminalreporter.section("measured")
        for line in _MEASURED:
            terminalreporter.write_line(line)
