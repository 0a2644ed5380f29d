"""Unit tests of the emulator's core modules (store, transactions), without a server.

This is the one file of the suite that imports firestore_emulator; everything else talks to
the server through google-cloud-firestore.
"""
from __future__ import annotations

import asyncio
import sys

import pytest

from tests.support.processes import ROOT

sys.path.insert(0, str(ROOT / "emulator"))

from firestore_emulator import store as store_mod  # noqa: E402
from firestore_emulator.errors import Aborted, FailedPrecondition  # noqa: E402
from firestore_emulator.store import Document, Store  # noqa: E402
from firestore_emulator.transactions import TransactionManager  # noqa: E402

NAME = "projects/p/databases/(default)/documents/c/d"


def _doc(v: int):
    doc = Document(name=NAME)
    doc.fields["v"].integer_value = v
    return doc


def test_commit_times_strictly_increase_even_when_the_clock_stalls(monkeypatch):
    db = Store().database("p", "(default)")
    monkeypatch.setattr(store_mod, "wall_us", lambda: 1_000)
    times = [db.next_commit_time() for _ in range(5)]
    assert times == [1_000, 1_001, 1_002, 1_003, 1_004]
    assert db.now() == 1_004


def test_reads_at_a_read_time_see_the_version_of_that_time():
    db = Store().database("p", "(default)")
    db.put(NAME, _doc(1), 10)
    db.put(NAME, _doc(2), 20)
    db.put(NAME, None, 30)
    assert db.get(NAME, 5) is None
    assert db.get(NAME, 15).fields["v"].integer_value == 1
    assert db.get(NAME, 25).fields["v"].integer_value == 2
    assert db.get(NAME, 35) is None and db.get(NAME) is None


def test_history_is_bounded_and_reads_before_it_fail_clearly():
    db = Store().database("p", "(default)")
    for t in range(1, store_mod.MAX_VERSIONS + 2):
        db.put(NAME, _doc(t), t)
    assert len(db.docs[NAME]) <= store_mod.MAX_VERSIONS
    with pytest.raises(FailedPrecondition):
        db.get(NAME, 1)
    assert db.get(NAME).fields["v"].integer_value == store_mod.MAX_VERSIONS + 1


def test_candidates_cover_a_collection_or_a_collection_group():
    db = Store().database("p", "(default)")
    root = db.prefix
    for path in ["posts/a", "posts/b", "users/u/posts/c", "users/u/other/d"]:
        db.put(f"{root}/{path}", Document(name=f"{root}/{path}"), 1)
    assert [d.name[len(root) + 1:] for d in db.candidates(root, "posts", False)] == ["posts/a", "posts/b"]
    assert [d.name[len(root) + 1:] for d in db.candidates(root, "posts", True)] == [
        "posts/a", "posts/b", "users/u/posts/c"]
    assert [d.name[len(root) + 1:] for d in db.candidates(f"{root}/users/u", "posts", True)] == ["users/u/posts/c"]


def test_older_committer_wounds_younger_lock_holder():
    async def scenario():
        tm = TransactionManager(lock_timeout=2)
        older = tm.begin(("p", "d"), False)
        younger = tm.begin(("p", "d"), False)
        tm.lock_shared(older, [NAME])
        tm.lock_shared(younger, [NAME])
        await tm.lock_exclusive(older, [NAME])
        with pytest.raises(Aborted):
            tm.lookup(younger.id, ("p", "d"))

    asyncio.run(scenario())


def test_younger_committer_waits_for_older_holder_then_proceeds():
    async def scenario():
        tm = TransactionManager(lock_timeout=2)
        older = tm.begin(("p", "d"), False)
        younger = tm.begin(("p", "d"), False)
        tm.lock_shared(older, [NAME])
        waiter = asyncio.ensure_future(tm.lock_exclusive(younger, [NAME]))
        await asyncio.sleep(0.05)
        assert not waiter.done()
        tm.finish(older)
        await asyncio.wait_for(waiter, 1)
        assert tm.lookup(younger.id, ("p", "d")) is younger

    asyncio.run(scenario())


def test_lock_wait_past_the_deadline_is_aborted():
    async def scenario():
        tm = TransactionManager(lock_timeout=0.2)
        holder = tm.begin(("p", "d"), False)
        tm.lock_shared(holder, [NAME])
        with pytest.raises(Aborted):
            await tm.lock_exclusive(None, [NAME])

    asyncio.run(scenario())


def test_retry_keeps_the_age_of_the_transaction_it_retries():
    tm = TransactionManager()
    first = tm.begin(("p", "d"), False)
    tm.begin(("p", "d"), False)
    retry = tm.begin(("p", "d"), False, retry=first.id)
    assert retry.age == first.age
    assert retry.id != first.id


def test_idle_and_overlong_transactions_expire_and_release_their_locks():
    from firestore_emulator import transactions as T
    from firestore_emulator.errors import InvalidArgument

    tm = TransactionManager()
    idle = tm.begin(("p", "d"), False)
    old = tm.begin(("p", "d"), False)
    fresh = tm.begin(("p", "d"), False)
    tm.lock_shared(idle, [NAME])
    idle.last_used -= T.IDLE_TIMEOUT + 1
    old.started -= T.MAX_LIFETIME + 1
    tm.expire_idle()
    for txn in (idle, old):
        with pytest.raises(InvalidArgument, match="expired"):
            tm.lookup(txn.id, ("p", "d"))
    assert NAME not in tm.holders
    assert tm.lookup(fresh.id, ("p", "d")) is fresh


def test_a_reader_wounded_while_queued_still_reads_and_fails_at_commit():
    async def scenario():
        tm = TransactionManager(lock_timeout=2)
        other = "projects/p/databases/(default)/documents/c/e"
        older = tm.begin(("p", "d"), False)
        younger = tm.begin(("p", "d"), False)
        tm.lock_shared(older, [NAME])
        tm.lock_shared(younger, [other])
        read = asyncio.ensure_future(tm.lock_shared_queued(younger, [NAME]))
        await asyncio.sleep(0.05)
        assert not read.done()  # queued behind the older transaction
        await tm.lock_exclusive(older, [other])  # wounds the younger holder of `other`
        await asyncio.wait_for(read, 1)  # the read completes
        with pytest.raises(Aborted):
            tm.lookup(younger.id, ("p", "d"))

    asyncio.run(scenario())
