"""The write log's figures: the busiest document over a run and in any one second, invocations."""

from __future__ import annotations

import json
from pathlib import Path

from devstack import writelog


def write(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_the_busiest_document_overall_and_in_any_second(tmp_path):
    log = writelog.read(
        write(
            tmp_path / "w.jsonl",
            {"t": 10.0, "docs": ["threads/t", "a"], "http": None},
            {"t": 10.5, "docs": ["threads/t"], "http": None},
            {"t": 10.99, "docs": ["threads/t"], "http": None},
            {"t": 11.2, "docs": ["b"], "http": None},
            {"t": 11.3, "docs": ["b"], "http": None},
            {"t": 11.4, "docs": ["b"], "http": None},
            {"t": 11.45, "docs": ["b"], "http": None},
            {"t": 12.0, "invoked": "notify"},
            {"t": 99.0, "docs": ["threads/t"], "http": None},  # after the run: left out
        ),
        start=10.0,
        end=20.0,
    )
    assert writelog.busiest(log) == ("b", 4)
    assert writelog.per_document(log)["threads/t"] == 3
    # threads/t's three writes fall within one second (10.0-10.99); b's four within 0.25 s.
    assert writelog.busiest_window(log) == ("b", 4)
    assert writelog.invocations(log) == {"notify": 1}


def test_a_sliding_window_catches_a_burst_across_a_second_boundary(tmp_path):
    stamps = [10.6, 10.7, 10.8, 11.1, 11.2, 11.3, 12.5]
    log = writelog.read(write(tmp_path / "w.jsonl", *({"t": t, "docs": ["x"], "http": None} for t in stamps)))
    assert writelog.busiest_window(log) == ("x", 6)
    assert writelog.busiest_window(writelog.Log()) == (None, 0)


def test_a_missing_log_is_empty(tmp_path):
    assert writelog.read(tmp_path / "none.jsonl").writes == []


def test_writes_by_collection_and_the_commits_that_made_them(tmp_path):
    log = writelog.read(
        write(
            tmp_path / "w.jsonl",
            {"t": 1.0, "docs": ["threads/t/comments/c", "threads/t/shards/7", "outbox/comment~t~c"], "http": None},
            {"t": 1.1, "docs": ["threads/t/comments/d", "threads/t/shards/9"], "http": None},
            {"t": 1.2, "invoked": "on_outbox_created"},
        )
    )
    assert log.commits == 2
    assert writelog.collection_of("threads/t/comments/c") == "threads/comments"
    assert writelog.per_collection(log) == {"threads/comments": 2, "threads/shards": 2, "outbox": 1}
