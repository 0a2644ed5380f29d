"""A user's notifications: the list, the unread count (a counter, never a scan), marking read.

users/{uid}/private/inbox holds {unread, readAllAt}. The background fan-out adds 1 to `unread` in
the same commit that creates a notification (never when it exists already), through one of the
inbox's counter shards (db/counters.py: a popular author's inbox takes a notification per reply),
folded into `unread` about once in two seconds; the count readers get is the inbox's plus what its shards
add that it does not show yet (one sum() query at the inbox's read time). Marking some read takes
them off in one transaction, and marking all read is one transaction too: `unread` = 0,
`readAllAt` = the commit time, and the shards' sum taken as folded. A notification is read when its
`read` is true or it was created (commit time, see fanout.document) at or before readAllAt, so
marking all read costs the same however many notifications a user has, and the counter stays
exact: every write to the inbox document is ordered by its commit time, the same clock as the
notifications' createdAt."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, Mapping

from google.cloud import firestore
from google.cloud.firestore_v1.aggregation import AggregationQuery

from .. import validation
from ..auth import Caller
from ..db import counters, store
from ..db.pagination import DESC, page
from ..errors import Invalid
from ..forum import serialize
from . import groups

MARK_MAX = 50
RUN_QUERIES_AT_ONCE = 8


def unread(inbox: firestore.DocumentSnapshot | None, shard_sum: int = 0) -> int:
    """The unread count: the user's inbox document's, plus what its shards add up to (shard_sum) that
    it does not show yet (0 before any notification)."""
    data = (inbox.to_dict() or {}) if inbox is not None and inbox.exists else {}
    folded = int(data.get("unread") or 0)
    return max(0, folded + counters.unfolded(data, {"unread": shard_sum}).get("unread", 0))


def shard_sum(
    db: firestore.Client, uid: str, tx: firestore.Transaction | None = None, at: datetime | None = None
) -> int:
    """What the inbox's shards add up to (one sum() query), as of `at` (when the inbox was read) or in tx."""
    return counters.sums(store.inbox(db, uid), counters.INBOX_FIELDS, tx, at)["unread"]


def read_all_at(inbox: firestore.DocumentSnapshot) -> datetime | None:
    return inbox.to_dict().get("readAllAt") if inbox.exists else None


def is_read(
    data: Mapping[str, Any], all_read_at: datetime | None, markers: Mapping[str, Mapping[str, Any] | None] | None = None
) -> bool:
    """Read: marked read, or created by the last "mark all read"; a run's notification (groups.py) is
    read once its run is over (markers: threadId -> the caller's run marker, where known)."""
    if data.get("run"):
        return not groups.run_unread(data, markers or {}, all_read_at)
    created = data.get("createdAt")
    return bool(data.get("read")) or (all_read_at is not None and created is not None and created <= all_read_at)


def _run_members(
    db: firestore.Client, uid: str, run: str, at: datetime | None = None
) -> tuple[list[tuple[str, dict[str, Any]]], int]:
    """A run's newest notifications (at most groups.GROUP_IDS, newest first) and how many it holds: two
    queries, both as of `at` (the inbox's read time), so a comment landing between them is in both or neither."""
    of_run = store.notifications(db, uid).where(filter=firestore.FieldFilter("run", "==", run))
    newest = of_run.order_by("memberAt", direction=firestore.Query.DESCENDING).limit(groups.GROUP_IDS)
    members = [(s.id, s.to_dict() or {}) for s in (newest.stream(read_time=at) if at else newest.stream())]
    # AggregationQuery built directly: Query.count() is annotated as returning the class, not an instance.
    counted = (
        AggregationQuery(of_run).count(alias="n").get(read_time=at)
        if at
        else AggregationQuery(of_run).count(alias="n").get()
    )
    return members, int(counted[0][0].value) if counted and counted[0] else len(members)


