"""Sharded counters: increments go to one of SHARDS shard documents, folded into their owner at most
about once in two seconds (a token bucket), so no document takes more than about one write per second
however hot the thread (firebase/extensions' firestore-counter, the distributed-counters guide).

An owner (a thread, a comment, a user's private/inbox) keeps its counters as readers know them;
`{owner}/shards/{k}` only ever grow by increments (a blind merge-set in the write's own commit:
nobody reads a shard to write it), `at` the last one's commit time. The owner also keeps
`shardSums`, what its shards added up to when it was last folded, so its counters miss exactly
`sum(shards) - shardSums` per field.

A fold is one write: it adds up the shards with `sum()` aggregation queries (one read per 1,000
shards on production's bill, and no shard written back), and adds the difference to the owner,
preconditioned on the owner's update time as read *before* the sums. Two folds at once therefore
cannot both add the same increments: the second one's precondition fails and it reads again.
Owners are folded inline by the request that bumped them while their bucket has a token (a quiet
thread shows its counts at once), else by a Cloud Task for the end of the owner's refill period
(one per owner and period, named so), and by the scheduled sweep for anything left over.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Callable, Mapping, Sequence

from google.api_core.exceptions import AlreadyExists, FailedPrecondition
from google.cloud import firestore

from ..validation import REACTION_TYPES
from . import store

SHARDS = 400  # a thread taking 100 increments/s puts 0.25/s on each shard (5 in one second: about never)
# Folds a quiet owner may take at once (a few quick writes all show at once).
BUCKET = 3.0
# Then one fold per REFILL_SECONDS: half of production's one write a second, so an owner stays
# under it however long a burst lasts (the bucket's first folds included) with room for its own
# writes (an edit, a lock, a "mark all read"), and a hot owner's readers see counts at most about
# two seconds old. Each fold is two or three aggregations and a task (on the emulator, whose
# aggregations scan every shard, about 50 ms of CPU for a thread): folding hot owners less often
# is cheaper everywhere.
REFILL_SECONDS = 2.0
AGGREGATIONS_PER_QUERY = 5  # Firestore's limit on the aggregations of one query
# Fields of a shard that are not counters, and an owner's bookkeeping.
LAST_AT, ACTIVITY = "at", "lastActivityAt"
FOLDED_AT, TOKENS, SUMS, INLINE = "foldedAt", "foldTokens", "shardSums", "foldedInline"
NEXT = "foldNext"  # the refill period whose fold task the owner's last fold (by a task) asked for
# Tokens a request needs to fold inline a hot owner: one a task folded last, or whose last fold took
# in more than HOT_BUMPS writes. Its task takes each token as it comes back, so its requests do not
# all try the fold (sums and a commit, of which all but one would fail on the precondition) the
# moment one comes back; a quiet owner's few quick writes (folded inline) still all show at once.
HOT_INLINE_TOKENS = 2.0
HOT_BUMPS = 3
BUMPS = "bumps"  # a shard's count of the writes it took (the fold's measure of heat), not a counter

_REACTIONS = tuple(f"reactionCounts.{kind}" for kind in REACTION_TYPES)
# The counters each kind of owner keeps in shards (a fold adds up exactly these).
THREAD_FIELDS = ("commentCount", "score", *_REACTIONS)
COMMENT_FIELDS = ("replyCount", "descendantCount", "score", *_REACTIONS)
INBOX_FIELDS = ("unread",)


class Fold(Enum):
    FOLDED = "folded"
    NOTHING = "nothing"  # the shards add nothing new
    TOO_SOON = "too soon"  # the owner's bucket is empty: fold later
    CONTENDED = "contended"  # the owner changed since it was read: read again
    MISSING = "missing"  # no owner (yet)


@dataclass(frozen=True)
class Result:
    outcome: Fold
    wait: float = 0.0  # for TOO_SOON: seconds until a token
    asked: int | None = None  # for NOTHING: the period whose fold task the owner's last fold asked for (NEXT)


def is_inbox(path: str) -> bool:
    """users/{uid}/private/inbox: the one owner a fold may create (a user's first notification)."""
    parts = path.split("/")
    return len(parts) == 4 and parts[0] == "users" and parts[2:] == ["private", "inbox"]


def fields_of(path: str) -> tuple[str, ...]:
    """The counters an owner at path keeps in shards: a thread's, a comment's or an inbox's."""
    parts = path.split("/")
    if len(parts) == 2 and parts[0] == "threads":
        return THREAD_FIELDS
    if len(parts) == 4 and parts[0] == "threads" and parts[2] == "comments":
        return COMMENT_FIELDS
    if is_inbox(path):
        return INBOX_FIELDS
    raise ValueError(f"{path} keeps no sharded counters")


def stamps_activity(path: str) -> bool:
    """Whether the owner's bumps stamp lastActivityAt (a thread's comments do)."""
    return fields_of(path) is THREAD_FIELDS


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


def flat(data: Mapping[str, Any], prefix: str = "") -> dict[str, int]:
    """{"reactionCounts": {"like": 2}} -> {"reactionCounts.like": 2}: the integers of nested maps by field path."""
    out: dict[str, int] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flat(value, f"{path}."))
        elif isinstance(value, int) and not isinstance(value, bool):
            out[path] = value
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
    fields = fields_of(owner.path)
    unknown = set(changes) - set(fields)
    if unknown:  # a fold would never add them up
        raise ValueError(f"{owner.path} keeps no sharded {sorted(unknown)}")
    # Every counter of the owner's kind, 0 for those this write leaves alone: each shard then has
    # every field a fold adds up, whichever index serves its sums.
    data = nested({path: changes.get(path, 0) for path in fields}, firestore.Increment)
    data[BUMPS] = firestore.Increment(1)
    data[LAST_AT] = firestore.SERVER_TIMESTAMP
    if activity:
        data[ACTIVITY] = firestore.SERVER_TIMESTAMP
    ref = shards(owner).document(str(choose(SHARDS)))
    batch.set(ref, data, merge=True)
    return ref


