"""Comments: threaded replies to depth 3, listed as pages of root comments with their first replies."""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Callable, Iterable

from google.cloud import firestore

from .. import background, validation
from ..auth import Caller
from ..db import counters, folding, store
from ..db.pagination import ASC, DESC, Order, page
from ..db.ratelimit import charge, reserve
from ..deps import Config
from ..errors import Forbidden, NotFound
from ..moderation import guard, hiding
from ..moderation.visibility import DELETED, HIDDEN, VISIBLE, readable, reveal
from ..search import terms as search_terms
from . import history, mentions, ranking, render, serialize, threads, users

MAX_DEPTH = 3
# A page of roots comes with each root's first replies, in one query and one batched read. The
# first PREVIEW_REPLIES replies under a root (any depth) take the ids "{rootId}-1".."{rootId}-5"
# (preview slots): a reader asks for exactly those documents, and a writer claims one without
# reading the root (see first_slot and free_slot).
PREVIEW_REPLIES = 5
PREVIEW_ID_RE = re.compile(r"(?P<root>[A-Za-z0-9]+)-(?P<slot>[1-9][0-9]*)")


class CommentSort(StrEnum):
    """How a thread's root comments are ordered (the first is the default)."""

    TOP = "top"
    NEW = "new"
    OLD = "old"


SORTS: dict[CommentSort, list[Order]] = {
    CommentSort.TOP: [("score", DESC), ("createdAt", DESC)],
    CommentSort.NEW: [("createdAt", DESC)],
    CommentSort.OLD: [("createdAt", ASC)],
}
REPLY_ORDER: list[Order] = [("createdAt", ASC)]


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


def preview_id(root_id: str, slot: int) -> str:
    """The id of the slot-th reply (1-based) under a root, while slot <= PREVIEW_REPLIES."""
    return f"{root_id}-{slot}"


def preview_root(cid: str) -> str | None:
    """The root a preview reply's id names; None for any other comment id."""
    match = PREVIEW_ID_RE.fullmatch(cid)
    return match["root"] if match and int(match["slot"]) <= PREVIEW_REPLIES else None


def preview_ids(root_id: str, root: dict[str, Any]) -> list[str]:
    """The ids of a root's preview slots, once it has a reply (min(5, descendantCount) of them are taken)."""
    if int(root.get("descendantCount", 0)) == 0:
        return []
    return [preview_id(root_id, n) for n in range(1, PREVIEW_REPLIES + 1)]


def first_slot(known_replies: int | None, choose: Callable[[list[int]], int] = random.choice) -> int | None:
    """The preview slot a new reply tries first; None (an ordinary id) once the root's slots are full.

    known_replies: the root's descendantCount as read before the write (it only grows), or None
    when its slots are known to be full. A reply is created (a create, failing if the document
    exists) in the same commit that increments descendantCount, and gives up claiming a slot only
    once it has read that all are taken (or knows it from the count), so a root
    with n replies has min(n, 5) slots taken: the first n, unless replies raced for them. The
    first try is at random among those after n, so a burst of replies spreads over the free slots.
    """
    if known_replies is None or known_replies >= PREVIEW_REPLIES:
        return None
    return free_slot(set(range(1, known_replies + 1)), choose)


def free_slot(taken: set[int], choose: Callable[[list[int]], int] = random.choice) -> int | None:
    """A preview slot not in taken, picked by choose (at random), or None when all are taken."""
    free = [n for n in range(1, PREVIEW_REPLIES + 1) if n not in taken]
    return choose(free) if free else None


def taken_slots(db: firestore.Client, tid: str, root_id: str) -> set[int]:
    """The preview slots of a root that replies hold, in one batched read."""
    refs = {n: store.comment(db, tid, preview_id(root_id, n)) for n in range(1, PREVIEW_REPLIES + 1)}
    got = store.read_all(None, db, list(refs.values()))
    return {n for n, ref in refs.items() if got[ref.path].exists}


