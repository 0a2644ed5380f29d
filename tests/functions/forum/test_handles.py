"""Handles rest after release (issue 15, finding 9)."""

from datetime import datetime, timedelta, timezone

from hearth.forum.users import claimable

NOW = datetime(2026, 12, 6, tzinfo=timezone.utc)


class Snap:
    def __init__(self, data):
        self._data = data
        self.exists = data is not None

    def to_dict(self):
        return self._data


def test_a_free_handle_and_ones_own_are_claimable():
    assert claimable(Snap(None), "b", NOW)
    assert claimable(Snap({"uid": "b"}), "b", NOW)
    assert claimable(Snap({"uid": "a", "restsUntil": NOW + timedelta(days=29)}), "a", NOW)


def test_a_held_or_resting_handle_is_not_and_a_rested_one_is():
    assert not claimable(Snap({"uid": "a"}), "b", NOW)
    assert not claimable(Snap({"uid": "a", "restsUntil": NOW + timedelta(seconds=1)}), "b", NOW)
    assert claimable(Snap({"uid": "a", "restsUntil": NOW}), "b", NOW)
    assert claimable(Snap({"uid": "a", "restsUntil": NOW - timedelta(days=1)}), "b", NOW)
