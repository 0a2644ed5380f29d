"""Builders of raw google.firestore.v1 protobufs for the emulator's unit tests.

Importing this module also puts ``emulator/`` on sys.path, so the unit tests can import
``firestore_emulator`` directly (the conformance tests never do).
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

_EMULATOR = str(Path(__file__).resolve().parents[2] / "emulator")
if _EMULATOR not in sys.path:
    sys.path.insert(0, _EMULATOR)

from google.cloud.firestore_v1 import types  # noqa: E402

StructuredQuery = types.StructuredQuery.pb()
StructuredAggregationQuery = types.StructuredAggregationQuery.pb()
Document = types.Document.pb()
Value = types.Value.pb()

ROOT = "projects/p/databases/(default)/documents"

_OPS = {
    "<": StructuredQuery.FieldFilter.Operator.LESS_THAN,
    "<=": StructuredQuery.FieldFilter.Operator.LESS_THAN_OR_EQUAL,
    ">": StructuredQuery.FieldFilter.Operator.GREATER_THAN,
    ">=": StructuredQuery.FieldFilter.Operator.GREATER_THAN_OR_EQUAL,
    "==": StructuredQuery.FieldFilter.Operator.EQUAL,
    "!=": StructuredQuery.FieldFilter.Operator.NOT_EQUAL,
    "array-contains": StructuredQuery.FieldFilter.Operator.ARRAY_CONTAINS,
    "in": StructuredQuery.FieldFilter.Operator.IN,
    "array-contains-any": StructuredQuery.FieldFilter.Operator.ARRAY_CONTAINS_ANY,
    "not-in": StructuredQuery.FieldFilter.Operator.NOT_IN,
}


class Ref(str):
    """A reference value: a document path relative to ROOT (or a full name)."""


class Geo(tuple):
    def __new__(cls, lat: float, lng: float):
        return super().__new__(cls, (lat, lng))


def val(x: Any) -> Any:
    v = Value()
    if x is None:
        v.null_value = 0
    elif isinstance(x, bool):
        v.boolean_value = x
    elif isinstance(x, int):
        v.integer_value = x
    elif isinstance(x, float):
        v.double_value = x
    elif isinstance(x, Ref):
        v.reference_value = x if x.startswith("projects/") else f"{ROOT}/{x}"
    elif isinstance(x, str):
        v.string_value = x
    elif isinstance(x, bytes):
        v.bytes_value = x
    elif isinstance(x, dt.datetime):
        v.timestamp_value.FromDatetime(x)
    elif isinstance(x, Geo):
        v.geo_point_value.latitude, v.geo_point_value.longitude = x
    elif isinstance(x, list):
        v.array_value.SetInParent()
        for e in x:
            v.array_value.values.append(val(e))
    elif isinstance(x, dict):
        v.map_value.SetInParent()
        for k, e in x.items():
            v.map_value.fields[k].CopyFrom(val(e))
    elif isinstance(x, Value):
        v.CopyFrom(x)
    else:
        raise TypeError(x)
    return v


def doc(path: str, **fields: Any) -> Any:
    d = Document(name=f"{ROOT}/{path}")
    for k, x in fields.items():
        d.fields[k].CopyFrom(val(x))
    return d


def ff(field: str, op: str, value: Any) -> Any:
    f = StructuredQuery.Filter()
    f.field_filter.field.field_path = field
    f.field_filter.op = _OPS[op]
    f.field_filter.value.CopyFrom(val(value))
    return f


def uf(field: str, op: str) -> Any:
    f = StructuredQuery.Filter()
    f.unary_filter.field.field_path = field
    f.unary_filter.op = StructuredQuery.UnaryFilter.Operator.Value(op)
    return f


def _composite(op: str, filters) -> Any:
    f = StructuredQuery.Filter()
    f.composite_filter.op = StructuredQuery.CompositeFilter.Operator.Value(op)
    for sub in filters:
        f.composite_filter.filters.append(sub)
    return f


def and_(*filters) -> Any:
    return _composite("AND", filters)


def or_(*filters) -> Any:
    return _composite("OR", filters)


def query(
    collection: str = "c",
    *,
    where: Any = None,
    order: tuple = (),
    start: Any = None,
    end: Any = None,
    offset: int = 0,
    limit: Any = None,
    select: Any = None,
    all_descendants: bool = False,
) -> Any:
    """order: ("a", "-b") for a ascending, b descending. start/end: (values, before)."""
    q = StructuredQuery()
    q.from_.add(collection_id=collection, all_descendants=all_descendants)
    if where is not None:
        q.where.CopyFrom(where)
    for o in order:
        desc = o.startswith("-")
        q.order_by.add(
            field=StructuredQuery.FieldReference(field_path=o[1:] if desc else o),
            direction=StructuredQuery.Direction.DESCENDING if desc else StructuredQuery.Direction.ASCENDING,
        )
    for cursor, target in ((start, q.start_at), (end, q.end_at)):
        if cursor is not None:
            values, before = cursor
            target.before = before
            for x in values:
                target.values.append(val(x))
    if offset:
        q.offset = offset
    if limit is not None:
        q.limit.value = limit
    if select is not None:
        q.select.SetInParent()
        for p in select:
            q.select.fields.add(field_path=p)
    return q


def ids(docs) -> list[str]:
    return [d.name.rsplit("/", 1)[1] for d in docs]
