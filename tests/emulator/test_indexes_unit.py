"""Unit tests of firestore_emulator.indexes: which queries need which index."""
from __future__ import annotations

import json

import pytest

from tests.emulator.pb_helpers import Ref, and_, ff, or_, query, uf

from firestore_emulator import indexes as I  # noqa: E402
from firestore_emulator.errors import FailedPrecondition, InvalidArgument  # noqa: E402


def composite(*fields, scope="COLLECTION", group="c"):
    out = []
    for f in fields:
        path, _, mode = f.partition(" ")
        entry = {"fieldPath": path}
        if mode == "CONTAINS":
            entry["arrayConfig"] = "CONTAINS"
        else:
            entry["order"] = mode or "ASCENDING"
        out.append(entry)
    return {"collectionGroup": group, "queryScope": scope, "fields": out}


def index_set(*indexes, overrides=()):
    return I.load_indexes({"indexes": list(indexes), "fieldOverrides": list(overrides)})


def missing(q, index_set_=None, group=False):
    found = I.required_indexes(q, group, index_set_ or index_set())
    return [[f"{f['fieldPath']} {f.get('order') or f.get('arrayConfig')}" for f in m["fields"]] for m in found]


# Queries the automatic single-field indexes (and index merging) serve.
@pytest.mark.parametrize(
    "q",
    [
        query(),
        query(where=ff("a", "==", 1)),
        query(where=and_(ff("a", "==", 1), ff("b", "==", 2), ff("c", "in", [1, 2]))),
        query(where=ff("tags", "array-contains", "x")),
        query(where=ff("a", ">", 1)),
        query(where=ff("a", "!=", 1)),
        query(where=ff("a", "not-in", [1])),
        query(where=uf("a", "IS_NOT_NULL")),
        query(where=and_(ff("a", ">", 1), ff("a", "<", 5)), order=("-a",)),
        query(order=("a",)),
        query(order=("-a",)),
        query(order=("-a", "-__name__")),
        query(order=("-__name__",)),
        query(where=ff("a", "==", 1), order=("a",)),
        query(where=ff("a", "==", 1), order=("-__name__",)),
        query(where=and_(ff("a", "==", 1), ff("__name__", ">", Ref("c/x")))),
        query(where=or_(ff("a", "==", 1), ff("b", "==", 2))),
        query(where=ff("tags", "array-contains-any", ["x", "y"])),
        query(where=ff("__name__", "==", Ref("c/x")), order=("a",)),
    ],
)
def test_queries_served_by_single_field_indexes_need_nothing(q):
    assert missing(q) == []
    I.check_query(q, False, index_set())


@pytest.mark.parametrize(
    "q, needed",
    [
        (query(where=ff("a", "==", 1), order=("b",)), [["a ASCENDING", "b ASCENDING"]]),
        (query(where=ff("a", "==", 1), order=("-b",)), [["a ASCENDING", "b DESCENDING"]]),
        (query(where=and_(ff("a", "==", 1), ff("b", ">", 2))), [["a ASCENDING", "b ASCENDING"]]),
        (query(order=("a", "b")), [["a ASCENDING", "b ASCENDING"]]),
        (query(order=("a", "-__name__")), [["a ASCENDING", "__name__ DESCENDING"]]),
        (query(where=and_(ff("a", ">", 1), ff("b", "<", 2))), [["a ASCENDING", "b ASCENDING"]]),
        (query(where=and_(ff("b", "!=", 1), ff("a", "==", 2))), [["a ASCENDING", "b ASCENDING"]]),
        (query(where=and_(ff("t", "array-contains", 1)), order=("b",)), [["t CONTAINS", "b ASCENDING"]]),
        (query(where=and_(ff("a", "==", 1), ff("t", "array-contains", "x"))), [["a ASCENDING", "t CONTAINS"]]),
        (
            query(where=and_(ff("a", "==", 1), ff("t", "array-contains-any", [1])), order=("-d",)),
            [["a ASCENDING", "t CONTAINS", "d DESCENDING"]],
        ),
        (
            query(where=or_(ff("a", "==", 1), ff("b", "==", 2)), order=("c",)),
            [["a ASCENDING", "c ASCENDING"], ["b ASCENDING", "c ASCENDING"]],
        ),
        (query(where=ff("a.`b c`", "==", 1), order=("d",)), [["a.`b c` ASCENDING", "d ASCENDING"]]),
    ],
)
def test_queries_needing_a_composite_index_name_its_fields(q, needed):
    assert missing(q) == needed
    with pytest.raises(FailedPrecondition) as info:
        I.check_query(q, False, index_set())
    assert "The query requires an index" in info.value.message
    assert ", ".join(needed[0]) in info.value.message


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


