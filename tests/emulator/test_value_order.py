"""Conformance: Firestore's total order of values across types, through google-cloud-firestore."""
from __future__ import annotations

import datetime as dt
import math

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.vector import Vector

UTC = dt.timezone.utc


def _values_in_order(db):
    """(doc id, value) in Firestore's ascending order; ids are deliberately not sorted."""
    other = db.collection("elsewhere")
    return [
        ("k01", None),
        ("k13", False),
        ("k02", True),
        ("k14", math.nan),
        ("k03", -math.inf),
        ("k15", -5),
        ("k04", -1.5),
        ("k16", 0),
        ("k05", 2**53 + 1),
        ("k17", math.inf),
        ("k06", dt.datetime(2001, 1, 1, tzinfo=UTC)),
        ("k18", dt.datetime(2001, 1, 1, 0, 0, 0, 1, tzinfo=UTC)),
        ("k07", ""),
        ("k19", "Z"),
        ("k08", "a"),
        ("k20", "\u00e9"),
        ("k09", "\U0001f600"),
        ("k21", b"\x00"),
        ("k10", b"\xff"),
        ("k22", other.document("a")),
        ("k11", other.document("b")),
        ("k23", firestore.GeoPoint(-1, 10)),
        ("k12", firestore.GeoPoint(1, -10)),
        ("k24", []),
        ("k25", [1]),
        ("k26", [1, "a"]),
        ("k27", [2]),
        ("k30", {}),
        ("k31", {"a": 1}),
        ("k32", {"a": 1, "b": 1}),
        ("k33", {"b": 0}),
    ]


def _write(db):
    col = db.collection("order")
    batch = db.batch()
    values = _values_in_order(db)
    for doc_id, value in values:
        batch.set(col.document(doc_id), {"v": value})
    batch.commit()
    return col, [doc_id for doc_id, _ in values]


def test_order_by_a_field_holding_every_type_follows_firestores_type_order(db):
    col, expected = _write(db)
    assert [s.id for s in col.order_by("v").stream()] == expected


def test_descending_order_reverses_the_cross_type_order(db):
    col, expected = _write(db)
    got = [s.id for s in col.order_by("v", direction=firestore.Query.DESCENDING).stream()]
    assert got == expected[::-1]


def test_integers_and_doubles_interleave_numerically_with_name_breaking_ties(db):
    col = db.collection("nums")
    batch = db.batch()
    for doc_id, value in [("a", 2), ("b", 1.5), ("c", 1), ("d", 1.0), ("e", -0.0), ("f", 0)]:
        batch.set(col.document(doc_id), {"v": value})
    batch.commit()
    assert [s.id for s in col.order_by("v").stream()] == ["e", "f", "c", "d", "b", "a"]


def test_nan_sorts_before_every_other_number(db):
    col = db.collection("nan")
    batch = db.batch()
    for doc_id, value in [("a", -math.inf), ("b", math.nan), ("c", -(2**63)), ("d", False)]:
        batch.set(col.document(doc_id), {"v": value})
    batch.commit()
    assert [s.id for s in col.order_by("v").stream()] == ["d", "b", "a", "c"]
    (snap,) = list(col.where(filter=FieldFilter("v", "==", math.nan)).stream())
    assert snap.id == "b" and math.isnan(snap.get("v"))


def test_strings_sort_by_utf8_bytes(db):
    col = db.collection("strings")
    batch = db.batch()
    # U+FF61 sorts before U+1F600 in UTF-8 although UTF-16 would put the surrogate pair first.
    for doc_id, value in [("a", "\U0001f600"), ("b", "\uff61"), ("c", "z"), ("d", "Z")]:
        batch.set(col.document(doc_id), {"v": value})
    batch.commit()
    assert [s.id for s in col.order_by("v").stream()] == ["d", "c", "b", "a"]


def test_range_filter_on_one_type_ignores_other_types(db):
    col, _ = _write(db)
    got = [s.id for s in col.where(filter=FieldFilter("v", ">=", "")).stream()]
    assert got == ["k07", "k19", "k08", "k20", "k09"]
    got = [s.id for s in col.where(filter=FieldFilter("v", ">", firestore.GeoPoint(-90, 0))).stream()]
    assert got == ["k23", "k12"]


def test_vectors_sort_after_arrays_and_before_maps_shorter_first(db):
    col = db.collection("vectors")
    batch = db.batch()
    for doc_id, value in [
        ("a", {}),
        ("b", Vector([1.0, 1.0])),
        ("c", [9, 9, 9]),
        ("d", Vector([5.0])),
        ("e", Vector([0.5, 2.0])),
    ]:
        batch.set(col.document(doc_id), {"v": value})
    batch.commit()
    assert [s.id for s in col.order_by("v").stream()] == ["c", "d", "e", "b", "a"]
