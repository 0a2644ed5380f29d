"""Who hears about a post: the fan-out the background work runs (background.py) for a new thread or
comment and for an edit that mentions someone new.

A new comment notifies the author of the comment it answers (`reply`), the thread's author
(`comment`: every comment on the thread, as dev.to subscribes an article's author to all its
comments) and the users it @mentions (`mention`). A new thread, or an edit of a thread or
comment, notifies the users it newly mentions: the post's public `mentionCount` grew, and the
uids come from its private mentions document (store.mentions, written in the post's commit; the
list only grows, so the counts before and after name the new ones). Each recipient gets at most one notification per
post: reply beats comment beats mention; never the actor, never someone who muted the thread.

Background work is run at least once (retried until it succeeds), so every write here is safe to
repeat: a notification's id is a function of the post and the recipient, and it is created (never
overwritten) in one atomic batch with the +1 on the recipient's unread counter (through one of the
inbox's counter shards, db/counters.py), so a second run for the same post, or a later edit that
mentions the same user again, writes nothing.
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Mapping, Sequence

from firebase_functions import logger
from google.api_core.exceptions import AlreadyExists, GoogleAPICallError
from google.cloud import firestore

from ..db import counters, folding, store
from ..errors import Busy
from ..forum import render
from ..forum.mentions import MAX_MENTIONS
from ..moderation.visibility import VISIBLE
from . import groups, preferences
from .kinds import COMMENT, MENTION, REPLY, NotificationKind

KINDS = (REPLY, COMMENT, MENTION)
EXCERPT_LENGTH = 140


class DeliveryFailed(Exception):
    """Some recipients' notifications could not be written (each failure is logged)."""


@dataclass
class Closing:
    """The writes that end a fan-out's background work (its outbox item's done mark: background.py),
    made in the fan-out's last commit when no recipient failed before it: a commit fewer per post.
    `committed` says whether they were; when not, the caller writes them on their own."""

    add: Callable[[Any], None]  # adds the writes to a batch
    committed: bool = False


@dataclass(frozen=True)
class Subject:
    """The post a set of notifications is about."""

    path: str  # the post's document path; with the recipient it names the notification
    thread_id: str
    thread_title: str
    comment_id: str | None
    root_id: str | None
    actor: Mapping[str, Any]  # the post's author snapshot {uid, handle, displayName}
    excerpt: str
    page_url: str | None = None  # a page thread's article (forum/pages.py): the link goes back to it


def notification_id(subject_path: str, uid: str) -> str:
    """The id of uid's notification about a post: the same for every delivery and every edit of it."""
    return hashlib.sha256(f"{subject_path}\n{uid}".encode()).hexdigest()[:40]


def recipient_kinds(
    actor_uid: str, *, replied_to: str | None = None, thread_author: str | None = None, mentioned: Iterable[str] = ()
) -> dict[str, tuple[NotificationKind, ...]]:
    """uid -> every kind a post could notify them as, by precedence (reply, comment, mention); never the actor."""
    wanted: dict[str, tuple[NotificationKind, ...]] = {}
    candidates = [(REPLY, replied_to), (COMMENT, thread_author)]
    candidates += [(MENTION, uid) for uid in list(mentioned)[:MAX_MENTIONS]]
    for kind, uid in candidates:
        if uid and uid != actor_uid and kind not in wanted.get(uid, ()):
            wanted[uid] = (*wanted.get(uid, ()), kind)
    return wanted


def recipients(
    actor_uid: str, *, replied_to: str | None = None, thread_author: str | None = None, mentioned: Iterable[str] = ()
) -> dict[str, NotificationKind]:
    """uid -> kind for one post: one kind each (reply, then comment, then mention), never the actor."""
    kinds = recipient_kinds(actor_uid, replied_to=replied_to, thread_author=thread_author, mentioned=mentioned)
    return {uid: found[0] for uid, found in kinds.items()}


def mention_count(post: Mapping[str, Any] | None) -> int:
    """How many users a post has ever mentioned (the public mentionCount; a post written before the
    uids moved to its private document carries the list itself)."""
    if not post:
        return 0
    if "mentionCount" in post:
        return int(post.get("mentionCount") or 0)
    return len(post.get("mentions") or [])


