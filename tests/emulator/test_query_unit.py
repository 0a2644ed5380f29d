"""Unit tests of firestore_emulator.query on raw protobufs: semantics and validation."""
from __future__ import annotations

import math
import time

import pytest

from tests.emulator.pb_helpers import ROOT, Ref, and_, doc, ff, ids, or_, query, uf

from firestore_emulator import query as Q  # noqa: E402
from firestore_emulator.errors import InvalidArgument  # noqa: E402


def run(docs, **kw):
    return ids(Q.run_query(query(**kw), docs))


@pytest.fixture
def mixed():
    return [
        doc("c/null", v=None),
        doc("c/false", v=False),
        doc("c/int1", v=1),
        doc("c/dbl1", v=1.0),
        doc("c/nan", v=math.nan),
        doc("c/str", v="s"),
        doc("c/arr", v=[1, {"k": 2}]),
        doc("c/missing", w=1),
    ]


# ------------------------------------------------------------------ filter semantics


@pytest.mark.parametrize(
    "where, expected",
    [
        (ff("v", "==", 1.0), ["dbl1", "int1"]),
        (ff("v", "==", math.nan), []),
        (ff("v", "==", None), ["null"]),
        (ff("v", "!=", 1), ["arr", "false", "nan", "str"]),
        (ff("v", "!=", math.nan), ["arr", "dbl1", "false", "int1", "nan", "str"]),
        (ff("v", "<", 5), ["dbl1", "int1", "nan"]),
        (ff("v", ">=", False), ["false"]),
        (ff("v", ">", "a"), ["str"]),
        (ff("v", "in", [1, "s", None]), ["dbl1", "int1", "null", "str"]),
        (ff("v", "in", [math.nan]), []),
        (ff("v", "not-in", [1, "s"]), ["arr", "false", "nan"]),
        (ff("v", "not-in", [None, 1]), []),
        (ff("v", "array-contains", {"k": 2.0}), ["arr"]),
        (ff("v", "array-contains-any", [5, 1.0]), ["arr"]),
        (ff("v", "==", [1.0, {"k": 2}]), ["arr"]),
        (uf("v", "IS_NAN"), ["nan"]),
        (uf("v", "IS_NULL"), ["null"]),
        (uf("v", "IS_NOT_NAN"), ["arr", "dbl1", "false", "int1", "str"]),
        (uf("v", "IS_NOT_NULL"), ["arr", "dbl1", "false", "int1", "nan", "str"]),
    ],
)
def test_filter_semantics_on_mixed_types(mixed, where, expected):
    assert sorted(ids(Q.run_query(query(where=where), mixed))) == expected


def test_or_of_ands_matches_the_union(mixed):
    where = or_(and_(ff("v", "==", 1), ff("v", "==", 1.0)), uf("v", "IS_NULL"), ff("w", "==", 1))
    assert sorted(run(mixed, where=where)) == ["dbl1", "int1", "missing", "null"]


def test_inequality_inside_or_implies_an_order_that_drops_documents_missing_the_field(mixed):
    # The implicit order by `v` excludes documents without `v`, even in another branch.
    where = or_(and_(ff("v", ">", 0), ff("v", "<", 2)), ff("w", "==", 1))
    assert run(mixed, where=where) == ["dbl1", "int1"]


def test_name_filters_compare_references(mixed):
    assert run(mixed, where=ff("__name__", ">", Ref("c/int1"))) == ["missing", "nan", "null", "str"]
    assert run(mixed, where=ff("__name__", "in", [Ref("c/nan"), Ref("c/arr")])) == ["arr", "nan"]
    assert run(mixed, where=ff("__name__", "==", Ref("c/zzz"))) == []


def test_nested_field_filters_and_missing_parents():
    docs = [doc("c/a", m={"x": 1}), doc("c/b", m=5), doc("c/c", m={"x": {"y": 2}})]
    assert run(docs, where=ff("m.x", ">=", 0)) == ["a"]
    assert run(docs, where=ff("m.x.y", "==", 2)) == ["c"]
    assert run(docs, where=uf("m.x", "IS_NOT_NULL")) == ["a", "c"]


def test_quoted_field_paths_reach_keys_with_dots():
    docs = [doc("c/a", **{"x.y": 1}), doc("c/b", x={"y": 1})]
    assert run(docs, where=ff("`x.y`", "==", 1)) == ["a"]
    assert run(docs, where=ff("x.y", "==", 1)) == ["b"]


# ------------------------------------------------------------------ ordering


def test_normalized_order_adds_inequality_fields_sorted_then_name():
    q = query(where=and_(ff("z", ">", 1), ff("a.b", "!=", 2), uf("m", "IS_NOT_NULL"), ff("e", "==", 1)))
    assert Q.normalized_order(q) == [(("a", "b"), False), (("m",), False), (("z",), False), (None, False)]


