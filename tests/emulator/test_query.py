"""Conformance: structured queries through google-cloud-firestore.

Only the public client is used, so these pass unchanged against Google's emulator.
"""
from __future__ import annotations

import datetime as dt
import math

import pytest
from google.api_core import exceptions
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import And, FieldFilter, Or


def _put(col, docs: dict) -> None:
    batch = col._client.batch()
    for doc_id, data in docs.items():
        batch.set(col.document(doc_id), data)
    batch.commit()


def _ids(query) -> list[str]:
    return [snap.id for snap in query.stream()]


@pytest.fixture
def nums(db):
    """Documents n0..n9 with n = i, parity, a tag array and some odd fields."""
    col = db.collection("nums")
    _put(
        col,
        {
            f"n{i}": {
                "n": i,
                "even": i % 2 == 0,
                "tags": [f"t{i % 3}", "all"],
                "name": f"name{9 - i}",
            }
            for i in range(10)
        },
    )
    return col


@pytest.fixture
def mixed(db):
    """One field `v` holding different types, plus a doc without it."""
    col = db.collection("mixed")
    _put(
        col,
        {
            "null": {"v": None},
            "false": {"v": False},
            "int1": {"v": 1},
            "dbl1": {"v": 1.0},
            "dbl2": {"v": 2.5},
            "nan": {"v": math.nan},
            "str": {"v": "1"},
            "arr": {"v": [1, 2]},
            "map": {"v": {"x": 1}},
            "missing": {"other": 1},
        },
    )
    return col


@pytest.mark.parametrize(
    "op, value, expected",
    [
        ("==", 3, ["n3"]),
        ("<", 3, ["n0", "n1", "n2"]),
        ("<=", 2, ["n0", "n1", "n2"]),
        (">", 7, ["n8", "n9"]),
        (">=", 8, ["n8", "n9"]),
        ("!=", 5, ["n0", "n1", "n2", "n3", "n4", "n6", "n7", "n8", "n9"]),
        ("in", [1, 4, 40], ["n1", "n4"]),
        ("not-in", [0, 1, 2, 3, 4, 5], ["n6", "n7", "n8", "n9"]),
        ("==", 3.0, ["n3"]),
        ("<", 1.5, ["n0", "n1"]),
    ],
)
def test_field_filter_operator_selects_matching_numbers(nums, op, value, expected):
    assert _ids(nums.where(filter=FieldFilter("n", op, value))) == expected


def test_array_contains_matches_documents_whose_array_holds_the_value(nums):
    assert _ids(nums.where(filter=FieldFilter("tags", "array_contains", "t1"))) == ["n1", "n4", "n7"]


def test_array_contains_any_matches_any_listed_element_once_per_document(nums):
    query = nums.where(filter=FieldFilter("tags", "array_contains_any", ["t0", "t2", "all"]))
    assert _ids(query) == [f"n{i}" for i in range(10)]
    query = nums.where(filter=FieldFilter("tags", "array_contains_any", ["t0", "t2"]))
    assert _ids(query) == ["n0", "n2", "n3", "n5", "n6", "n8", "n9"]


@pytest.mark.parametrize(
    "op, value, expected",
    [
        (">", 0, ["dbl1", "int1", "dbl2"]),
        (">", 1, ["dbl2"]),
        (">=", 1, ["dbl1", "int1", "dbl2"]),
        ("==", 1, ["dbl1", "int1"]),
        (">", "", ["str"]),
        ("<", True, ["false"]),
        ("in", [1, "1"], ["dbl1", "int1", "str"]),
    ],
)
def test_comparisons_only_match_values_of_the_same_type(mixed, op, value, expected):
    got = _ids(mixed.where(filter=FieldFilter("v", op, value)))
    if op in ("==", "in"):
        assert sorted(got) == sorted(expected)
    else:
        assert got == expected


def test_not_equal_excludes_null_and_missing_fields(mixed):
    got = _ids(mixed.where(filter=FieldFilter("v", "!=", 1)))
    assert sorted(got) == sorted(["false", "nan", "dbl2", "str", "arr", "map"])


def test_not_in_excludes_null_and_missing_fields(mixed):
    got = _ids(mixed.where(filter=FieldFilter("v", "not-in", [False, "1"])))
    assert sorted(got) == sorted(["int1", "dbl1", "dbl2", "nan", "arr", "map"])


