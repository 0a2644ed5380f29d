"""Moderation: hiding threads and comments with a reason, restoring them, and the append-only log.

Moderators hide and restore anything; a thread's author may hide (and restore) the comments on
their own thread, as dev.to allows. A hidden item keeps its text: it leaves every list and every
anonymous read (firestore.rules allow reads only while `status == "visible"`), its author and
moderators still read it whole, and a hidden comment with replies stays as a placeholder that
says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Mapping

from google.cloud import firestore

from .. import validation
from ..auth import Caller
from ..db import counters, folding, store
from ..db.ratelimit import Limit, reserve
from ..errors import Forbidden, NotFound
from ..forum import ranking, serialize, users
from ..notifications.fanout import notification_id
from ..notifications.kinds import NotificationKind
from . import guard
from .visibility import DELETED, HIDDEN, VISIBLE, is_author, reveal


class HideReason(StrEnum):
    """The reasons a person gives for hiding an item."""

    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    OUTDATED = "outdated"
    OTHER = "other"


class LogAction(StrEnum):
    """What a moderation log entry records."""

    HIDE = "hide"
    RESTORE = "restore"
    AUTO_HIDE = "auto_hide"
    DISMISS = "dismiss"
    APPROVE = "approve"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"


HIDE_REASONS = tuple(HideReason)
# A hide reason only auto-hide gives, after enough reports.
FLAGGED = "flagged"
# Who hid an item, as a role (a moderator's name is never shown): the placeholder says
# "hidden by moderators: spam".
BY_MODERATORS, BY_THREAD_AUTHOR, BY_REPORTS = "moderators", "thread_author", "reports"


class QueueState(StrEnum):
    """A queue entry (modQueue/{key}) is open while reports wait for a moderator's decision."""

    OPEN = "open"
    RESOLVED = "resolved"


OPEN, RESOLVED = QueueState.OPEN, QueueState.RESOLVED
# First-post approval: a new member's comment is held (hidden, so it is theirs and moderators'
# alone) until a moderator approves it; then the member is trusted.
AWAITING_APPROVAL, BY_APPROVAL = "awaiting_approval", "approval"


# How a moderation notice names who acted (a role, never a moderator's name).
NOTICE_ACTORS = {BY_MODERATORS: "Moderators", BY_THREAD_AUTHOR: "The thread's author", BY_REPORTS: "Hearth"}
REASON_WORDS = {"off_topic": "off topic", FLAGGED: "reported by several readers; a moderator will review it"}


def notice(
    tx: firestore.Transaction,
    db: firestore.Client,
    uid: str,
    subject: str,
    *,
    by: str,
    text: str,
    thread_id: str | None = None,
    thread_title: str = "",
    comment_id: str | None = None,
    root_id: str | None = None,
) -> None:
    """Tell uid about a moderation action (a `moderation` notification), in the action's own transaction.

    As the notification triggers do: the notification is created (its id a function of the action's
    subject and the recipient) together with +1 on the recipient's unread counter, so it is written
    exactly once, with the action, or not at all.
    """
    doc = {
        "kind": str(NotificationKind.MODERATION),
        "threadId": thread_id,
        "threadTitle": thread_title,
        "commentId": comment_id,
        "rootId": root_id,
        "actor": {"uid": None, "handle": None, "displayName": NOTICE_ACTORS.get(by, "Moderators")},
        "excerpt": text,
        "subject": subject,
        "createdAt": firestore.SERVER_TIMESTAMP,
        "read": False,
    }
    tx.create(store.notifications(db, uid).document(notification_id(subject, uid)), doc)
    tx.set(store.inbox(db, uid), {"unread": firestore.Increment(1)}, merge=True)


