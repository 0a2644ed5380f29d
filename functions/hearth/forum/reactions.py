"""Reactions (dev.to's five): one document per (user, target); the target's counts move by increments."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from google.cloud import firestore

from ..auth import Caller
from ..db import counters, folding, store
from ..db.ratelimit import Limit, charge
from ..deps import Config
from ..moderation import guard
from ..validation import ReactionType
from . import comments, ranking, serialize, threads, users

DEFAULT_LIMIT = Config().reaction_limit


def types_of(snap: firestore.DocumentSnapshot) -> list[str]:
    """The reaction types a reaction document holds (none when it does not exist)."""
    return list((snap.to_dict() or {}).get("types", [])) if snap.exists else []


def counter_changes(kind: ReactionType, on: bool) -> dict[str, int]:
    """What adding (on) or removing one reaction of this kind does to the target's counters."""
    step = 1 if on else -1
    return {f"reactionCounts.{kind}": step, "score": step * ranking.REACTION_POINTS}


def toggle(
    db: firestore.Client,
    caller: Caller,
    target: firestore.DocumentReference,
    context: list[firestore.DocumentReference],
    check: Callable[[dict[str, firestore.DocumentSnapshot]], dict[str, Any]],
    kind: ReactionType,
    on: bool,
    now: datetime,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Add (on) or remove a reaction; idempotent: doing it twice changes nothing the second time.

    context: the target and what it hangs from; check: given their snapshots, the target's data
    or a NotFound. They are read with the caller's reaction document in one batch, outside any
    transaction. Only the caller's reaction document decides whether the counts move, so the
    commit is preconditioned on it alone (store.retry_while_changed), and the target's counts move
    by increments: a burst of reactions to one target never waits on a lock. Each change takes a
    place in the caller's reaction window (limit; a repeat that changes nothing does not). The answer's
    reactionCounts are the target's as read just before, with this change applied.
    """
    mine_ref, standing_ref = store.reaction(target, caller.uid), store.standing(db, caller.uid)
    rate_ref, profile_ref = store.rate_window(db, caller.uid, limit.action), store.user(db, caller.uid)

    read: dict[str, firestore.DocumentSnapshot] = {}
    moved: list[bool] = []

    def attempt() -> tuple[dict[str, int], list[str]]:
        # The caller's standing and reaction window join the batched read: a suspended user may not
        # react, and a script may not toggle without end (no extra round trip). So does their
        # profile: the role it holds spares the after-request role check a read (users.sync_role).
        got = store.read_all(None, db, [*context, mine_ref, standing_ref, rate_ref, profile_ref])
        read.clear()
        read.update(got)
        users.remember_role(db, caller.uid, got[profile_ref.path])
        guard.refuse_if_suspended(got[standing_ref.path].to_dict(), now)
        counts = serialize.counts(check(got).get("reactionCounts"))
        snap = got[mine_ref.path]
        mine = types_of(snap)
        moved.clear()
        if on == (kind in mine):
            return counts, mine
        mine = mine + [kind.value] if on else [t for t in mine if t != kind]
        batch = db.batch()
        charge(batch, rate_ref, got[rate_ref.path], now, limit, lambda s: store.unchanged_since(db, s))
        # Through a shard of the target's counters (db/counters.py): a blind write, folded into the
        # target at most about once in two seconds.
        counters.bump(batch, target, counter_changes(kind, on))
        if not snap.exists:
            batch.create(mine_ref, {"uid": caller.uid, "types": mine, "updatedAt": now})
        elif mine:
            batch.update(mine_ref, {"types": mine, "updatedAt": now}, option=store.unchanged_since(db, snap))
        else:
            batch.delete(mine_ref, option=store.unchanged_since(db, snap))
        batch.commit()
        moved.append(True)
        counts[kind] = max(0, counts[kind] + (1 if on else -1))
        return counts, mine

    counts, mine = store.retry_while_changed(attempt)
    if moved:
        folding.settle(db, target, now, read.get(target.path))
    return {"reactionCounts": counts, "myReactions": serialize.my_reactions({"types": mine})}


def on_thread(
    db: firestore.Client,
    caller: Caller,
    tid: str,
    kind: ReactionType,
    on: bool,
    now: datetime,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    ref = store.thread(db, tid)
    return toggle(db, caller, ref, [ref], lambda got: threads.visible(got[ref.path]), kind, on, now, limit)


def on_comment(
    db: firestore.Client,
    caller: Caller,
    tid: str,
    cid: str,
    kind: ReactionType,
    on: bool,
    now: datetime,
    limit: Limit = DEFAULT_LIMIT,
) -> dict[str, Any]:
    thread_ref, ref = store.thread(db, tid), store.comment(db, tid, cid)

    def check(got: dict[str, firestore.DocumentSnapshot]) -> dict[str, Any]:
        threads.visible(got[thread_ref.path])
        return comments.visible(got[ref.path])

    return toggle(db, caller, ref, [thread_ref, ref], check, kind, on, now, limit)
