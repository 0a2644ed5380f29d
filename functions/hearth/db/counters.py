"""Sharded counters: increments go to one of SHARDS shard documents, folded into their owner at most
about once a second (a token bucket), so no document takes more than about one write per second
however hot the thread (firebase/extensions' firestore-counter, the distributed-counters guide).

An owner (a thread, a comment, a user's private/inbox) keeps its counters as readers know them;
`{owner}/shards/{k}` hold what is not folded in yet: the same fields as increments, `n` the
increments pending, `at` the last one's commit time. A write bumps one shard picked at random in
its own commit (a blind merge-set of increments: nobody reads a shard to write it).

A fold moves what the pending shards (n > 0) hold into the owner in one commit: the owner +total,
each shard -its part (increments, so a bump landing meanwhile stays in its shard), the owner's
write preconditioned on its update time as read *before* the shards. Two folds at once therefore
cannot both move the same increments: the second one's precondition fails and it reads again.
Owners are folded inline by the request that bumped them while their bucket has a token (a quiet
thread shows its counts at once), else by a Cloud Task scheduled for the end of the second (one per
owner and second, named so), and by the scheduled sweep for anything left over.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Callable, Mapping

from google.api_core.exceptions import AlreadyExists, FailedPrecondition
from google.cloud import firestore

from . import store

SHARDS = 200  # a thread taking 100 increments/s puts about 0.5/s on each shard
# Folds a quiet owner may take at once (a few quick writes all show at once): each fold also
# writes the shards it empties, so a shard bumped in a burst's first second takes at most this
# many writes more in it.
BUCKET = 3.0
# Then one fold per REFILL_SECONDS: a little slower than one a second, so an owner stays under
# one write a second however long a burst lasts (the bucket's first folds included).
REFILL_SECONDS = 1.25
# Fields a shard holds that are not counters.
PENDING, LAST_AT, ACTIVITY = "n", "at", "lastActivityAt"
FOLDED_AT, TOKENS = "foldedAt", "foldTokens"


class Fold(Enum):
    FOLDED = "folded"
    NOTHING = "nothing"  # no pending shard
    TOO_SOON = "too soon"  # the owner's bucket is empty: fold later
    CONTENDED = "contended"  # the owner changed since it was read: read again
    MISSING = "missing"  # no owner (yet)


@dataclass(frozen=True)
class Result:
    outcome: Fold
    wait: float = 0.0  # for TOO_SOON: seconds until a token


def shards(owner: firestore.DocumentReference) -> firestore.CollectionReference:
    return owner.collection("shards")


def nested(changes: Mapping[str, Any], value: Callable[[Any], Any]) -> dict[str, Any]:
    """{"reactionCounts.like": 1} -> {"reactionCounts": {"like": value(1)}} (a merge-set takes no dotted paths)."""
    out: dict[str, Any] = {}
    for path, amount in changes.items():
        *parents, leaf = path.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value(amount)
    return out


def bump(
    batch: Any,
    owner: firestore.DocumentReference,
    changes: Mapping[str, int],
    *,
    activity: bool = False,
    choose: Callable[[int], int] = random.randrange,
) -> firestore.DocumentReference:
    """Add changes (field path -> amount) to owner's counters through one random shard, in batch.

    activity: stamp the shard's lastActivityAt with the commit time (a fold keeps the latest)."""
    data = nested({k: v for k, v in changes.items() if v}, firestore.Increment)
    data[PENDING] = firestore.Increment(1)
    data[LAST_AT] = firestore.SERVER_TIMESTAMP
    if activity:
        data[ACTIVITY] = firestore.SERVER_TIMESTAMP
    ref = shards(owner).document(str(choose(SHARDS)))
    batch.set(ref, data, merge=True)
    return ref


def counts_of(data: Mapping[str, Any], prefix: str = "") -> dict[str, int]:
    """A shard's counters by field path (nested maps flattened), without its bookkeeping fields."""
    out: dict[str, int] = {}
    for key, value in data.items():
        if not prefix and key in (PENDING, LAST_AT, ACTIVITY):
            continue
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(counts_of(value, f"{path}."))
        elif isinstance(value, int) and not isinstance(value, bool):
            out[path] = value
    return out


