"""Transactions: serializable read-modify-write, pessimistic locks, read-only snapshots, retries."""
from __future__ import annotations

import random
import threading
import time

import pytest
from google.api_core import exceptions
from google.cloud import firestore


def _database(db) -> str:
    return f"projects/{db.project}/databases/(default)"


def _run_threads(target, count: int) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapped(i):
        try:
            target(i)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=wrapped, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_concurrent_transactional_increments_never_lose_an_update(db, project_id):
    ref = db.document("counters/hot")
    ref.set({"n": 0})

    def worker(_):
        client = firestore.Client(project=project_id)
        counter = client.document("counters/hot")

        @firestore.transactional
        def increment(txn):
            snap = counter.get(transaction=txn)
            txn.update(counter, {"n": snap.get("n") + 1})

        for _ in range(25):
            increment(client.transaction())

    errors = _run_threads(worker, 8)
    assert errors == []
    assert ref.get().get("n") == 200


def test_concurrent_transfers_keep_the_total(db, project_id):
    accounts = [db.document(f"accounts/{i}") for i in range(4)]
    for ref in accounts:
        ref.set({"balance": 100})

    def worker(seed):
        client = firestore.Client(project=project_id)
        refs = [client.document(f"accounts/{i}") for i in range(4)]
        rng = random.Random(seed)

        @firestore.transactional
        def transfer(txn, src, dst, amount):
            snaps = {s.id: s for s in client.get_all([src, dst], transaction=txn)}
            txn.update(src, {"balance": snaps[src.id].get("balance") - amount})
            txn.update(dst, {"balance": snaps[dst.id].get("balance") + amount})

        for _ in range(15):
            src, dst = rng.sample(refs, 2)
            transfer(client.transaction(max_attempts=20), src, dst, rng.randint(1, 10))

    errors = _run_threads(worker, 6)
    assert errors == []
    assert sum(r.get().get("balance") for r in accounts) == 400


def test_read_only_transaction_reads_a_consistent_snapshot(db):
    ref = db.document("snap/doc")
    ref.set({"v": 1})
    seen = []

    @firestore.transactional
    def read_twice(txn):
        seen.append(ref.get(transaction=txn).get("v"))
        db.document("snap/doc").set({"v": 2})  # a write outside the transaction
        seen.append(ref.get(transaction=txn).get("v"))

    read_twice(db.transaction(read_only=True))
    assert seen == [1, 1]
    assert ref.get().get("v") == 2


def test_read_only_transaction_rejects_writes(db):
    api = db._firestore_api
    txn = api.begin_transaction(request={
        "database": _database(db), "options": {"read_only": {}}}).transaction
    with pytest.raises(exceptions.InvalidArgument):
        api.commit(request={"database": _database(db), "transaction": txn, "writes": [
            {"update": {"name": db.document("ro/x")._document_path, "fields": {}}}]})
    assert not db.document("ro/x").get().exists


def test_read_only_transaction_at_read_time_sees_the_past(db):
    ref = db.document("past/doc")
    ref.set({"v": "old"})
    then = ref.get().read_time
    ref.set({"v": "new"})
    api = db._firestore_api
    txn = api.begin_transaction(request={
        "database": _database(db), "options": {"read_only": {"read_time": then}}}).transaction
    responses = list(api.batch_get_documents(request={
        "database": _database(db), "documents": [ref._document_path], "transaction": txn}))
    assert responses[0].found.fields["v"].string_value == "old"


def test_exception_in_transaction_rolls_back_and_releases_locks(db):
    ref = db.document("rb/doc")
    ref.set({"v": 1})

    @firestore.transactional
    def failing(txn):
        ref.get(transaction=txn)
        txn.update(ref, {"v": 99})
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing(db.transaction())
    start = time.monotonic()
    ref.set({"v": 2})  # would wait for the lock if it were still held
    assert time.monotonic() - start < 2
    assert ref.get().get("v") == 2


def test_writer_waits_for_the_lock_of_a_reading_transaction(db, project_id):
    ref = db.document("locks/doc")
    ref.set({"v": 0})
    read_done, writer_done = threading.Event(), threading.Event()
    order = []

    def writer():
        read_done.wait(10)
        firestore.Client(project=project_id).document("locks/doc").set({"v": "writer"})
        order.append("writer")
        writer_done.set()

    thread = threading.Thread(target=writer)
    thread.start()

    @firestore.transactional
    def reader(txn):
        value = ref.get(transaction=txn).get("v")
        read_done.set()
        assert not writer_done.wait(1.0)  # blocked by our shared lock
        txn.update(ref, {"v": value + 1})
        order.append("transaction")

    reader(db.transaction())
    thread.join(10)
    assert order == ["transaction", "writer"]
    assert ref.get().get("v") == "writer"


