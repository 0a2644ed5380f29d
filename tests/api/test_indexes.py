"""Every query the API ran during these tests is one production can serve with firestore.indexes.json.

Google's Firestore emulator runs any query without an index; production refuses one that lacks its
composite index. The function logs each query it sends (functions/hearth/querylog.py, switched on by
the stack fixture), and the session's last test (pytest-order) checks them all, the browser tests' included,
with production's rules (tests/support/indexes.py). Indexes no recorded query used are reported, not failed: a run of part of
the tests cannot tell, and rules-guarded clients may query Firestore directly with them.
"""

from __future__ import annotations

import json
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
from google.cloud.firestore_v1.types import RunAggregationQueryRequest, RunQueryRequest
from google.protobuf import json_format

from devstack.stack import Stack
from tests.support import indexes

ROOT = Path(__file__).resolve().parents[2]
INDEXES_FILE = ROOT / "firestore.indexes.json"
REPORT = ROOT / "test-results" / "firestore-indexes.json"
REQUESTS = {"RunQuery": RunQueryRequest.pb(), "RunAggregationQuery": RunAggregationQueryRequest.pb()}


class UnusedIndexWarning(UserWarning):
    """A declared composite index no query of this run could use."""


@dataclass(frozen=True)
class Recorded:
    method: str
    http: str | None
    query: Any  # StructuredQuery protobuf


def recorded_queries(log: Path) -> Iterator[Recorded]:
    """The structured queries in the function's query log (the query inside an aggregation too)."""
    if not log.exists():
        return
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        request = json_format.ParseDict(record["request"], REQUESTS[record["method"]]())
        query = (
            request.structured_aggregation_query.structured_query
            if record["method"] == "RunAggregationQuery"
            else request.structured_query
        )
        yield Recorded(record["method"], record["http"], query)


def test_the_function_logs_the_queries_it_runs(api, stack: Stack, tag: str):
    assert stack.query_log is not None
    response = api.get(f"/threads?tag={tag}&sort=top")
    assert response.status_code == 200, response.text

    logged = [r for r in recorded_queries(stack.query_log) if r.http and tag in r.http]
    assert [r.http for r in logged] == [f"GET /api/threads?tag={tag}&sort=top"]
    (query,) = [r.query for r in logged]
    assert query.from_[0].collection_id == "threads"
    assert [o.field.field_path for o in query.order_by] == ["score", "createdAt", "__name__"]


def _report(checked: int, missing: dict[indexes.Index, list[str]], unused: list[indexes.Index]) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(
        json.dumps(
            {
                "queriesChecked": checked,
                "missing": [{"index": i.to_json(), "neededBy": sorted(set(by))} for i, by in missing.items()],
                "unused": [i.to_json() for i in unused],
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


@pytest.mark.order("last")  # after every other test of the session that sent the API queries (pytest-order)
def test_every_query_the_api_ran_is_served_by_a_declared_index(stack: Stack):
    assert stack.query_log is not None
    declared = indexes.load_indexes(INDEXES_FILE.read_text(encoding="utf-8"))
    missing: dict[indexes.Index, list[str]] = defaultdict(list)
    used: set[indexes.Index] = set()
    checked = 0
    exempted: dict[str, set[str]] = defaultdict(set)
    for recorded in recorded_queries(stack.query_log):
        plan = indexes.plan(recorded.query, declared)
        checked += 1
        for name in indexes.exempted_fields_used(recorded.query, declared):
            exempted[name].add(recorded.http or f"a {recorded.method} outside an HTTP request")
        used |= plan.used
        for index in plan.missing:
            missing[index].append(recorded.http or f"a {recorded.method} outside an HTTP request")
    unused = [i for i in declared.indexes if i not in used]
    _report(checked, missing, unused)

    if unused:
        warnings.warn(
            UnusedIndexWarning(
                f"{len(unused)} index(es) in firestore.indexes.json served none of the {checked} queries this run recorded "
                "(expected when only part of the tests ran): "
                + "; ".join(f"{i.collection_group} ({i.describe()})" for i in unused)
                + f". Details: {REPORT.relative_to(ROOT)}"
            ),
            stacklevel=2,
        )
    # firestore.indexes.json exempts large strings (body, bodyHtml, excerpt...) from indexing: no
    # query may need them (an index on them would cost writes and latency on every post).
    assert not exempted, f"queries on fields exempted from indexing: {dict(exempted)}"
    if missing:
        pytest.fail(
            "\n\n".join(
                [
                    f"Production would refuse {len(missing)} kind(s) of query the API ran: Google's Firestore emulator does not "
                    "enforce indexes, production does (FAILED_PRECONDITION: The query requires an index)."
                ]
                + [
                    f"{indexes.advice(index)}\nNeeded by: {', '.join(sorted(set(by))[:5])}"
                    for index, by in missing.items()
                ]
            ),
            pytrace=False,
        )
