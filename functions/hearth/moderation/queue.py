"""The moderators' queue (reported and auto-hidden items, with their reports) and the moderation log."""
from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import Any

from google.cloud import firestore

from . import guard
from ..db import store
from ..forum import serialize
from ..auth import Caller
from ..errors import Forbidden, Invalid, NotFound
from .hiding import (OPEN, HideReason, QueueState, Target, actor_handle, log_entry, resolve_queue, set_hidden,
                         write_log)
from ..db.pagination import DESC, page


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
    return {"reason": data.get("reason"), "note": data.get("note", ""),
            "reporter": {"handle": (data.get("reporter") or {}).get("handle")},
            "createdAt": serialize.rfc3339(data.get("createdAt"))}


def queue_item(key: str, data: dict[str, Any], item: firestore.DocumentSnapshot | None,
               reports: list[dict[str, Any]]) -> dict[str, Any]:
    """A queue entry as moderators see it: the item as reported, its state now, and its reports."""
    resolution = data.get("resolution")
    return {
        "id": key,
        "target": data.get("target"),
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
        "resolution": None if not resolution else {
            "action": resolution.get("action"), "by": (resolution.get("by") or {}).get("handle"),
            "at": serialize.rfc3339(resolution.get("at"))},
        "reports": reports,
    }


def list_queue(db: firestore.Client, caller: Caller, *, state: QueueState, limit: int,
               cursor: str | None) -> dict[str, Any]:
    """A page of queue entries in one state, most recently active first, each with its newest reports.

    Three round trips whatever the queue's size: the page, one query for the page's reports, and one
    batched read of the items as they are now.
    """
    require_moderator(caller)
    query = store.mod_queue(db).where(filter=firestore.FieldFilter("state", "==", state))
    snaps, next_cursor = page(query, f"queue:{state}", [("updatedAt", DESC)], limit, cursor)
    keys = [s.id for s in snaps]
    by_key: dict[str, list[dict[str, Any]]] = {k: [] for k in keys}
    if keys:
        reports = (store.reports(db).where(filter=firestore.FieldFilter("key", "in", keys))
                   .order_by("createdAt", direction=DESC).limit(REPORTS_PER_ITEM * len(keys)))
        for snap in reports.stream():
            bucket = by_key.get(snap.get("key"))
            if bucket is not None and len(bucket) < REPORTS_PER_ITEM:
                bucket.append(_report(snap.to_dict()))
    items_now = store.read_all(None, db, [target_of(k).ref(db) for k in keys])
    items = [queue_item(s.id, s.to_dict(), items_now.get(target_of(s.id).ref(db).path), by_key[s.id])
             for s in snaps]
    return {"items": items, "nextCursor": next_cursor}


def act(db: firestore.Client, caller: Caller, key: str, action: QueueAction, reason: HideReason | None,
        now: datetime) -> dict[str, Any]:
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
        raise Invalid("only a comment held for approval can be approved", field="action")
    guard.check(db, caller, now)
    if action != "dismiss":
        set_hidden(db, caller, target, reason if action == "hide" else None, now)

    def fn(tx: firestore.Transaction) -> None:
        got = store.read_all(tx, db, [queue_ref, actor_ref, target.ref(db)])
        queue, item = got[queue_ref.path], got[target.ref(db).path]
        author_uid = ((item.to_dict() or {}).get("author") or {}).get("uid") if item.exists else None
        author_ref = store.user(db, author_uid) if action == "approve" and author_uid else None
        author = author_ref.get(transaction=tx) if author_ref else None
        to_approve = author is not None and author.exists and not author.to_dict().get("approved")
        if queue.get("state") != OPEN and not to_approve:
            return
        handle = actor_handle(tx, db, caller, got[actor_ref.path], now)
        resolve_queue(tx, queue, action, caller, handle, now)
        if action == "dismiss" and queue.get("state") == OPEN:
            write_log(tx, db, log_entry(caller, handle, "dismiss", target, None, now,
                                        reports=int(queue.get("openReports") or 0)))
        if to_approve:
            tx.update(author_ref, {"approved": True})
            write_log(tx, db, log_entry(caller, handle, "approve", target, None, now))

    store.run_transaction(db, fn)
    found = store.read_all(None, db, [queue_ref, target.ref(db)])
    return queue_item(key, found[queue_ref.path].to_dict(), found[target.ref(db).path], [])


def log_item(entry_id: str, data: dict[str, Any]) -> dict[str, Any]:
    out = {
        "id": entry_id,
        "actor": data.get("actor"),
        "action": data.get("action"),
        "target": data.get("target"),
        "reason": data.get("reason"),
        "at": serialize.rfc3339(data.get("at")),
    }
    if data.get("until") is not None:
        out["until"] = serialize.rfc3339(data["until"])
    return out


def list_log(db: firestore.Client, caller: Caller, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """Every moderation action, newest first: one query per page."""
    require_moderator(caller)
    snaps, next_cursor = page(store.mod_log(db), "modlog", [("at", DESC)], limit, cursor)
    return {"items": [log_item(s.id, s.to_dict()) for s in snaps], "nextCursor": next_cursor}
