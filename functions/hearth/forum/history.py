"""Edit history: each edit of a thread or comment keeps the version it replaces, the last KEPT of them.

The versions live in `{post}/history/{slot}`, a ring of KEPT slots: the n-th edit (n counts from 0,
kept on the post as `versions`) writes slot n % KEPT, overwriting the version KEPT edits older. The
edit already reads the post, so keeping a version costs one more write in the edit's own commit and
no read, and never a delete. Who may read a post's versions is who may read the post: anyone for a
visible one, its author and moderators for a hidden one, nobody for a deleted one (its text is gone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from google.cloud import firestore

from ..auth import Caller
from ..db import store
from ..errors import NotFound
from ..moderation.visibility import DELETED, readable
from . import serialize

KEPT = 20


def changed(current: Mapping[str, Any], changes: Mapping[str, Any]) -> bool:
    """Whether an edit changes the text (title or body) a reader sees; only those keep a version."""
    return any(name in changes and changes[name] != current.get(name) for name in ("title", "body"))


def version(current: Mapping[str, Any], now: datetime) -> tuple[str, dict[str, Any], int]:
    """(slot id, the version document, the post's new `versions`) for an edit of current at now."""
    n = int(current.get("versions", 0))
    doc: dict[str, Any] = {
        "n": n,
        "body": current.get("body", ""),
        "bodyHtml": current.get("bodyHtml", ""),
        # When this version was written: the post itself, or the edit that made it.
        "writtenAt": current.get("editedAt") or current.get("createdAt"),
        "replacedAt": now,
    }
    if "title" in current:
        doc["title"] = current["title"]
    return f"v{n % KEPT}", doc, n + 1


def keep(
    writer: firestore.Transaction | firestore.WriteBatch,
    post: firestore.DocumentReference,
    current: Mapping[str, Any],
    changes: dict[str, Any],
    now: datetime,
) -> None:
    """In an edit's own transaction or batch: keep the version it replaces (when the text changes),
    and count it in changes (`versions`)."""
    if not changed(current, changes):
        return
    slot, doc, count = version(current, now)
    writer.set(store.history(post).document(slot), doc)
    changes["versions"] = count


def item(data: Mapping[str, Any]) -> dict[str, Any]:
    """One earlier version in the API: 1 is the post as first written."""
    return {
        "version": int(data.get("n", 0)) + 1,
        "title": data.get("title"),
        "body": data.get("body", ""),
        "bodyHtml": data.get("bodyHtml", ""),
        "writtenAt": serialize.rfc3339(data.get("writtenAt")),
        "replacedAt": serialize.rfc3339(data.get("replacedAt")),
    }


def _versions(post: firestore.DocumentReference) -> dict[str, Any]:
    query = store.history(post).order_by("n", direction=firestore.Query.DESCENDING).limit(KEPT)
    return {"items": [item(s.to_dict() or {}) for s in query.stream()], "kept": KEPT}


def _readable(caller: Caller | None, snap: firestore.DocumentSnapshot | None) -> bool:
    if snap is None or not snap.exists:
        return False
    data = snap.to_dict() or {}
    return data.get("status") != DELETED and readable(caller, data)


def of_thread(db: firestore.Client, caller: Caller | None, tid: str) -> dict[str, Any]:
    """A thread's earlier versions, newest first: one read and one query."""
    ref = store.thread(db, tid)
    if not _readable(caller, ref.get()):
        raise NotFound("thread not found")
    return _versions(ref)


def of_comment(db: firestore.Client, caller: Caller | None, tid: str, cid: str) -> dict[str, Any]:
    """A comment's earlier versions, newest first: one batched read (it and its thread) and one query."""
    thread_ref, ref = store.thread(db, tid), store.comment(db, tid, cid)
    got = store.read_all(None, db, [thread_ref, ref])
    thread = got[thread_ref.path]
    if not thread.exists or not readable(caller, thread.to_dict() or {}):
        raise NotFound("thread not found")
    if not _readable(caller, got[ref.path]):
        raise NotFound("comment not found")
    return _versions(ref)
