"""The write log counts what production would see: every document each commit writes, once per write.

A short burst on one thread, then the log's figures for the documents under it, checked against
what the burst is known to have written (devstack/writelog.py computes the bench's figures).
"""

from __future__ import annotations

import time

import pytest

from devstack import writelog
from hearth.db import counters
from tests.api.conftest import folded
from tests.api.test_hot_thread import at_once, people, unexpected, warm_function_workers

__all__ = ["people"]  # a fixture

BURST = 10


def thread_writes(stack, tid: str, start: float, end: float) -> writelog.Log:
    """The logged writes to the thread and the documents under it, between start and end."""
    log = writelog.read(stack.write_log, start, end)
    mine = [(t, doc) for t, doc in log.writes if doc == f"threads/{tid}" or doc.startswith(f"threads/{tid}/")]
    return writelog.Log(writes=mine, invocations=log.invocations)


@pytest.mark.timeout(900)
def test_a_burst_of_comments_and_reactions_is_counted_document_by_document(api, stack, people, thread):
    assert stack.write_log is not None
    tid = thread["id"]
    users = people(BURST)
    warm_function_workers(api, BURST)
    start = time.time()
    posted, _ = at_once(users, lambda u: api.post(f"/threads/{tid}/comments", u, json={"body": "counted"}))
    reacted, _ = at_once(users, lambda u: api.put(f"/threads/{tid}/reactions/like", u))
    end = time.time() + 0.001
    assert not unexpected(posted, 201) and not unexpected(reacted, 200)

    counts = writelog.per_document(thread_writes(stack, tid, start, end))
    # Each comment and each reaction document was written exactly once, by its own request.
    assert all(counts[f"threads/{tid}/comments/{r.json()['id']}"] == 1 for r in posted)
    assert all(counts[f"threads/{tid}/reactions/{u.uid}"] == 1 for u in users)
    # The thread's counters moved through its shards: the thread itself took only its folds, a few
    # at once (its token bucket) and then about one a second, never a write per comment or reaction.
    log = thread_writes(stack, tid, start, end + 3)  # with the folds that follow the burst
    writes = writelog.per_document(log)
    thread_writes_taken = writes[f"threads/{tid}"]
    assert 1 <= thread_writes_taken <= counters.BUCKET + (end + 3 - start) + 1
    bumps = sum(n for doc, n in writes.items() if doc.startswith(f"threads/{tid}/shards/"))
    assert bumps >= 2 * BURST  # each comment and reaction bumped a shard (a fold takes some back too)
    doc, most = writelog.busiest_window(log)
    assert most <= 5, (doc, most)
    # After the burst the thread shows every comment and reaction within a few seconds.
    folded(
        lambda: (
            (t := api.get(f"/threads/{tid}").json())["commentCount"] == BURST and t["reactionCounts"]["like"] == BURST
        ),
    )
