"""Business days and send windows in the introducer's time zone: weekends, windows, DST, bad zones."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from introducer.domain.business_time import (
    days_later_in_business_hours,
    DEFAULT_WINDOW,
    SendWindow,
    add_business_days,
    after_return,
    is_business_time,
    next_send_time,
)

NY = "America/New_York"
NYZ = ZoneInfo(NY)
UTC = timezone.utc


def ny(*args) -> datetime:
    return datetime(*args, tzinfo=NYZ)


def local(dt: datetime, tz: str = NY) -> datetime:
    return dt.astimezone(ZoneInfo(tz))


def _is_utc(dt: datetime) -> bool:
    return dt.tzinfo is not None and dt.utcoffset() == timedelta(0)


# ------------------------------------------------------------------ windows

def test_the_default_window_is_nine_to_five_on_weekdays():
    window = (DEFAULT_WINDOW.start, DEFAULT_WINDOW.end, DEFAULT_WINDOW.weekdays)
    assert window == (time(9), time(17), frozenset(range(5)))


@pytest.mark.parametrize("kwargs", [
    {"start": time(17), "end": time(9)}, {"start": time(9), "end": time(9)}, {"weekdays": frozenset()},
    {"weekdays": frozenset({7})}, {"start": time(9, tzinfo=UTC)},
])
def test_a_send_window_that_cannot_work_is_refused(kwargs):
    with pytest.raises(ValueError):
        SendWindow(**kwargs)


@pytest.mark.parametrize("at, expected", [
    (ny(2026, 12, 1, 10, 0), True),     # Tuesday morning
    (ny(2026, 12, 1, 9, 0), True),      # the window opens at 9:00 sharp
    (ny(2026, 12, 1, 8, 59), False),
    (ny(2026, 12, 1, 17, 0), False),    # and is closed at 17:00
    (ny(2026, 12, 5, 11, 0), False),    # Saturday
    (ny(2026, 12, 6, 11, 0), False),    # Sunday
])
def test_is_business_time_follows_the_window_in_local_time(at, expected):
    assert is_business_time(at, NY) is expected
    assert is_business_time(at.astimezone(UTC), NY) is expected


def test_the_same_instant_is_business_time_in_one_zone_and_not_in_another():
    at = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in New York, 00:00 Wednesday in Sydney
    assert is_business_time(at, NY)
    assert not is_business_time(at, "Australia/Sydney")


# ------------------------------------------------------------------ next_send_time

def test_next_send_time_keeps_a_time_inside_the_window_and_returns_utc():
    at = ny(2026, 12, 1, 10, 30)
    result = next_send_time(at, NY)
    assert result == at and _is_utc(result)


@pytest.mark.parametrize("at, expected_local", [
    (ny(2026, 12, 1, 7, 0), ny(2026, 12, 1, 9, 0)),     # early Tuesday: that morning
    (ny(2026, 12, 1, 18, 0), ny(2026, 12, 2, 9, 0)),    # Tuesday evening: Wednesday morning
    (ny(2026, 12, 4, 17, 0), ny(2026, 12, 7, 9, 0)),    # Friday close: Monday morning
    (ny(2026, 12, 5, 12, 0), ny(2026, 12, 7, 9, 0)),    # Saturday: Monday morning
])
def test_next_send_time_moves_to_the_next_window_opening(at, expected_local):
    result = next_send_time(at, NY)
    assert result == expected_local and _is_utc(result)


def test_a_custom_window_with_other_weekdays_is_respected():
    sunday_to_thursday = SendWindow(start=time(8), end=time(16), weekdays=frozenset({6, 0, 1, 2, 3}))
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=ZoneInfo("Asia/Jerusalem"))
    assert local(next_send_time(friday, "Asia/Jerusalem", sunday_to_thursday), "Asia/Jerusalem") == \
        datetime(2026, 12, 6, 8, 0, tzinfo=ZoneInfo("Asia/Jerusalem"))


# ------------------------------------------------------------------ add_business_days

@pytest.mark.parametrize("start, days, expected_local", [
    (ny(2026, 12, 4, 16, 0), 1, ny(2026, 12, 7, 16, 0)),   # Friday 16:00 + 1 = Monday 16:00
    (ny(2026, 12, 1, 10, 0), 3, ny(2026, 12, 4, 10, 0)),   # Tuesday + 3 = Friday
    (ny(2026, 12, 1, 10, 0), 5, ny(2026, 12, 8, 10, 0)),   # a full week, weekend skipped
    (ny(2026, 12, 5, 11, 0), 1, ny(2026, 12, 8, 9, 0)),    # Saturday counts from Monday's opening
    (ny(2026, 12, 7, 20, 0), 1, ny(2026, 12, 9, 9, 0)),    # after hours counts from the next opening
    (ny(2026, 12, 1, 10, 0), 0, ny(2026, 12, 1, 10, 0)),
    (ny(2026, 12, 5, 11, 0), 0, ny(2026, 12, 7, 9, 0)),
])
def test_add_business_days_skips_weekends_and_lands_inside_the_window(start, days, expected_local):
    result = add_business_days(start, days, NY)
    assert result == expected_local and _is_utc(result)
    assert is_business_time(result, NY)


@pytest.mark.parametrize("days", [-1, 1.5, True, "2"])
def test_add_business_days_refuses_a_day_count_that_is_not_a_whole_number(days):
    with pytest.raises(ValueError):
        add_business_days(ny(2026, 12, 1, 10, 0), days, NY)


def test_naive_datetimes_are_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_days(datetime(2026, 12, 1, 10, 0), 1, NY)


# ------------------------------------------------------------------ daylight saving time

def test_spring_forward_keeps_the_local_hour_so_the_utc_hour_moves():
    # US clocks go forward on Sunday 8 March 2026.
    result = add_business_days(ny(2026, 3, 6, 16, 0), 1, NY)
    assert result == datetime(2026, 3, 9, 20, 0, tzinfo=UTC)  # 16:00 EDT
    assert local(result).hour == 16


def test_fall_back_keeps_the_local_hour_so_the_utc_hour_moves():
    # US clocks go back on Sunday 1 November 2026.
    result = add_business_days(ny(2026, 10, 30, 16, 0), 1, NY)
    assert result == datetime(2026, 11, 2, 21, 0, tzinfo=UTC)  # 16:00 EST


def test_a_window_opening_inside_the_spring_gap_becomes_the_first_real_time_after_it():
    every_day_from_2_30 = SendWindow(start=time(2, 30), end=time(17), weekdays=frozenset(range(7)))
    result = next_send_time(ny(2026, 3, 7, 20, 0), NY, every_day_from_2_30)  # 02:30 on 8 March does not exist
    assert result == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)
    assert (local(result).hour, local(result).minute) == (3, 30)
    assert local(result).astimezone(UTC) == result  # a real, round-trippable instant


def test_an_ambiguous_autumn_time_takes_its_first_occurrence():
    every_day_from_1_30 = SendWindow(start=time(1, 30), end=time(17), weekdays=frozenset(range(7)))
    result = next_send_time(ny(2026, 10, 31, 20, 0), NY, every_day_from_1_30)
    assert result == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # 01:30 EDT, not 01:30 EST


# ------------------------------------------------------------------ after_return

@pytest.mark.parametrize("back, expected_local", [
    (date(2026, 12, 7), ny(2026, 12, 8, 9, 0)),   # back Monday: nudge Tuesday morning
    (date(2026, 12, 4), ny(2026, 12, 7, 9, 0)),   # back Friday: nudge Monday morning
    (date(2026, 12, 5), ny(2026, 12, 7, 9, 0)),   # back on a Saturday: Monday
])
def test_after_return_is_the_window_opening_the_business_day_after_the_return(back, expected_local):
    result = after_return(back, NY, DEFAULT_WINDOW)
    assert result == expected_local and _is_utc(result)


def test_after_return_uses_the_introducers_zone():
    assert after_return(date(2026, 12, 7), "Asia/Kolkata") == datetime(2026, 12, 8, 3, 30, tzinfo=UTC)


# ------------------------------------------------------------------ time zone validation

@pytest.mark.parametrize("tz", ["Mars/Olympus_Mons", "", "   ", "../../etc/passwd", None, 5])
def test_an_unknown_time_zone_is_a_clear_value_error(tz):
    with pytest.raises(ValueError, match="time zone"):
        next_send_time(ny(2026, 12, 1, 10, 0), tz)
    with pytest.raises(ValueError, match="time zone"):
        add_business_days(ny(2026, 12, 1, 10, 0), 1, tz)
    with pytest.raises(ValueError, match="time zone"):
        after_return(date(2026, 12, 7), tz)


@pytest.mark.parametrize("start, days, expected", [
    (ny(2026, 12, 7, 19, 49), 1, ny(2026, 12, 8, 9, 0)),    # Monday evening + 1: Tuesday morning
    (ny(2026, 12, 8, 10, 15), 1, ny(2026, 12, 9, 10, 15)),  # business hours keep their time of day
    (ny(2026, 12, 11, 11, 0), 1, ny(2026, 12, 14, 11, 0)),  # Friday + 1: Monday
    (ny(2026, 12, 12, 8, 0), 1, ny(2026, 12, 14, 9, 0)),    # Saturday + 1: Monday morning
    (ny(2026, 12, 7, 6, 30), 3, ny(2026, 12, 10, 9, 0)),
    (ny(2027, 3, 12, 10, 0), 1, ny(2027, 3, 15, 10, 0)),    # over the spring DST change
])
def test_days_later_in_business_hours_is_a_business_morning_or_the_same_working_hour(start, days, expected):
    assert days_later_in_business_hours(start, days, NY) == expected.astimezone(UTC)


@pytest.mark.parametrize("days", [0, -1, True, 1.5])
def test_days_later_in_business_hours_needs_a_whole_number_of_days(days):
    with pytest.raises(ValueError):
        days_later_in_business_hours(ny(2026, 12, 7, 10), days, NY)