def counter_changes(where: dict[str, Any], held: bool = False) -> dict[str, dict[str, int]]:
    """The increments a new reply makes, by comment id: its direct parent's and its root's counters.

    One shard bump per comment: the direct parent and the root may be the same comment. A reply held
    for approval (held) moves no score: only the root's descendantCount, which places preview
    slots and only grows; approving it moves the rest (hiding.set_hidden).
    """
    changes: dict[str, dict[str, int]] = {}
    if where["parentId"] is not None and not held:
        changes[where["parentId"]] = {"replyCount": 1, "score": ranking.COMMENT_POINTS_PER_REPLY}
    if where["rootId"] is not None:
        changes.setdefault(where["rootId"], {})["descendantCount"] = 1
    return changes


def parent_changes(where: dict[str, Any], step: int) -> dict[str, dict[str, int]]:
    """What a reply counts on its direct parent (replyCount, score), step +1 or -1."""
    if where.get("parentId") is None:
        return {}
    return {where["parentId"]: {"replyCount": step, "score": step * ranking.COMMENT_POINTS_PER_REPLY}}


@dataclass(frozen=True)
class Context:
    """What a new comment is decided by, read in one batch outside any transaction."""

    thread: dict[str, Any]
    parent: dict[str, Any] | None
    known_replies: int | None  # the root's descendantCount; None when its preview slots are full (or no root)
    got: dict[str, firestore.DocumentSnapshot]  # every snapshot read, by path
    creates_thread: bool = False  # a page's first comment: the thread does not exist yet (pages.py)


def read_context(
    db: firestore.Client,
    tid: str,
    parent_id: str | None,
    also: list[firestore.DocumentReference],
    new_thread: dict[str, Any] | None = None,
) -> Context:
    """The thread, the parent, the root's reply count and the `also` documents, in one batched read.

    new_thread: a page thread to create when the thread does not exist (a root comment only).
    """
    thread_ref = store.thread(db, tid)
    parent_ref = store.comment(db, tid, parent_id) if parent_id is not None else None
    # A reply to a preview reply names its root; read it in the same batch, for its count.
    root_id = preview_root(parent_id) if parent_id is not None else None
    root_ref = store.comment(db, tid, root_id) if root_id is not None else None
    got = store.read_all(None, db, [r for r in (thread_ref, parent_ref, root_ref) if r is not None] + also)
    if new_thread is not None and parent_ref is None and not got[thread_ref.path].exists:
        return Context(new_thread, None, None, got, creates_thread=True)
    thread = threads.visible(got[thread_ref.path])
    if parent_ref is None:
        return Context(thread, None, None, got)
    if not got[parent_ref.path].exists or got[parent_ref.path].get("status") == HIDDEN:
        raise NotFound("parent comment not found", field="parentId")
    parent = got[parent_ref.path].to_dict()
    if int(parent.get("depth", 1)) == 1:
        root: dict[str, Any] | None = parent
    elif root_ref is not None and parent.get("rootId") == root_id and got[root_ref.path].exists:
        root = got[root_ref.path].to_dict()
    else:
        # Not a preview reply, so it was written after its root's slots had filled: they still are.
        root = None
    return Context(thread, parent, int(root.get("descendantCount", 0)) if root is not None else None, got)


class Once:
    """A post's rendering, done on first use and kept across retries of its write (one render per request)."""

    def __init__(self, db: firestore.Client, body: str, renderer: render.Renderer) -> None:
        self._db, self._body, self._renderer = db, body, renderer
        self._done: render.Rendered | None = None

    def __call__(self) -> render.Rendered:
        if self._done is None:
            self._done = self._renderer(self._body, lambda handles: mentions.lookup(self._db, handles))
        return self._done