def test_normalized_order_uses_the_last_explicit_direction_for_implicit_fields():
    q = query(where=ff("z", "<", 1), order=("-k",))
    assert Q.normalized_order(q) == [(("k",), True), (("z",), True), (None, True)]


def test_normalized_order_keeps_explicit_name_and_skips_duplicates():
    q = query(where=ff("a", ">", 1), order=("__name__", "a", "-a"))
    assert Q.normalized_order(q) == [(None, False), (("a",), False)]


def test_documents_missing_an_order_field_are_excluded():
    docs = [doc("c/a", x=2), doc("c/b", y=1), doc("c/c", x=1, y=None)]
    assert run(docs, order=("x",)) == ["c", "a"]
    assert run(docs, order=("x", "y")) == ["c"]


def test_mixed_directions_sort_each_field_its_own_way():
    docs = [doc(f"c/{a}{b}", a=a, b=b) for a in range(2) for b in range(2)]
    assert run(docs, order=("-a", "b")) == ["10", "11", "00", "01"]
    assert run(docs, order=("a", "-b", "-__name__")) == ["01", "00", "11", "10"]


# ------------------------------------------------------------------ cursors, offset, limit


@pytest.fixture
def grid():
    return [doc(f"c/{a}{b}", a=a, b=b) for a in range(3) for b in range(3)]


@pytest.mark.parametrize(
    "kw, expected",
    [
        (dict(order=("a", "b"), start=([1], True)), ["10", "11", "12", "20", "21", "22"]),
        (dict(order=("a", "b"), start=([1], False)), ["20", "21", "22"]),
        (dict(order=("a", "b"), start=([1, 1], False)), ["12", "20", "21", "22"]),
        (dict(order=("a", "b"), end=([1], True)), ["00", "01", "02"]),
        (dict(order=("a", "b"), end=([1], False)), ["00", "01", "02", "10", "11", "12"]),
        (dict(order=("-a", "b"), start=([1, 2], True), end=([0, 0], True)), ["12"]),
        (dict(order=("a",), start=([1, Ref("c/11")], False)), ["12", "20", "21", "22"]),
        (dict(order=("-a",), start=([1, Ref("c/11")], False)), ["10", "02", "01", "00"]),
        (dict(start=([Ref("c/20")], True)), ["20", "21", "22"]),
        (dict(order=("a",), start=(["x"], True)), []),
        (dict(order=("a",), end=(["x"], True)), ["00", "01", "02", "10", "11", "12", "20", "21", "22"]),
    ],
)
def test_cursors_bound_the_ordered_results(grid, kw, expected):
    assert run(grid, **kw) == expected


def test_offset_then_limit_apply_after_cursors(grid):
    assert run(grid, order=("a", "b"), start=([1], True), offset=1, limit=2) == ["11", "12"]
    assert run(grid, limit=0) == []
    assert run(grid, offset=100) == []


# ------------------------------------------------------------------ projection


def test_projection_keeps_selected_nested_fields_and_timestamps():
    d = doc("c/a", a=1, b={"c": 2, "d": 3}, e=[1])
    d.update_time.seconds = 5
    d.create_time.seconds = 4
    (out,) = Q.run_query(query(select=["b.c", "e", "nope"]), [d])
    assert out.name == d.name and out.update_time.seconds == 5 and out.create_time.seconds == 4
    assert set(out.fields) == {"b", "e"}
    assert set(out.fields["b"].map_value.fields) == {"c"}
    assert "a" in d.fields and set(d.fields["b"].map_value.fields) == {"c", "d"}  # input untouched


def test_projection_of_name_only_returns_no_fields():
    (out,) = Q.run_query(query(select=["__name__"]), [doc("c/a", a=1)])
    assert len(out.fields) == 0 and out.name.endswith("/c/a")


