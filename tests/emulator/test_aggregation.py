"""Conformance: count, sum and avg aggregations through google-cloud-firestore."""
from __future__ import annotations

import math

import pytest
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter


def _results(aggregation_query) -> dict:
    (row,) = aggregation_query.get()
    return {r.alias: r.value for r in row}


@pytest.fixture
def scores(db):
    col = db.collection("scores")
    batch = db.batch()
    data = {
        "a": {"p": 1, "q": 1.5, "team": "red"},
        "b": {"p": 2, "q": 2, "team": "red"},
        "c": {"p": 3, "q": "x", "team": "blue"},
        "d": {"p": 4, "team": "blue"},
        "e": {"p": "str", "q": None, "team": "green"},
    }
    for doc_id, doc in data.items():
        batch.set(col.document(doc_id), doc)
    batch.commit()
    return col


def test_count_counts_matching_documents(scores):
    assert _results(scores.count(alias="n")) == {"n": 5}
    assert _results(scores.where(filter=FieldFilter("team", "==", "red")).count(alias="n")) == {"n": 2}


def test_count_of_an_empty_result_is_zero(db):
    assert _results(db.collection("nothing").count(alias="n")) == {"n": 0}


def test_count_respects_limit_and_offset(scores):
    assert _results(scores.limit(3).count(alias="n")) == {"n": 3}
    assert _results(scores.order_by("p").offset(1).count(alias="n")) == {"n": 4}
    assert _results(scores.order_by("q").offset(1).count(alias="n")) == {"n": 3}


def test_count_without_alias_gets_a_default_alias(scores):
    (row,) = scores.count().get()
    assert [r.value for r in row] == [5]


def test_sum_of_integers_is_an_integer(scores):
    value = _results(scores.sum("p", alias="s"))["s"]
    assert value == 10 and isinstance(value, int)


def test_sum_with_a_double_is_a_double_and_ignores_non_numbers(scores):
    value = _results(scores.sum("q", alias="s"))["s"]
    assert value == 3.5 and isinstance(value, float)


def test_avg_is_a_double_over_numeric_values_only(scores):
    assert _results(scores.avg("p", alias="m")) == {"m": 2.5}
    assert _results(scores.avg("q", alias="m")) == {"m": 1.75}


def test_avg_and_sum_without_numeric_values_read_as_zero(scores):
    # The server answers null for avg and integer 0 for sum; the client reads both as 0.
    assert _results(scores.avg("team", alias="m")) == {"m": 0}
    assert _results(scores.sum("team", alias="s")) == {"s": 0}


def test_several_aggregations_with_aliases_in_one_query(scores):
    query = scores.where(filter=FieldFilter("team", "==", "blue"))
    aggregation = query.count(alias="n").sum("p", alias="total").avg("p", alias="mean")
    assert _results(aggregation) == {"n": 2, "total": 7, "mean": 3.5}


def test_sum_that_overflows_int64_becomes_a_double(db):
    col = db.collection("big")
    col.document("a").set({"v": 2**63 - 1})
    col.document("b").set({"v": 2**63 - 1})
    value = _results(col.sum("v", alias="s"))["s"]
    assert isinstance(value, float) and value == pytest.approx(2.0**64)


def test_sum_with_nan_is_nan(db):
    col = db.collection("nan")
    col.document("a").set({"v": 1})
    col.document("b").set({"v": math.nan})
    assert math.isnan(_results(col.sum("v", alias="s"))["s"])


def test_aggregation_inside_a_transaction(scores, db):
    transaction = db.transaction()

    @firestore.transactional
    def count(tx):
        (row,) = scores.count(alias="n").get(transaction=tx)
        return row[0].value

    assert count(transaction) == 5


def test_aggregation_over_a_collection_group(db):
    for t in ("t1", "t2", "t3"):
        db.collection("threads").document(t).collection("likes").document("x").set({"w": 2})
    assert _results(db.collection_group("likes").count(alias="n").sum("w", alias="w")) == {"n": 3, "w": 6}
