"""Commit: set, merge, update with field paths, delete, transforms, preconditions, atomicity."""
from __future__ import annotations

import math

import pytest
from google.api_core import exceptions
from google.cloud import firestore
from google.cloud.firestore_v1.field_path import FieldPath

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def _commit_raw(db, writes):
    return db._firestore_api.commit(request={
        "database": f"projects/{db.project}/databases/(default)", "writes": writes})


def test_set_replaces_the_whole_document(db):
    ref = db.document("c/set")
    ref.set({"a": 1, "b": 2})
    ref.set({"c": 3})
    assert ref.get().to_dict() == {"c": 3}


def test_set_with_merge_keeps_other_fields_and_merges_nested_maps(db):
    ref = db.document("c/merge")
    ref.set({"a": 1, "m": {"x": 1, "y": 2}})
    ref.set({"b": 2, "m": {"y": 20, "z": 30}}, merge=True)
    assert ref.get().to_dict() == {"a": 1, "b": 2, "m": {"x": 1, "y": 20, "z": 30}}


def test_set_with_merge_creates_a_missing_document(db):
    ref = db.document("c/merge-new")
    ref.set({"a": 1}, merge=True)
    assert ref.get().to_dict() == {"a": 1}


def test_set_with_merge_fields_touches_only_listed_fields(db):
    ref = db.document("c/merge-fields")
    ref.set({"a": 1, "b": 1})
    ref.set({"a": 2, "b": 2}, merge=["b"])
    assert ref.get().to_dict() == {"a": 1, "b": 2}


def test_update_with_dotted_path_sets_nested_field_only(db):
    ref = db.document("c/dotted")
    ref.set({"m": {"x": 1, "y": 2}, "top": True})
    ref.update({"m.x": 10, "m.new.deep": "v"})
    assert ref.get().to_dict() == {"m": {"x": 10, "y": 2, "new": {"deep": "v"}}, "top": True}


def test_update_with_back_quoted_segments_treats_dots_as_literal(db):
    ref = db.document("c/quoted")
    ref.set({"a.b": 1, "a": {"b": 2}})
    ref.update({FieldPath("a.b").to_api_repr(): 100})
    assert ref.get().to_dict() == {"a.b": 100, "a": {"b": 2}}
    ref.update({FieldPath("weird key", "back`tick", "dot.ted").to_api_repr(): "ok"})
    assert ref.get().to_dict()["weird key"] == {"back`tick": {"dot.ted": "ok"}}


def test_raw_update_mask_with_escaped_back_quotes_and_backslashes(db):
    ref = db.document("c/escapes")
    name = ref._document_path
    _commit_raw(db, [{
        "update": {"name": name, "fields": {
            "a`b": {"map_value": {"fields": {"c\\d": {"integer_value": 5}}}}}},
        "update_mask": {"field_paths": ["`a\\`b`.`c\\\\d`"]},
    }])
    assert ref.get().to_dict() == {"a`b": {"c\\d": 5}}


def test_update_replaces_a_non_map_on_the_way_with_a_map(db):
    ref = db.document("c/replace")
    ref.set({"a": "scalar"})
    ref.update({"a.b": 1})
    assert ref.get().to_dict() == {"a": {"b": 1}}


def test_update_of_missing_document_fails_not_found(db):
    with pytest.raises(exceptions.NotFound):
        db.document("c/absent").update({"a": 1})
    assert not db.document("c/absent").get().exists


def test_delete_field_sentinel_removes_field_and_nested_field(db):
    ref = db.document("c/delfield")
    ref.set({"a": 1, "b": 2, "m": {"x": 1, "y": 2}})
    ref.update({"a": firestore.DELETE_FIELD, "m.x": firestore.DELETE_FIELD})
    assert ref.get().to_dict() == {"b": 2, "m": {"y": 2}}


def test_mask_path_absent_from_input_deletes_it(db):
    ref = db.document("c/mask-delete")
    ref.set({"keep": 1, "drop": 2})
    _commit_raw(db, [{"update": {"name": ref._document_path, "fields": {}},
                      "update_mask": {"field_paths": ["drop"]}}])
    assert ref.get().to_dict() == {"keep": 1}


