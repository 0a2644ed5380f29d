from datetime import datetime, timezone

import pytest

from hearth import cursors
from hearth.errors import Invalid


def test_cursor_round_trips_times_numbers_and_ids():
    when = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
    token = cursors.encode("threads:top", [7, when, "abc"])
    assert cursors.decode("threads:top", token, 3) == [7, when, "abc"]


def test_cursor_is_url_safe_and_opaque():
    token = cursors.encode("k", ["a/b+c"])
    assert all(ch.isalnum() or ch in "-_" for ch in token)


def test_no_cursor_means_first_page():
    assert cursors.decode("k", None, 1) is None
    assert cursors.decode("k", "", 1) is None


@pytest.mark.parametrize("token", ["not base64 !", "e30", "W10", cursors.encode("k", [1])])
def test_garbage_or_wrong_shape_cursor_is_invalid(token):
    with pytest.raises(Invalid) as err:
        cursors.decode("k", token, 2)
    assert err.value.field == "cursor"


def test_cursor_from_another_list_is_refused():
    token = cursors.encode("threads:new", ["x"])
    with pytest.raises(Invalid, match="does not belong"):
        cursors.decode("threads:top", token, 1)
