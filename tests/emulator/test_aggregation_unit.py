"""Unit tests of firestore_emulator.query.run_aggregation on raw protobufs."""
from __future__ import annotations

import math

import pytest

from tests.emulator.pb_helpers import StructuredAggregationQuery, doc, ff, query

from firestore_emulator import query as Q  # noqa: E402
from firestore_emulator.errors import InvalidArgument  # noqa: E402


def aggregation(*specs, **query_kw):
    """specs: ("count", alias, up_to) | ("sum"|"avg", alias, field)."""
    aq = StructuredAggregationQuery()
    aq.structured_query.CopyFrom(query(**query_kw))
    for kind, alias, arg in specs:
        a = aq.aggregations.add()
        if alias:
            a.alias = alias
        if kind == "count":
            a.count.SetInParent()
            if arg is not None:
                a.count.up_to.value = arg
        else:
            getattr(a, kind).field.field_path = arg
    return aq


def result(aq, docs) -> dict:
    out = {}
    for alias, v in Q.run_aggregation(aq, docs).aggregate_fields.items():
        kind = v.WhichOneof("value_type")
        out[alias] = None if kind == "null_value" else getattr(v, kind)
    return out


DOCS = [doc("c/a", v=1, w="x"), doc("c/b", v=2.5), doc("c/c", v="s"), doc("c/d", v=None), doc("c/e", u=1)]


def test_count_with_up_to_caps_the_count():
    assert result(aggregation(("count", "n", None), ("count", "m", 2)), DOCS) == {"n": 5, "m": 2}


def test_count_respects_the_query_filter_offset_and_limit():
    aq = aggregation(("count", "n", None), where=ff("v", ">=", 0), limit=1)
    assert result(aq, DOCS) == {"n": 1}
    aq = aggregation(("count", "n", None), offset=4)
    assert result(aq, DOCS) == {"n": 1}


def test_avg_of_no_numbers_is_null_and_sum_is_integer_zero():
    out = Q.run_aggregation(aggregation(("avg", "m", "w"), ("sum", "s", "w")), DOCS).aggregate_fields
    assert out["m"].WhichOneof("value_type") == "null_value"
    assert out["s"].WhichOneof("value_type") == "integer_value" and out["s"].integer_value == 0


def test_sum_and_avg_skip_non_numeric_values():
    assert result(aggregation(("sum", "s", "v"), ("avg", "m", "v")), DOCS) == {"s": 3.5, "m": 1.75}


@pytest.mark.parametrize(
    "values, expected_kind, expected",
    [
        ([1, 2, 3], "integer_value", 6),
        ([1, 2.0], "double_value", 3.0),
        ([2**62, 2**62], "double_value", 2.0**63),
        ([2**63 - 1, 1, -5], "double_value", float(2**63 - 5)),
        ([-(2**63), -1], "double_value", -(2.0**63) - 1),
        ([math.inf, 1], "double_value", math.inf),
    ],
)
def test_sum_stays_integer_until_a_double_or_an_overflow(values, expected_kind, expected):
    docs = [doc(f"c/d{i}", v=x) for i, x in enumerate(values)]
    v = Q.run_aggregation(aggregation(("sum", "s", "v")), docs).aggregate_fields["s"]
    assert v.WhichOneof("value_type") == expected_kind
    assert getattr(v, expected_kind) == pytest.approx(expected)


def test_avg_of_integers_is_a_double():
    docs = [doc("c/a", v=1), doc("c/b", v=2)]
    v = Q.run_aggregation(aggregation(("avg", "m", "v")), docs).aggregate_fields["m"]
    assert v.WhichOneof("value_type") == "double_value" and v.double_value == 1.5


def test_unaliased_aggregations_get_field_n_avoiding_explicit_aliases():
    aq = aggregation(("count", "", None), ("sum", "field_2", "v"), ("avg", "", "v"), ("count", "", None))
    assert Q.aggregation_aliases(aq) == ["field_1", "field_2", "field_3", "field_4"]
    aq = aggregation(("count", "field_1", None), ("count", "", None))
    assert Q.aggregation_aliases(aq) == ["field_1", "field_2"]


@pytest.mark.parametrize(
    "specs, fragment",
    [
        ((), "at least one"),
        ((("count", "a", None),) * 6, "at most 5"),
        ((("count", "a", None), ("sum", "a", "v")), "unique"),
        ((("count", "a", 0),), "greater than zero"),
        ((("sum", "a", ""),), "must name a field"),
        ((("avg", "a", "x..y"),), "Invalid field path"),
    ],
)
def test_invalid_aggregations_raise_invalid_argument(specs, fragment):
    with pytest.raises(InvalidArgument) as info:
        Q.run_aggregation(aggregation(*specs), DOCS)
    assert fragment in info.value.message