def hiding_notice_ref(
    db: firestore.Client, target: Target, item: dict[str, Any], by: str, actor_uid: str | None
) -> firestore.DocumentReference | None:
    """Where the notice of hiding item goes: one per item, action and actor (never the time), so
    hiding, restoring and hiding again tells the author once. None when nobody is to be told
    (no author, or the author hid it themselves). Read it in the transaction before its writes."""
    author_uid = (item.get("author") or {}).get("uid")
    if not author_uid or author_uid == actor_uid:
        return None
    return store.notifications(db, author_uid).document(
        notification_id(notice_subject(target, "hide", actor_uid or by), author_uid)
    )


def notice_of_hiding(
    tx: firestore.Transaction,
    db: firestore.Client,
    target: Target,
    item: dict[str, Any],
    thread_title: str,
    by: str,
    reason: str,
    now: datetime,
    actor_uid: str | None,
    sent: firestore.DocumentSnapshot | None,
) -> None:
    """Tell an item's author it was hidden, and why (not when they hid it themselves, nor twice).

    sent: the snapshot of hiding_notice_ref, read earlier in tx.
    """
    author_uid = (item.get("author") or {}).get("uid")
    if not author_uid or author_uid == actor_uid or sent is None or sent.exists:
        return
    why = REASON_WORDS.get(reason, reason)
    text = (
        f"hid your {target.kind} in “{thread_title}”: {why}"
        if target.comment_id
        else f"hid your thread “{thread_title}”: {why}"
    )
    notice(
        tx,
        db,
        author_uid,
        notice_subject(target, "hide", actor_uid or by),
        by=by,
        text=text,
        thread_id=target.thread_id,
        thread_title=thread_title,
        comment_id=target.comment_id,
        root_id=item.get("rootId") or target.comment_id,
    )


def notice_subject(target: Target, action: str, actor: str) -> str:
    """The subject (and so the notification's id) of a moderation notice: item, action and actor."""
    return f"moderation/{target.key}/{action}/{actor}"


def needs_approval(enabled: bool, caller: Caller, standing: Mapping[str, Any] | None) -> bool:
    """Whether a post by caller (with this standing document, store.standing) waits for approval."""
    return enabled and not caller.is_moderator and not (standing or {}).get("approved")


def hold_for_approval(
    tx: firestore.Transaction, db: firestore.Client, target: Target, doc: dict[str, Any], excerpt: str, now: datetime
) -> None:
    """Make doc (a new thread or comment, written in tx) wait in the queue, hidden, for a moderator's approval."""
    doc.update(status=HIDDEN, hidden={"reason": AWAITING_APPROVAL, "by": BY_APPROVAL, "uid": None, "at": now})
    tx.set(
        store.mod_queue(db).document(target.key),
        {
            "key": target.key,
            "target": target.as_dict(),
            "state": OPEN,
            "approval": True,
            "item": {
                "title": None if target.comment_id else doc.get("title"),
                "excerpt": excerpt,
                "author": serialize.author(doc.get("author")),
            },
            "openReports": 0,
            "openTrusted": 0,
            "reportCount": 0,
            "reasonCounts": {},
            "lastReportedAt": now,
            "updatedAt": now,
        },
    )


@dataclass(frozen=True)
class Target:
    """A thread or a comment that can be hidden, reported or queued."""

    thread_id: str
    comment_id: str | None = None

    @property
    def kind(self) -> str:
        return "comment" if self.comment_id else "thread"

    @property
    def key(self) -> str:
        """The item's id in the moderation queue ('~' never occurs in a document id of ours)."""
        return f"comment~{self.thread_id}~{self.comment_id}" if self.comment_id else f"thread~{self.thread_id}"

    def ref(self, db: firestore.Client) -> firestore.DocumentReference:
        if self.comment_id:
            return store.comment(db, self.thread_id, self.comment_id)
        return store.thread(db, self.thread_id)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "threadId": self.thread_id, "commentId": self.comment_id}

    @classmethod
    def of(cls, tid: str, cid: str | None = None) -> Target:
        """A target named in a URL; ids that could never exist are simply not found."""
        validation.doc_id(tid, "thread")
        if cid is not None:
            validation.doc_id(cid, "comment")
        return cls(tid, cid)