def test_projection_of_a_map_and_its_child_keeps_the_whole_map():
    (out,) = Q.run_query(query(select=["b.c", "b"]), [doc("c/a", b={"c": 1, "d": 2})])
    assert set(out.fields["b"].map_value.fields) == {"c", "d"}


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    "kw, fragment",
    [
        (dict(where=ff("a", "in", [])), "non-empty array"),
        (dict(where=ff("a", "array-contains-any", [])), "non-empty array"),
        (dict(where=ff("a", "not-in", list(range(11)))), "at most 10"),
        (dict(where=ff("a", "in", list(range(31)))), "disjunctions"),
        (dict(where=and_(ff("a", "in", list(range(6))), ff("b", "in", list(range(6))))), "disjunctions"),
        (dict(where=and_(ff("a", "not-in", [1]), ff("b", "!=", 1))), "'!='"),
        (dict(where=and_(ff("a", "not-in", [1]), ff("b", "in", [1]))), "'in'"),
        (dict(where=and_(ff("a", "not-in", [1]), ff("b", "array-contains-any", [1]))), "array-contains-any"),
        (dict(where=and_(ff("a", "not-in", [1]), ff("b", "not-in", [2]))), "at most one 'not-in'"),
        (dict(where=or_(ff("a", "not-in", [1]), ff("b", "==", 1))), "OR"),
        (dict(where=and_(ff("a", "array-contains", 1), ff("b", "array-contains", 1))), "array-contains"),
        (dict(where=and_(ff("a", "array-contains", 1), ff("b", "array-contains-any", [1]))), "combined"),
        (dict(where=ff("__name__", "==", "c/a")), "__key__ filter value must be a Key"),
        (dict(where=ff("__name__", "in", [Ref("c/a"), "c/b"])), "__key__ filter value must be a Key"),
        (dict(where=ff("a..b", "==", 1)), "Invalid field path"),
        (dict(where=and_(*[ff(f"f{i}", ">", 1) for i in range(11)])), "at most 10 fields"),
        (dict(order=("a",), start=([1, Ref("c/a"), 3], True)), "Too many cursor values"),
        (dict(order=("a",), end=([1, "c/a"], True)), "__name__ must be a reference"),
        (dict(offset=-1), "offset"),
        (dict(limit=-1), "limit"),
        (dict(select=["`unterminated"]), "Invalid field path"),
    ],
)
def test_invalid_queries_raise_invalid_argument(kw, fragment):
    with pytest.raises(InvalidArgument) as info:
        Q.run_query(query(**kw), [])
    assert fragment in info.value.message


def test_array_contains_in_separate_or_branches_is_allowed():
    docs = [doc("c/a", x=[1], y=[2]), doc("c/b", x=[3], y=[4])]
    where = or_(ff("x", "array-contains", 1), ff("y", "array-contains", 4))
    assert run(docs, where=where) == ["a", "b"]


def test_thirty_disjunctions_are_allowed():
    where = and_(ff("a", "in", list(range(15))), ff("b", "in", [0, 1]))
    assert run([doc("c/x", a=3, b=1)], where=where) == ["x"]


# ------------------------------------------------------------------ candidates


@pytest.mark.parametrize(
    "name, parent, cid, group, expected",
    [
        (f"{ROOT}/c/a", ROOT, "c", False, True),
        (f"{ROOT}/c/a/d/b", ROOT, "c", False, False),
        (f"{ROOT}/c/a/d/b", f"{ROOT}/c/a", "d", False, True),
        (f"{ROOT}/cc/a", ROOT, "c", False, False),
        (f"{ROOT}/c/a/d/b", ROOT, "d", True, True),
        (f"{ROOT}/d/b", ROOT, "d", True, True),
        (f"{ROOT}/x/y/d/b", f"{ROOT}/c/a", "d", True, False),
        (f"{ROOT}/c/a/d/b", ROOT, "", True, True),
        (f"{ROOT}/c/a/dd/b", ROOT, "d", True, False),
    ],
)
def test_matches_parent_selects_collection_and_group_members(name, parent, cid, group, expected):
    assert Q.matches_parent(name, parent, cid, group) is expected


def test_run_query_stays_fast_on_many_candidates():
    docs = [doc(f"c/d{i:05d}", n=i % 97, s=f"s{i % 13}", t=[i % 5]) for i in range(20000)]
    q = query(where=and_(ff("n", ">", 10), ff("t", "array-contains", 3)), order=("-s",), limit=50)
    started = time.perf_counter()
    out = Q.run_query(q, docs)
    elapsed = time.perf_counter() - started
    assert len(out) == 50
    assert elapsed < 3.0, f"20k candidates took {elapsed:.2f}s"
    assert [d.fields["s"].string_value for d in out[:1]] == ["s9"]


def test_pipeline_only_or_unset_values_in_filters_and_cursors_are_invalid_arguments():
    q = query(where=ff("a", "==", 1))
    q.where.field_filter.value.field_reference_value = "b"
    with pytest.raises(InvalidArgument, match="field_reference_value"):
        Q.run_query(q, [])
    q = query(where=ff("a", "in", [1, 2]))
    q.where.field_filter.value.array_value.values[1].Clear()
    with pytest.raises(InvalidArgument, match="no type"):
        Q.run_query(q, [])
    q = query(order=("a",), start=([1], True))
    q.start_at.values[0].function_value.name = "add"
    with pytest.raises(InvalidArgument, match="function_value"):
        Q.run_query(q, [])