def list_mine(db: firestore.Client, caller: Caller, *, limit: int, cursor: str | None) -> dict[str, Any]:
    """The caller's notifications, newest first, each run of comments on a thread as one item where it
    began (notifications/groups.py), with the unread count.

    One query (a run's later notifications have no createdAt, so it never returns them) and one
    batched read (the inbox and the thread markers of the runs on the page), plus two queries per
    run on the page (its newest notifications and its count), 8 runs at a time.
    """
    snaps, next_cursor = page(
        store.notifications(db, caller.uid), "notifications", [("createdAt", DESC)], limit, cursor
    )
    found = [(s.id, s.to_dict() or {}) for s in snaps]
    runs = {nid: str(d.get("threadId") or "") for nid, d in found if d.get("run") == nid and d.get("threadId")}
    box_ref = store.inbox(db, caller.uid)
    marker_refs = {tid: store.group_marker(db, caller.uid, tid) for tid in set(runs.values())}
    got = store.read_all(None, db, [box_ref, *marker_refs.values()])
    box = got[box_ref.path]
    seen_at = read_all_at(box)
    markers = {tid: (got[r.path].to_dict() if got[r.path].exists else None) for tid, r in marker_refs.items()}
    newest, counts = {}, {}
    if runs:  # each run's two queries, side by side (a run's newest few and its count)
        with ThreadPoolExecutor(max_workers=min(RUN_QUERIES_AT_ONCE, len(runs))) as pool:
            for run, (members, count) in zip(
                runs, pool.map(lambda r: _run_members(db, caller.uid, r, box.read_time), runs), strict=True
            ):
                newest[run], counts[run] = members, count
    items = []
    for nid, data, group in groups.fold(found, newest, counts):
        if group is None:
            items.append(serialize.notification(nid, data, is_read(data, seen_at, markers)))
        else:
            items.append(serialize.notification_group(data, group, not groups.run_unread(data, markers, seen_at)))
    unread_now = unread(box, shard_sum(db, caller.uid, at=box.read_time))
    return {"items": items, "nextCursor": next_cursor, "unread": unread_now}


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
        # Whatever the backlog: everything created up to this commit is read. The shards are added
        # up in the transaction, so a notification's +1 lands wholly before it (and is taken as
        # folded here) or after it (and counts, its createdAt being after readAllAt).
        def read_everything(tx: firestore.Transaction) -> None:
            total = shard_sum(db, caller.uid, tx)
            tx.set(
                box_ref,
                {"unread": 0, "readAllAt": firestore.SERVER_TIMESTAMP, counters.SUMS: {"unread": total}},
                merge=True,
            )

        store.run_transaction(db, read_everything)
        return {"unread": 0}
    refs = [store.notifications(db, caller.uid).document(i) for i in ids]

    def fn(tx: firestore.Transaction) -> int:
        got = store.read_all(tx, db, [box_ref, *refs])
        total = shard_sum(db, caller.uid, tx)
        box = got[box_ref.path]
        seen_at = read_all_at(box)
        named = [got[r.path] for r in refs if got[r.path].exists]
        # A run's notifications are read together: reading one ends its run (deletes the thread's marker).
        run_threads = {str(s.get("threadId")) for s in named if s.to_dict().get("run") and s.to_dict().get("threadId")}
        marker_refs = [store.group_marker(db, caller.uid, tid) for tid in sorted(run_threads)]
        markers_got = store.read_all(tx, db, marker_refs)
        markers = {r.id: (markers_got[r.path].to_dict() if markers_got[r.path].exists else None) for r in marker_refs}
        ended = {
            str(s.get("threadId"))
            for s in named
            if s.to_dict().get("run") and groups.run_unread(s.to_dict(), markers, seen_at)
        }
        newly = [s.reference for s in named if not s.to_dict().get("run") and not is_read(s.to_dict(), seen_at)]
        for ref in newly:
            tx.update(ref, {"read": True})
        for tid in sorted(ended):
            tx.delete(store.group_marker(db, caller.uid, tid))
        taken = len(newly) + len(ended)
        if taken:
            tx.set(box_ref, {"unread": firestore.Increment(-taken)}, merge=True)
        return max(0, unread(box, total) - taken)

    return {"unread": store.run_transaction(db, fn)}
