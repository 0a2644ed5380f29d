"""Sharded counters: what a bump writes, what a fold adds up, when an owner may be folded."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from google.cloud import firestore

from hearth.db import counters, folding

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@pytest.fixture
def db(monkeypatch):
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1")  # never dialled
    return firestore.Client(project="demo-unit")


class Recorder:
    def __init__(self):
        self.sets = []

    def set(self, ref, data, merge=False):
        self.sets.append((ref.path, data, merge))


def test_a_bump_is_one_blind_merge_of_increments_on_a_random_shard(db):
    batch = Recorder()
    ref = counters.bump(
        batch, db.document("threads/t"), {"reactionCounts.like": 1, "score": 1, "commentCount": 0}, choose=lambda n: 7
    )
    ((path, data, merge),) = batch.sets
    assert path == ref.path == "threads/t/shards/7" and merge
    assert data["reactionCounts"]["like"].value == 1 and data["score"].value == 1
    assert "commentCount" not in data  # nothing to add
    assert data["n"].value == 1 and data["at"] is firestore.SERVER_TIMESTAMP
    assert "lastActivityAt" not in data


def test_a_comment_bump_stamps_activity_and_shards_are_many(db):
    batch = Recorder()
    picked = []
    counters.bump(
        batch, db.document("threads/t"), {"commentCount": 1}, activity=True, choose=lambda n: picked.append(n) or 0
    )
    assert batch.sets[0][1]["lastActivityAt"] is firestore.SERVER_TIMESTAMP
    assert picked == [counters.SHARDS] and counters.SHARDS >= 100


def test_a_shards_counts_flatten_without_its_bookkeeping():
    shard = {"n": 3, "at": NOW, "lastActivityAt": NOW, "score": 4, "reactionCounts": {"like": 2, "fire": -1}}
    assert counters.counts_of(shard) == {"score": 4, "reactionCounts.like": 2, "reactionCounts.fire": -1}


def test_a_nested_change_takes_no_dotted_paths():
    assert counters.nested({"reactionCounts.like": 2, "score": 1}, int) == {"reactionCounts": {"like": 2}, "score": 1}


@pytest.mark.parametrize(
    "owner, expected",
    [
        ({}, counters.BUCKET),  # never folded: a full bucket
        ({"foldedAt": NOW, "foldTokens": 0.0}, 0.0),
        ({"foldedAt": NOW - timedelta(seconds=0.625), "foldTokens": 0.0}, 0.5),
        ({"foldedAt": NOW - timedelta(seconds=1.25), "foldTokens": 1.0}, 2.0),
        ({"foldedAt": NOW - timedelta(minutes=5), "foldTokens": 0.0}, counters.BUCKET),
    ],
)
def test_an_owner_may_be_folded_a_few_times_at_once_then_about_once_a_second(owner, expected):
    assert counters.REFILL_SECONDS == 1.25 and counters.BUCKET == 3
    assert counters.tokens(owner, NOW) == pytest.approx(expected)


def test_one_fold_task_per_owner_and_second(monkeypatch):
    monkeypatch.setattr(folding, "_scheduled", set())
    queued = []
    enqueue = lambda data, task_id, at: queued.append((data, task_id, at)) or True  # noqa: E731
    folding.schedule("threads/t", NOW, enqueue)
    folding.schedule("threads/t", NOW + timedelta(milliseconds=500), enqueue)  # the same second: asked already
    folding.schedule("threads/u", NOW, enqueue)
    folding.schedule("threads/t", NOW + timedelta(seconds=1), enqueue)
    assert [q[1] for q in queued] == [
        folding.task_id("threads/t", int(NOW.timestamp())),
        folding.task_id("threads/u", int(NOW.timestamp())),
        folding.task_id("threads/t", int(NOW.timestamp()) + 1),
    ]
    data, _, at = queued[0]
    assert data == {"fold": "threads/t", "due": int(NOW.timestamp()) + 1 + folding.MARGIN}
    assert at.timestamp() == pytest.approx(data["due"])


def test_only_an_inbox_may_be_made_by_a_fold():
    assert folding.is_inbox("users/u1/private/inbox")
    assert not folding.is_inbox("threads/t") and not folding.is_inbox("users/u1/private/rate")


def test_an_owner_whose_fold_this_instance_asked_for_this_second_is_not_read_again(monkeypatch):
    monkeypatch.setattr(folding, "_scheduled", {("users/u/private/inbox", int(NOW.timestamp()))})

    def no_fold(*args, **kwargs):
        raise AssertionError("read the owner")

    monkeypatch.setattr(counters, "fold", no_fold)
    owner = type("Ref", (), {"path": "users/u/private/inbox"})()
    assert folding.settle(None, owner, NOW) == counters.Fold.TOO_SOON