def create(
    db: firestore.Client,
    caller: Caller,
    tid: str,
    *,
    body: str,
    parent_id: str | None,
    now: datetime,
    config: Config,
    renderer: render.Renderer = render.render_post,
    new_thread: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Post a comment or reply: counters on the thread, parent, root and author move by increments.

    No transaction: one batched read (the thread, the parent and root, the caller's profile and
    rate window), then one commit preconditioned on what decides it, the caller's own documents
    (store.retry_while_changed). A burst of comments on one thread never waits on a lock.
    new_thread (pages.py): created, create-only, in the same commit when the thread does not exist
    yet; a concurrent first comment that created it first makes this one run again and find it.
    """
    # Rendered only once the cheap checks pass (thread, parent, lock, suspension, rate window),
    # once per request; its @mentions are resolved from the same parse (one batched read).
    rendered = Once(db, body, renderer)
    # Search terms, like the rendering, once the cheap checks pass and once per request.
    words = functools.cache(lambda: search_terms.text_terms(search_terms.post_text(None, body)))
    user_ref, rate_ref = store.user(db, caller.uid), store.rate_state(db, caller.uid)
    standing_ref = store.standing(db, caller.uid)
    claimed: list[int] = []  # the preview slots earlier attempts tried to take

    def attempt() -> tuple[str, dict[str, Any]]:
        context = read_context(db, tid, parent_id, [user_ref, rate_ref, standing_ref], new_thread)
        snaps.clear()
        snaps.update(context.got)
        if context.thread.get("locked") and not caller.is_moderator:
            raise Forbidden("this thread is locked")
        where = placement(parent_id, context.parent)
        profile = users.read_profile(None, db, caller, context.got[user_ref.path])
        standing = context.got[standing_ref.path].to_dict()
        guard.refuse_if_suspended(standing, now)  # the standing is in the batch: no extra read
        rate_snap = context.got[rate_ref.path]
        rate = reserve(rate_snap, now, config.comment_limit)
        if context.creates_thread:  # a new page thread shows on the front page: it counts as a thread too
            rate.update(reserve(rate_snap, now, config.thread_limit))
        body_html, mentioned_uids = rendered().html, mentions.lifetime(None, rendered().mentions)
        # The first replies under a root take its preview slots. Nobody reads a slot to take it: a
        # reply creates it blind, and one that a concurrent reply beat fails with AlreadyExists and
        # runs again, then looking at which slots are taken (after a race they need not be the first n).
        slot = None
        replies = context.known_replies if where["rootId"] is not None else None
        if replies is not None and replies < PREVIEW_REPLIES:
            slot = free_slot(taken_slots(db, tid, where["rootId"])) if claimed else first_slot(replies)
        if slot is not None:
            claimed.append(slot)
        ref = (
            store.comment(db, tid, preview_id(where["rootId"], slot))
            if slot is not None
            else store.comments(db, tid).document()
        )
        doc = {
            "threadId": tid,
            **where,
            "body": body,
            "bodyHtml": body_html,
            "mentionCount": len(mentioned_uids),
            # The comment the author answered: its parent, except below depth 3 where a reply
            # joins its parent's level (the notification still goes to the one answered).
            "repliedToId": parent_id,
            "repliedToHandle": answered_handle(context.parent),
            "author": users.author_snapshot(caller.uid, profile),
            "terms": search_terms.post_terms(words(), profile.get("handle")),
            "createdAt": now,
            "editedAt": None,
            "reactionCounts": {},
            "score": 0,
            "replyCount": 0,
            "descendantCount": 0,
            "status": VISIBLE,
        }
        held = hiding.needs_approval(config.first_post_approval, caller, standing)
        batch = db.batch()
        users.write_profile(batch, db, caller, profile, now, commentCount=1)
        if rate_snap.exists:  # the rate window decides: two requests of the caller's must not both pass
            batch.update(rate_ref, rate, option=store.unchanged_since(db, rate_snap))
        else:
            batch.create(rate_ref, rate)
        if held:  # counted on the thread, like a restored comment, only once approved
            hiding.hold_for_approval(batch, db, hiding.Target(tid, ref.id), doc, render.excerpt(doc["bodyHtml"]), now)
        batch.create(ref, doc)
        if mentioned_uids:  # whom it mentions, kept where no client reads it, in the post's own commit
            batch.set(store.mentions(ref), {"uids": mentioned_uids})
        if context.creates_thread:
            counted = (
                {}
                if held
                else {
                    "commentCount": 1,
                    "score": ranking.THREAD_POINTS_PER_COMMENT,
                    "lastActivityAt": firestore.SERVER_TIMESTAMP,
                }
            )
            batch.create(store.thread(db, tid), {**context.thread, **counted})
        elif not held:
            # Through a shard of the thread's counters (db/counters.py), folded into the thread
            # about once in two seconds at most. lastActivityAt is the commit's own time: a server value,
            # so it needs no read; the fold keeps the latest.
            bumped.append(store.thread(db, tid))
            counters.bump(
                batch,
                bumped[-1],
                {"commentCount": 1, "score": ranking.THREAD_POINTS_PER_COMMENT},
                activity=True,
            )
        for cid, changes in counter_changes(where, held=held).items():
            bumped.append(store.comment(db, tid, cid))
            counters.bump(batch, bumped[-1], changes)
        if not held:  # its notifications: background work, in this commit (a held one's, once approved)
            background.add(
                batch,
                db,
                background.comment_id(tid, ref.id),
                background.COMMENT,
                threadId=tid,
                commentId=ref.id,
                # Whom it answers, so that its fan-out reads that comment with it in one batch.
                repliedToId=doc["repliedToId"],
            )
        batch.commit()
        return ref.id, doc

    bumped: list[firestore.DocumentReference] = []
    snaps: dict[str, firestore.DocumentSnapshot] = {}

    def attempt_once() -> tuple[str, dict[str, Any]]:
        bumped.clear()
        return attempt()

    cid, stored = store.retry_while_changed(attempt_once)
    for owner in bumped:  # the owners as the successful attempt read them, before its bumps
        folding.settle(db, owner, now, snaps.get(owner.path))
    return {**serialize.comment(cid, stored, reveal=True), "myReactions": [], "replies": [], "moreReplies": False}


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


def _thread_readable(
    found: dict[str, firestore.DocumentSnapshot], db: firestore.Client, tid: str, caller: Caller | None
) -> None:
    """NotFound unless the thread exists and the caller may read it (a hidden thread hides its comments)."""
    snap = found[store.thread(db, tid).path]
    if not snap.exists or not readable(caller, snap.to_dict()):
        raise NotFound("thread not found")


def _with_reactions(
    tid: str, items: Iterable[dict[str, Any]], found: dict[str, Any], db: firestore.Client, caller: Caller | None
) -> None:
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


def list_comments(
    db: firestore.Client, caller: Caller | None, tid: str, *, sort: CommentSort, limit: int, cursor: str | None
) -> dict[str, Any]:
    """A page of root comments, each with its first replies nested: one query and one batched read."""
    query = store.comments(db, tid).where(filter=firestore.FieldFilter("depth", "==", 1))
    snaps, next_cursor = page(query, f"comments:{sort}", SORTS[sort], limit, cursor)
    roots = [(s.id, s.to_dict()) for s in snaps]
    previews = {cid: preview_ids(cid, data) for cid, data in roots}
    reply_ids = [rid for ids in previews.values() for rid in ids]
    # The thread joins the batched read: a missing or hidden thread has no comments to show.
    refs = [store.thread(db, tid), *(store.comment(db, tid, rid) for rid in reply_ids)]
    if caller:
        ids = [cid for cid, _ in roots] + reply_ids
        refs += [store.reaction(store.comment(db, tid, cid), caller.uid) for cid in ids]
    found = store.read_all(None, db, refs)
    _thread_readable(found, db, tid, caller)
    items = []
    for cid, data in roots:
        if not shown(data, caller):
            continue
        root = view(cid, data, caller)
        taken = [s for s in (found.get(store.comment(db, tid, rid).path) for rid in previews[cid]) if s and s.exists]
        taken.sort(key=lambda s: (s.get("createdAt"), s.id))  # slots are claimed in any order
        replies = [view(s.id, s.to_dict(), caller) for s in taken if shown(s.to_dict(), caller)]
        _with_reactions(tid, [root, *replies], found, db, caller)
        root["replies"] = nest(cid, replies)
        root["moreReplies"] = root["descendantCount"] > len(taken)
        items.append(root)
    return {"items": items, "nextCursor": next_cursor}


def list_replies(
    db: firestore.Client, caller: Caller | None, tid: str, root_id: str, *, limit: int, cursor: str | None
) -> dict[str, Any]:
    """Every reply under a root comment, oldest first and flat (each names its parentId and depth)."""
    query = store.comments(db, tid).where(filter=firestore.FieldFilter("rootId", "==", root_id))
    snaps, next_cursor = page(query, f"replies:{root_id}", REPLY_ORDER, limit, cursor)
    root_ref = store.comment(db, tid, root_id)
    refs = [root_ref, store.thread(db, tid)]
    if caller:
        refs += [store.reaction(store.comment(db, tid, s.id), caller.uid) for s in snaps]
    found = store.read_all(None, db, refs)
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
    ref = store.comment(db, tid, cid)
    # The thread joins the read: a hidden thread hides its comments.
    refs = [ref, store.thread(db, tid), *([store.reaction(ref, caller.uid)] if caller else [])]
    found = store.read_all(None, db, refs)
    _thread_readable(found, db, tid, caller)
    snap = found[ref.path]
    if not snap.exists or not shown(snap.to_dict(), caller):
        raise NotFound("comment not found")
    item = {**view(cid, snap.to_dict(), caller), "replies": [], "moreReplies": False}
    _with_reactions(tid, [item], found, db, caller)
    return item


def read_visible(db: firestore.Client, tid: str, cid: str) -> tuple[dict[str, Any], firestore.DocumentSnapshot]:
    """(thread, comment snapshot), both visible, read in one batch outside any transaction; NotFound otherwise."""
    validation.doc_id(tid, "thread")
    validation.doc_id(cid, "comment")
    thread_ref, comment_ref = store.thread(db, tid), store.comment(db, tid, cid)
    got = store.read_all(None, db, [thread_ref, comment_ref])
    thread = threads.visible(got[thread_ref.path])
    visible(got[comment_ref.path])
    return thread, got[comment_ref.path]


def visible(snap: firestore.DocumentSnapshot) -> dict[str, Any]:
    """The data of a comment snapshot, or NotFound unless it exists and is visible (not hidden, not deleted)."""
    if not snap.exists or snap.get("status") != VISIBLE:
        raise NotFound("comment not found")
    return snap.to_dict()


def _read_own(db: firestore.Client, caller: Caller, tid: str, cid: str) -> firestore.DocumentSnapshot:
    """The comment, for a change by caller, who must be the author or a moderator (authors never change)."""
    _, snap = read_visible(db, tid, cid)
    threads.require_owner(caller, snap.to_dict().get("author"), "comment")
    return snap


def patch(
    db: firestore.Client,
    caller: Caller,
    tid: str,
    cid: str,
    *,
    body: str,
    now: datetime,
    config: Config | None = None,
    renderer: render.Renderer = render.render_post,
) -> dict[str, Any]:
    """Edit a comment's body (author or moderator); marks it edited.

    No transaction, so no lock that reactions and replies to the comment would wait on: one
    batched read (the comment, its thread, the caller's profile and edit window), then an update
    preconditioned on the comment being unchanged since, so an edit racing a delete cannot put
    the deleted text back. The body is rendered only once those checks pass.
    """
    config = config or Config()
    rendered = Once(db, body, renderer)
    words = functools.cache(lambda: search_terms.text_terms(search_terms.post_text(None, body)))
    standing_ref = store.standing(db, caller.uid)
    rate_ref = store.rate_window(db, caller.uid, config.edit_limit.action)
    thread_ref, comment_ref = store.thread(db, tid), store.comment(db, tid, cid)
    mentions_ref = store.mentions(comment_ref)

    def attempt() -> dict[str, Any]:
        got = store.read_all(None, db, [thread_ref, comment_ref, standing_ref, rate_ref, mentions_ref])
        threads.visible(got[thread_ref.path])
        snap = got[comment_ref.path]
        current = visible(snap)
        threads.require_owner(caller, current.get("author"), "comment")
        guard.refuse_if_suspended(got[standing_ref.path].to_dict(), now)
        batch = db.batch()
        charge(batch, rate_ref, got[rate_ref.path], now, config.edit_limit, lambda s: store.unchanged_since(db, s))
        before = mentions.stored(got[mentions_ref.path], current)
        added = [uid for uid in mentions.lifetime(before, rendered().mentions) if uid not in before]
        changes = {
            "body": body,
            "bodyHtml": rendered().html,
            # Written with the comment, whose precondition covers both: a racing edit runs again.
            **mentions.record(batch, mentions_ref, got[mentions_ref.path], current, rendered().mentions),
            "editedAt": now,
            # The terms change in the same commit as the text: a search never finds words a post lost.
            "terms": search_terms.post_terms(words(), (current.get("author") or {}).get("handle")),
        }
        history.keep(batch, comment_ref, current, changes, now)  # the version it replaces, in the same commit
        batch.update(comment_ref, changes, option=store.unchanged_since(db, snap))
        if added:  # their notifications: background work, in this commit
            item = background.mentions_id(comment_ref.path, added, now)
            background.add(batch, db, item, background.MENTIONS, threadId=tid, commentId=cid, mentions=added)
        batch.commit()
        return {**current, **changes}

    return serialize.comment(cid, store.retry_while_changed(attempt))


def delete(db: firestore.Client, caller: Caller, tid: str, cid: str, now: datetime) -> None:
    """Soft delete: the text goes, a tombstone stays so replies keep their place; counts drop.

    The comment's status decides whether the counts move (deleting twice must not count twice),
    and others write the comment too (reactions, replies), so the tombstone is written only if
    the comment is unchanged since it was read; the thread's counters move by increments.
    """
    guard.check(db, caller, now)

    bumped: list[firestore.DocumentReference] = []

    def attempt() -> None:
        bumped.clear()
        snap = _read_own(db, caller, tid, cid)
        batch = db.batch()
        batch.update(
            snap.reference,
            {"status": DELETED, "body": "", "bodyHtml": "", "terms": [], "deletedAt": now},
            option=store.unchanged_since(db, snap),
        )
        # Through the shards, as the comment's creation counted it (a fold then moves both at once).
        bumped.append(store.thread(db, tid))
        counters.bump(batch, bumped[-1], {"commentCount": -1, "score": -ranking.THREAD_POINTS_PER_COMMENT})
        author_uid = (snap.to_dict().get("author") or {}).get("uid")
        if author_uid:
            batch.update(store.user(db, author_uid), {"commentCount": firestore.Increment(-1)})
        # A deleted reply takes back what it added to its parent (replyCount stays the count of
        # live replies, so a tombstone knows whether replies still hang from it). The root's
        # descendantCount stays: it places preview slots, and only grows.
        for parent_id, changes in parent_changes(snap.to_dict(), -1).items():
            bumped.append(store.comment(db, tid, parent_id))
            counters.bump(batch, bumped[-1], changes)
        batch.commit()

    store.retry_while_changed(attempt)
    for owner in bumped:
        folding.settle(db, owner, now)


BY_AUTHOR_ORDER: list[Order] = [("createdAt", DESC)]
_COMMENT_PATH = re.compile(r"threads/[A-Za-z0-9_-]{1,64}/comments/[A-Za-z0-9_-]{1,64}")


def list_by_author(db: firestore.Client, uid: str, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """A user's visible comments, newest first, each with its thread's title (None for a deleted
    thread): one collection-group query and one batched read of the threads."""
    query = (
        db.collection_group("comments")
        .where(filter=firestore.FieldFilter("author.uid", "==", uid))
        .where(filter=firestore.FieldFilter("status", "==", VISIBLE))
    )

    def ref_for_path(path: str) -> firestore.DocumentReference:
        if not _COMMENT_PATH.fullmatch(path):
            raise validation.Invalid("cursor is not valid", field="cursor")
        return db.document(path)

    snaps, next_cursor = page(query, f"user-comments:{uid}", BY_AUTHOR_ORDER, limit, cursor, ref_for_path=ref_for_path)
    thread_refs = list({s.reference.parent.parent.path: s.reference.parent.parent for s in snaps}.values())
    found = store.read_all(None, db, thread_refs)
    items = []
    for snap in snaps:
        thread = found.get(snap.reference.parent.parent.path)
        if not thread or not thread.exists or thread.get("status") == HIDDEN:
            continue  # a hidden thread takes its comments out of every list
        # A deleted thread's comments stay readable under its tombstone, so they stay listed (and
        # counted: the profile's commentCount includes them), with no thread title.
        items.append(
            serialize.comment_summary(
                snap.id,
                snap.to_dict(),
                thread.to_dict() if thread and thread.exists else None,
                render.excerpt(snap.get("bodyHtml") or ""),
            )
        )
    return {"items": items, "nextCursor": next_cursor}
