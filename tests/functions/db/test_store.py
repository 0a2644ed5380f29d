"""The transaction runner and the optimistic writer: contention becomes Busy (503), nothing else does."""

from __future__ import annotations

import pytest
from google.api_core.exceptions import Aborted, AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from google.cloud import firestore

from hearth.db import store
from hearth.errors import Busy, Forbidden
from tests.support.wire import ScriptedApi, scripted_client


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store.time, "sleep", lambda seconds: None)


def always_aborted(request):
    raise Aborted("Transaction lock timeout")


def write_one(db: firestore.Client):
    def fn(tx: firestore.Transaction) -> str:
        tx.get(db.document("threads/t"))
        tx.update(db.document("threads/t"), {"commentCount": firestore.Increment(1)})
        return "done"

    return fn


def test_commits_that_keep_aborting_end_in_busy_after_every_retry():
    api = ScriptedApi({"threads/t": {"status": "visible"}}, always_aborted)
    db = scripted_client(api)
    with pytest.raises(Busy) as raised:
        store.run_transaction(db, write_one(db))
    assert raised.value.status == 503 and raised.value.headers() == {"Retry-After": "1"}
    assert api.calls.count("Commit") == store.TX_ATTEMPTS * store.COMMIT_ATTEMPTS


def test_the_sdk_really_gives_up_with_a_value_error_that_run_transaction_recognises():
    api = ScriptedApi({"threads/t": {"status": "visible"}}, always_aborted)
    db = scripted_client(api)
    with pytest.raises(ValueError, match="Failed to commit transaction") as raised:
        firestore.transactional(write_one(db))(db.transaction(max_attempts=2))
    assert store.is_contention(raised.value)


def test_a_commit_that_aborts_once_is_retried_and_succeeds():
    outcomes = iter([Aborted("contention"), None])

    def flaky(request):
        outcome = next(outcomes)
        if outcome:
            raise outcome
        return firestore.types.CommitResponse()

    db = scripted_client(ScriptedApi({"threads/t": {"status": "visible"}}, flaky))
    assert store.run_transaction(db, write_one(db)) == "done"


def test_a_failed_rollback_after_contention_is_still_contention():
    try:
        try:
            raise ValueError("Failed to commit transaction in 5 attempts.") from Aborted("contention")
        except ValueError:
            raise NotFound("transaction not found")  # noqa: B904 - the implicit __context__ is the chain under test
    except NotFound as exc:
        assert store.is_contention(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("a bug of ours"),
        InvalidArgument("bad field path"),
        Forbidden("only the author or a moderator may change this thread"),
    ],
)
def test_errors_that_are_not_contention_pass_through_unchanged(exc):
    db = scripted_client(ScriptedApi({}, lambda request: firestore.types.CommitResponse()))

    def fn(tx):
        raise exc

    assert not store.is_contention(exc)
    with pytest.raises(type(exc)):
        store.run_transaction(db, fn)


def test_a_write_whose_reads_changed_is_tried_again():
    attempts = []

    def attempt():
        attempts.append(1)
        if len(attempts) < 3:
            raise FailedPrecondition("the stored version does not match the required base version")
        return "written"

    assert store.retry_while_changed(attempt) == "written" and len(attempts) == 3


@pytest.mark.parametrize(
    "exc",
    [
        FailedPrecondition("the stored version does not match the required base version"),
        AlreadyExists("entity already exists"),
        Aborted("too much contention on these documents"),
    ],
)
def test_a_write_whose_reads_never_stop_changing_ends_in_busy(exc):
    def attempt():
        raise exc

    with pytest.raises(Busy):
        store.retry_while_changed(attempt)
