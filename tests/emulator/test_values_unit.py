"""Unit tests of firestore_emulator.values: cross-type order, equality, field paths."""
from __future__ import annotations

import datetime as dt
import random

import pytest

from tests.emulator.pb_helpers import ROOT, Geo, Ref, doc, val

from firestore_emulator import values as V  # noqa: E402  (pb_helpers puts it on sys.path)

UTC = dt.timezone.utc

# One list in Firestore's ascending order (equal neighbours noted separately).
ORDERED = [
    None,
    False,
    True,
    float("nan"),
    float("-inf"),
    -(2**63),
    -1.5,
    -1,
    0,
    0.5,
    1,
    2**53 + 1,
    float("inf"),
    dt.datetime(1970, 1, 1, tzinfo=UTC),
    dt.datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
    dt.datetime(2024, 1, 1, 0, 0, 0, 2, tzinfo=UTC),
    "",
    "B",
    "a",
    "ab",
    "é",
    "\U0001f600",
    b"",
    b"\x00",
    b"\xff",
    Ref("a/b"),
    Ref("a/b/c/d"),
    Ref("a/c"),
    Ref("b/a"),
    Geo(-10, 50),
    Geo(0, -10),
    Geo(0, 10),
    [],
    [None],
    [1, 2],
    [1, 2, 0],
    [1, 3],
    ["a"],
    {"__type__": "__vector__", "value": [9.0]},
    {"__type__": "__vector__", "value": [1.0, 2.0]},
    {},
    {"a": 1},
    {"a": 1, "b": 0},
    {"a": 2},
    {"b": 0},
]


def test_sorting_a_shuffled_mix_of_every_type_gives_firestores_order():
    shuffled = ORDERED[:]
    random.Random(7).shuffle(shuffled)
    result = sorted((val(x) for x in shuffled), key=V.sort_key)
    expected = [val(x) for x in ORDERED]
    assert [V.sort_key(v) for v in result] == [V.sort_key(v) for v in expected]


@pytest.mark.parametrize("i", range(len(ORDERED) - 1))
def test_compare_puts_each_value_before_the_next_one(i):
    a, b = val(ORDERED[i]), val(ORDERED[i + 1])
    assert V.compare(a, b) == -1
    assert V.compare(b, a) == 1


@pytest.mark.parametrize(
    "a, b",
    [
        (1, 1.0),
        (0, -0.0),
        (0.0, -0.0),
        ([1, {"x": 2}], [1.0, {"x": 2.0}]),
        ({"a": 1}, {"a": 1.0}),
        (Ref("c/d"), Ref("c/d")),
    ],
)
def test_numerically_equal_values_compare_and_test_equal(a, b):
    assert V.compare(val(a), val(b)) == 0
    assert V.equals(val(a), val(b))


def test_nan_sorts_equal_to_nan_but_is_never_equal():
    nan = val(float("nan"))
    assert V.compare(nan, val(float("nan"))) == 0
    assert not V.equals(nan, val(float("nan")))
    assert not V.equals(val([float("nan")]), val([float("nan")]))
    assert V.is_nan(nan) and not V.is_nan(val(1.0))


def test_large_integers_compare_exactly_against_doubles():
    assert V.compare(val(2**53 + 1), val(float(2**53))) == 1
    assert V.compare(val(2**63 - 1), val(float(2**63))) == -1


def test_strings_order_by_utf8_bytes_not_utf16():
    # U+FF61 < U+1F600 in UTF-8 (and code points) although UTF-16 would put the surrogate first.
    a, b = "\uff61", "\U0001f600"
    assert a.encode() < b.encode()
    assert V.compare(val(a), val(b)) == -1


def test_timestamps_order_by_microseconds():
    early = val(dt.datetime(2024, 5, 1, 12, 0, 0, 999, tzinfo=UTC))
    late = val(dt.datetime(2024, 5, 1, 12, 0, 0, 1000, tzinfo=UTC))
    assert V.compare(early, late) == -1


def test_type_rank_groups_integers_and_doubles():
    assert V.type_rank(val(1)) == V.type_rank(val(2.5)) == V.type_rank(val(float("nan"))) == V.NUMBER
    assert V.type_rank(val({"__type__": "__vector__", "value": [1.0]})) == V.VECTOR
    assert V.type_rank(val({"a": 1})) == V.MAP


def test_references_order_by_segments_not_by_string():
    # "a/b/c/d" vs "a/b-x": by string '/' (0x2f) < '-' (0x2d) is false; by segment "b" < "b-x".
    assert V.compare(val(Ref("a/b/c/d")), val(Ref("a/b-x"))) == -1


@pytest.mark.parametrize(
    "path, segments",
    [
        ("a", ["a"]),
        ("a.b.c", ["a", "b", "c"]),
        ("`a.b`", ["a.b"]),
        ("a.`b.c`", ["a", "b.c"]),
        ("`a\\`b`.c", ["a`b", "c"]),
        ("`a\\\\b`", ["a\\b"]),
        ("__name__", ["__name__"]),
        ("héllo.wörld", ["héllo", "wörld"]),
        ("`x y`", ["x y"]),
    ],
)
def test_parse_field_path_splits_segments_and_unquotes(path, segments):
    if segments is None:
        with pytest.raises(V.FieldPathError):
            V.parse_field_path(path)
    else:
        assert V.parse_field_path(path) == segments


@pytest.mark.parametrize("path", ["", ".", "a.", ".a", "a..b", "`a", "`a`b", "a`b`", "`a\\", "``"])
def test_parse_field_path_rejects_malformed_paths(path):
    with pytest.raises(V.FieldPathError):
        V.parse_field_path(path)


@pytest.mark.parametrize(
    "segments, text",
    [
        (["a", "b"], "a.b"),
        (["a.b"], "`a.b`"),
        (["1a"], "`1a`"),
        (["a`b\\"], "`a\\`b\\\\`"),
        (["_x9"], "_x9"),
        (["x y", "z"], "`x y`.z"),
    ],
)
def test_format_field_path_quotes_only_what_needs_it_and_round_trips(segments, text):
    assert V.format_field_path(segments) == text
    assert V.parse_field_path(text) == segments


def test_get_field_follows_nested_maps_and_quoted_segments():
    d = doc("c/d", a={"b": {"c": 1}, "x.y": "dot"}, top=2)
    assert V.get_field(d.fields, "a.b.c").integer_value == 1
    assert V.get_field(d.fields, "a.`x.y`").string_value == "dot"
    assert V.get_field(d.fields, ["a", "x.y"]).string_value == "dot"
    assert V.get_field(d.fields, "top").integer_value == 2
    assert V.get_field(d.fields, "a.b.missing") is None
    assert V.get_field(d.fields, "top.deeper") is None
    assert V.get_field(d.fields, "nope") is None
    assert "nope" not in d.fields  # lookups never create entries


def test_make_getter_matches_get_field():
    d = doc("c/d", a={"b": [1, 2]})
    get = V.make_getter(["a", "b"])
    assert V.sort_key(get(d.fields)) == V.sort_key(val([1, 2]))
    assert V.make_getter(["zz"])(d.fields) is None


def test_sort_keys_are_hashable_and_merge_int_and_double():
    keys = {V.sort_key(val(1)), V.sort_key(val(1.0)), V.sort_key(val(-0.0)), V.sort_key(val(0))}
    assert len(keys) == 2


def test_reference_key_is_the_segment_tuple():
    assert V.reference_key(f"{ROOT}/c/d")[-2:] == ("c", "d")
