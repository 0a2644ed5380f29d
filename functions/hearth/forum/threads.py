"""Threads: post, list (new / top / active, by tag or author), read, edit, soft-delete."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Callable, Iterable, Mapping

from google.cloud import firestore

from .. import background, validation
from ..auth import Caller
from ..db import store
from ..db.pagination import DESC, Order, page
from ..db.ratelimit import reserve
from ..deps import Config
from ..errors import Forbidden, NotFound
from ..moderation import guard, hiding
from ..moderation.visibility import DELETED, VISIBLE, readable, reveal
from ..search import terms as search_terms
from . import history, mentions, render, serialize, users


class ThreadSort(StrEnum):
    """How a list of threads is ordered (the first is the default)."""

    NEW = "new"
    TOP = "top"
    ACTIVE = "active"


SORTS: dict[ThreadSort, list[Order]] = {
    ThreadSort.NEW: [("createdAt", DESC)],
    ThreadSort.TOP: [("score", DESC), ("createdAt", DESC)],
    ThreadSort.ACTIVE: [("lastActivityAt", DESC)],
}
# The front page (the default sort, no tag, no author) shows pinned threads first.
FRONT_PAGE: list[Order] = [("pinned", DESC), ("createdAt", DESC)]
MODERATOR_FLAGS = ("locked", "pinned")  # moderators only; each change is logged


def content_fields(title: str, body: str, rendered: render.Rendered) -> dict[str, Any]:
    """Title and body with its rendering (whom it mentions goes to its private document: mentions.record)."""
    return {"title": title, "body": body, "bodyHtml": rendered.html, "excerpt": render.excerpt(rendered.html)}


def rendering(db: firestore.Client, body: str, renderer: render.Renderer) -> Callable[[], render.Rendered]:
    """The body's rendering, done on first call and kept across retries (one render per request)."""
    done: list[render.Rendered] = []

    def get() -> render.Rendered:
        if not done:
            done.append(renderer(body, lambda handles: mentions.lookup(db, handles)))
        return done[0]

    return get


def new_thread_state(now: Any) -> dict[str, Any]:
    """What every new thread starts with, whoever posts it (a member, or a page's first comment)."""
    return {
        "createdAt": now,
        "editedAt": None,
        "lastActivityAt": now,
        "commentCount": 0,
        "reactionCounts": {},
        "score": 0,
        "status": VISIBLE,
        "locked": False,
        "pinned": False,
    }


def create(
    db: firestore.Client,
    caller: Caller,
    *,
    title: str,
    body: str,
    tags: list[str],
    now: datetime,
    config: Config,
    renderer: render.Renderer = render.render_post,
) -> dict[str, Any]:
    """Post a thread (title, body and tags already checked by the input model); rendered only once
    the caller may post (suspension, rate window)."""
    rendered = rendering(db, body, renderer)
    doc: dict[str, Any] = {"tags": tags, **new_thread_state(now)}
    ref = store.threads(db).document()
    words = search_terms.text_terms(search_terms.post_text(title, body))  # before the transaction

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        user_ref, rate_ref = store.user(db, caller.uid), store.rate_state(db, caller.uid)
        standing_ref = store.standing(db, caller.uid)
        got = store.read_all(tx, db, [user_ref, rate_ref, standing_ref])
        profile = users.read_profile(tx, db, caller, got[user_ref.path])
        standing = got[standing_ref.path].to_dict()
        guard.refuse_if_suspended(standing, now)
        rate = reserve(got[rate_ref.path], now, config.thread_limit)
        # Rendered only now, once the caller may post (suspension, rate window): one render per request.
        doc.update(content_fields(title, body, rendered()))
        ever = mentions.lifetime(None, rendered().mentions)
        doc["mentionCount"] = len(ever)
        doc["author"] = users.author_snapshot(caller.uid, profile)
        doc["terms"] = search_terms.post_terms(words, doc["author"].get("handle"), doc["tags"])
        # First-post approval covers threads too: a new member's thread waits, hidden, in the queue.
        if hiding.needs_approval(config.first_post_approval, caller, standing):
            hiding.hold_for_approval(tx, db, hiding.Target(ref.id), doc, doc["excerpt"], now)
        users.write_profile(tx, db, caller, profile, now, threadCount=1)
        tx.set(store.rate_state(db, caller.uid), rate, merge=True)
        tx.create(ref, doc)
        if ever:  # whom it mentions, kept where no client reads it, in the same commit as the post
            tx.set(store.mentions(ref), {"uids": ever})
            if doc["status"] == VISIBLE:  # their notifications: background work, in this commit
                background.add(tx, db, background.thread_id(ref.id), background.THREAD, threadId=ref.id)
        return doc

    stored = store.run_transaction(db, fn)
    return {**serialize.thread(ref.id, stored, reveal=True), "myReactions": [], "bookmarked": False}


