"""The moderators' queue (reported and auto-hidden items, with their reports) and the moderation log."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from enum import StrEnum
from typing import Any, Iterable, cast

from google.cloud import firestore
from google.cloud.firestore_v1.aggregation import AggregationQuery

from ..auth import Caller
from ..db import store
from ..db.pagination import DESC, page
from ..errors import Forbidden, Invalid, NotFound
from ..forum import serialize
from . import guard
from .hiding import OPEN, HideReason, QueueState, Target, actor_handle, log_entry, resolve_queue, set_hidden, write_log

PENDING_CAP = 100  # the Moderation link says "99+" beyond this


class QueueAction(StrEnum):
    """What a moderator does with a queue item."""

    DISMISS = "dismiss"
    HIDE = "hide"
    RESTORE = "restore"
    APPROVE = "approve"


REPORTS_PER_ITEM = 10  # the newest reports shown with each queue item; reportCount says how many in all
KEY_RE = re.compile(r"thread~([A-Za-z0-9_-]{1,64})|comment~([A-Za-z0-9_-]{1,64})~([A-Za-z0-9_-]{1,64})")


def require_moderator(caller: Caller) -> None:
    if not caller.is_moderator:
        raise Forbidden("only moderators may see the moderation queue and log")


def target_of(key: str) -> Target:
    """The item a queue key names (thread~{tid} or comment~{tid}~{cid}); NotFound for anything else."""
    match = KEY_RE.fullmatch(key)
    if not match:
        raise NotFound("no such queue item")
    return Target(match.group(1)) if match.group(1) else Target(match.group(2), match.group(3))


def _report(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "reason": data.get("reason"),
        "note": data.get("note", ""),
        "reporter": {"handle": (data.get("reporter") or {}).get("handle")},
        "createdAt": serialize.rfc3339(data.get("createdAt")),
    }


def thread_title(thread: firestore.DocumentSnapshot | None) -> str | None:
    """The title of the thread an entry is about, as it is now (None once the document is gone)."""
    return thread.get("title") if thread is not None and thread.exists else None


def thread_refs(db: firestore.Client, thread_ids: Iterable[str | None]) -> list[firestore.DocumentReference]:
    """The distinct threads named, for one batched read of their titles."""
    return [store.thread(db, tid) for tid in dict.fromkeys(t for t in thread_ids if t)]


def queue_item(
    key: str,
    data: dict[str, Any],
    item: firestore.DocumentSnapshot | None,
    reports: list[dict[str, Any]],
    thread: firestore.DocumentSnapshot | None = None,
) -> dict[str, Any]:
    """A queue entry as moderators see it: the item as reported, its state now, its reports, and the
    title of the thread it is (in)."""
    resolution = data.get("resolution")
    return {
        "id": key,
        "target": data.get("target"),
        "threadTitle": thread_title(thread),
        "item": data.get("item"),
        "itemStatus": item.get("status") if item is not None and item.exists else "missing",
        "hidden": serialize.hidden(item.to_dict()) if item is not None and item.exists else None,
        "state": data.get("state"),
        "openReports": int(data.get("openReports") or 0),
        "reportCount": int(data.get("reportCount") or 0),
        "reasonCounts": {k: int(v) for k, v in (data.get("reasonCounts") or {}).items()},
        "autoHidden": bool(data.get("autoHidden")),
        "approval": bool(data.get("approval")),
        "lastReportedAt": serialize.rfc3339(data.get("lastReportedAt")),
        "updatedAt": serialize.rfc3339(data.get("updatedAt")),
        "resolution": None
        if not resolution
        else {
            "action": resolution.get("action"),
            "by": (resolution.get("by") or {}).get("handle"),
            "at": serialize.rfc3339(resolution.get("at")),
        },
        "reports": reports,
    }


def list_queue(
    db: firestore.Client, caller: Caller, *, state: QueueState, limit: int, cursor: str | None
) -> dict[str, Any]:
    """A page of queue entries in one state, most recently active first, each with its newest reports.

    The page, then each item's newest reports (one small query per item, capped per item and run
    side by side: an `in` filter allows at most 30 values, and one shared limit let a heavily
    reported item push the others' reports off the page), and one batched read of the items now
    with the threads of the comments among them (their titles).
    """
    require_moderator(caller)
    query = store.mod_queue(db).where(filter=firestore.FieldFilter("state", "==", state))
    snaps, next_cursor = page(query, f"queue:{state}", [("updatedAt", DESC)], limit, cursor)
    keys = [s.id for s in snaps]
    by_key = newest_reports(db, keys)
    targets = {k: target_of(k) for k in keys}
    threads = thread_refs(db, (t.thread_id for t in targets.values() if t.comment_id))
    items_now = store.read_all(None, db, [t.ref(db) for t in targets.values()] + threads)
    items = [
        queue_item(
            s.id,
            s.to_dict(),
            items_now.get(targets[s.id].ref(db).path),
            by_key[s.id],
            items_now.get(store.thread(db, targets[s.id].thread_id).path),
        )
        for s in snaps
    ]
    return {"items": items, "nextCursor": next_cursor}


REPORT_QUERIES_AT_ONCE = 8


def newest_reports(db: firestore.Client, keys: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each queue item's newest REPORTS_PER_ITEM reports, one query per item, several at a time."""

    def of(key: str) -> list[dict[str, Any]]:
        query = (
            store.reports(db)
            .where(filter=firestore.FieldFilter("key", "==", key))
            .order_by("createdAt", direction=DESC)
            .limit(REPORTS_PER_ITEM)
        )
        return [_report(snap.to_dict()) for snap in query.stream()]

    if not keys:
        return {}
    with ThreadPoolExecutor(max_workers=min(REPORT_QUERIES_AT_ONCE, len(keys))) as pool:
        return dict(zip(keys, pool.map(of, keys), strict=True))


