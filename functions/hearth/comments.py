"""Comments: threaded replies to depth 3, listed as pages of root comments with their first replies."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Iterable

from google.cloud import firestore

from . import guard, mentions, moderation, ranking, render, serialize, store, threads, users, validation
from .auth import Caller
from .deps import Config
from .errors import Forbidden, NotFound
from .pagination import ASC, DESC, Order, page
from .ratelimit import reserve
from .visibility import DELETED, HIDDEN, VISIBLE, readable, reveal

MAX_DEPTH = 3
# Each root comment remembers its first replies, so a page of roots and their replies costs
# one query and one batched read, whatever the number of replies.
PREVIEW_REPLIES = 5
SORTS: dict[str, list[Order]] = {
    "top": [("score", DESC), ("createdAt", DESC)],
    "new": [("createdAt", DESC)],
    "old": [("createdAt", ASC)],
}
REPLY_ORDER: list[Order] = [("createdAt", ASC)]
CREATE_FIELDS = ("body", "parentId")


def placement(parent_id: str | None, parent: dict[str, Any] | None) -> dict[str, Any]:
    """parentId, rootId and depth of a new comment. A reply below depth 3 joins its parent's level."""
    if parent_id is None or parent is None:
        return {"parentId": None, "rootId": None, "depth": 1}
    depth = int(parent.get("depth", 1))
    root_id = parent.get("rootId") or parent_id
    if depth >= MAX_DEPTH:
        return {"parentId": parent["parentId"], "rootId": root_id, "depth": MAX_DEPTH}
    return {"parentId": parent_id, "rootId": root_id, "depth": depth + 1}


def answered_handle(parent: dict[str, Any] | None) -> str | None:
    """The handle of the author a reply answers (None for a tombstone): below depth 3 a reply does
    not hang from the comment it answers, so readers need it named ("Replying to @x")."""
    if parent is None or parent.get("status") == DELETED:
        return None
    return (parent.get("author") or {}).get("handle")


def create(db: firestore.Client, caller: Caller, tid: str, data: Any, now: datetime,
           config: Config) -> dict[str, Any]:
    """Post a comment or reply; counters on the thread, parent, root and author move with it."""
    data = validation.json_object(data)
    validation.only_fields(data, CREATE_FIELDS)
    body = validation.body(data.get("body"))
    parent_id = data.get("parentId")
    if parent_id is not None:
        parent_id = validation.id_field(parent_id, "parentId")
    validation.doc_id(tid, "thread")
    # Mentions are resolved before the transaction (one batched read, only when the body names someone).
    mentioned = mentions.resolve(db, body)
    ref = store.comments(db, tid).document()
    thread_ref, user_ref, rate_ref = store.thread(db, tid), store.user(db, caller.uid), store.rate_state(db, caller.uid)
    parent_ref = store.comment(db, tid, parent_id) if parent_id is not None else None

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        got = store.read_all(tx, db, [thread_ref, user_ref, rate_ref, *([parent_ref] if parent_ref else [])])
        thread = threads.visible(got[thread_ref.path])
        if thread.get("locked") and not caller.is_moderator:
            raise Forbidden("this thread is locked")
        parent = None
        if parent_ref is not None:
            if not got[parent_ref.path].exists or got[parent_ref.path].get("status") == HIDDEN:
                raise NotFound("parent comment not found", field="parentId")
            parent = got[parent_ref.path].to_dict()
        where = placement(parent_id, parent)
        # The comment the new one hangs from (for a reply below depth 3, its parent's parent)
        # and the root of its tree: both are read, in one more round trip at most, so their
        # counters move exactly.
        known = {parent_id: parent} if parent_id is not None else {}
        wanted = [c for c in dict.fromkeys((where["parentId"], where["rootId"])) if c is not None and c not in known]
        for snap in store.read_all(tx, db, [store.comment(db, tid, c) for c in wanted]).values():
            if not snap.exists:
                raise NotFound("comment not found")
            known[snap.id] = snap.to_dict()
        direct, root = known.get(where["parentId"]), known.get(where["rootId"])
        profile = users.read_profile(tx, db, caller, got[user_ref.path])
        guard.refuse_if_suspended(profile, now)
        rate = reserve(got[rate_ref.path], now, config.comment_limit)

        doc = {
            "threadId": tid,
            **where,
            "body": body,
            "bodyHtml": render.markdown_to_html(body, mentioned),
            "mentions": mentions.mentioned_uids(mentioned),
            # The comment the author answered: its parent, except below depth 3 where a reply
            # joins its parent's level (the notification still goes to the one answered).
            "repliedToId": parent_id,
            "repliedToHandle": answered_handle(parent),
            "author": users.author_snapshot(caller.uid, profile),
            "createdAt": now,
            "editedAt": None,
            "reactionCounts": {},
            "score": 0,
            "replyCount": 0,
            "descendantCount": 0,
            "replyPreviewIds": [],
            "status": VISIBLE,
        }
        held = moderation.needs_approval(config.first_post_approval, caller, profile)
        users.write_profile(tx, db, caller, profile, now, commentCount=1)
        tx.set(store.rate_state(db, caller.uid), rate, merge=True)
        if held:  # counted, like a restored comment, only once approved
            moderation.hold_for_approval(tx, db, moderation.Target(tid, ref.id), doc,
                                         render.excerpt(doc["bodyHtml"]), now)
        tx.create(ref, doc)
        if not held:
            thread_changes = {"commentCount": thread.get("commentCount", 0) + 1, "lastActivityAt": now}
            tx.update(store.thread(db, tid), {**thread_changes, "score": threads.rescore({**thread, **thread_changes})})
        # One write per document: the direct parent and the root may be the same comment.
        updates: dict[str, dict[str, Any]] = {}
        if direct is not None:
            replies = direct.get("replyCount", 0) + 1
            updates[where["parentId"]] = {"replyCount": replies, "score": rescore({**direct, "replyCount": replies})}
        if root is not None:
            root_changes = updates.setdefault(where["rootId"], {})
            root_changes["descendantCount"] = root.get("descendantCount", 0) + 1
            if len(root.get("replyPreviewIds", [])) < PREVIEW_REPLIES:
                root_changes["replyPreviewIds"] = firestore.ArrayUnion([ref.id])
        for cid, changes in updates.items():
            tx.update(store.comment(db, tid, cid), changes)
        return doc

    stored = store.run_transaction(db, fn)
    return {**serialize.comment(ref.id, stored, reveal=True), "myReactions": [], "replies": [], "moreReplies": False}