def new_mentions(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> slice | None:
    """Which of the post's lifetime mentions (store.mentions, a list that only grows) this write added:
    a slice of that list, or None when it added nobody (all of them for a new post)."""
    start, end = mention_count(before), mention_count(after)
    return slice(start, end) if end > start else None


def added_mentions(
    added: slice | None, after: Mapping[str, Any], private: firestore.DocumentSnapshot | None
) -> list[str]:
    """The users the write added (new_mentions), from the post's private mentions document."""
    if added is None:
        return []
    uids = (private.to_dict() or {}).get("uids") if private is not None and private.exists else after.get("mentions")
    return list(uids or [])[added]


def visible(data: Mapping[str, Any] | None) -> bool:
    return bool(data) and data.get("status", VISIBLE) == VISIBLE and bool((data.get("author") or {}).get("uid"))


def thread_shown(thread: Mapping[str, Any] | None) -> bool:
    """A thread readers see; a page thread (forum/pages.py) has no author."""
    return bool(thread) and thread.get("status", VISIBLE) == VISIBLE


def article_link(thread: Mapping[str, Any], cid: str) -> str | None:
    """For a comment on a page thread: the article's URL with the fragment the embed highlights."""
    url = (thread.get("page") or {}).get("url")
    return f"{url}#hearth-c-{cid}" if url else None


def document(subject: Subject, kind: str) -> dict[str, Any]:
    """The notification document a recipient finds in users/{uid}/notifications."""
    extra = {"url": subject.page_url} if subject.page_url else {}
    return {
        **extra,
        "kind": str(kind),
        "threadId": subject.thread_id,
        "threadTitle": subject.thread_title,
        "commentId": subject.comment_id,
        "rootId": subject.root_id,
        "actor": {k: subject.actor.get(k) for k in ("uid", "handle", "displayName")},
        "excerpt": subject.excerpt,
        "subject": subject.path,
        # The commit time: the same clock as the inbox's readAllAt, so "read by mark-all" is exact.
        "createdAt": firestore.SERVER_TIMESTAMP,
        "read": False,
    }


def heard(muted: bool, prefs: Mapping[str, Any] | None, kind: str, actor_uid: str | None) -> bool:
    """Whether a recipient hears about a post: not when they muted its thread, turned its kind off
    in their settings, or blocked its author."""
    return not muted and preferences.wants(prefs, kind, actor_uid)


def kind_heard(
    muted: bool, prefs: Mapping[str, Any] | None, kinds: str | Sequence[str], actor_uid: str | None
) -> str | None:
    """The first of a recipient's kinds (by precedence) they hear, or None: a thread's author who turned
    comments off still hears a mention in a comment on their thread."""
    for kind in (kinds,) if isinstance(kinds, str) else kinds:
        if heard(muted, prefs, kind, actor_uid):
            return kind
    return None


def deliver(
    db: firestore.Client,
    subject: Subject,
    wanted: Mapping[str, str | Sequence[str]],
    closing: Closing | None = None,
) -> list[str]:
    """Write each wanted recipient's notification unless they would not hear it (heard); the ids newly written.

    One batched read of the recipients' mutes, preferences and inboxes (and, for the thread's author,
    what their run of comments needs: notifications/groups.py), then one atomic commit per recipient:
    create the notification and add 1 to their unread count, or, when it exists already, do neither.
    A `comment` joins the recipient's unread run on the thread (one unread item however many). The
    last recipient's commit also makes the closing writes, when no recipient failed before it. Then
    each recipient's inbox is folded (or its fold scheduled), also when a run before this one wrote.
    """
    if not wanted:
        return []
    actor_uid = subject.actor.get("uid")
    mutes = {uid: store.mute(db, uid, subject.thread_id) for uid in wanted}
    prefs = {uid: store.preferences(db, uid) for uid in wanted}
    inboxes = {uid: store.inbox(db, uid) for uid in wanted}  # read for the fold after the bump, too
    grouped = [uid for uid, kinds in wanted.items() if COMMENT in ((kinds,) if isinstance(kinds, str) else kinds)]
    run_refs = {
        uid: [
            store.notifications(db, uid).document(notification_id(subject.path, uid)),
            store.group_marker(db, uid, subject.thread_id),
        ]
        for uid in grouped
    }
    refs = [*mutes.values(), *prefs.values(), *inboxes.values(), *(r for rs in run_refs.values() for r in rs)]
    found = store.read_all(None, db, refs)
    plan = []  # (uid, the kind they hear the post as): those who hear it
    for uid, kinds in wanted.items():
        pref = found[prefs[uid].path]
        kind = kind_heard(found[mutes[uid].path].exists, pref.to_dict() if pref.exists else None, kinds, actor_uid)
        if kind is not None:
            plan.append((uid, kind))
    written: list[str] = []
    failed: list[str] = []
    heard_by: list[str] = []
    for i, (uid, kind) in enumerate(plan):
        nid = notification_id(subject.path, uid)
        closes = closing if closing is not None and i == len(plan) - 1 and not failed else None
        also = closes.add if closes is not None else None
        try:
            if kind == COMMENT:
                got = {r.path: found[r.path] for r in [*run_refs[uid], inboxes[uid]]}
                if not groups.deliver_in_run(db, uid, subject.thread_id, nid, document(subject, kind), got, also):
                    continue
            else:
                batch = db.batch()
                batch.create(store.notifications(db, uid).document(nid), document(subject, kind))
                counters.bump(batch, inboxes[uid], {"unread": 1})
                if also is not None:
                    also(batch)
                batch.commit()
            if closes is not None:
                closes.committed = True
        except AlreadyExists:
            heard_by.append(uid)  # its +1 may wait in a shard an earlier run could not fold
            continue  # written by an earlier delivery of this event, or for an earlier version of the post
        except (GoogleAPICallError, Busy):
            logger.error(
                f"could not notify {uid} about {subject.path}\n{traceback.format_exc()}", uid=uid, subject=subject.path
            )
            failed.append(uid)
            continue
        written.append(nid)
        heard_by.append(uid)
    now = datetime.now(timezone.utc)
    for uid in heard_by:  # each inbox as read before its bump: a hot one is left to its fold task, unread
        folding.settle(db, inboxes[uid], now, found[inboxes[uid].path])
    if failed:
        raise DeliveryFailed(f"{len(failed)} of {len(wanted)} notifications about {subject.path} not written")
    return written


def _excerpt(post: Mapping[str, Any]) -> str:
    return render.excerpt(post.get("bodyHtml") or "", EXCERPT_LENGTH)


def first_shown(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> bool:
    """A comment readers see for the first time: new, or a new member's comment just approved
    (first-post approval holds it hidden until then). Restoring a comment moderators hid is not."""
    if not visible(after):
        return False
    return before is None or (before.get("hidden") or {}).get("by") == "approval"


def on_comment_written(
    db: firestore.Client,
    tid: str,
    cid: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    closing: Closing | None = None,
    read: Mapping[str, firestore.DocumentSnapshot] | None = None,
) -> list[str]:
    """A comment was created or changed: notify as the module says; the ids newly written.

    read: snapshots read already, by path (comment_created's batch); the rest are read here."""
    if not visible(after):
        return []
    created = first_shown(before, after)
    added = new_mentions(None if created else before, after)
    if not created and added is None:
        return []  # a counter moved, or an edit that mentions nobody new: nothing to read
    actor = after["author"]
    replied_to_id = (after.get("repliedToId") or after.get("parentId")) if created else None
    thread_ref, private_ref = store.thread(db, tid), store.mentions(store.comment(db, tid, cid))
    replied_ref = store.comment(db, tid, replied_to_id) if replied_to_id else None
    # One batched read: the thread, the comment answered, and whom the comment mentions (not public).
    refs = [thread_ref, *([replied_ref] if replied_ref else []), private_ref]
    found = dict(read or {})
    missing = [ref for ref in refs if ref.path not in found]
    if missing:
        found.update(store.read_all(None, db, missing))
    thread = found[thread_ref.path].to_dict() if found[thread_ref.path].exists else None
    if not thread_shown(thread):
        return []
    mentioned = added_mentions(added, after, found[private_ref.path])
    replied_to = found[replied_ref.path].to_dict() if replied_ref and found[replied_ref.path].exists else None
    wanted = recipient_kinds(
        actor["uid"],
        replied_to=(replied_to or {}).get("author", {}).get("uid") if visible(replied_to) else None,
        thread_author=(thread.get("author") or {}).get("uid") if created else None,
        mentioned=mentioned,
    )
    subject = Subject(
        path=store.comment(db, tid, cid).path,
        thread_id=tid,
        thread_title=thread.get("title", ""),
        comment_id=cid,
        root_id=after.get("rootId") or cid,
        actor=actor,
        excerpt=_excerpt(after),
        page_url=article_link(thread, cid),
    )
    return deliver(db, subject, wanted, closing)


def on_thread_written(
    db: firestore.Client,
    tid: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    closing: Closing | None = None,
) -> list[str]:
    """A thread was created or edited: notify the users it newly mentions; the ids newly written."""
    if not visible(after):
        return []
    added = new_mentions(before, after)
    if added is None:
        return []
    mentioned = added_mentions(added, after, store.mentions(store.thread(db, tid)).get())
    if not mentioned:
        return []
    actor = after["author"]
    subject = Subject(
        path=store.thread(db, tid).path,
        thread_id=tid,
        thread_title=after.get("title", ""),
        comment_id=None,
        root_id=None,
        actor=actor,
        excerpt=_excerpt(after),
    )
    return deliver(db, subject, recipient_kinds(actor["uid"], mentioned=mentioned), closing)


def comment_created(
    db: firestore.Client, tid: str, cid: str, closing: Closing | None = None, replied: str | None = None
) -> list[str]:
    """A comment readers now see (new, or approved): notify as the module says; the ids newly written.

    The comment, its thread, its private mentions and the comment it answers (replied, when its
    outbox item names it) are read in one batch; on_comment_written reads what it still needs."""
    ref = store.comment(db, tid, cid)
    refs = [ref, store.thread(db, tid), store.mentions(ref), *([store.comment(db, tid, replied)] if replied else [])]
    read = store.read_all(None, db, refs)
    snap = read[ref.path]
    return on_comment_written(db, tid, cid, None, snap.to_dict(), closing, read) if snap.exists else []


def thread_created(db: firestore.Client, tid: str, closing: Closing | None = None) -> list[str]:
    """A new thread readers see: notify the users it mentions; the ids newly written."""
    snap = store.thread(db, tid).get()
    return on_thread_written(db, tid, None, snap.to_dict(), closing) if snap.exists else []


def mentions_added(
    db: firestore.Client, tid: str, cid: str | None, added: Sequence[str], closing: Closing | None = None
) -> list[str]:
    """An edit of a thread (cid None) or comment mentioned these users for the first time (its outbox
    item names them): notify them, if the post and its thread are still shown."""
    thread_ref = store.thread(db, tid)
    post_ref = store.comment(db, tid, cid) if cid else thread_ref
    found = store.read_all(None, db, list({r.path: r for r in (thread_ref, post_ref)}.values()))
    post = found[post_ref.path].to_dict() if found[post_ref.path].exists else None
    thread = found[thread_ref.path].to_dict() if found[thread_ref.path].exists else None
    if not added or not visible(post) or not thread_shown(thread):
        return []
    assert post is not None and thread is not None
    subject = Subject(
        path=post_ref.path,
        thread_id=tid,
        thread_title=thread.get("title", ""),
        comment_id=cid,
        root_id=(post.get("rootId") or cid) if cid else None,
        actor=post["author"],
        excerpt=_excerpt(post),
        page_url=article_link(thread, cid) if cid else None,
    )
    return deliver(db, subject, recipient_kinds(post["author"]["uid"], mentioned=list(added)), closing)


def data_of(snapshot: firestore.DocumentSnapshot | None) -> dict[str, Any] | None:
    """A trigger's before or after snapshot as a dict; None where the document does not exist."""
    return snapshot.to_dict() if snapshot is not None and snapshot.exists else None


def run(event_id: str, document: str, work: Callable[[], list[str]]) -> list[str]:
    """Run one trigger's fan-out. A failure is logged with the event and raised: the platform
    records it, and nothing retries it (Python triggers cannot be set to retry), so the log is
    where a lost notification shows; running the same event again is harmless."""
    try:
        written = work()
    except Exception:
        # ERROR with the traceback in the message: Error Reporting shows it, the fields find the event.
        logger.error(
            f"notifications for {document} (event {event_id}) failed\n{traceback.format_exc()}",
            event=event_id,
            document=document,
        )
        raise
    if written:
        logger.info(
            f"event {event_id} on {document}: {len(written)} notification(s) written",
            event=event_id,
            document=document,
            written=len(written),
        )
    return written