# ---------------------------------------------------------------------------- transforms
@pytest.mark.parametrize(
    "start, delta, expected",
    [
        (1, 2, 3),
        (1, 0.5, 1.5),
        (1.5, 2, 3.5),
        (INT64_MAX - 1, 10, INT64_MAX),
        (INT64_MIN + 1, -10, INT64_MIN),
        ("text", 5, 5),
        (None, 2.5, 2.5),
        (True, 1, 1),
    ],
    ids=["int+int", "int+double", "double+int", "saturates-high", "saturates-low",
         "string-replaced", "null-replaced", "bool-replaced"],
)
def test_increment_follows_firestore_arithmetic(db, start, delta, expected):
    ref = db.document("c/inc")
    ref.set({"n": start})
    ref.update({"n": firestore.Increment(delta)})
    got = ref.get().get("n")
    assert got == expected and type(got) is type(expected)


def test_increment_on_missing_field_and_missing_document_sets_operand(db):
    ref = db.document("c/inc-missing")
    ref.set({"n": firestore.Increment(4)}, merge=True)
    ref.update({"other": firestore.Increment(1.5)})
    assert ref.get().to_dict() == {"n": 4, "other": 1.5}


@pytest.mark.parametrize(
    "start, operand, op, expected",
    [
        (1, 5, "max", 5),
        (5, 1, "max", 5),
        (1, 2.5, "max", 2.5),
        (3, 3.0, "max", 3),
        (3.0, 3, "min", 3.0),
        (10, 2.5, "min", 2.5),
        ("s", 7, "min", 7),
        (None, 7, "max", 7),
    ],
    ids=["max-int", "max-keeps", "max-mixed", "max-tie-keeps-stored", "min-tie-keeps-stored",
         "min-mixed", "min-non-numeric", "max-null"],
)
def test_maximum_and_minimum_compare_numerically(db, start, operand, op, expected):
    ref = db.document("c/extreme")
    ref.set({"n": start})
    ref.update({"n": firestore.Maximum(operand) if op == "max" else firestore.Minimum(operand)})
    got = ref.get().get("n")
    assert got == expected and type(got) is type(expected)


def test_maximum_with_nan_is_nan(db):
    ref = db.document("c/nan")
    ref.set({"n": 5})
    ref.update({"n": firestore.Maximum(float("nan"))})
    assert math.isnan(ref.get().get("n"))


def test_array_union_appends_only_missing_elements_with_numeric_equivalence(db):
    ref = db.document("c/union")
    ref.set({"tags": [1, "a", {"k": 1}]})
    ref.update({"tags": firestore.ArrayUnion([1.0, "b", {"k": 1}, "b", None])})
    assert ref.get().get("tags") == [1, "a", {"k": 1}, "b", None]


def test_array_union_on_non_array_starts_from_empty_array(db):
    ref = db.document("c/union2")
    ref.set({"tags": "not an array"})
    ref.update({"tags": firestore.ArrayUnion(["x"]), "fresh": firestore.ArrayUnion([1, 1])})
    assert ref.get().to_dict() == {"tags": ["x"], "fresh": [1]}


def test_array_remove_removes_every_equal_element(db):
    ref = db.document("c/remove")
    ref.set({"v": [1, 2, 1.0, "1", 3, 2]})
    ref.update({"v": firestore.ArrayRemove([1, 2])})
    assert ref.get().get("v") == ["1", 3]
    ref.update({"missing": firestore.ArrayRemove([1])})
    assert ref.get().get("missing") == []


def test_transform_results_are_returned_in_write_results(db):
    ref = db.document("c/results")
    ref.set({"n": 1})
    resp = _commit_raw(db, [{
        "update": {"name": ref._document_path, "fields": {}},
        "update_mask": {"field_paths": []},
        "update_transforms": [
            {"field_path": "n", "increment": {"integer_value": 41}},
            {"field_path": "at", "set_to_server_value": "REQUEST_TIME"},
            {"field_path": "arr", "append_missing_elements": {"values": [{"string_value": "x"}]}},
        ],
    }])
    results = resp.write_results[0].transform_results
    assert results[0].integer_value == 42
    assert results[1].timestamp_value == resp.commit_time
    assert "null_value" in results[2]
    assert ref.get().to_dict()["n"] == 42


def test_server_timestamp_in_nested_field_and_many_fields_share_commit_time(db):
    ref = db.document("c/stamps")
    result = ref.set({"a": firestore.SERVER_TIMESTAMP, "m": {"b": firestore.SERVER_TIMESTAMP}})
    data = ref.get().to_dict()
    assert data["a"] == data["m"]["b"] == result.update_time