def personal_state(db: firestore.Client, caller: Caller, tids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """myReactions and bookmarked for each thread, in one batched read."""
    tids = list(tids)
    refs = [store.reaction(store.thread(db, t), caller.uid) for t in tids]
    refs += [store.bookmarks(db, caller.uid).document(t) for t in tids]
    found = {snap.reference.path: snap for snap in db.get_all(refs)} if refs else {}
    state = {}
    for tid in tids:
        reaction = found.get(store.reaction(store.thread(db, tid), caller.uid).path)
        bookmark = found.get(store.bookmarks(db, caller.uid).document(tid).path)
        state[tid] = {
            "myReactions": serialize.my_reactions(reaction.to_dict() if reaction and reaction.exists else None),
            "bookmarked": bool(bookmark and bookmark.exists),
        }
    return state


def list_threads(
    db: firestore.Client,
    caller: Caller | None,
    *,
    sort: ThreadSort,
    tag: str | None,
    author_uid: str | None = None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """A page of visible threads: one query, plus one batched read for a signed-in caller."""
    query = store.threads(db).where(filter=firestore.FieldFilter("status", "==", VISIBLE))
    if tag:
        query = query.where(filter=firestore.FieldFilter("tags", "array_contains", tag))
    if author_uid:
        query = query.where(filter=firestore.FieldFilter("author.uid", "==", author_uid))
    kind = f"threads:{sort}:{tag or ''}:{author_uid or ''}"
    front_page = sort == ThreadSort.NEW and not tag and not author_uid
    snaps, next_cursor = page(query, kind, FRONT_PAGE if front_page else SORTS[sort], limit, cursor)
    # The query keeps to visible threads (as firestore.rules require), so nothing here is hidden.
    items = [serialize.thread(s.id, s.to_dict(), full=False) for s in snaps]
    if caller and items:
        state = personal_state(db, caller, [i["id"] for i in items])
        for item in items:
            item.update(state[item["id"]])
    return {"items": items, "nextCursor": next_cursor}


def get(db: firestore.Client, caller: Caller | None, tid: str) -> dict[str, Any]:
    """One thread (a deleted one as a tombstone; a hidden one only for its author and moderators);
    with the caller's state in the same batched read."""
    ref = store.thread(db, tid)
    if caller is None:
        snap = ref.get()
        if not snap.exists or not readable(None, snap.to_dict()):
            raise NotFound("thread not found")
        return serialize.thread(tid, snap.to_dict())
    refs = [
        ref,
        store.reaction(ref, caller.uid),
        store.bookmarks(db, caller.uid).document(tid),
        store.mute(db, caller.uid, tid),
    ]
    found = {s.reference.path: s for s in db.get_all(refs)}
    snap = found[ref.path]
    if not snap.exists or not readable(caller, snap.to_dict()):
        raise NotFound("thread not found")
    reaction = found[refs[1].path]
    return {
        **serialize.thread(tid, snap.to_dict(), reveal=reveal(caller, snap.to_dict())),
        "myReactions": serialize.my_reactions(reaction.to_dict() if reaction.exists else None),
        "bookmarked": found[refs[2].path].exists,
        "muted": found[refs[3].path].exists,
    }


def read_visible(tx: firestore.Transaction | None, db: firestore.Client, tid: str) -> dict[str, Any]:
    """A visible thread (neither hidden nor deleted), read in tx; NotFound otherwise."""
    validation.doc_id(tid, "thread")
    return visible(store.thread(db, tid).get(transaction=tx))


def visible(snap: firestore.DocumentSnapshot) -> dict[str, Any]:
    """The data of a thread snapshot, or NotFound unless it exists and is visible (not hidden, not deleted)."""
    if not snap.exists or snap.get("status") != VISIBLE:
        raise NotFound("thread not found")
    return snap.to_dict()


def thread_terms(data: Mapping[str, Any]) -> list[str]:
    """The search terms of a thread as stored: its title and body, its author's handle, its tags."""
    words = search_terms.text_terms(search_terms.post_text(data.get("title", ""), data.get("body", "")))
    return search_terms.post_terms(words, (data.get("author") or {}).get("handle"), data.get("tags") or [])


def require_owner(caller: Caller, author: dict[str, Any] | None, what: str) -> None:
    if not caller.is_moderator and (author or {}).get("uid") != caller.uid:
        raise Forbidden(f"only the author or a moderator may change this {what}")


def patch(
    db: firestore.Client,
    caller: Caller,
    tid: str,
    *,
    title: str | None = None,
    body: str | None = None,
    tags: list[str] | None = None,
    locked: bool | None = None,
    pinned: bool | None = None,
    now: datetime,
    config: Config | None = None,
    renderer: render.Renderer = render.render_post,
) -> dict[str, Any]:
    """Edit title, body or tags (author or moderator; marks the thread edited); lock or pin it (moderator).

    Every value is already checked (the input model); None leaves that field as it is. An edit
    takes a place in the caller's edit window; the body is rendered only once the checks pass.
    """
    config = config or Config()
    flags = {flag: value for flag, value in zip(MODERATOR_FLAGS, (locked, pinned), strict=True) if value is not None}
    for flag in flags:
        if not caller.is_moderator:
            raise Forbidden(f"only a moderator may change {flag}")
    # Rendered (with its @mentions, one parse) only once the checks below pass, once per request.
    rendered = rendering(db, body, renderer) if body is not None else None
    edits = body is not None or title is not None or tags is not None
    user_ref, standing_ref = store.user(db, caller.uid), store.standing(db, caller.uid)
    rate_ref = store.rate_window(db, caller.uid, config.edit_limit.action)
    mentions_ref = store.mentions(store.thread(db, tid))

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        got = store.read_all(tx, db, [store.thread(db, tid), user_ref, rate_ref, standing_ref, mentions_ref])
        current = visible(got[store.thread(db, tid).path])
        require_owner(caller, current.get("author"), "thread")
        guard.refuse_if_suspended(got[standing_ref.path].to_dict(), now)
        rate = reserve(got[rate_ref.path], now, config.edit_limit) if edits else None
        actor = None
        if flags:  # locking and pinning are logged: the moderator's handle, read before any write
            actor = hiding.actor_handle(tx, db, caller, got[user_ref.path], now)
        changes: dict[str, Any] = {}
        added: list[str] = []  # whom this edit mentions for the first time
        if edits:
            new_title = title if title is not None else current["title"]
            if rendered is not None and body is not None:
                changes.update(content_fields(new_title, body, rendered()))
                before = mentions.stored(got[mentions_ref.path], current)
                added = [uid for uid in mentions.lifetime(before, rendered().mentions) if uid not in before]
                changes.update(mentions.record(tx, mentions_ref, got[mentions_ref.path], current, rendered().mentions))
            else:
                changes["title"] = new_title  # the body, its rendering and its mentions stay as they are
            changes["editedAt"] = now
            if tags is not None:
                changes["tags"] = tags
            changes["terms"] = thread_terms({**current, **changes})  # in the same commit as the text
            history.keep(tx, store.thread(db, tid), current, changes, now)  # the version this edit replaces
        for flag, value in flags.items():
            changes[flag] = value
            if bool(current.get(flag, False)) != value:
                action = {"locked": ("lock", "unlock"), "pinned": ("pin", "unpin")}[flag][0 if value else 1]
                hiding.write_log(tx, db, hiding.log_entry(caller, actor, action, hiding.Target(tid), None, now))
        if rate is not None:
            tx.set(rate_ref, rate, merge=True)
        tx.update(store.thread(db, tid), changes)
        if added:  # their notifications: background work, in this commit
            item = background.mentions_id(store.thread(db, tid).path, added, now)
            background.add(tx, db, item, background.MENTIONS, threadId=tid, mentions=added)
        return {**current, **changes}

    return serialize.thread(tid, store.run_transaction(db, fn))


def delete(db: firestore.Client, caller: Caller, tid: str, now: datetime) -> None:
    """Soft delete: the thread becomes a tombstone and leaves the lists; its comments stay.

    Its status decides whether the author's count drops (deleting twice must not count twice),
    and everyone writes the thread, so the tombstone is written only if the thread is unchanged
    since it was read (no lock held that their writes would wait on).
    """
    guard.check(db, caller, now)

    def attempt() -> None:
        snap = store.thread(db, tid).get()
        current = visible(snap)
        require_owner(caller, current.get("author"), "thread")
        batch = db.batch()
        # A tombstone is found by nobody: its terms go with it.
        batch.update(
            snap.reference, {"status": DELETED, "deletedAt": now, "terms": []}, option=store.unchanged_since(db, snap)
        )
        author_uid = (current.get("author") or {}).get("uid")
        if author_uid:
            batch.update(store.user(db, author_uid), {"threadCount": firestore.Increment(-1)})
        batch.commit()

    store.retry_while_changed(attempt)