def test_index_merging_covers_several_equalities_with_a_shared_sort():
    q = query(where=and_(ff("a", "==", 1), ff("b", "==", 2)), order=("c",))
    assert missing(q, index_set(composite("a", "c"), composite("b", "c"))) == []
    assert missing(q, index_set(composite("a", "c"))) == [["a ASCENDING", "b ASCENDING", "c ASCENDING"]]
    assert missing(q, index_set(composite("b", "a", "c"))) == []


def test_or_query_needs_an_index_per_disjunct():
    q = query(where=or_(ff("a", "==", 1), ff("b", "==", 2)), order=("c",))
    assert missing(q, index_set(composite("a", "c"))) == [["b ASCENDING", "c ASCENDING"]]
    assert missing(q, index_set(composite("a", "c"), composite("b", "c"))) == []


def test_collection_group_queries_need_collection_group_single_field_overrides():
    q = query(where=ff("a", "==", 1), all_descendants=True)
    assert missing(q, group=True) == [["a ASCENDING"]]
    with pytest.raises(FailedPrecondition) as info:
        I.check_query(q, True, index_set())
    assert "fieldOverrides" in info.value.message
    override = {"collectionGroup": "c", "fieldPath": "a", "indexes": [{"order": "ASCENDING", "queryScope": "COLLECTION_GROUP"}]}
    assert missing(q, index_set(overrides=[override]), group=True) == []
    assert missing(query(all_descendants=True), group=True) == []


def test_collection_group_composite_index_needs_collection_group_scope():
    q = query(where=ff("a", "==", 1), order=("b",), all_descendants=True)
    assert missing(q, index_set(composite("a", "b")), group=True) == [["a ASCENDING", "b ASCENDING"]]
    assert missing(q, index_set(composite("a", "b", scope="COLLECTION_GROUP")), group="COLLECTION_GROUP") == []


def test_field_override_exempting_a_field_removes_its_single_field_indexes():
    exempt = {"collectionGroup": "c", "fieldPath": "a", "indexes": []}
    assert missing(query(order=("a",)), index_set(overrides=[exempt])) == [["a ASCENDING"]]
    assert missing(query(order=("b",)), index_set(overrides=[exempt])) == []


def test_check_query_without_an_index_set_never_fails():
    I.check_query(query(order=("a", "b")), False, None)


def test_failed_precondition_message_carries_the_json_to_add():
    with pytest.raises(FailedPrecondition) as info:
        I.check_query(query(where=ff("a", "==", 1), order=("-b",)), False, index_set())
    payload = info.value.message.split("firestore.indexes.json: ", 1)[1]
    assert json.loads(payload) == composite("a", "b DESCENDING")


def test_load_indexes_reads_a_firebase_cli_file():
    loaded = I.load_indexes(
        json.dumps(
            {
                "indexes": [
                    composite("a", "t CONTAINS"),
                    {"collectionGroup": "v", "queryScope": "COLLECTION", "fields": [
                        {"fieldPath": "e", "vectorConfig": {"dimension": 3, "flat": {}}}]},
                ],
                "fieldOverrides": [{"collectionGroup": "c", "fieldPath": "ttl", "ttl": True}],
            }
        )
    )
    assert loaded.indexes == [I.Index("c", "COLLECTION", ((("a",), "ASCENDING"), (("t",), "CONTAINS")))]
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
        {"indexes": [{"collectionGroup": "c", "queryScope": "DATABASE", "fields": [{"fieldPath": "a", "order": "ASCENDING"}]}]},
        {"fieldOverrides": [{"collectionGroup": "c", "fieldPath": "a", "indexes": [{"arrayConfig": "ANY"}]}]},
    ],
)
def test_load_indexes_rejects_malformed_files(data):
    with pytest.raises(InvalidArgument):
        I.load_indexes(data)


def test_the_projects_own_firestore_indexes_json_loads():
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "firestore.indexes.json"
    loaded = I.load_indexes(path.read_text(encoding="utf-8"))
    declared = json.loads(path.read_text(encoding="utf-8"))
    assert len(loaded.indexes) == len([i for i in declared.get("indexes", [])
                                       if not any("vectorConfig" in f for f in i["fields"])])
