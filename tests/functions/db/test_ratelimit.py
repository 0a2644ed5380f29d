from datetime import datetime, timedelta, timezone

import pytest

from hearth.db.ratelimit import InstanceWindows, Limit, admit
from hearth.errors import RateLimited

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
FIVE_A_MINUTE = Limit("comment", 5, timedelta(minutes=1))


def test_admit_adds_now_to_the_window():
    assert admit([], NOW, FIVE_A_MINUTE) == [NOW]


def test_the_sixth_comment_within_a_minute_is_refused_with_the_wait():
    history = [NOW - timedelta(seconds=s) for s in (50, 40, 30, 20, 10)]
    with pytest.raises(RateLimited) as err:
        admit(history, NOW, FIVE_A_MINUTE)
    assert err.value.retry_after == 10
    assert err.value.headers() == {"Retry-After": "10"}
    assert "at most 5 comments per minute" in err.value.message


def test_actions_older_than_the_window_are_forgotten():
    history = [NOW - timedelta(seconds=s) for s in (120, 90, 61, 30)]
    assert admit(history, NOW, FIVE_A_MINUTE) == [NOW - timedelta(seconds=30), NOW]


def test_retry_after_is_at_least_one_second():
    history = [NOW - timedelta(minutes=1) + timedelta(microseconds=1)] * 5
    with pytest.raises(RateLimited) as err:
        admit(history, NOW, FIVE_A_MINUTE)
    assert err.value.retry_after == 1


def test_limit_describes_itself_for_error_messages():
    assert Limit("thread", 3, timedelta(minutes=10)).describe() == "at most 3 threads per 10 minutes"


def test_instance_windows_limit_each_key_apart():
    windows = InstanceWindows()
    two = Limit("preview", 2, timedelta(minutes=1))
    windows.admit("a", NOW, two)
    windows.admit("a", NOW + timedelta(seconds=1), two)
    windows.admit("b", NOW + timedelta(seconds=1), two)
    with pytest.raises(RateLimited) as err:
        windows.admit("a", NOW + timedelta(seconds=2), two)
    assert err.value.retry_after == 58
    windows.admit("a", NOW + timedelta(seconds=61), two)  # the window slid on


def test_instance_windows_forget_the_least_recently_seen_key_first():
    windows = InstanceWindows(max_keys=2)
    one = Limit("preview", 1, timedelta(minutes=1))
    windows.admit("a", NOW, one)
    windows.admit("b", NOW, one)
    windows.admit("c", NOW, one)  # "a" is forgotten
    windows.admit("a", NOW, one)
    with pytest.raises(RateLimited):
        windows.admit("c", NOW, one)


def test_messages_use_the_plural_of_the_action():
    assert Limit("search", 30, timedelta(minutes=1)).describe() == "at most 30 searches per minute"
    assert Limit("comment", 5, timedelta(minutes=1)).describe() == "at most 5 comments per minute"
