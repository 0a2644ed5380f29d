"""Reactions (dev.to's five): one document per (user, target); the target's counts move in the same transaction."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from google.cloud import firestore

from . import comments, guard, serialize, store, threads, validation
from .auth import Caller
from .errors import NotFound
from .visibility import VISIBLE


def toggle(db: firestore.Client, caller: Caller, target: firestore.DocumentReference,
           context: list[firestore.DocumentReference],
           check: Callable[[dict[str, firestore.DocumentSnapshot]], dict[str, Any]],
           rescore: Callable[[dict[str, Any]], int], kind: str, on: bool, now: datetime) -> dict[str, Any]:
    """Add (on) or remove a reaction; idempotent: doing it twice changes nothing the second time.

    context: what must be read besides the caller's reaction document (the target and what it
    hangs from); check: given those snapshots, the target's data or a NotFound.
    """
    kind = validation.reaction_type(kind)
    mine_ref, user_ref = store.reaction(target, caller.uid), store.user(db, caller.uid)

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        # The caller's profile joins the batched read: a suspended user may not react (no extra round trip).
        got = store.read_all(tx, db, [*context, mine_ref, user_ref])
        guard.refuse_if_suspended(got[user_ref.path].to_dict() if got[user_ref.path].exists else None, now)
        current = check(got)
        mine_snap = got[mine_ref.path]
        mine = list((mine_snap.to_dict() or {}).get("types", [])) if mine_snap.exists else []
        counts = dict(current.get("reactionCounts") or {})
        if on == (kind in mine):
            return {"reactionCounts": serialize.counts(counts), "myReactions": serialize.my_reactions({"types": mine})}
        counts[kind] = max(0, int(counts.get(kind, 0)) + (1 if on else -1))
        mine = mine + [kind] if on else [t for t in mine if t != kind]
        tx.update(target, {"reactionCounts": counts, "score": rescore({**current, "reactionCounts": counts})})
        if mine:
            tx.set(mine_ref, {"uid": caller.uid, "types": mine, "updatedAt": now})
        else:
            tx.delete(mine_ref)
        return {"reactionCounts": serialize.counts(counts), "myReactions": serialize.my_reactions({"types": mine})}

    return store.run_transaction(db, fn)


def on_thread(db: firestore.Client, caller: Caller, tid: str, kind: str, on: bool, now: datetime) -> dict[str, Any]:
    validation.doc_id(tid, "thread")
    ref = store.thread(db, tid)
    return toggle(db, caller, ref, [ref], lambda got: threads.visible(got[ref.path]), threads.rescore, kind, on, now)


def on_comment(db: firestore.Client, caller: Caller, tid: str, cid: str, kind: str, on: bool,
               now: datetime) -> dict[str, Any]:
    validation.doc_id(tid, "thread")
    validation.doc_id(cid, "comment")
    thread_ref, ref = store.thread(db, tid), store.comment(db, tid, cid)

    def check(got: dict[str, firestore.DocumentSnapshot]) -> dict[str, Any]:
        threads.visible(got[thread_ref.path])
        snap = got[ref.path]
        if not snap.exists or snap.get("status") != VISIBLE:
            raise NotFound("comment not found")
        return snap.to_dict()

    return toggle(db, caller, ref, [thread_ref, ref], check, comments.rescore, kind, on, now)