def rescore(comment: dict[str, Any]) -> int:
    return ranking.comment_score(comment.get("reactionCounts") or {}, int(comment.get("replyCount", 0)))


def shown(data: dict[str, Any], caller: Caller | None) -> bool:
    """A deleted comment is kept as a tombstone only while replies hang from it, and so is a hidden
    one (as a placeholder that says why), except for its author and moderators, who see it whole."""
    status = data.get("status")
    if status == VISIBLE or (status == HIDDEN and reveal(caller, data)):
        return True
    return int(data.get("replyCount", 0)) > 0 or int(data.get("descendantCount", 0)) > 0


def view(cid: str, data: dict[str, Any], caller: Caller | None) -> dict[str, Any]:
    """A comment as this caller may see it."""
    return serialize.comment(cid, data, reveal=reveal(caller, data))


def _thread_readable(found: dict[str, firestore.DocumentSnapshot], db: firestore.Client, tid: str,
                     caller: Caller | None) -> None:
    """NotFound unless the thread exists and the caller may read it (a hidden thread hides its comments)."""
    snap = found[store.thread(db, tid).path]
    if not snap.exists or not readable(caller, snap.to_dict()):
        raise NotFound("thread not found")


def _batch(db: firestore.Client, refs: list[firestore.DocumentReference]) -> dict[str, firestore.DocumentSnapshot]:
    return {s.reference.path: s for s in db.get_all(refs)} if refs else {}


def _with_reactions(tid: str, items: Iterable[dict[str, Any]], found: dict[str, Any], db: firestore.Client,
                    caller: Caller | None) -> None:
    if caller is None:
        return
    for item in items:
        snap = found.get(store.reaction(store.comment(db, tid, item["id"]), caller.uid).path)
        item["myReactions"] = serialize.my_reactions(snap.to_dict() if snap and snap.exists else None)