@pytest.mark.parametrize(
    "op, value, expected",
    [
        ("==", None, ["null"]),
        ("==", math.nan, ["nan"]),
        ("!=", None, ["false", "nan", "int1", "dbl1", "dbl2", "str", "arr", "map"]),
        ("!=", math.nan, ["false", "int1", "dbl1", "dbl2", "str", "arr", "map"]),
    ],
)
def test_null_and_nan_filters_become_unary_filters(mixed, op, value, expected):
    assert sorted(_ids(mixed.where(filter=FieldFilter("v", op, value)))) == sorted(expected)


def test_and_filter_requires_every_condition(nums):
    query = nums.where(filter=And([FieldFilter("even", "==", True), FieldFilter("n", ">", 3)]))
    assert _ids(query) == ["n4", "n6", "n8"]


def test_or_filter_accepts_any_condition_without_duplicates(nums):
    query = nums.where(filter=Or([FieldFilter("n", "<", 2), FieldFilter("n", ">", 8), FieldFilter("n", "==", 1)]))
    assert _ids(query) == ["n0", "n1", "n9"]


def test_nested_and_inside_or(nums):
    query = nums.where(
        filter=Or(
            [
                And([FieldFilter("even", "==", True), FieldFilter("n", ">=", 8)]),
                And([FieldFilter("even", "==", False), FieldFilter("n", "<=", 1)]),
            ]
        )
    )
    assert _ids(query) == ["n1", "n8"]


def test_chained_where_clauses_are_a_conjunction(nums):
    query = nums.where(filter=FieldFilter("n", ">", 2)).where(filter=FieldFilter("n", "<", 5))
    assert _ids(query) == ["n3", "n4"]


def test_order_by_descending_and_then_by_second_field(db):
    col = db.collection("people")
    _put(
        col,
        {
            "a": {"age": 30, "name": "zed"},
            "b": {"age": 20, "name": "amy"},
            "c": {"age": 30, "name": "bob"},
            "d": {"age": 20, "name": "cat"},
        },
    )
    query = col.order_by("age", direction=firestore.Query.DESCENDING).order_by("name")
    assert _ids(query) == ["c", "a", "b", "d"]


def test_order_by_excludes_documents_missing_the_field(mixed):
    assert "missing" not in _ids(mixed.order_by("v"))
    assert len(_ids(mixed.order_by("v"))) == 9


def test_ties_are_broken_by_document_name_in_the_last_direction(db):
    col = db.collection("ties")
    _put(col, {k: {"x": 1} for k in ["b", "a", "c"]})
    assert _ids(col.order_by("x")) == ["a", "b", "c"]
    assert _ids(col.order_by("x", direction=firestore.Query.DESCENDING)) == ["c", "b", "a"]


def test_inequality_without_order_by_is_ordered_by_that_field(nums):
    assert _ids(nums.where(filter=FieldFilter("name", ">=", "name7"))) == ["n2", "n1", "n0"]


def test_inequalities_on_several_fields_order_by_field_paths_lexicographically(nums):
    query = nums.where(filter=FieldFilter("name", ">", "name2")).where(filter=FieldFilter("n", ">", 3))
    # implicit order: n (lexicographically before name), then __name__
    assert _ids(query) == ["n4", "n5", "n6"]


def test_documents_without_filters_come_back_in_name_order(db):
    col = db.collection("plain")
    _put(col, {k: {"i": 1} for k in ["b", "A", "a", "_", "aa"]})
    assert _ids(col) == ["A", "_", "a", "aa", "b"]


@pytest.mark.parametrize(
    "method, expected",
    [
        ("start_at", ["n4", "n5", "n6", "n7", "n8", "n9"]),
        ("start_after", ["n5", "n6", "n7", "n8", "n9"]),
        ("end_at", ["n0", "n1", "n2", "n3", "n4"]),
        ("end_before", ["n0", "n1", "n2", "n3"]),
    ],
)
def test_cursor_on_values(nums, method, expected):
    query = getattr(nums.order_by("n"), method)({"n": 4})
    assert _ids(query) == expected


@pytest.mark.parametrize(
    "method, expected",
    [
        ("start_at", ["n4", "n3", "n2", "n1", "n0"]),
        ("start_after", ["n3", "n2", "n1", "n0"]),
        ("end_at", ["n9", "n8", "n7", "n6", "n5", "n4"]),
        ("end_before", ["n9", "n8", "n7", "n6", "n5"]),
    ],
)
def test_cursor_on_a_document_snapshot_in_descending_order(nums, method, expected):
    snapshot = nums.document("n4").get()
    query = getattr(nums.order_by("n", direction=firestore.Query.DESCENDING), method)(snapshot)
    assert _ids(query) == expected


