"""Which queries need which index (tests/support/indexes.py); queries are built by google-cloud-firestore itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore

from tests.support import indexes as I

ROOT = Path(__file__).resolve().parents[2]
db = firestore.Client(project="demo-indexes", credentials=AnonymousCredentials())  # builds queries, never connects
ff, and_, or_ = firestore.FieldFilter, firestore.And, firestore.Or


def ref(path: str) -> firestore.DocumentReference:
    return db.document(path)


def query(where: Any = None, order: tuple[str, ...] = (), group: bool = False) -> Any:
    """The StructuredQuery protobuf of a query on `c`; "-a" orders by a descending."""
    q = db.collection_group("c") if group else db.collection("c")._query()
    if where is not None:
        q = q.where(filter=where)
    for field in order:
        desc = field.startswith("-")
        q = q.order_by(field.lstrip("-"), direction=firestore.Query.DESCENDING if desc else firestore.Query.ASCENDING)
    return q._to_protobuf()._pb


def query_id(value: Any) -> str | None:
    """A readable test id for a StructuredQuery: "a EQUAL, b GREATER_THAN / -c"."""
    if not isinstance(value, I.StructuredQuery):
        return None
    leaves = [
        leaf.field_filter if leaf.WhichOneof("filter_type") == "field_filter" else leaf.unary_filter
        for leaf in I._leaves(value.where)
    ]
    either = value.where.composite_filter.op == I.StructuredQuery.CompositeFilter.Operator.OR
    where = (" OR " if either else ", ").join(
        f"{leaf.field.field_path} {type(leaf).Operator.Name(leaf.op)}" for leaf in leaves
    )
    order = ", ".join(
        ("-" if o.direction == I.StructuredQuery.Direction.DESCENDING else "") + o.field.field_path
        for o in value.order_by
    )
    return f"{where or 'all'} / {order or 'no order'}"


def composite(*fields: str, scope: str = "COLLECTION", group: str = "c") -> dict:
    """An "indexes" entry: "a" (ascending), "a DESCENDING", "t CONTAINS"."""
    out = []
    for f in fields:
        path, _, mode = f.partition(" ")
        out.append(
            {
                "fieldPath": path,
                **({"arrayConfig": "CONTAINS"} if mode == "CONTAINS" else {"order": mode or "ASCENDING"}),
            }
        )
    return {"collectionGroup": group, "queryScope": scope, "fields": out}


def index_set(*indexes: dict, overrides: tuple[dict, ...] = ()) -> I.IndexSet:
    return I.load_indexes({"indexes": list(indexes), "fieldOverrides": list(overrides)})


def missing(q: Any, declared: I.IndexSet | None = None) -> list[list[str]]:
    return [
        [f"{f['fieldPath']} {f.get('order') or f.get('arrayConfig')}" for f in m.to_json()["fields"]]
        for m in I.plan(q, declared or index_set()).missing
    ]


@pytest.mark.parametrize(
    "q",
    [
        query(),
        query(where=ff("a", "==", 1)),
        query(where=and_([ff("a", "==", 1), ff("b", "==", 2), ff("c", "in", [1, 2])])),
        query(where=ff("tags", "array_contains", "x")),
        query(where=ff("a", ">", 1)),
        query(where=ff("a", "!=", 1)),
        query(where=ff("a", "not-in", [1])),
        query(where=ff("a", "!=", None)),
        query(where=ff("a", "==", None)),
        query(where=and_([ff("a", ">", 1), ff("a", "<", 5)]), order=("-a",)),
        query(order=("a",)),
        query(order=("-a",)),
        query(order=("-a", "-__name__")),
        query(order=("-__name__",)),
        query(where=ff("a", "==", 1), order=("a",)),
        query(where=ff("a", "==", 1), order=("-__name__",)),
        query(where=and_([ff("a", "==", 1), ff("__name__", ">", ref("c/x"))])),
        query(where=or_([ff("a", "==", 1), ff("b", "==", 2)])),
        query(where=ff("tags", "array_contains_any", ["x", "y"])),
        query(where=ff("__name__", "==", ref("c/x")), order=("a",)),
    ],
    ids=query_id,
)
def test_queries_served_by_single_field_indexes_need_nothing(q):
    assert missing(q) == []


@pytest.mark.parametrize(
    "q, needed",
    [
        (query(where=ff("a", "==", 1), order=("b",)), [["a ASCENDING", "b ASCENDING"]]),
        (query(where=ff("a", "==", 1), order=("-b",)), [["a ASCENDING", "b DESCENDING"]]),
        (query(where=and_([ff("a", "==", 1), ff("b", ">", 2)])), [["a ASCENDING", "b ASCENDING"]]),
        (query(order=("a", "b")), [["a ASCENDING", "b ASCENDING"]]),
        (query(order=("a", "-__name__")), [["a ASCENDING", "__name__ DESCENDING"]]),
        (query(where=and_([ff("a", ">", 1), ff("b", "<", 2)])), [["a ASCENDING", "b ASCENDING"]]),
        (query(where=and_([ff("b", "!=", 1), ff("a", "==", 2)])), [["a ASCENDING", "b ASCENDING"]]),
        (query(where=ff("t", "array_contains", 1), order=("b",)), [["t CONTAINS", "b ASCENDING"]]),
        (query(where=and_([ff("a", "==", 1), ff("t", "array_contains", "x")])), [["a ASCENDING", "t CONTAINS"]]),
        (
            query(where=and_([ff("a", "==", 1), ff("t", "array_contains_any", [1])]), order=("-d",)),
            [["a ASCENDING", "t CONTAINS", "d DESCENDING"]],
        ),
        (
            query(where=or_([ff("a", "==", 1), ff("b", "==", 2)]), order=("c",)),
            [["a ASCENDING", "c ASCENDING"], ["b ASCENDING", "c ASCENDING"]],
        ),
        (query(where=ff("a.`b c`", "==", 1), order=("d",)), [["a.`b c` ASCENDING", "d ASCENDING"]]),
        # The threads list: visible ones with a tag, newest first.
        (
            query(
                where=and_([ff("status", "==", "visible"), ff("tags", "array_contains", "x")]), order=("-createdAt",)
            ),
            [["status ASCENDING", "tags CONTAINS", "createdAt DESCENDING"]],
        ),
    ],
    ids=query_id,
)
def test_queries_needing_a_composite_index_name_its_fields(q, needed):
    assert missing(q) == needed
    advice = I.advice(I.plan(q, index_set()).missing[0])
    assert advice.startswith('Add to the "indexes" list of firestore.indexes.json')
    assert ", ".join(needed[0]) in advice


def test_declared_index_serves_the_query_and_equality_direction_does_not_matter():
    q = query(where=ff("a", "==", 1), order=("-b",))
    assert missing(q, index_set(composite("a", "b DESCENDING"))) == []
    assert missing(q, index_set(composite("a DESCENDING", "b DESCENDING"))) == []


@pytest.mark.parametrize(
    "declared",
    [
        composite("a", "b ASCENDING"),  # wrong sort direction
        composite("b DESCENDING", "a"),  # wrong field order
        composite("a", "b DESCENDING", group="other"),  # other collection group
        composite("a", "b DESCENDING", scope="COLLECTION_GROUP"),  # other scope
        composite("a", "x", "b DESCENDING"),  # an extra field the query does not constrain
    ],
)
def test_indexes_that_do_not_fit_are_not_used(declared):
    q = query(where=ff("a", "==", 1), order=("-b",))
    assert missing(q, index_set(declared)) == [["a ASCENDING", "b DESCENDING"]]
    assert I.plan(q, index_set(declared)).used == frozenset()


def test_index_merging_covers_several_equalities_with_a_shared_sort():
    q = query(where=and_([ff("a", "==", 1), ff("b", "==", 2)]), order=("c",))
    assert missing(q, index_set(composite("a", "c"), composite("b", "c"))) == []
    assert missing(q, index_set(composite("a", "c"))) == [["a ASCENDING", "b ASCENDING", "c ASCENDING"]]
    assert missing(q, index_set(composite("b", "a", "c"))) == []


def test_or_query_needs_an_index_per_disjunct():
    q = query(where=or_([ff("a", "==", 1), ff("b", "==", 2)]), order=("c",))
    assert missing(q, index_set(composite("a", "c"))) == [["b ASCENDING", "c ASCENDING"]]
    assert missing(q, index_set(composite("a", "c"), composite("b", "c"))) == []


def test_plan_names_the_declared_indexes_a_query_can_use():
    declared = index_set(composite("a", "c"), composite("b", "c"), composite("a", "c DESCENDING"))
    plan = I.plan(query(where=or_([ff("a", "==", 1), ff("b", "==", 2)]), order=("c",)), declared)
    assert plan.missing == ()
    assert plan.used == set(declared.indexes[:2])
    assert I.plan(query(order=("a", "b")), index_set(composite("a", "b"))).used == set(
        index_set(composite("a", "b")).indexes
    )


def test_collection_group_queries_need_collection_group_single_field_overrides():
    q = query(where=ff("a", "==", 1), group=True)
    assert missing(q) == [["a ASCENDING"]]
    advice = I.advice(I.plan(q, index_set()).missing[0])
    assert advice.startswith('Add to the "fieldOverrides" list')
    override = json.loads(advice.split("\n", 1)[1])
    assert override["collectionGroup"] == "c" and override["fieldPath"] == "a"
    assert {"order": "ASCENDING", "queryScope": "COLLECTION_GROUP"} in override["indexes"]
    assert missing(q, index_set(overrides=(override,))) == []
    assert missing(query(group=True)) == []


def test_collection_group_composite_index_needs_collection_group_scope():
    q = query(where=ff("a", "==", 1), order=("b",), group=True)
    assert missing(q, index_set(composite("a", "b"))) == [["a ASCENDING", "b ASCENDING"]]
    assert missing(q, index_set(composite("a", "b", scope="COLLECTION_GROUP"))) == []


def test_field_override_exempting_a_field_removes_its_single_field_indexes():
    exempt = {"collectionGroup": "c", "fieldPath": "a", "indexes": []}
    assert missing(query(order=("a",)), index_set(overrides=(exempt,))) == [["a ASCENDING"]]
    assert missing(query(order=("b",)), index_set(overrides=(exempt,))) == []


def test_advice_carries_the_json_entry_to_add():
    (needed,) = I.plan(query(where=ff("a", "==", 1), order=("-b",)), index_set()).missing
    assert json.loads(I.advice(needed).split("\n", 1)[1]) == composite("a", "b DESCENDING")


def test_load_indexes_reads_a_firebase_cli_file():
    loaded = I.load_indexes(
        json.dumps(
            {
                "indexes": [
                    composite("a", "t CONTAINS"),
                    {
                        "collectionGroup": "v",
                        "queryScope": "COLLECTION",
                        "fields": [{"fieldPath": "e", "vectorConfig": {"dimension": 3, "flat": {}}}],
                    },
                ],
                "fieldOverrides": [{"collectionGroup": "c", "fieldPath": "ttl", "ttl": True}],
            }
        )
    )
    assert loaded.indexes == (I.Index("c", "COLLECTION", ((("a",), "ASCENDING"), (("t",), "CONTAINS"))),)
    assert loaded.overrides == {}


@pytest.mark.parametrize(
    "data",
    [
        "not json",
        [],
        {"indexes": {}},
        {"indexes": [{"fields": [{"fieldPath": "a", "order": "ASCENDING"}]}]},
        {"indexes": [{"collectionGroup": "c", "fields": []}]},
        {"indexes": [{"collectionGroup": "c", "fields": [{"fieldPath": "a", "order": "UP"}]}]},
        {"indexes": [{"collectionGroup": "c", "fields": [{"fieldPath": "a..b", "order": "ASCENDING"}]}]},
        {
            "indexes": [
                {"collectionGroup": "c", "queryScope": "DATABASE", "fields": [{"fieldPath": "a", "order": "ASCENDING"}]}
            ]
        },
        {"fieldOverrides": [{"collectionGroup": "c", "fieldPath": "a", "indexes": [{"arrayConfig": "ANY"}]}]},
    ],
)
def test_load_indexes_rejects_malformed_files(data):
    with pytest.raises(I.IndexFileError):
        I.load_indexes(data)


def test_the_projects_own_firestore_indexes_json_loads_and_round_trips():
    declared = json.loads((ROOT / "firestore.indexes.json").read_text(encoding="utf-8"))
    loaded = I.load_indexes(declared)
    assert [i.to_json() for i in loaded.indexes] == [
        {**i, "queryScope": i.get("queryScope", "COLLECTION")} for i in declared["indexes"]
    ]


def test_a_query_on_a_field_exempted_from_indexing_is_refused():
    declared = I.load_indexes(
        {"indexes": [], "fieldOverrides": [{"collectionGroup": "c", "fieldPath": "body", "indexes": []}]}
    )
    assert declared.exempted() == {("c", ("body",))}
    assert I.exempted_fields_used(query(ff("body", "==", "x"), ("-createdAt",)), declared) == ["body"]
    assert I.exempted_fields_used(query(None, ("body",)), declared) == ["body"]
    assert I.exempted_fields_used(query(or_([ff("a", "==", 1), ff("body", ">", "")])), declared) == ["body"]
    assert I.exempted_fields_used(query(ff("status", "==", "visible"), ("-createdAt",)), declared) == []


def test_the_projects_exemptions_leave_no_query_its_index():
    declared = I.load_indexes((ROOT / "firestore.indexes.json").read_text())
    assert {("threads", ("body",)), ("threads", ("bodyHtml",)), ("comments", ("bodyHtml",))} <= declared.exempted()
    assert not any(
        index.collection_group in ("threads", "comments")
        and any((index.collection_group, f) in declared.exempted() for f, _ in index.fields)
        for index in declared.indexes
    )