def sums(
    owner: firestore.DocumentReference,
    fields: Sequence[str],
    tx: Any = None,
    read_time: datetime | None = None,
) -> dict[str, int]:
    """What the owner's shards add up to, by field: sum() aggregations, five to a query.

    tx: in a transaction; read_time: as of that time (an owner read then, so both are one snapshot)."""
    out: dict[str, int] = {}
    for start in range(0, len(fields), AGGREGATIONS_PER_QUERY):
        chunk = fields[start : start + AGGREGATIONS_PER_QUERY]
        query = shards(owner).sum(chunk[0], alias="s0")  # an AggregationQuery; each sum() adds to it
        for i, path in enumerate(chunk[1:], 1):
            query.sum(path, alias=f"s{i}")
        results = query.get(transaction=tx, read_time=read_time)
        values = {r.alias: r.value for r in (results[0] if results else [])}
        for i, path in enumerate(chunk):
            out[path] = int(values.get(f"s{i}") or 0)
    return out


def unfolded(owner: Mapping[str, Any], current: Mapping[str, int]) -> dict[str, int]:
    """What the shards add (current: their sums) that the owner's counters do not show yet, by field."""
    folded = flat(owner.get(SUMS) or {})
    return {path: total - folded.get(path, 0) for path, total in current.items() if total != folded.get(path, 0)}


def state(snap: firestore.DocumentSnapshot) -> dict[str, Any]:
    """The fields of an existing owner a fold goes by, and only those: the snapshot copies what it
    hands out, and a thread's whole document (its body, its search terms) is not needed for this."""
    out: dict[str, Any] = {}
    for name in (FOLDED_AT, TOKENS, SUMS, INLINE, NEXT, ACTIVITY):
        try:
            out[name] = snap.get(name)
        except KeyError:  # not folded yet, or never stamped
            continue
    return out


def tokens(owner: Mapping[str, Any], now: datetime) -> float:
    """Folds the owner may take now: its bucket, refilled by one every REFILL_SECONDS since its last fold."""
    at = owner.get(FOLDED_AT)
    if not isinstance(at, datetime):
        return BUCKET
    stored = float(owner.get(TOKENS, BUCKET))
    return min(BUCKET, stored + max(0.0, (now - at).total_seconds()) / REFILL_SECONDS)


def needed(owner: Mapping[str, Any], inline: bool) -> float:
    """Tokens a fold needs: one, or HOT_INLINE_TOKENS for a request's fold of a hot owner (one a task
    folded last, or whose last fold took in more than HOT_BUMPS writes: `foldedInline` false)."""
    return HOT_INLINE_TOKENS if inline and owner.get(INLINE) is False else 1.0


def latest_activity(owner: firestore.DocumentReference) -> Any:
    """The latest lastActivityAt its shards hold (one document read)."""
    newest = shards(owner).order_by(ACTIVITY, direction=firestore.Query.DESCENDING).limit(1)
    found = list(newest.stream())
    return found[0].get(ACTIVITY) if found else None


def fold(
    db: firestore.Client,
    owner: firestore.DocumentReference,
    now: datetime,
    snap: firestore.DocumentSnapshot | None = None,
    *,
    inline: bool = False,
    chain: Callable[[], int | None] | None = None,
) -> Result:
    """Fold what the owner's shards add since its last fold into it, if its bucket has a token.

    snap: the owner as read before its shards were bumped (a request's own read), to save a read;
    read here otherwise. Always read before the sums: that makes the precondition exact.
    A missing owner is left alone, except an inbox: the fold makes it (a user's first notification).
    inline: a request's own fold after its write (needed() says when it may), not a task's or the sweep's.
    chain: for a fold that moves something, ask for the next fold (a task's of a hot owner): the
    period it is asked for, recorded on the owner (NEXT) so that requests need not ask, or None.
    """
    snap = snap if snap is not None else owner.get()
    if not snap.exists and not is_inbox(owner.path):
        return Result(Fold.MISSING)
    data = state(snap) if snap.exists else {}
    available, need = tokens(data, now), needed(data, inline)
    if available < need:
        return Result(Fold.TOO_SOON, (need - available) * REFILL_SECONDS)
    current = sums(owner, (*fields_of(owner.path), BUMPS))
    moved = unfolded(data, current)
    bumps = moved.pop(BUMPS, 0)  # since the last fold that wrote (shards from before bumps counted add none)
    if not moved:
        following = data.get(NEXT)
        return Result(Fold.NOTHING, asked=following if isinstance(following, int) else None)
    bookkeeping: dict[str, Any] = {
        FOLDED_AT: now,
        TOKENS: available - 1,
        SUMS: nested(current, int),
        INLINE: inline and bumps <= HOT_BUMPS,
    }
    following = chain() if chain is not None else None
    if following is not None:
        bookkeeping[NEXT] = following
    if moved.get("commentCount", 0) > 0 and stamps_activity(owner.path):
        activity = latest_activity(owner)
        if activity is not None and (data.get(ACTIVITY) is None or activity > data[ACTIVITY]):
            bookkeeping[ACTIVITY] = activity
    try:
        if snap.exists:
            changes = {path: firestore.Increment(amount) for path, amount in moved.items()}
            owner.update({**changes, **bookkeeping}, option=store.unchanged_since(db, snap))
        else:
            owner.create({**nested(moved, int), **bookkeeping})
    except (FailedPrecondition, AlreadyExists):
        return Result(Fold.CONTENDED)
    return Result(Fold.FOLDED)
