"""Reports: any signed-in user reports a thread or comment, once; enough distinct reporters hide it.

The request reads only the reporter's own documents (their report, profile and rate state) and
writes the report with a create precondition plus blind increments on the item's queue document,
so people reporting one item at once never contend in their requests. What follows (auto-hide)
is background work (an outbox item written with the report, background.py), safe to run any
number of times and retried until it succeeds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from google.cloud import firestore

from .. import background
from ..auth import Caller
from ..db import folding, store
from ..db.ratelimit import reserve
from ..deps import Config
from ..errors import Forbidden, NotFound
from ..forum import render, serialize, users
from . import guard
from .hiding import (
    BY_REPORTS,
    FLAGGED,
    OPEN,
    Target,
    comment_count_moves,
    hiding_notice_ref,
    log_entry,
    notice_of_hiding,
    write_log,
)
from .visibility import HIDDEN, VISIBLE, is_author


class ReportReason(StrEnum):
    """Why a reader reports a thread or comment."""

    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


REPORT_REASONS = tuple(ReportReason)
NOTE_MAX = 500
# Why a report waits for a moderator instead of counting toward auto-hide.
UNVERIFIED_EMAIL, NEW_ACCOUNT = "unverified_email", "new_account"


def distrust(caller: Caller, profile: dict[str, Any], now: datetime, trust_hours: int) -> str | None:
    """Why the caller's reports do not count toward auto-hide (None: they do).

    Trusted: a verified email (the ID token's email_verified claim) and a profile at least
    trust_hours old (the profile is made on first use, so it is never older than the account).
    Three fresh sock puppets therefore cannot hide anything; their reports still reach the queue.
    """
    if caller.claims.get("email_verified") is not True:
        return UNVERIFIED_EMAIL
    created = profile.get("createdAt")
    if trust_hours > 0 and (not isinstance(created, datetime) or now - created < timedelta(hours=trust_hours)):
        return NEW_ACCOUNT
    return None


def report_ref(db: firestore.Client, target: Target, uid: str) -> firestore.DocumentReference:
    return store.reports(db).document(f"{target.key}~{uid}")


def snapshot(target: Target, item: dict[str, Any]) -> dict[str, Any]:
    """What the queue shows of the item as it was when reported."""
    excerpt = item.get("excerpt") if not target.comment_id else render.excerpt(item.get("bodyHtml", ""))
    return {
        "title": item.get("title") if not target.comment_id else None,
        "excerpt": excerpt or "",
        "author": serialize.author(item.get("author")),
    }


def _visible_item(found: dict[str, firestore.DocumentSnapshot], db: firestore.Client, target: Target) -> dict[str, Any]:
    """The item's data, if it and its thread are visible; NotFound otherwise."""
    for ref, what in ((store.thread(db, target.thread_id), "thread"), (target.ref(db), target.kind)):
        snap = found[ref.path]
        if not snap.exists or snap.get("status") != VISIBLE:
            raise NotFound(f"{what} not found")
    return found[target.ref(db).path].to_dict()


def answer(doc: dict[str, Any]) -> dict[str, Any]:
    """A report as its reporter sees it; countsTowardHiding false says why it waits (waitsBecause)."""
    waits = doc.get("distrust")
    return {
        "target": doc["target"],
        "reason": doc["reason"],
        "note": doc.get("note", ""),
        "createdAt": serialize.rfc3339(doc["createdAt"]),
        "countsTowardHiding": waits is None,
        "waitsBecause": waits,
    }


def report(
    db: firestore.Client, caller: Caller, target: Target, reason: ReportReason, note: str, now: datetime, config: Config
) -> dict[str, Any]:
    """File the caller's report of target (reason and note already checked); a repeat changes nothing and
    answers the first one."""
    mine = report_ref(db, target, caller.uid)
    # One batched read outside the transaction: the caller's report, the item and its thread.
    found = store.read_all(
        None, db, list({r.path: r for r in (mine, store.thread(db, target.thread_id), target.ref(db))}.values())
    )
    if found[mine.path].exists:
        return answer(found[mine.path].to_dict())
    item = _visible_item(found, db, target)
    if is_author(caller, item):
        raise Forbidden("you cannot report your own post")
    user_ref, rate_ref = store.user(db, caller.uid), store.rate_state(db, caller.uid)
    standing_ref = store.standing(db, caller.uid)
    queue_ref = store.mod_queue(db).document(target.key)

    def fn(tx: firestore.Transaction) -> dict[str, Any]:
        got = store.read_all(tx, db, [mine, user_ref, rate_ref, standing_ref])
        if got[mine.path].exists:  # a concurrent repeat got there first
            return got[mine.path].to_dict()
        profile = users.read_profile(tx, db, caller, got[user_ref.path])
        guard.refuse_if_suspended(got[standing_ref.path].to_dict(), now)
        rate = reserve(got[rate_ref.path], now, config.report_limit)
        waits = distrust(caller, profile, now, config.report_trust_hours)
        doc = {
            "key": target.key,
            "target": target.as_dict(),
            "reporter": {"uid": caller.uid, "handle": profile["handle"]},
            "reason": reason,
            "note": note,
            "createdAt": now,
            "trusted": waits is None,
            "distrust": waits,
        }
        users.write_profile(tx, db, caller, profile, now)
        tx.set(rate_ref, rate, merge=True)
        tx.create(mine, doc)  # the precondition makes one report per (item, reporter), whatever races
        # Auto-hide is background work, in this commit (background.py).
        background.add(tx, db, background.report_id(mine.id), background.REPORT, reportId=mine.id, target=doc["target"])
        # Blind writes: increments never read the shared document, so reporters never contend on it.
        tx.set(
            queue_ref,
            {
                "key": target.key,
                "target": target.as_dict(),
                "item": snapshot(target, item),
                "state": OPEN,
                "openReports": firestore.Increment(1),
                "reportCount": firestore.Increment(1),
                # Reports are one per (item, reporter): this counts distinct trusted reporters.
                "openTrusted": firestore.Increment(1 if waits is None else 0),
                "reasonCounts": {reason: firestore.Increment(1)},
                "lastReportedAt": now,
                "updatedAt": now,
            },
            merge=True,
        )
        return doc

    return answer(store.run_transaction(db, fn))


def auto_hide(
    db: firestore.Client, target: Target, report_id: str, threshold: int, now: datetime, event_id: str
) -> bool:
    """Hide target (reason `flagged`) once its distinct trusted open reporters reach threshold; True
    if this call hid it. A moderator's post and a pinned thread are never hidden this way.

    Idempotent and exact: it changes the item only from visible, in a transaction that reads the
    counter and the item, so concurrent or repeated runs hide it once. It runs for every report,
    and a run that fails is retried (background.py). The report is stamped
    `checkedAt`, so one can tell which reports the trigger has seen.
    """
    queue_ref, ref, thread_ref = (
        store.mod_queue(db).document(target.key),
        target.ref(db),
        store.thread(db, target.thread_id),
    )
    report = store.reports(db).document(report_id)

    bumped: list[firestore.DocumentReference] = []

    def fn(tx: firestore.Transaction) -> bool:
        bumped.clear()
        got = store.read_all(tx, db, list({r.path: r for r in (queue_ref, ref, thread_ref)}.values()))
        queue, item, thread = got[queue_ref.path], got[ref.path], got[thread_ref.path]
        author_uid = ((item.to_dict() or {}).get("author") or {}).get("uid") if item.exists else None
        author = store.user(db, author_uid).get(transaction=tx) if author_uid else None
        sent_ref = hiding_notice_ref(db, target, item.to_dict() or {}, BY_REPORTS, None) if item.exists else None
        sent = sent_ref.get(transaction=tx) if sent_ref is not None else None
        tx.update(report, {"checkedAt": now})
        if not queue.exists or queue.get("state") != OPEN or int(queue.get("openTrusted") or 0) < threshold:
            return False
        if not item.exists or item.get("status") != VISIBLE:
            return False
        if exempt(item.to_dict(), target, author.to_dict() if author is not None and author.exists else None):
            return False
        tx.update(ref, {"status": HIDDEN, "hidden": {"reason": FLAGGED, "by": BY_REPORTS, "uid": None, "at": now}})
        bumped.extend(comment_count_moves(db, tx, target, -1))
        tx.update(queue_ref, {"autoHidden": True, "updatedAt": now})
        write_log(
            tx,
            db,
            log_entry(None, None, "auto_hide", target, FLAGGED, now, reports=int(queue.get("openTrusted"))),
            entry_id=f"auto-hide-{event_id}",
        )
        title = (thread.to_dict() or {}).get("title", "") if thread.exists else ""
        notice_of_hiding(tx, db, target, item.to_dict(), title, BY_REPORTS, FLAGGED, now, None, sent)
        return True

    hid = store.run_transaction(db, fn)
    for owner in bumped:
        folding.settle(db, owner, now)
    return hid


def exempt(item: dict[str, Any], target: Target, author: dict[str, Any] | None) -> bool:
    """Items reports never hide: a pinned thread, and any post of a moderator (whose role the API
    keeps in step with their claim)."""
    if not target.comment_id and item.get("pinned"):
        return True
    return (author or {}).get("role") == "moderator"


def on_report_created(
    db: firestore.Client, report_id: str, report_doc: dict[str, Any], event_id: str, now: datetime, config: Config
) -> bool:
    """The background work for one new report (its outbox item)."""
    raw = report_doc.get("target") or {}
    target = Target(raw["threadId"], raw.get("commentId"))
    return auto_hide(db, target, report_id, config.auto_hide_reports, now, event_id)
