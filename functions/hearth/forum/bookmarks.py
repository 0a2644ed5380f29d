"""Bookmarks: a private reading list under users/{uid}/bookmarks, readable only by its owner."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from ..auth import Caller
from ..db import store
from ..db.pagination import DESC, page
from ..moderation import guard
from ..moderation.visibility import readable, reveal
from . import serialize, threads


def put(db: firestore.Client, caller: Caller, tid: str, now: datetime) -> dict[str, Any]:
    """Bookmark a visible thread; bookmarking it again keeps the first time.

    No transaction: it would lock the thread, which everyone writes. The thread and the bookmark
    are read in one batch, and the bookmark is created only where none exists.
    """
    guard.check(db, caller, now)
    thread_ref, ref = store.thread(db, tid), store.bookmarks(db, caller.uid).document(tid)
    got = store.read_all(None, db, [thread_ref, ref])
    threads.visible(got[thread_ref.path])
    if not got[ref.path].exists:
        with contextlib.suppress(AlreadyExists):  # a concurrent request of the caller's made it first
            ref.create({"threadId": tid, "createdAt": now})
    return {"threadId": tid, "bookmarked": True}


def delete(db: firestore.Client, caller: Caller, tid: str, now: datetime) -> dict[str, Any]:
    guard.check(db, caller, now)
    store.bookmarks(db, caller.uid).document(tid).delete()
    return {"threadId": tid, "bookmarked": False}


def list_mine(db: firestore.Client, caller: Caller, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """The caller's bookmarked threads, newest bookmark first: one query and one batched read."""
    snaps, next_cursor = page(store.bookmarks(db, caller.uid), "bookmarks", [("createdAt", DESC)], limit, cursor)
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
