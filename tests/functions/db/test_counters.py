"""Sharded counters: what a bump writes, what a fold adds up, when an owner may be folded, what a fold task does."""

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
    # Every counter of a thread is in every shard (0 where this write adds nothing), so whichever
    # index serves a fold's sums holds every shard.
    assert counters.flat({k: v.value for k, v in data.items() if k == "commentCount"}) == {"commentCount": 0}
    assert {f"reactionCounts.{k}" for k in data["reactionCounts"]} | {"commentCount", "score"} == set(
        counters.THREAD_FIELDS
    )
    assert data["at"] is firestore.SERVER_TIMESTAMP and "n" not in data
    assert data["bumps"].value == 1  # the writes the shard took: how hot its owner is
    assert "lastActivityAt" not in data


def test_a_comment_bump_stamps_activity_and_shards_are_many(db):
    batch = Recorder()
    picked = []
    counters.bump(
        batch, db.document("threads/t"), {"commentCount": 1}, activity=True, choose=lambda n: picked.append(n) or 0
    )
    assert batch.sets[0][1]["lastActivityAt"] is firestore.SERVER_TIMESTAMP
    assert picked == [counters.SHARDS] and counters.SHARDS >= 100


def test_a_bump_of_a_counter_its_owner_does_not_keep_is_refused(db):
    # A fold adds up only the owner's own counters: anything else would never show.
    with pytest.raises(ValueError, match="unread"):
        counters.bump(Recorder(), db.document("threads/t"), {"unread": 1})
    with pytest.raises(ValueError, match="keeps no sharded counters"):
        counters.bump(Recorder(), db.document("users/u/private/rate"), {"unread": 1})


@pytest.mark.parametrize(
    "path, fields",
    [
        ("threads/t", counters.THREAD_FIELDS),
        ("threads/t/comments/c", counters.COMMENT_FIELDS),
        ("users/u/private/inbox", ("unread",)),
    ],
)
def test_each_kind_of_owner_keeps_its_own_counters(path, fields):
    assert counters.fields_of(path) == fields
    assert counters.stamps_activity(path) == (path == "threads/t")


def test_the_sums_of_a_fold_ask_at_most_five_aggregations_a_query():
    # Firestore's limit; a thread's 7 and a comment's 8 counters take two queries each.
    assert counters.AGGREGATIONS_PER_QUERY == 5
    assert len(counters.THREAD_FIELDS) == 7 and len(counters.COMMENT_FIELDS) == 8


def test_nested_maps_flatten_to_field_paths():
    data = {"score": 4, "reactionCounts": {"like": 2, "fire": -1}, "flag": True, "at": NOW}
    assert counters.flat(data) == {"score": 4, "reactionCounts.like": 2, "reactionCounts.fire": -1}


def test_a_nested_change_takes_no_dotted_paths():
    assert counters.nested({"reactionCounts.like": 2, "score": 1}, int) == {"reactionCounts": {"like": 2}, "score": 1}


@pytest.mark.parametrize(
    "owner, current, expected",
    [
        ({}, {"score": 3, "commentCount": 0}, {"score": 3}),  # never folded: all the shards add
        ({"shardSums": {"score": 3}}, {"score": 3}, {}),  # folded: nothing new
        (
            {"shardSums": {"score": 3, "reactionCounts": {"like": 1}}},
            {"score": 5, "reactionCounts.like": 0},
            {"score": 2, "reactionCounts.like": -1},
        ),
    ],
)
def test_what_a_fold_adds_is_the_shards_sums_less_what_was_folded_before(owner, current, expected):
    assert counters.unfolded(owner, current) == expected


@pytest.mark.parametrize(
    "owner, expected",
    [
        ({}, counters.BUCKET),  # never folded: a full bucket
        ({"foldedAt": NOW, "foldTokens": 0.0}, 0.0),
        ({"foldedAt": NOW - timedelta(seconds=1.0), "foldTokens": 0.0}, 0.5),
        ({"foldedAt": NOW - timedelta(seconds=2.0), "foldTokens": 1.0}, 2.0),
        ({"foldedAt": NOW - timedelta(minutes=5), "foldTokens": 0.0}, counters.BUCKET),
    ],
)
def test_an_owner_may_be_folded_a_few_times_at_once_then_once_in_two_seconds(owner, expected):
    assert counters.REFILL_SECONDS == 2.0 and counters.BUCKET == 3
    assert counters.tokens(owner, NOW) == pytest.approx(expected)


