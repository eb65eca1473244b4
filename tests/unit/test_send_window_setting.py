"""INTRODUCER_SEND_WINDOW: hours, and optionally the days (Monday to Friday unless given)."""
from __future__ import annotations

from datetime import time

import pytest

from introducer.service.deps import parse_window


def test_hours_alone_mean_monday_to_friday():
    window = parse_window("09:00-17:00")
    assert (window.start, window.end, window.weekdays) == (time(9), time(17), frozenset(range(5)))


@pytest.mark.parametrize("value, days", [("08:30-18:00 Mon-Sat", range(6)), ("00:00-23:59 mon-sun", range(7)),
                                         ("10:00-12:00 Wed", [2])])
def test_days_can_be_given_as_a_range(value, days):
    assert parse_window(value).weekdays == frozenset(days)


@pytest.mark.parametrize("value", ["9-5", "17:00-09:00", "09:00-17:00 Fri-Mon", "09:00-17:00 weekdays"])
def test_a_bad_window_is_a_clear_error(value):
    with pytest.raises(ValueError, match="send window"):
        parse_window(value)
