"""The query log the index check reads: only on the emulators, whole lines, queries only."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path
from types import SimpleNamespace

import pytest
from google.cloud.firestore_v1.types import RunAggregationQueryRequest, RunQueryRequest, StructuredQuery
from google.protobuf import json_format

from hearth.db import querylog
from hearth.deps import firestore_client

QUERY = StructuredQuery(
    from_=[StructuredQuery.CollectionSelector(collection_id="threads")],
    order_by=[
        StructuredQuery.Order(
            field=StructuredQuery.FieldReference(field_path="createdAt"), direction=StructuredQuery.Direction.DESCENDING
        )
    ],
)
PARENT = "projects/demo-hearth/databases/(default)/documents"


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, None),
        ({"HEARTH_QUERY_LOG": "/tmp/q.jsonl"}, None),  # no emulator: production, never logs
        ({"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}, None),
        ({"HEARTH_QUERY_LOG": "", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}, None),
        ({"HEARTH_QUERY_LOG": "/tmp/q.jsonl", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}, Path("/tmp/q.jsonl")),
    ],
)
def test_queries_are_logged_only_when_asked_and_on_the_emulator(env, expected):
    assert querylog.log_path(env) == expected


def test_the_client_logs_its_queries_on_the_emulator_when_asked(monkeypatch, tmp_path):
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1")
    db = firestore_client({"HEARTH_QUERY_LOG": str(tmp_path / "q.jsonl"), "FIRESTORE_EMULATOR_HOST": "127.0.0.1:1"})
    assert isinstance(db, querylog.InterceptedClient)
    assert [type(i) for i in db.interceptors] == [querylog.QueryLog]
    assert not isinstance(firestore_client({"FIRESTORE_EMULATOR_HOST": "127.0.0.1:1"}), querylog.InterceptedClient)


def test_an_entry_keeps_the_query_and_drops_the_transaction():
    request = RunQueryRequest(parent=PARENT, structured_query=QUERY, transaction=b"tx")
    entry = querylog.entry("RunQuery", request, "GET /api/threads")
    assert entry["method"] == "RunQuery" and entry["http"] == "GET /api/threads"
    parsed = json_format.ParseDict(json.loads(json.dumps(entry))["request"], RunQueryRequest.pb()())
    assert parsed == RunQueryRequest.pb(RunQueryRequest(parent=PARENT, structured_query=QUERY))


def test_an_aggregation_entry_keeps_its_structured_query():
    request = RunAggregationQueryRequest(
        parent=PARENT, structured_aggregation_query={"structured_query": QUERY, "aggregations": [{"count": {}}]}
    )
    entry = querylog.entry("RunAggregationQuery", request._pb, None)
    parsed = json_format.ParseDict(entry["request"], RunAggregationQueryRequest.pb()())
    assert parsed.structured_aggregation_query.structured_query == StructuredQuery.pb(QUERY)


def test_the_interceptor_logs_queries_and_passes_every_call_on(tmp_path):
    log = tmp_path / "q.jsonl"
    interceptor = querylog.QueryLog(log, describe=lambda: "GET /api/x")
    sent = []

    def call(method: str, request: object) -> object:
        details = SimpleNamespace(method=f"/google.firestore.v1.Firestore/{method}")
        return interceptor.intercept_unary_stream(lambda d, r: sent.append((d.method, r)) or "stream", details, request)

    assert call("RunQuery", RunQueryRequest(parent=PARENT, structured_query=QUERY)) == "stream"
    assert call("BatchGetDocuments", object()) == "stream"
    assert len(sent) == 2
    (line,) = log.read_text().splitlines()
    assert json.loads(line)["method"] == "RunQuery" and json.loads(line)["http"] == "GET /api/x"


def _write_lines(path: str, writer: int, count: int) -> None:
    for n in range(count):
        querylog.append_line(Path(path), {"writer": writer, "n": n, "padding": "x" * 20_000})


def test_concurrent_writers_append_whole_lines(tmp_path):
    log = tmp_path / "q.jsonl"
    context = multiprocessing.get_context("spawn")
    writers = [context.Process(target=_write_lines, args=(str(log), w, 50)) for w in range(4)]
    for process in writers:
        process.start()
    for process in writers:
        process.join(timeout=60)
        assert process.exitcode == 0
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted((r["writer"], r["n"]) for r in records) == [(w, n) for w in range(4) for n in range(50)]
