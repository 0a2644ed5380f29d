import base64
import json
from datetime import datetime, timezone

import pytest

from hearth.db import cursors
from hearth.errors import Invalid


def _forge(payload: object) -> str:
    """A hand-made cursor: any JSON, encoded the way real cursors are."""
    raw = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


WHEN = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)


def test_cursor_round_trips_times_numbers_and_ids():
    token = cursors.encode("threads:top", [7, WHEN, "abc"])
    assert cursors.decode("threads:top", token, ["int", "time"]) == [7, WHEN, "abc"]


def test_cursor_is_url_safe_and_opaque():
    token = cursors.encode("k", ["a-b_c"])
    assert all(ch.isalnum() or ch in "-_" for ch in token)


def test_no_cursor_means_first_page():
    assert cursors.decode("k", None, []) is None


def test_a_time_with_an_offset_comes_back_in_utc():
    token = _forge(["k", [{"t": "2026-01-02T05:04:05.678901+02:00"}, "abc"]])
    assert cursors.decode("k", token, ["time"]) == [WHEN, "abc"]


@pytest.mark.parametrize(
    "token",
    [
        "",  # an empty value is not a cursor
        "not base64 !",
        "e30",  # {}
        "W10",  # []
        "x" * (cursors.MAX_CURSOR_CHARS + 1),
        _forge("[" * 5000 + "]" * 5000),  # nesting past the parser's recursion limit
        _forge("{not json"),
        _forge(["k"]),
        _forge(["k", "abc"]),
        _forge([1, ["abc"]]),
        cursors.encode("k", [1]),  # too few values for the list
    ],
)
def test_garbage_or_wrong_shape_cursor_is_invalid(token):
    with pytest.raises(Invalid) as err:
        cursors.decode("k", token, ["int"])
    assert err.value.field == "cursor"


@pytest.mark.parametrize("last_id", ["a/b", "__main__", "__x__", ".", "..", "", 7, None, ["a"], "a\ud800b"])
def test_the_last_id_must_be_a_document_id(last_id):
    with pytest.raises(Invalid) as err:
        cursors.decode("k", _forge(["k", [last_id]]), [])
    assert err.value.field == "cursor"


@pytest.mark.parametrize(
    "value",
    [
        {"t": "0001-01-01T00:00:00+14:00"},  # before year 1 once in UTC
        {"t": "9999-12-31T23:59:59-14:00"},  # after year 9999 once in UTC
        {"t": "2026-01-02T03:04:05"},  # no offset: which time is it?
        {"t": "yesterday"},
        {"t": 5},
        {"t": "2026-01-02T03:04:05+00:00", "x": 1},
        "2026-01-02T03:04:05+00:00",
        5,
        None,
        [["deep"]],
    ],
)
def test_a_time_value_must_be_a_time_firestore_can_hold(value):
    with pytest.raises(Invalid) as err:
        cursors.decode("k", _forge(["k", [value, "abc"]]), ["time"])
    assert err.value.field == "cursor"


@pytest.mark.parametrize("value", [0, 1, "true", None])
def test_a_flag_value_must_be_true_or_false(value):
    with pytest.raises(Invalid) as err:
        cursors.decode("k", _forge(["k", [value, "abc"]]), ["bool"])
    assert err.value.field == "cursor"
    assert cursors.decode("k", _forge(["k", [True, "abc"]]), ["bool"]) == [True, "abc"]


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 1.5, True, "7", None, {"t": "2026-01-02T03:04:05+00:00"}])
def test_a_number_value_must_be_a_64_bit_integer(value):
    with pytest.raises(Invalid) as err:
        cursors.decode("k", _forge(["k", [value, "abc"]]), ["int"])
    assert err.value.field == "cursor"


def test_the_64_bit_bounds_are_accepted():
    for value in (2**63 - 1, -(2**63)):
        assert cursors.decode("k", _forge(["k", [value, "abc"]]), ["int"]) == [value, "abc"]


def test_cursor_from_another_list_is_refused():
    token = cursors.encode("threads:new", [WHEN, "x"])
    with pytest.raises(Invalid, match="does not belong"):
        cursors.decode("threads:top", token, ["time"])


def test_the_last_id_may_be_any_id_firestore_accepts():
    for last_id in ("thread~abc", "comment~a~b", "caf\u00e9", "x" * 300):
        assert cursors.decode("k", _forge(["k", [last_id]]), []) == [last_id]


@pytest.mark.parametrize(
    "path,ok",
    [
        ("threads/a/comments/b", True),
        ("threads/__x__/comments/b", False),
        ("threads/a/comments", False),
        ("threads//comments/b", False),
        ("threads/a/comments/..", False),
        ("b", False),
        (7, False),
    ],
)
def test_a_collection_group_cursor_ends_with_a_document_path(path, ok):
    token = _forge(["k", [path]])
    if ok:
        assert cursors.decode("k", token, [], tie="path") == [path]
    else:
        with pytest.raises(Invalid):
            cursors.decode("k", token, [], tie="path")
