"""A user's notifications: the list, the unread count (a counter, never a scan), marking read.

users/{uid}/private/inbox holds {unread, readAllAt}. The background fan-out adds 1 to `unread` in
the same commit that creates a notification (never when it exists already), through one of the
inbox's counter shards (db/counters.py: a popular author's inbox takes a notification per comment
on their thread), folded into `unread` about once a second; the count readers get is the inbox's
plus its pending shards' (one query, which reads nothing once they are folded). Marking some read
takes them off in one transaction, and marking all read is one transaction too: `unread` = 0,
`readAllAt` = the commit time, and the pending shards emptied. A notification is read when its `read` is true or it was created (commit
time, see fanout.document) at or before readAllAt, so marking all read costs the same
however many notifications a user has, and the counter stays exact: every write to the inbox
document is ordered by its commit time, the same clock as the notifications' createdAt.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping, Sequence

from google.cloud import firestore

from .. import validation
from ..auth import Caller
from ..db import counters, store
from ..db.pagination import DESC, page
from ..errors import Invalid
from ..forum import serialize

MARK_MAX = 50


def unread(inbox: firestore.DocumentSnapshot | None, shards: Sequence[Any] = ()) -> int:
    """The unread count: the user's inbox document's, plus what its pending shards add (0 before any)."""
    folded = int(inbox.get("unread") or 0) if inbox is not None and inbox.exists else 0
    return max(0, folded + counters.pending_total(list(shards), "unread"))


def pending(
    db: firestore.Client, uid: str, tx: firestore.Transaction | None = None, at: datetime | None = None
) -> list[Any]:
    """The inbox's shards not folded yet (one query), as of `at` (when the inbox was read) or in tx."""
    return counters.pending(db, store.inbox(db, uid), tx, at)


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
    return {"items": items, "nextCursor": next_cursor, "unread": unread(box, pending(db, caller.uid, at=box.read_time))}


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
        # Whatever the backlog: everything created up to this commit is read. The pending shards
        # are read in the transaction, so a notification's +1 lands wholly before it (and is
        # emptied here) or after it (and counts, its createdAt being after readAllAt).
        def read_everything(tx: firestore.Transaction) -> None:
            shards = pending(db, caller.uid, tx)
            counters.unfold(tx, shards)
            tx.set(box_ref, {"unread": 0, "readAllAt": firestore.SERVER_TIMESTAMP}, merge=True)

        store.run_transaction(db, read_everything)
        return {"unread": 0}
    refs = [store.notifications(db, caller.uid).document(i) for i in ids]

    def fn(tx: firestore.Transaction) -> int:
        got = store.read_all(tx, db, [box_ref, *refs])
        shards = pending(db, caller.uid, tx)
        box = got[box_ref.path]
        seen_at = read_all_at(box)
        newly = [r for r in refs if got[r.path].exists and not is_read(got[r.path].to_dict(), seen_at)]
        for ref in newly:
            tx.update(ref, {"read": True})
        if newly:
            tx.set(box_ref, {"unread": firestore.Increment(-len(newly))}, merge=True)
        return max(0, unread(box, shards) - len(newly))

    return {"unread": store.run_transaction(db, fn)}