def test_one_fold_task_per_owner_and_refill_period(monkeypatch):
    monkeypatch.setattr(folding, "_scheduled", set())
    queued = []
    enqueue = lambda data, task_id, at: queued.append((data, task_id, at)) or True  # noqa: E731
    start = datetime.fromtimestamp(100 * counters.REFILL_SECONDS, timezone.utc)  # a period's start
    folding.schedule("threads/t", start, enqueue)
    folding.schedule("threads/t", start + timedelta(seconds=1), enqueue)  # the same period: asked already
    folding.schedule("threads/u", start, enqueue)
    folding.schedule("threads/t", start + timedelta(seconds=counters.REFILL_SECONDS), enqueue)
    assert [q[1] for q in queued] == [
        folding.task_id("threads/t", 100),
        folding.task_id("threads/u", 100),
        folding.task_id("threads/t", 101),
    ]
    data, _, at = queued[0]
    assert data == {"fold": "threads/t", "due": pytest.approx(101 * counters.REFILL_SECONDS + folding.MARGIN)}
    assert at.timestamp() == pytest.approx(data["due"])


class FakeDb:
    def document(self, path):
        return type("Ref", (), {"path": path})()


class Clock:
    def __init__(self, start: datetime):
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def test_a_fold_task_waits_for_its_due_time_then_folds(monkeypatch):
    clock = Clock(NOW)
    monkeypatch.setattr(counters, "fold", lambda *a, **k: counters.Result(counters.Fold.FOLDED))
    handed = []
    outcome = folding.run_task(
        FakeDb(), "threads/t", NOW.timestamp() + 1.0, clock, clock.sleep, lambda p, t: handed.append(p)
    )
    assert outcome == counters.Fold.FOLDED and clock.slept == [pytest.approx(1.0)] and handed == []


def test_a_fold_task_without_a_token_soon_hands_the_owner_to_the_next_period(monkeypatch):
    # An inline fold took the token: the task neither waits a period out nor fails (and is retried),
    # so a burst never piles fold tasks up.
    clock = Clock(NOW)
    monkeypatch.setattr(counters, "fold", lambda *a, **k: counters.Result(counters.Fold.TOO_SOON, 1.0))
    handed = []
    outcome = folding.run_task(FakeDb(), "threads/t", 0, clock, clock.sleep, lambda p, t: handed.append((p, t)))
    assert outcome == counters.Fold.TOO_SOON and clock.slept == [] and handed == [("threads/t", NOW)]


def test_a_fold_task_waits_a_moment_for_a_token_due_soon(monkeypatch):
    clock = Clock(NOW)
    results = iter([counters.Result(counters.Fold.TOO_SOON, 0.2), counters.Result(counters.Fold.FOLDED)])
    monkeypatch.setattr(counters, "fold", lambda *a, **k: next(results))
    assert folding.run_task(FakeDb(), "threads/t", 0, clock, clock.sleep) == counters.Fold.FOLDED
    assert clock.slept == [pytest.approx(0.21)]


def test_only_an_inbox_may_be_made_by_a_fold():
    assert counters.is_inbox("users/u1/private/inbox")
    assert not counters.is_inbox("threads/t") and not counters.is_inbox("users/u1/private/rate")


def test_an_owner_whose_fold_this_instance_asked_for_this_second_is_not_read_again(monkeypatch):
    monkeypatch.setattr(folding, "_scheduled", {("users/u/private/inbox", folding.period(NOW))})

    def no_fold(*args, **kwargs):
        raise AssertionError("read the owner")

    monkeypatch.setattr(counters, "fold", no_fold)
    owner = type("Ref", (), {"path": "users/u/private/inbox"})()
    assert folding.settle(None, owner, NOW, clock=lambda: NOW) == counters.Fold.TOO_SOON


@pytest.mark.parametrize(
    "owner, inline, tokens",
    [
        ({}, True, 1.0),  # never folded: a quiet owner
        ({"foldedInline": True}, True, 1.0),  # a quiet owner's quick writes all fold inline
        ({"foldedInline": False}, True, counters.HOT_INLINE_TOKENS),  # a task folded it last: hot
        ({"foldedInline": False}, False, 1.0),  # the task itself
    ],
)
def test_a_request_folds_a_hot_owner_inline_only_once_it_has_cooled_down(owner, inline, tokens):
    assert counters.needed(owner, inline) == tokens