def test_younger_transaction_is_aborted_and_retried_after_older_one_commits(db, project_id):
    ref = db.document("wound/doc")
    ref.set({"v": 0})
    older_read, younger_read = threading.Event(), threading.Event()
    attempts = []

    def younger():
        client = firestore.Client(project=project_id)
        target = client.document("wound/doc")

        @firestore.transactional
        def add_ten(txn):
            snap = target.get(transaction=txn)
            attempts.append(snap.get("v"))
            younger_read.set()
            time.sleep(0.3)  # let the older transaction commit first
            txn.update(target, {"v": snap.get("v") + 10})

        older_read.wait(10)  # begin after the older transaction has read
        add_ten(client.transaction())

    thread = threading.Thread(target=younger)
    thread.start()

    @firestore.transactional
    def add_one(txn):
        snap = ref.get(transaction=txn)
        older_read.set()
        younger_read.wait(10)
        txn.update(ref, {"v": snap.get("v") + 1})

    add_one(db.transaction())
    thread.join(20)
    assert ref.get().get("v") == 11
    assert attempts == [0, 1]  # first attempt aborted, the retry saw the older commit


def test_commit_with_unknown_transaction_is_rejected(db):
    with pytest.raises((exceptions.InvalidArgument, exceptions.Aborted)):
        db._firestore_api.commit(request={
            "database": _database(db), "transaction": b"no-such-transaction", "writes": []})


def test_transaction_cannot_be_used_after_commit(db):
    api = db._firestore_api
    txn = api.begin_transaction(request={"database": _database(db)}).transaction
    api.commit(request={"database": _database(db), "transaction": txn, "writes": []})
    with pytest.raises((exceptions.InvalidArgument, exceptions.Aborted)):
        api.commit(request={"database": _database(db), "transaction": txn, "writes": []})


def test_rollback_then_commit_of_same_transaction_fails(db):
    api = db._firestore_api
    txn = api.begin_transaction(request={"database": _database(db)}).transaction
    api.rollback(request={"database": _database(db), "transaction": txn})
    with pytest.raises((exceptions.InvalidArgument, exceptions.Aborted)):
        api.commit(request={"database": _database(db), "transaction": txn, "writes": []})


def test_batch_get_with_new_transaction_returns_transaction_first(db):
    ref = db.document("newtxn/doc")
    ref.set({"v": 5})
    api = db._firestore_api
    responses = list(api.batch_get_documents(request={
        "database": _database(db), "documents": [ref._document_path],
        "new_transaction": {"read_write": {}}}))
    assert responses[0].transaction
    assert responses[1].found.fields["v"].integer_value == 5
    resp = api.commit(request={"database": _database(db), "transaction": responses[0].transaction,
                               "writes": [{"update": {"name": ref._document_path,
                                                      "fields": {"v": {"integer_value": 6}}}}]})
    assert resp.write_results[0].update_time
    assert ref.get().get("v") == 6


def test_query_inside_transaction_locks_and_commits(db):
    for i in range(3):
        db.document(f"tq/{i}").set({"group": "g", "n": i})

    @firestore.transactional
    def bump_all(txn):
        docs = list(txn.get(db.collection("tq").where(filter=firestore.FieldFilter("group", "==", "g"))))
        for snap in docs:
            txn.update(snap.reference, {"n": snap.get("n") + 10})
        return len(docs)

    assert bump_all(db.transaction()) == 3
    assert sorted(d.get("n") for d in db.collection("tq").stream()) == [10, 11, 12]


def test_transaction_commit_is_atomic_across_documents(db):
    a, b = db.document("pair/a"), db.document("pair/b")

    @firestore.transactional
    def write_pair(txn):
        txn.set(a, {"v": 1})
        txn.set(b, {"v": 1})
        txn.update(db.document("pair/missing"), {"v": 1})

    with pytest.raises(exceptions.NotFound):
        write_pair(db.transaction())
    assert not a.get().exists and not b.get().exists


def test_run_query_with_new_transaction_returns_it_with_the_first_response(db):
    db.document("rqt/a").set({"n": 1})
    api = db._firestore_api
    responses = list(api.run_query(request={
        "parent": f"{_database(db)}/documents",
        "structured_query": {"from_": [{"collection_id": "rqt"}]},
        "new_transaction": {"read_write": {}}}))
    assert responses[0].transaction
    assert responses[0].document.name.endswith("rqt/a")
    api.commit(request={"database": _database(db), "transaction": responses[0].transaction, "writes": []})


def test_run_query_with_new_transaction_and_no_results_still_returns_it(db):
    api = db._firestore_api
    responses = list(api.run_query(request={
        "parent": f"{_database(db)}/documents",
        "structured_query": {"from_": [{"collection_id": "empty"}]},
        "new_transaction": {"read_only": {}}}))
    assert responses[0].transaction
    assert not any(r.document.name for r in responses)