def act(
    db: firestore.Client, caller: Caller, key: str, action: QueueAction, reason: HideReason | None, now: datetime
) -> dict[str, Any]:
    """Resolve a queue entry: dismiss its reports (the item stays as it is), hide the item, restore it,
    or approve a comment held for first-post approval (restore it and trust its author from then on).

    Hide and restore are the same as PUT/DELETE .../hidden (logged there); the entry is then resolved,
    and a dismissal or an approval is logged. Doing it again changes nothing. The input model
    checked that reason comes with hide and only with it.
    """
    require_moderator(caller)
    target = target_of(key)
    queue_ref, actor_ref = store.mod_queue(db).document(key), store.user(db, caller.uid)
    queue_snap = queue_ref.get()
    if not queue_snap.exists:
        raise NotFound("no such queue item")
    if action == "approve" and not queue_snap.to_dict().get("approval"):
        raise Invalid("only a post held for approval can be approved", field="action")
    guard.check(db, caller, now)
    if action != "dismiss":
        set_hidden(db, caller, target, reason if action == "hide" else None, now)

    def fn(tx: firestore.Transaction) -> None:
        got = store.read_all(tx, db, [queue_ref, actor_ref, target.ref(db)])
        queue, item = got[queue_ref.path], got[target.ref(db).path]
        author_uid = ((item.to_dict() or {}).get("author") or {}).get("uid") if item.exists else None
        to_approve, standing_ref = False, None
        if action == "approve" and author_uid:
            # Approval is the author's standing (users/{uid}/private/standing), not their public profile.
            author_ref, standing_ref = store.user(db, author_uid), store.standing(db, author_uid)
            author = store.read_all(tx, db, [author_ref, standing_ref])
            standing = author[standing_ref.path].to_dict() or {}
            to_approve = author[author_ref.path].exists and not standing.get("approved")
        if queue.get("state") != OPEN and not to_approve:
            return
        handle = actor_handle(tx, db, caller, got[actor_ref.path], now)
        resolve_queue(tx, queue, action, caller, handle, now)
        if action == "dismiss" and queue.get("state") == OPEN:
            write_log(
                tx,
                db,
                log_entry(caller, handle, "dismiss", target, None, now, reports=int(queue.get("openReports") or 0)),
            )
        if to_approve and standing_ref is not None:
            tx.set(standing_ref, {"approved": True}, merge=True)
            write_log(tx, db, log_entry(caller, handle, "approve", target, None, now))

    store.run_transaction(db, fn)
    thread_ref = store.thread(db, target.thread_id)
    found = store.read_all(None, db, list({r.path: r for r in (queue_ref, target.ref(db), thread_ref)}.values()))
    return queue_item(key, found[queue_ref.path].to_dict(), found[target.ref(db).path], [], found[thread_ref.path])


def log_item(entry_id: str, data: dict[str, Any], thread: firestore.DocumentSnapshot | None = None) -> dict[str, Any]:
    """A log entry; threadTitle names the thread a thread's or a comment's entry is about (None for users)."""
    out = {
        "id": entry_id,
        "actor": data.get("actor"),
        "action": data.get("action"),
        "target": data.get("target"),
        "threadTitle": thread_title(thread),
        "reason": data.get("reason"),
        "at": serialize.rfc3339(data.get("at")),
    }
    if data.get("until") is not None:
        out["until"] = serialize.rfc3339(data["until"])
    return out


def list_log(db: firestore.Client, caller: Caller, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """Every moderation action, newest first: one query per page, and one batched read of the titles
    of the threads the page names."""
    require_moderator(caller)
    snaps, next_cursor = page(store.mod_log(db), "modlog", [("at", DESC)], limit, cursor)
    thread_of = {s.id: (s.get("target") or {}).get("threadId") for s in snaps}
    threads = store.read_all(None, db, thread_refs(db, thread_of.values()))

    def thread(entry_id: str) -> firestore.DocumentSnapshot | None:
        tid = thread_of[entry_id]
        return threads.get(store.thread(db, tid).path) if tid else None

    return {"items": [log_item(s.id, s.to_dict(), thread(s.id)) for s in snaps], "nextCursor": next_cursor}


def pending_count(db: firestore.Client, cap: int = PENDING_CAP) -> int:
    """How many queue entries wait for a decision, counted up to cap (an aggregation: one read per
    1,000 index entries, so a flooded queue costs no more than cap allows)."""
    query = store.mod_queue(db).where(filter=firestore.FieldFilter("state", "==", OPEN)).limit(cap)
    # google-cloud-firestore annotates count() as returning the class; it returns an AggregationQuery.
    result = cast(AggregationQuery, query.count(alias="n")).get()
    return int(result[0][0].value) if result and result[0] else 0