class Snap:
    exists = True

    def __init__(self, data):
        self.data = data

    def to_dict(self):
        return self.data

    def get(self, field):  # as DocumentSnapshot.get: KeyError for a field it does not hold
        return self.data[field]


def test_a_request_leaves_a_hot_owner_to_its_task_without_reading_it(monkeypatch):
    monkeypatch.setattr(folding, "_scheduled", set())

    def no_fold(*args, **kwargs):
        raise AssertionError("folded inline")

    monkeypatch.setattr(counters, "fold", no_fold)
    owner = type("Ref", (), {"path": "threads/t"})()
    hot = Snap({"foldedAt": NOW - timedelta(seconds=1.5), "foldTokens": 0.0, "foldedInline": False})  # 1.2 tokens
    asked = []
    assert folding.settle(None, owner, NOW, hot, lambda p, t: asked.append(p)) == counters.Fold.TOO_SOON
    assert asked == ["threads/t"]


def test_a_request_asks_for_no_fold_when_the_owners_own_chain_folds_after_its_commit(monkeypatch):
    monkeypatch.setattr(folding, "_scheduled", set())
    owner = type("Ref", (), {"path": "threads/t"})()
    hot = {"foldedAt": NOW - timedelta(seconds=0.5), "foldTokens": 0.0, "foldedInline": False}
    current = folding.period(NOW)
    # The task of the period before runs after this one began: it folds this write, or asks for this
    # period's task whatever its fold finds (the next test). Two periods before: nothing is sure.
    for following, asks in [
        (current, []),
        (current + 1, []),
        (current - 1, []),
        (current - 2, ["threads/t"]),
        (None, ["threads/t"]),
    ]:
        asked: list[str] = []
        data = {**hot, **({"foldNext": following} if following is not None else {})}
        folding.settle(None, owner, NOW, Snap(data), lambda p, t, into=asked: into.append(p), clock=lambda: NOW)
        assert asked == asks, following


def test_a_task_whose_fold_moved_something_asks_for_the_next_and_records_it(monkeypatch):
    clock = Clock(NOW)
    chained = []

    def fold(db, owner, now, snap=None, *, create=False, inline=False, chain=None):
        assert not inline and chain is not None
        chained.append(chain())
        return counters.Result(counters.Fold.FOLDED)

    monkeypatch.setattr(counters, "fold", fold)
    asked = []
    outcome = folding.run_task(FakeDb(), "threads/t", 0, clock, clock.sleep, lambda p, t: asked.append((p, t)) or True)
    assert outcome == counters.Fold.FOLDED
    assert asked == [("threads/t", NOW)] and chained == [folding.period(NOW)]
    # An ask that failed is not recorded: the owner's requests go on asking.
    monkeypatch.setattr(counters, "fold", fold)
    chained.clear()
    folding.run_task(FakeDb(), "threads/t", 0, clock, clock.sleep, lambda p, t: False)
    assert chained == [None]


def test_a_chained_task_whose_fold_finds_nothing_asks_for_one_more_period(monkeypatch):
    # A request that read the owner before this task's fold saw the chain reach this task's period,
    # asked for no task, and may commit after this fold: the next period's task folds its write.
    slot = folding.period(NOW) - 1
    due = (slot + 1) * counters.REFILL_SECONDS + folding.MARGIN
    assert folding.task_period(due) == slot and folding.task_period(0) is None
    for recorded, asks in [(slot, 1), (slot - 1, 0), (None, 0)]:
        clock = Clock(NOW)
        monkeypatch.setattr(
            counters, "fold", lambda *a, r=recorded, **k: counters.Result(counters.Fold.NOTHING, asked=r)
        )
        asked: list[str] = []
        outcome = folding.run_task(
            FakeDb(), "threads/t", due, clock, clock.sleep, lambda p, t, into=asked: into.append(p)
        )
        assert outcome == counters.Fold.NOTHING and len(asked) == asks, recorded


def test_a_fold_goes_by_its_bookkeeping_fields_only():
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    owner = Snap({"title": "t", "body": "x" * 1000, counters.FOLDED_AT: at, counters.SUMS: {"score": 2}})
    assert counters.state(owner) == {counters.FOLDED_AT: at, counters.SUMS: {"score": 2}}