def test_start_after_snapshot_breaks_ties_by_document_name(db):
    col = db.collection("tied")
    _put(col, {f"d{i}": {"score": i // 3} for i in range(9)})
    snapshot = col.document("d4").get()
    assert _ids(col.order_by("score").start_after(snapshot)) == ["d5", "d6", "d7", "d8"]


def test_start_at_and_end_at_together_bound_a_range(nums):
    assert _ids(nums.order_by("n").start_at({"n": 2}).end_before({"n": 5})) == ["n2", "n3", "n4"]


def test_cursor_on_a_prefix_of_the_order_by_fields(db):
    col = db.collection("pairs")
    _put(col, {f"{a}{b}": {"a": a, "b": b} for a in range(3) for b in range(3)})
    query = col.order_by("a").order_by("b").start_after({"a": 1})
    assert _ids(query) == ["20", "21", "22"]
    query = col.order_by("a").order_by("b").start_at({"a": 1, "b": 2})
    assert _ids(query) == ["12", "20", "21", "22"]


def test_offset_skips_and_limit_caps(nums):
    assert _ids(nums.order_by("n").offset(3).limit(2)) == ["n3", "n4"]
    assert _ids(nums.order_by("n").offset(20)) == []


def test_limit_to_last_returns_the_last_documents_in_query_order(nums):
    assert [s.id for s in nums.order_by("n").limit_to_last(3).get()] == ["n7", "n8", "n9"]


def test_select_returns_only_the_chosen_fields(db):
    col = db.collection("proj")
    col.document("d").set({"a": 1, "b": {"c": 2, "d": 3}, "e": "x"})
    (snap,) = list(col.select(["a", "b.c", "zz"]).stream())
    assert snap.to_dict() == {"a": 1, "b": {"c": 2}}
    assert snap.create_time is not None and snap.update_time is not None


def test_select_of_no_fields_returns_documents_with_empty_data(db):
    col = db.collection("proj")
    col.document("d").set({"a": 1})
    (snap,) = list(col.select([]).stream())
    assert snap.id == "d"
    assert snap.to_dict() == {}


def test_collection_group_query_spans_every_parent(db):
    db.collection("threads").document("t1").collection("comments").document("c1").set({"k": 1})
    db.collection("threads").document("t2").collection("comments").document("c2").set({"k": 2})
    db.collection("comments").document("c0").set({"k": 0})
    db.collection("threads").document("t1").collection("other").document("o").set({"k": 3})
    got = [s.reference.path for s in db.collection_group("comments").order_by("k").stream()]
    assert got == ["comments/c0", "threads/t1/comments/c1", "threads/t2/comments/c2"]


def test_collection_group_query_with_filter(db):
    for t in ("t1", "t2"):
        for c in range(3):
            db.collection("threads").document(t).collection("comments").document(f"{t}c{c}").set({"d": c})
    got = [s.id for s in db.collection_group("comments").where(filter=FieldFilter("d", "==", 1)).stream()]
    assert got == ["t1c1", "t2c1"]


def test_subcollection_query_sees_only_its_own_parent(db):
    db.collection("threads").document("t1").collection("comments").document("a").set({"x": 1})
    db.collection("threads").document("t2").collection("comments").document("b").set({"x": 1})
    assert _ids(db.collection("threads").document("t1").collection("comments")) == ["a"]


def test_query_inside_a_transaction_reads_matching_documents(nums, db):
    transaction = db.transaction()

    @firestore.transactional
    def read(tx):
        return [s.id for s in tx.get(nums.where(filter=FieldFilter("n", ">=", 8)))]

    assert read(transaction) == ["n8", "n9"]


def test_filter_on_document_id(nums):
    from google.cloud.firestore_v1.field_path import FieldPath

    query = nums.where(filter=FieldFilter(FieldPath.document_id(), ">=", nums.document("n7")))
    assert _ids(query) == ["n7", "n8", "n9"]
    query = nums.where(filter=FieldFilter(FieldPath.document_id(), "in", [nums.document("n2"), nums.document("n5")]))
    assert _ids(query) == ["n2", "n5"]


def test_filter_on_nested_field_path(db):
    col = db.collection("nested")
    _put(col, {"a": {"m": {"x": 1}}, "b": {"m": {"x": 2}}, "c": {"m": 5}})
    assert _ids(col.where(filter=FieldFilter("m.x", ">", 1))) == ["b"]


def test_paging_with_start_after_and_limit_returns_every_document_once(db):
    col = db.collection("pages")
    _put(col, {f"d{i:03d}": {"bucket": i % 7} for i in range(53)})
    seen: list[str] = []
    query = col.order_by("bucket").limit(10)
    last = None
    while True:
        page = list((query.start_after(last) if last is not None else query).stream())
        if not page:
            break
        seen.extend(s.id for s in page)
        last = page[-1]
    assert sorted(seen) == [f"d{i:03d}" for i in range(53)]
    assert len(seen) == len(set(seen))


def test_timestamps_keep_microseconds_in_filters_and_order(db):
    col = db.collection("times")
    base = dt.datetime(2024, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
    _put(col, {f"t{i}": {"at": base + dt.timedelta(microseconds=i)} for i in range(5)})
    query = col.where(filter=FieldFilter("at", ">", base + dt.timedelta(microseconds=2)))
    assert _ids(query) == ["t3", "t4"]
    (snap,) = list(col.where(filter=FieldFilter("at", "==", base + dt.timedelta(microseconds=1))).stream())
    assert snap.get("at").microsecond == 1


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda c: c.where(filter=FieldFilter("n", "in", [])), id="in-empty"),
        pytest.param(
            lambda c: c.where(filter=FieldFilter("n", "not-in", [1])).where(filter=FieldFilter("m", "!=", 2)),
            id="not-in-with-not-equal",
        ),
        pytest.param(
            lambda c: c.where(filter=FieldFilter("a", "array_contains", 1)).where(
                filter=FieldFilter("b", "array_contains", 2)
            ),
            id="two-array-contains",
        ),
        pytest.param(lambda c: c.where(filter=FieldFilter("n", "in", list(range(31)))), id="in-over-30"),
        pytest.param(lambda c: c.where(filter=FieldFilter("n", "not-in", list(range(11)))), id="not-in-over-10"),
        pytest.param(lambda c: c.where(filter=FieldFilter("__name__", "==", "n1")), id="name-filter-with-a-string"),
    ],
)
def test_queries_production_rejects_fail_with_invalid_argument(nums, build):
    with pytest.raises(exceptions.InvalidArgument):
        list(build(nums).stream())


def test_in_with_thirty_values_is_allowed(nums):
    assert _ids(nums.where(filter=FieldFilter("n", "in", list(range(30))))) == [f"n{i}" for i in range(10)]


def test_start_after_a_snapshot_with_an_inequality_filter(nums):
    query = nums.where(filter=FieldFilter("n", ">", 2))
    snapshot = nums.document("n5").get()
    assert _ids(query.start_after(snapshot)) == ["n6", "n7", "n8", "n9"]


def test_collection_group_paging_with_snapshot_cursors_visits_every_document_once(db):
    for t in range(3):
        for c in range(4):
            db.collection("threads").document(f"t{t}").collection("replies").document(f"r{c}").set({"score": c % 2})
    query = db.collection_group("replies").order_by("score").limit(5)
    seen, last = [], None
    while True:
        page = list((query.start_after(last) if last else query).stream())
        if not page:
            break
        seen.extend(s.reference.path for s in page)
        last = page[-1]
    assert len(seen) == 12 and len(set(seen)) == 12
    assert [s.split("/")[-1] for s in seen[:6]] == ["r0", "r2"] * 3


def test_or_filter_with_order_by_descending(nums):
    query = nums.where(filter=Or([FieldFilter("n", "==", 1), FieldFilter("n", "==", 7), FieldFilter("even", "==", True)]))
    query = query.order_by("n", direction=firestore.Query.DESCENDING)
    assert _ids(query) == ["n8", "n7", "n6", "n4", "n2", "n1", "n0"]


def test_in_and_array_contains_compare_whole_arrays_and_maps(db):
    col = db.collection("shapes")
    _put(col, {"a": {"v": [1, 2], "m": [{"x": 1}]}, "b": {"v": [2, 1], "m": [{"x": 2}]}, "c": {"v": [1], "m": []}})
    assert _ids(col.where(filter=FieldFilter("v", "in", [[1, 2], [1]]))) == ["a", "c"]
    assert _ids(col.where(filter=FieldFilter("v", "==", [2, 1]))) == ["b"]
    assert _ids(col.where(filter=FieldFilter("m", "array_contains", {"x": 2}))) == ["b"]


def test_order_by_document_id_descending(nums):
    from google.cloud.firestore_v1.field_path import FieldPath

    query = nums.order_by(FieldPath.document_id(), direction=firestore.Query.DESCENDING).limit(3)
    assert _ids(query) == ["n9", "n8", "n7"]


def test_limit_to_last_with_a_filter(nums):
    query = nums.where(filter=FieldFilter("n", "<", 6)).order_by("n").limit_to_last(2)
    assert [s.id for s in query.get()] == ["n4", "n5"]