def log_entry(
    actor: Caller | None,
    actor_handle: str | None,
    action: str,
    target: Target | dict[str, Any],
    reason: str | None,
    now: datetime,
    **extra: Any,
) -> dict[str, Any]:
    """One line of the moderation log; actor None means the forum itself (auto-hide)."""
    return {
        "actor": {"uid": actor.uid, "handle": actor_handle} if actor else None,
        "action": action,
        "target": target.as_dict() if isinstance(target, Target) else target,
        "reason": reason,
        "at": now,
        **extra,
    }


def write_log(
    tx: firestore.Transaction, db: firestore.Client, entry: dict[str, Any], entry_id: str | None = None
) -> None:
    """Append to the log in the action's own transaction: the action and its record commit together."""
    log = store.mod_log(db)
    tx.create(log.document(entry_id) if entry_id else log.document(), entry)


def _role(caller: Caller, thread: dict[str, Any], target: Target) -> str:
    """Who the caller acts as on target: a moderator, or (for comments) the thread's author."""
    if caller.is_moderator:
        return BY_MODERATORS
    if target.comment_id and is_author(caller, thread):
        return BY_THREAD_AUTHOR
    raise Forbidden("only a moderator, or the thread's author for its comments, may hide or restore this")


def _thread_for(db: firestore.Client, caller: Caller, target: Target) -> dict[str, Any]:
    """The thread target belongs to, read outside the transaction (it does not change here).

    A thread's author acts on comments only while the thread is visible; moderators also on hidden ones.
    """
    snap = store.thread(db, target.thread_id).get()
    if not snap.exists or snap.get("status") == DELETED:
        raise NotFound("thread not found")
    if snap.get("status") != VISIBLE and not caller.is_moderator:
        raise NotFound("thread not found")
    return snap.to_dict()


def comment_count_moves(
    db: firestore.Client, tx: firestore.Transaction, target: Target, by: int
) -> list[firestore.DocumentReference]:
    """A hidden comment is not counted, as a deleted one is not: the thread's count and score move
    (through its counter shards, as the comment's creation moved them); the owners bumped."""
    if not target.comment_id:
        return []
    thread = store.thread(db, target.thread_id)
    counters.bump(tx, thread, {"commentCount": by, "score": ranking.COMMENT_WEIGHT * by})
    return [thread]


def approved_reply_counts(
    db: firestore.Client, tx: firestore.Transaction, target: Target, item: dict[str, Any]
) -> list[firestore.DocumentReference]:
    """A reply held for approval moved no score on its parent; approving it does (comments.counter_changes)."""
    parent_id = item.get("parentId") if target.comment_id else None
    if not parent_id:
        return []
    parent = store.comment(db, target.thread_id, parent_id)
    counters.bump(tx, parent, {"replyCount": 1, "score": ranking.COMMENT_POINTS_PER_REPLY})
    return [parent]


def actor_handle(
    tx: firestore.Transaction, db: firestore.Client, caller: Caller, snap: firestore.DocumentSnapshot, now: datetime
) -> str:
    """The acting moderator's handle for the log, their profile made on first use (as posting does).

    Call it after the transaction's other reads and before its other writes.
    """
    profile = users.read_profile(tx, db, caller, snap)
    users.write_profile(tx, db, caller, profile, now)
    return profile["handle"]


def resolve_queue(
    tx: firestore.Transaction,
    queue: firestore.DocumentSnapshot,
    action: str,
    actor: Caller,
    actor_handle: str | None,
    now: datetime,
) -> None:
    """A moderator's decision closes the item's open queue entry: its reports so far are dealt with,
    and only new reports (openReports starts again from 0) can hide it again."""
    if queue.exists and queue.get("state") == OPEN:
        tx.update(
            queue.reference,
            {
                "state": RESOLVED,
                "openReports": 0,
                "openTrusted": 0,
                "autoHidden": False,
                "updatedAt": now,
                "resolution": {"action": action, "by": {"uid": actor.uid, "handle": actor_handle}, "at": now},
            },
        )