def pending(
    db: firestore.Client, owner: firestore.DocumentReference, tx: Any = None, read_time: datetime | None = None
) -> list[Any]:
    """The owner's shards that hold increments not folded in yet (one query; none read for a settled owner).

    read_time: the time the owner was read at, so owner and shards are one snapshot (a fold
    committing between two plain reads would be counted twice or not at all)."""
    query = shards(owner).where(filter=firestore.FieldFilter(PENDING, ">", 0))
    if tx is not None:
        return list(query.stream(transaction=tx))
    return list(query.stream(read_time=read_time)) if read_time is not None else list(query.stream())


def pending_total(snaps: list[Any], field: str) -> int:
    """What the pending shards add to one field."""
    return sum(counts_of(s.to_dict() or {}).get(field, 0) for s in snaps)


def tokens(owner: Mapping[str, Any], now: datetime) -> float:
    """Folds the owner may take now: its bucket, refilled by one a second since its last fold."""
    at = owner.get(FOLDED_AT)
    if not isinstance(at, datetime):
        return BUCKET
    stored = float(owner.get(TOKENS, BUCKET))
    return min(BUCKET, stored + max(0.0, (now - at).total_seconds()) / REFILL_SECONDS)


def unfold(batch: Any, snaps: list[Any]) -> dict[str, int]:
    """Take each pending shard's increments back off it, in batch; their totals by field path."""
    totals: dict[str, int] = {}
    for snap in snaps:
        data = snap.to_dict() or {}
        counts = counts_of(data)
        for path, amount in counts.items():
            totals[path] = totals.get(path, 0) + amount
        back = {path: firestore.Increment(-amount) for path, amount in counts.items() if amount}
        back[PENDING] = firestore.Increment(-int(data.get(PENDING) or 0))
        batch.update(snap.reference, back)
    return totals


def latest(snaps: list[Any], current: Any) -> Any:
    """The latest lastActivityAt among the owner's and the pending shards'."""
    stamps = [s.get(ACTIVITY) for s in snaps if (s.to_dict() or {}).get(ACTIVITY) is not None]
    stamps += [current] if current is not None else []
    return max(stamps) if stamps else None


def fold(
    db: firestore.Client,
    owner: firestore.DocumentReference,
    now: datetime,
    snap: firestore.DocumentSnapshot | None = None,
    *,
    create: bool = False,
) -> Result:
    """Fold the owner's pending shards into it if its bucket has a token.

    snap: the owner as read before its shards were bumped (a request's own read), to save a read;
    read here otherwise. Always read before the shards: that makes the precondition exact.
    create: make a missing owner (a user's first inbox); otherwise a missing owner is left alone.
    """
    snap = snap if snap is not None else owner.get()
    if not snap.exists and not create:
        return Result(Fold.MISSING)
    data = (snap.to_dict() or {}) if snap.exists else {}
    available = tokens(data, now)
    if available < 1:
        return Result(Fold.TOO_SOON, (1 - available) * REFILL_SECONDS)
    found = pending(db, owner)
    if not found:
        return Result(Fold.NOTHING)
    batch = db.batch()
    totals = unfold(batch, found)
    bookkeeping = {FOLDED_AT: now, TOKENS: available - 1}
    activity = latest(found, data.get(ACTIVITY))
    if activity is not None and activity != data.get(ACTIVITY):
        bookkeeping[ACTIVITY] = activity
    if snap.exists:
        changes = {path: firestore.Increment(amount) for path, amount in totals.items() if amount}
        batch.update(owner, {**changes, **bookkeeping}, option=store.unchanged_since(db, snap))
    else:
        batch.create(owner, {**nested(totals, int), **bookkeeping})
    try:
        batch.commit()
    except (FailedPrecondition, AlreadyExists):
        return Result(Fold.CONTENDED)
    return Result(Fold.FOLDED)
