"""Folding against Google's Firestore emulator, in a project of its own where no fold task runs: what a
fold adds up and writes, and how the sweep finds what no task folded and keeps its place."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from google.cloud import firestore

from hearth.db import counters, folding, store
from hearth.deps import utc_now


@pytest.fixture
def db(stack, monkeypatch) -> firestore.Client:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    return firestore.Client(project=f"fold-{uuid.uuid4().hex[:8]}")


def bump(db: firestore.Client, owner: firestore.DocumentReference, changes: dict[str, int], **kw) -> None:
    """One bump in a commit of its own, as one request makes it."""
    batch = db.batch()
    counters.bump(batch, owner, changes, **kw)
    batch.commit()


def test_a_fold_is_one_write_that_adds_what_the_shards_gained_since_the_last(db):
    thread = db.document("threads/t")
    thread.set({"commentCount": 2, "score": 4})  # counted before it had shards
    for _ in range(5):
        bump(db, thread, {"commentCount": 1, "score": 2}, activity=True)
    bump(db, thread, {"reactionCounts.like": 1, "score": 1})
    now = utc_now()
    assert counters.fold(db, thread, now).outcome == counters.Fold.FOLDED
    data = thread.get().to_dict()
    assert (data["commentCount"], data["score"], data["reactionCounts"]["like"]) == (7, 15, 1)
    assert data["shardSums"]["commentCount"] == 5 and data["lastActivityAt"] is not None
    shards_before = {s.id: s.to_dict() for s in counters.shards(thread).stream()}
    # Nothing new: nothing written. A reaction taken back: only it moves, and no shard is written.
    assert counters.fold(db, thread, now + timedelta(seconds=2)).outcome == counters.Fold.NOTHING
    bump(db, thread, {"reactionCounts.like": -1, "score": -1})
    # A task's fold asks for the next one (the chain of a hot owner) and records the period it asked for.
    assert counters.fold(db, thread, now + timedelta(seconds=4), chain=lambda: 42).outcome == counters.Fold.FOLDED
    assert thread.get().get("foldNext") == 42
    data = thread.get().to_dict()
    assert (data["commentCount"], data["score"], data["reactionCounts"]["like"]) == (7, 14, 0)
    after = {s.id: s.to_dict() for s in counters.shards(thread).stream()}
    assert all(after[k] == v for k, v in shards_before.items() if after[k]["at"] == v["at"])


def test_an_inline_fold_that_takes_in_many_writes_marks_its_owner_hot(db):
    # A quiet owner's few quick writes fold inline with a token each; a request's fold that took in
    # more than HOT_BUMPS writes found a hot owner, whose requests then leave it to its fold tasks
    # (two tokens) instead of all trying the fold as soon as a token comes back.
    thread = db.document("threads/t")
    thread.set({"commentCount": 0})
    now = utc_now()
    bump(db, thread, {"commentCount": 1})
    assert counters.fold(db, thread, now, inline=True).outcome == counters.Fold.FOLDED
    assert thread.get().get("foldedInline") is True
    owner = thread.get()
    assert counters.needed(counters.state(owner), inline=True) == 1.0
    for _ in range(counters.HOT_BUMPS + 1):
        bump(db, thread, {"commentCount": 1})
    later = now + timedelta(seconds=counters.REFILL_SECONDS)
    assert counters.fold(db, thread, later, inline=True).outcome == counters.Fold.FOLDED
    owner = thread.get()
    assert owner.get("commentCount") == counters.HOT_BUMPS + 2 and owner.get("foldedInline") is False
    assert counters.needed(counters.state(owner), inline=True) == counters.HOT_INLINE_TOKENS
    assert owner.get("shardSums")["bumps"] == counters.HOT_BUMPS + 2  # not a counter readers see
    assert "bumps" not in owner.to_dict()


def test_a_fold_whose_owner_changed_meanwhile_adds_nothing_and_says_so(db):
    thread = db.document("threads/t")
    thread.set({"commentCount": 0})
    before = thread.get()
    bump(db, thread, {"commentCount": 1})
    thread.update({"title": "edited"})  # after the fold's read of the owner
    assert counters.fold(db, thread, utc_now(), before).outcome == counters.Fold.CONTENDED
    assert thread.get().get("commentCount") == 0
    assert counters.fold(db, thread, utc_now()).outcome == counters.Fold.FOLDED
    assert thread.get().get("commentCount") == 1


def test_the_sweep_folds_what_no_task_folded_and_keeps_its_place(db, monkeypatch):
    handed: list[str] = []
    monkeypatch.setattr(folding, "schedule", lambda path, now, *a: handed.append(path))
    thread, inbox = db.document("threads/t"), store.inbox(db, "u")
    thread.set({"commentCount": 0, "score": 0})
    for _ in range(3):
        bump(db, thread, {"commentCount": 1, "score": 2}, activity=True)
    bump(db, inbox, {"unread": 1})  # a first notification: the fold makes the inbox
    now = utc_now()
    assert folding.sweep(db, lambda: now) == 2
    assert thread.get().get("commentCount") == 3 and inbox.get().get("unread") == 1
    mark = store.fold_sweep(db).get().get("through")

    # A thread whose bucket is empty (an inline fold just took its token): the sweep hands it to a
    # task and holds its mark before that thread's shards, so the next sweep comes back to it.
    busy = db.document("threads/busy")
    busy.set({"commentCount": 0, "foldedAt": now + timedelta(minutes=1), "foldTokens": 0.0})
    bump(db, busy, {"commentCount": 1})
    later = now + timedelta(minutes=1)
    assert folding.sweep(db, lambda: later) == 0 and handed == ["threads/busy"]
    held = store.fold_sweep(db).get().get("through")
    assert mark <= held < counters.shards(busy).document(next(iter(_ids(busy)))).get().get("at")
    assert busy.get().get("commentCount") == 0
    assert folding.sweep(db, lambda: later + timedelta(seconds=5)) == 1  # its bucket refilled
    assert busy.get().get("commentCount") == 1 and store.fold_sweep(db).get().get("through") > held


def _ids(owner: firestore.DocumentReference) -> list[str]:
    return [s.id for s in counters.shards(owner).stream()]