# ---------------------------------------------------------------------------- preconditions
def test_update_time_precondition_passes_when_current_and_fails_when_stale(db):
    ref = db.document("c/pre")
    first = ref.set({"v": 1}).update_time
    ref.update({"v": 2}, option=db.write_option(last_update_time=first))
    with pytest.raises(exceptions.FailedPrecondition):
        ref.update({"v": 3}, option=db.write_option(last_update_time=first))
    assert ref.get().get("v") == 2


def test_exists_false_precondition_is_create(db):
    ref = db.document("c/exists-false")
    _commit_raw(db, [{"update": {"name": ref._document_path, "fields": {}},
                      "current_document": {"exists": False}}])
    with pytest.raises(exceptions.AlreadyExists):
        _commit_raw(db, [{"update": {"name": ref._document_path, "fields": {}},
                          "current_document": {"exists": False}}])


def test_exists_true_precondition_on_delete_of_missing_document_fails(db):
    ref = db.document("c/gone")
    with pytest.raises(exceptions.NotFound):
        _commit_raw(db, [{"delete": ref._document_path, "current_document": {"exists": True}}])


# ---------------------------------------------------------------------------- atomicity and times
def test_failed_write_rolls_back_the_whole_commit(db):
    a, b, missing = db.document("c/atom-a"), db.document("c/atom-b"), db.document("c/atom-missing")
    a.set({"v": 1})
    batch = db.batch()
    batch.update(a, {"v": 2})
    batch.set(b, {"v": 2})
    batch.update(missing, {"v": 2})
    with pytest.raises(exceptions.NotFound):
        batch.commit()
    assert a.get().to_dict() == {"v": 1}
    assert not b.get().exists


def test_several_writes_to_one_document_apply_in_order(db):
    ref = db.document("c/seq")
    batch = db.batch()
    batch.set(ref, {"a": 1})
    batch.update(ref, {"b": 2})
    batch.update(ref, {"a": firestore.Increment(5)})
    results = batch.commit()
    assert ref.get().to_dict() == {"a": 6, "b": 2}
    assert len({r.update_time for r in results}) == 1


def test_commit_times_strictly_increase(db):
    ref = db.document("c/clock")
    times = [ref.set({"i": i}).update_time for i in range(20)]
    assert all(b > a for a, b in zip(times, times[1:]))


def test_no_op_write_keeps_the_previous_update_time(db):
    ref = db.document("c/noop")
    first = ref.set({"v": 1}).update_time
    again = ref.set({"v": 1}).update_time
    assert again == first
    assert ref.get().update_time == first


def test_delete_write_result_has_no_update_time(db):
    ref = db.document("c/delres")
    ref.set({"v": 1})
    resp = _commit_raw(db, [{"delete": ref._document_path}])
    assert not resp.write_results[0].update_time
    assert resp.commit_time


def test_document_over_one_mebibyte_is_rejected(db):
    ref = db.document("c/huge")
    with pytest.raises(exceptions.InvalidArgument):
        ref.set({"blob": "x" * 1_100_000})
    assert not ref.get().exists


def test_document_just_under_the_size_limit_is_accepted(db):
    ref = db.document("c/big")
    ref.set({"blob": "x" * 1_000_000})
    assert len(ref.get().get("blob")) == 1_000_000


def test_many_small_fields_over_the_limit_are_rejected(db):
    ref = db.document("c/wide")
    with pytest.raises(exceptions.InvalidArgument):
        ref.set({f"field_{i:05d}": "y" * 100 for i in range(11_000)})


def test_commit_of_more_than_500_writes_succeeds(db):
    batch = db.batch()
    for i in range(600):
        batch.set(db.document(f"many/{i}"), {"i": i})
    assert len(batch.commit()) == 600
    assert db.document("many/599").get().get("i") == 599


def _raw_timestamp_write(db, ref, seconds, nanos):
    return _commit_raw(db, [{"update": {"name": ref._document_path, "fields": {
        "at": {"timestamp_value": {"seconds": seconds, "nanos": nanos}}}}}])


def test_timestamps_are_stored_with_microsecond_precision(db):
    ref = db.document("c/micro")
    _raw_timestamp_write(db, ref, 1_700_000_000, 123_456_789)
    doc = db._firestore_api.get_document(request={"name": ref._document_path})
    stored = doc.fields["at"].timestamp_value
    assert (stored.timestamp_pb().seconds, stored.timestamp_pb().nanos) == (1_700_000_000, 123_456_000)


def test_timestamp_outside_firestore_range_is_invalid_argument(db):
    with pytest.raises(exceptions.InvalidArgument):
        _raw_timestamp_write(db, db.document("c/ancient"), -62135596801, 0)
