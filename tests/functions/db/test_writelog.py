"""The write log `make bench` reads: only on the emulators, every document a commit writes, its commit time."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from google.cloud.firestore_v1.types import CommitRequest, CommitResponse, Document, Write
from google.protobuf import timestamp_pb2

from hearth.db import querylog, writelog
from hearth.deps import firestore_client

ROOT = "projects/demo-hearth/databases/(default)/documents"


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, None),
        ({"HEARTH_WRITE_LOG": "/tmp/w.jsonl"}, None),  # no emulator: production, never logs
        ({"FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}, None),
        ({"HEARTH_WRITE_LOG": "/tmp/w.jsonl", "FIRESTORE_EMULATOR_HOST": "127.0.0.1:8080"}, Path("/tmp/w.jsonl")),
    ],
)
def test_writes_are_logged_only_when_asked_and_on_the_emulator(env, expected):
    assert writelog.log_path(env) == expected


def test_the_client_logs_writes_beside_queries_when_both_are_asked(monkeypatch, tmp_path):
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1")
    env = {
        "HEARTH_QUERY_LOG": str(tmp_path / "q.jsonl"),
        "HEARTH_WRITE_LOG": str(tmp_path / "w.jsonl"),
        "FIRESTORE_EMULATOR_HOST": "127.0.0.1:1",
    }
    db = firestore_client(env)
    assert [type(i) for i in db.interceptors] == [querylog.QueryLog, writelog.WriteLog]
    only_writes = firestore_client({"HEARTH_WRITE_LOG": env["HEARTH_WRITE_LOG"], "FIRESTORE_EMULATOR_HOST": "x:1"})
    assert [type(i) for i in only_writes.interceptors] == [writelog.WriteLog]


def commit_request() -> CommitRequest:
    return CommitRequest(
        database="projects/demo-hearth/databases/(default)",
        writes=[
            Write(update=Document(name=f"{ROOT}/threads/t1/comments/c1")),
            Write(update=Document(name=f"{ROOT}/threads/t1"), update_transforms=[{"field_path": "n"}]),
            Write(delete=f"{ROOT}/users/u1/bookmarks/t1"),
        ],
    )


def test_every_document_a_commit_writes_is_named_once_per_write():
    assert writelog.written_paths(commit_request()) == ["threads/t1/comments/c1", "threads/t1", "users/u1/bookmarks/t1"]


class Outcome:
    def __init__(self, response, error=None):
        self.response, self.error = response, error

    def exception(self):
        return self.error

    def result(self):
        return self.response


def intercept(tmp_path: Path, method: str, outcome: Outcome) -> list[dict]:
    log = writelog.WriteLog(tmp_path / "w.jsonl", describe=lambda: "POST /api/threads/t1/comments")
    details = SimpleNamespace(method=f"/google.firestore.v1.Firestore/{method}")
    assert log.intercept_unary_unary(lambda d, r: outcome, details, commit_request()) is outcome
    path = tmp_path / "w.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_successful_commit_is_logged_at_its_commit_time(tmp_path):
    response = CommitResponse(commit_time=timestamp_pb2.Timestamp(seconds=1_700_000_000, nanos=500_000_000))
    (line,) = intercept(tmp_path, "Commit", Outcome(response))
    assert line == {
        "t": 1_700_000_000.5,
        "docs": ["threads/t1/comments/c1", "threads/t1", "users/u1/bookmarks/t1"],
        "http": "POST /api/threads/t1/comments",
    }


def test_a_failed_commit_and_other_calls_are_not_logged(tmp_path):
    assert intercept(tmp_path, "Commit", Outcome(None, error=RuntimeError("precondition failed"))) == []
    assert intercept(tmp_path, "BeginTransaction", Outcome(CommitResponse())) == []


def test_invocations_are_logged_only_with_the_write_log(tmp_path):
    path = tmp_path / "w.jsonl"
    writelog.invoked("notify", {"HEARTH_WRITE_LOG": str(path)})  # no emulator: nothing
    assert not path.exists()
    writelog.invoked("notify", {"HEARTH_WRITE_LOG": str(path), "FIRESTORE_EMULATOR_HOST": "x:1"})
    assert json.loads(path.read_text())["invoked"] == "notify"
