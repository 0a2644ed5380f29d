"""Composite-index enforcement, end to end (a feature of this project's emulator only).

Google's emulator cannot enforce indexes, so these tests start the project's own emulator
themselves (whatever FIRESTORE_EMULATOR_HOST names) and talk to it through
google-cloud-firestore plus the emulator's HTTP endpoint
``PUT|DELETE /emulator/v1/projects/{p}/databases/(default):indexes``.
"""
from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Iterator

import pytest
from google.api_core import exceptions
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from devstack import firestore as hearth_firestore

THREADS_BY_STATUS_AND_TIME = {
    "indexes": [
        {
            "collectionGroup": "threads",
            "queryScope": "COLLECTION",
            "fields": [
                {"fieldPath": "status", "order": "ASCENDING"},
                {"fieldPath": "createdAt", "order": "DESCENDING"},
            ],
        }
    ],
    "fieldOverrides": [],
}


@pytest.fixture(scope="module")
def own_emulator() -> Iterator[str]:
    with hearth_firestore.running() as host:
        yield host


@pytest.fixture
def enforced(own_emulator, monkeypatch):
    """(client, set_indexes) on a fresh project of our own emulator."""
    project = f"idx-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", own_emulator)
    client = firestore.Client(project=project)

    def call(method: str, spec=None) -> int:
        url = f"http://{own_emulator}/emulator/v1/projects/{project}/databases/(default):indexes"
        data = None if spec is None else json.dumps(spec).encode()
        req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    col = client.collection("threads")
    for i in range(4):
        col.document(f"t{i}").set({"status": "visible" if i % 2 else "hidden", "createdAt": i, "score": 10 - i,
                                   "tags": ["a"]})
    return client, call


def _status_by_time(client):
    return (
        client.collection("threads")
        .where(filter=FieldFilter("status", "==", "visible"))
        .order_by("createdAt", direction=firestore.Query.DESCENDING)
    )


def test_queries_run_without_an_index_while_enforcement_is_off(enforced):
    client, _ = enforced
    assert [s.id for s in _status_by_time(client).stream()] == ["t3", "t1"]


def test_missing_composite_index_fails_with_failed_precondition_naming_it(enforced):
    client, call = enforced
    assert call("PUT", {"indexes": [], "fieldOverrides": []}) == 200
    with pytest.raises(exceptions.FailedPrecondition) as info:
        list(_status_by_time(client).stream())
    message = str(info.value)
    assert "The query requires an index" in message
    assert "status ASCENDING, createdAt DESCENDING" in message
    assert '"collectionGroup": "threads"' in message


def test_declared_index_lets_the_query_run(enforced):
    client, call = enforced
    assert call("PUT", THREADS_BY_STATUS_AND_TIME) == 200
    assert [s.id for s in _status_by_time(client).stream()] == ["t3", "t1"]


def test_delete_turns_enforcement_off_again(enforced):
    client, call = enforced
    assert call("PUT", {"indexes": []}) == 200
    with pytest.raises(exceptions.FailedPrecondition):
        list(_status_by_time(client).stream())
    assert call("DELETE") == 200
    assert [s.id for s in _status_by_time(client).stream()] == ["t3", "t1"]


def test_queries_single_field_indexes_serve_run_under_enforcement(enforced):
    client, call = enforced
    assert call("PUT", {"indexes": []}) == 200
    col = client.collection("threads")
    assert len(list(col.where(filter=FieldFilter("status", "==", "visible"))
                    .where(filter=FieldFilter("createdAt", "==", 1)).stream())) == 1
    assert [s.id for s in col.order_by("score").stream()] == ["t3", "t2", "t1", "t0"]
    assert [s.id for s in col.where(filter=FieldFilter("createdAt", ">", 1)).stream()] == ["t2", "t3"]
    assert len(list(col.where(filter=FieldFilter("tags", "array_contains", "a")).stream())) == 4


def test_aggregation_needing_an_index_fails_too(enforced):
    client, call = enforced
    assert call("PUT", {"indexes": []}) == 200
    query = client.collection("threads").where(filter=FieldFilter("status", "==", "visible")).where(
        filter=FieldFilter("score", ">", 3)
    )
    with pytest.raises(exceptions.FailedPrecondition):
        query.count(alias="n").get()


def test_collection_group_query_needs_collection_group_scope(enforced):
    client, call = enforced
    assert call("PUT", THREADS_BY_STATUS_AND_TIME) == 200
    group = (
        client.collection_group("threads")
        .where(filter=FieldFilter("status", "==", "visible"))
        .order_by("createdAt", direction=firestore.Query.DESCENDING)
    )
    with pytest.raises(exceptions.FailedPrecondition) as info:
        list(group.stream())
    assert "COLLECTION_GROUP" in str(info.value)
    spec = json.loads(json.dumps(THREADS_BY_STATUS_AND_TIME))
    spec["indexes"][0]["queryScope"] = "COLLECTION_GROUP"
    assert call("PUT", spec) == 200
    assert [s.id for s in group.stream()] == ["t3", "t1"]


def test_malformed_index_file_is_rejected_with_400(enforced):
    _, call = enforced
    assert call("PUT", {"indexes": [{"collectionGroup": "threads", "fields": [{"fieldPath": "a", "order": "UP"}]}]}) == 400
