"""A user's notifications: the list, the unread count (a counter, never a scan), marking read.

users/{uid}/private/inbox holds {unread, readAllAt}. The triggers add 1 to `unread` in the same
commit that creates a notification (never when it exists already), marking some read takes
them off in one transaction, and marking all read is one write: `unread` = 0 and `readAllAt` =
the commit time. A notification is read when its `read` is true or it was created (commit
time, see fanout.document) at or before readAllAt, so marking all read costs the same
however many notifications a user has, and the counter stays exact: every write to the inbox
document is ordered by its commit time, the same clock as the notifications' createdAt.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from google.cloud import firestore

from .. import validation
from ..auth import Caller
from ..db import store
from ..db.pagination import DESC, page
from ..errors import Invalid
from ..forum import serialize

MARK_MAX = 50


def unread(inbox: firestore.DocumentSnapshot | None) -> int:
    """The unread count kept in a user's inbox document (0 before their first notification)."""
    if inbox is None or not inbox.exists:
        return 0
    return max(0, int(inbox.get("unread") or 0))


def read_all_at(inbox: firestore.DocumentSnapshot) -> datetime | None:
    return inbox.to_dict().get("readAllAt") if inbox.exists else None


def is_read(data: Mapping[str, Any], all_read_at: datetime | None) -> bool:
    created = data.get("createdAt")
    return bool(data.get("read")) or (all_read_at is not None and created is not None and created <= all_read_at)


def list_mine(db: firestore.Client, caller: Caller, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """The caller's notifications, newest first, with the unread count: one query and one read."""
    snaps, next_cursor = page(
        store.notifications(db, caller.uid), "notifications", [("createdAt", DESC)], limit, cursor
    )
    box = store.inbox(db, caller.uid).get()
    seen_at = read_all_at(box)
    items = [serialize.notification(s.id, s.to_dict(), is_read(s.to_dict(), seen_at)) for s in snaps]
    return {"items": items, "nextCursor": next_cursor, "unread": unread(box)}


def ids_to_mark(ids: Any) -> list[str]:
    """The `ids` of a mark-read request: 1 to MARK_MAX notification ids, repeats dropped; Invalid otherwise."""
    if not isinstance(ids, list) or not 1 <= len(ids) <= MARK_MAX:
        raise Invalid(f"ids must list 1 to {MARK_MAX} notification ids (or send {{}} to mark all read)", field="ids")
    if not all(validation.is_id(i) for i in ids):  # Hearth's id shape and Firestore's rules
        raise Invalid("each id must be a notification id", field="ids")
    return list(dict.fromkeys(ids))


def mark_read(db: firestore.Client, caller: Caller, ids: list[str] | None) -> dict[str, int]:
    """Mark the named notifications read, or all of them (ids None); the unread count after."""
    box_ref = store.inbox(db, caller.uid)
    if ids is None:
        # One write whatever the backlog: everything created up to this commit is read.
        box_ref.set({"unread": 0, "readAllAt": firestore.SERVER_TIMESTAMP}, merge=True)
        return {"unread": 0}
    refs = [store.notifications(db, caller.uid).document(i) for i in ids]

    def fn(tx: firestore.Transaction) -> int:
        got = store.read_all(tx, db, [box_ref, *refs])
        box = got[box_ref.path]
        seen_at = read_all_at(box)
        newly = [r for r in refs if got[r.path].exists and not is_read(got[r.path].to_dict(), seen_at)]
        for ref in newly:
            tx.update(ref, {"read": True})
        if newly:
            tx.set(box_ref, {"unread": firestore.Increment(-len(newly))}, merge=True)
        return max(0, unread(box) - len(newly))

    return {"unread": store.run_transaction(db, fn)}