def set_hidden(
    db: firestore.Client, caller: Caller, target: Target, reason: str | None, now: datetime, limit: Limit | None = None
) -> dict[str, Any]:
    """Hide target with reason (None: restore it). Idempotent; each change is logged with it.

    A thread's author (not a moderator) has a rate window for it (limit): each change takes a
    place, so hiding and restoring one comment in a loop cannot flood its author or the log.
    """
    thread = _thread_for(db, caller, target)
    role = _role(caller, thread, target)
    guard.check(db, caller, now)
    ref, actor_ref = target.ref(db), store.user(db, caller.uid)
    queue_ref = store.mod_queue(db).document(target.key)
    limited = limit is not None and role == BY_THREAD_AUTHOR
    rate_ref = store.rate_window(db, caller.uid, limit.action) if limit is not None else None

    bumped: list[firestore.DocumentReference] = []

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        bumped.clear()
        got = store.read_all(
            tx, db, [ref, actor_ref, queue_ref, *([rate_ref] if limited and rate_ref is not None else [])]
        )
        # Refused before any write (actor_handle may create the profile).
        rate = reserve(got[rate_ref.path], now, limit) if limited and rate_ref and limit else None
        snap = got[ref.path]
        if not snap.exists or snap.get("status") == DELETED:
            raise NotFound(f"{target.kind} not found")
        current = snap.to_dict()
        sent_ref = hiding_notice_ref(db, target, current, role, caller.uid) if reason is not None else None
        sent = sent_ref.get(transaction=tx) if sent_ref is not None else None
        handle = actor_handle(tx, db, caller, got[actor_ref.path], now)
        status, hidden = current.get("status"), current.get("hidden") or {}
        if status == HIDDEN and role != BY_MODERATORS and hidden.get("by") != role:
            raise Forbidden(f"this {target.kind} was hidden by {hidden.get('by')}; only a moderator may change that")
        unchanged = (
            status != HIDDEN
            if reason is None
            else (status == HIDDEN and (hidden.get("reason"), hidden.get("by")) == (reason, role))
        )
        if unchanged:
            return current  # already as asked: nothing to change or log
        if reason is None:
            changes: dict[str, Any] = {"status": VISIBLE, "hidden": firestore.DELETE_FIELD}
            after = {k: v for k, v in current.items() if k != "hidden"} | {"status": VISIBLE}
        else:
            changes = {"status": HIDDEN, "hidden": {"reason": reason, "by": role, "uid": caller.uid, "at": now}}
            after = current | changes
        tx.update(ref, changes)
        if rate is not None and rate_ref is not None:
            tx.set(rate_ref, rate, merge=True)
        if status != after["status"]:
            bumped.extend(comment_count_moves(db, tx, target, -1 if reason else 1))
        if reason is None and hidden.get("reason") == AWAITING_APPROVAL:
            bumped.extend(approved_reply_counts(db, tx, target, current))
            if target.comment_id:  # readers see it now: its notifications, as for a new comment
                from .. import background  # (background imports moderation)

                item = background.comment_id(target.thread_id, target.comment_id)
                background.add(tx, db, item, background.COMMENT, threadId=target.thread_id, commentId=target.comment_id)
        action = "hide" if reason else "restore"
        if role == BY_MODERATORS:
            resolve_queue(tx, got[queue_ref.path], action, caller, handle, now)
        write_log(tx, db, log_entry(caller, handle, action, target, reason, now, role=role))
        if reason is not None and status != HIDDEN:
            notice_of_hiding(
                tx,
                db,
                target,
                current,
                (current if not target.comment_id else thread).get("title", ""),
                role,
                reason,
                now,
                caller.uid,
                sent,
            )
        return after

    after = store.run_transaction(db, fn)
    for owner in bumped:
        folding.settle(db, owner, now)
    if target.comment_id:
        return serialize.comment(target.comment_id, after, reveal=reveal(caller, after))
    return serialize.thread(target.thread_id, after, reveal=reveal(caller, after))
