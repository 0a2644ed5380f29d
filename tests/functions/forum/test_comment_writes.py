"""Posting a comment when a concurrent one got there first: the real SDK over a scripted wire."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from google.api_core.exceptions import AlreadyExists, FailedPrecondition
from google.cloud import firestore

from hearth.auth import Caller
from hearth.db import store
from hearth.deps import Config
from hearth.forum import comments
from tests.support.wire import ScriptedApi, scripted_client

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
ROOT = "R" * 20
PROFILE = {"handle": "user_bob", "displayName": "Bob", "bio": "", "threadCount": 0, "commentCount": 3}


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store.time, "sleep", lambda seconds: None)


def created_paths(request) -> list[str]:
    """The documents a commit creates (writes with the precondition exists=false)."""
    return [
        w.update.name.split("/documents/", 1)[1]
        for w in request["writes"]
        if "current_document" in w and not w.current_document.exists
    ]


def test_a_reply_that_loses_its_preview_slot_takes_a_free_one():
    # Slots 1-4 were taken by replies committed after the root was read (descendantCount 0).
    documents = {
        "threads/t": {"status": "visible"},
        f"threads/t/comments/{ROOT}": {"depth": 1, "descendantCount": 0, "status": "visible"},
        "users/bob": PROFILE,
        **{f"threads/t/comments/{ROOT}-{n}": {"depth": 2, "rootId": ROOT} for n in range(1, 5)},
    }
    commits: list[list[str]] = []

    def commit(request):
        created = created_paths(request)
        commits.append(created)
        if any(path in documents for path in created):
            raise AlreadyExists("entity already exists")
        return firestore.types.CommitResponse()

    db = scripted_client(ScriptedApi(documents, commit))
    reply = comments.create(db, Caller("bob"), "t", body="me too", parent_id=ROOT, now=NOW, config=Config())
    assert reply["id"] == f"{ROOT}-5" and reply["rootId"] == ROOT and reply["depth"] == 2
    assert f"threads/t/comments/{ROOT}-5" in commits[-1]
    assert len(commits) <= 2  # at most one lost race before it reads which slots are taken


def test_a_comment_whose_rate_window_changed_meanwhile_reads_it_again():
    documents = {
        "threads/t": {"status": "visible"},
        "users/bob": PROFILE,
        "users/bob/private/rate": {"comment": [NOW.replace(minute=3)]},
    }
    outcomes = iter([FailedPrecondition("the stored version does not match the required base version"), None])
    calls = []

    def commit(request):
        calls.append(request)
        outcome = next(outcomes)
        if outcome:
            raise outcome
        return firestore.types.CommitResponse()

    api = ScriptedApi(documents, commit)
    comment = comments.create(
        scripted_client(api), Caller("bob"), "t", body="hello", parent_id=None, now=NOW, config=Config()
    )
    assert comment["depth"] == 1 and comment["author"]["handle"] == "user_bob"
    assert len(calls) == 2 and api.calls.count("BatchGetDocuments") == 2
    rate_write = next(w for w in calls[-1]["writes"] if w.update.name.endswith("/users/bob/private/rate"))
    assert rate_write.current_document.update_time  # preconditioned on the window it read