def nest(root_id: str, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Arrange a root's replies (oldest first) into a tree by parentId."""
    by_parent: dict[str, list[dict[str, Any]]] = {}
    for reply in replies:
        reply.setdefault("replies", [])
        by_parent.setdefault(reply["parentId"], []).append(reply)
    for reply in replies:
        reply["replies"] = by_parent.get(reply["id"], [])
    return by_parent.get(root_id, [])


def list_comments(db: firestore.Client, caller: Caller | None, tid: str, *, sort: str | None,
                  limit: str | None, cursor: str | None) -> dict[str, Any]:
    """A page of root comments, each with its first replies nested: one query and one batched read."""
    validation.doc_id(tid, "thread")
    sort = validation.choice(sort, "sort", tuple(SORTS))
    size = validation.limit(limit)
    query = store.comments(db, tid).where(filter=firestore.FieldFilter("depth", "==", 1))
    snaps, next_cursor = page(query, f"comments:{sort}", SORTS[sort], size, cursor)
    roots = [(s.id, s.to_dict()) for s in snaps]
    preview_ids = [rid for _, data in roots for rid in data.get("replyPreviewIds", [])]
    # The thread joins the batched read: a missing or hidden thread has no comments to show.
    refs = [store.thread(db, tid), *(store.comment(db, tid, rid) for rid in preview_ids)]
    if caller:
        ids = [cid for cid, _ in roots] + preview_ids
        refs += [store.reaction(store.comment(db, tid, cid), caller.uid) for cid in ids]
    found = _batch(db, refs)
    _thread_readable(found, db, tid, caller)
    items = []
    for cid, data in roots:
        if not shown(data, caller):
            continue
        root = view(cid, data, caller)
        previews = [found.get(store.comment(db, tid, rid).path) for rid in data.get("replyPreviewIds", [])]
        replies = [view(s.id, s.to_dict(), caller) for s in previews
                   if s and s.exists and shown(s.to_dict(), caller)]
        _with_reactions(tid, [root, *replies], found, db, caller)
        root["replies"] = nest(cid, replies)
        root["moreReplies"] = root["descendantCount"] > len(data.get("replyPreviewIds", []))
        items.append(root)
    return {"items": items, "nextCursor": next_cursor}


def list_replies(db: firestore.Client, caller: Caller | None, tid: str, root_id: str, *,
                 limit: str | None, cursor: str | None) -> dict[str, Any]:
    """Every reply under a root comment, oldest first and flat (each names its parentId and depth)."""
    validation.doc_id(tid, "thread")
    validation.doc_id(root_id, "comment")
    size = validation.limit(limit)
    query = store.comments(db, tid).where(filter=firestore.FieldFilter("rootId", "==", root_id))
    snaps, next_cursor = page(query, f"replies:{root_id}", REPLY_ORDER, size, cursor)
    root_ref = store.comment(db, tid, root_id)
    refs = [root_ref, store.thread(db, tid)]
    if caller:
        refs += [store.reaction(store.comment(db, tid, s.id), caller.uid) for s in snaps]
    found = _batch(db, refs)
    _thread_readable(found, db, tid, caller)
    root = found[root_ref.path]
    if not root.exists or root.get("depth") != 1:
        raise NotFound("root comment not found")
    items = [view(s.id, s.to_dict(), caller) for s in snaps if shown(s.to_dict(), caller)]
    _with_reactions(tid, items, found, db, caller)
    return {"items": items, "nextCursor": next_cursor}


def get_one(db: firestore.Client, caller: Caller | None, tid: str, cid: str) -> dict[str, Any]:
    """One comment (a tombstone while replies hang from it), with the caller's reactions, in one read.

    For a link to a comment that is not on the first page: its rootId says which replies to load.
    """
    validation.doc_id(tid, "thread")
    validation.doc_id(cid, "comment")
    ref = store.comment(db, tid, cid)
    # The thread joins the read: a hidden thread hides its comments.
    refs = [ref, store.thread(db, tid), *([store.reaction(ref, caller.uid)] if caller else [])]
    found = _batch(db, refs)
    _thread_readable(found, db, tid, caller)
    snap = found[ref.path]
    if not snap.exists or not shown(snap.to_dict(), caller):
        raise NotFound("comment not found")
    item = {**view(cid, snap.to_dict(), caller), "replies": [], "moreReplies": False}
    _with_reactions(tid, [item], found, db, caller)
    return item


def read_visible(tx: firestore.Transaction, db: firestore.Client, tid: str,
                 cid: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(thread, comment), both visible (neither hidden nor deleted), read in one round trip; NotFound otherwise."""
    validation.doc_id(tid, "thread")
    validation.doc_id(cid, "comment")
    thread_ref, comment_ref = store.thread(db, tid), store.comment(db, tid, cid)
    got = store.read_all(tx, db, [thread_ref, comment_ref])
    thread = threads.visible(got[thread_ref.path])
    snap = got[comment_ref.path]
    if not snap.exists or snap.get("status") != VISIBLE:
        raise NotFound("comment not found")
    return thread, snap.to_dict()


def _read_own(tx: firestore.Transaction, db: firestore.Client, caller: Caller, tid: str,
              cid: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(thread, comment) for a change by caller, who must be the author or a moderator."""
    thread, data = read_visible(tx, db, tid, cid)
    threads.require_owner(caller, data.get("author"), "comment")
    return thread, data


def patch(db: firestore.Client, caller: Caller, tid: str, cid: str, data: Any, now: datetime) -> dict[str, Any]:
    """Edit a comment's body (author or moderator); marks it edited."""
    data = validation.json_object(data)
    validation.only_fields(data, ("body",))
    body = validation.body(data.get("body"))
    guard.check(db, caller, now)
    mentioned = mentions.resolve(db, body)

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        _, current = _read_own(tx, db, caller, tid, cid)
        changes = {"body": body, "bodyHtml": render.markdown_to_html(body, mentioned),
                   "mentions": mentions.mentioned_uids(mentioned), "editedAt": now}
        tx.update(store.comment(db, tid, cid), changes)
        return {**current, **changes}

    return serialize.comment(cid, store.run_transaction(db, fn))


def delete(db: firestore.Client, caller: Caller, tid: str, cid: str, now: datetime) -> None:
    """Soft delete: the text goes, a tombstone stays so replies keep their place; counts drop."""
    guard.check(db, caller, now)

    def fn(tx: firestore.Transaction) -> None:
        thread, current = _read_own(tx, db, caller, tid, cid)
        tx.update(store.comment(db, tid, cid), {
            "status": DELETED, "body": "", "bodyHtml": "", "deletedAt": now,
        })
        count = max(0, thread.get("commentCount", 0) - 1)
        tx.update(store.thread(db, tid), {"commentCount": count,
                                          "score": threads.rescore({**thread, "commentCount": count})})
        author_uid = (current.get("author") or {}).get("uid")
        if author_uid:
            tx.update(store.user(db, author_uid), {"commentCount": firestore.Increment(-1)})

    store.run_transaction(db, fn)


BY_AUTHOR_ORDER: list[Order] = [("createdAt", DESC)]
_COMMENT_PATH = re.compile(r"threads/[A-Za-z0-9_-]{1,64}/comments/[A-Za-z0-9_-]{1,64}")


def list_by_author(db: firestore.Client, uid: str, *, limit: str | None,
                   cursor: str | None) -> dict[str, Any]:
    """A user's visible comments, newest first, each with its thread's title: one collection-group
    query and one batched read of the threads."""
    size = validation.limit(limit)
    query = (db.collection_group("comments")
             .where(filter=firestore.FieldFilter("author.uid", "==", uid))
             .where(filter=firestore.FieldFilter("status", "==", "visible")))

    def ref_for_path(path: str) -> firestore.DocumentReference:
        if not _COMMENT_PATH.fullmatch(path):
            raise validation.Invalid("cursor is not valid", field="cursor")
        return db.document(path)

    snaps, next_cursor = page(query, f"user-comments:{uid}", BY_AUTHOR_ORDER, size, cursor,
                              ref_for_path=ref_for_path)
    thread_refs = list({s.reference.parent.parent.path: s.reference.parent.parent for s in snaps}.values())
    found = _batch(db, thread_refs)
    items = []
    for snap in snaps:
        thread = found.get(snap.reference.parent.parent.path)
        if not thread or not thread.exists or thread.get("status") != VISIBLE:
            continue  # a hidden or deleted thread takes its comments out of every list
        items.append(serialize.comment_summary(snap.id, snap.to_dict(), thread.to_dict() if thread and thread.exists else None,
                                               render.excerpt(snap.get("bodyHtml") or "")))
    return {"items": items, "nextCursor": next_cursor}
