"""Bookmarks: a private reading list under users/{uid}/bookmarks, readable only by its owner."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from google.cloud import firestore

from . import guard, serialize, store, threads, validation
from .auth import Caller
from .pagination import DESC, page
from .visibility import readable, reveal


def put(db: firestore.Client, caller: Caller, tid: str, now: datetime) -> dict[str, Any]:
    """Bookmark a visible thread; bookmarking it again keeps the first time."""
    guard.check(db, caller, now)
    ref = store.bookmarks(db, caller.uid).document(tid)

    def fn(tx: firestore.Transaction) -> None:
        threads.read_visible(tx, db, tid)
        if not ref.get(transaction=tx).exists:
            tx.create(ref, {"threadId": tid, "createdAt": now})

    store.run_transaction(db, fn)
    return {"threadId": tid, "bookmarked": True}


def delete(db: firestore.Client, caller: Caller, tid: str, now: datetime) -> dict[str, Any]:
    validation.doc_id(tid, "thread")
    guard.check(db, caller, now)
    store.bookmarks(db, caller.uid).document(tid).delete()
    return {"threadId": tid, "bookmarked": False}


def list_mine(db: firestore.Client, caller: Caller, *, limit: str | None, cursor: str | None) -> dict[str, Any]:
    """The caller's bookmarked threads, newest bookmark first: one query and one batched read."""
    size = validation.limit(limit)
    snaps, next_cursor = page(store.bookmarks(db, caller.uid), "bookmarks", [("createdAt", DESC)], size, cursor)
    refs = [store.thread(db, s.id) for s in snaps]
    found = {s.id: s for s in db.get_all(refs)} if refs else {}
    items = []
    for snap in snaps:
        thread = found.get(snap.id)
        if thread is None or not thread.exists or not readable(caller, thread.to_dict()):
            continue  # a hidden thread leaves every list but its author's and moderators'
        item = serialize.thread(snap.id, thread.to_dict(), full=False, reveal=reveal(caller, thread.to_dict()))
        item["bookmarked"] = True
        item["bookmarkedAt"] = serialize.rfc3339(snap.get("createdAt"))
        items.append(item)
    return {"items": items, "nextCursor": next_cursor}
