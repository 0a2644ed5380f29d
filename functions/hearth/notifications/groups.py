"""Grouped notifications: comments on one's thread that arrive while the earlier ones are unread are one item.

Grouping happens when the list is read, never by rewriting one document per comment (a busy
thread would put every comment on it at a write each, and production takes ~1 write/s per
document). Each `comment` notification stays its own document; what groups them is a **run**:

- users/{uid}/groups/{threadId} (the run marker) exists while uid has an unread run of comments on
  that thread: {threadId, run, startedAt}. The first comment of a run creates it (create-if-absent,
  or replaces a marker that "mark all read" made stale), in the same commit as its notification
  and the +1 on the unread count; later comments of the run find it and are written alone, with
  `run` = the marker's run (the id of the run's first notification). So a run counts once in the
  bell however many comments it holds, and the marker is written once per run.
- The run's first notification (its head) is an ordinary notification (`createdAt`, so the list
  query finds it); the later ones (members) carry no `createdAt`, only `memberAt`, so the list
  query, ordered by `createdAt`, never returns them: a page is never filled with one busy run.
  Every notification of a run has `memberAt`, which orders the run's own query (its newest few).
- Reading the run (marking its item, or any of its notifications, read) deletes the marker and
  takes 1 off the count; "mark all read" leaves markers in place, stale: a marker started at or
  before readAllAt is over (the same commit-time clock as every notification).
- The list (inbox.list_mine) shows a run as one item of kind `comment`, where its head falls (when
  the run began): its id and commentId are the head's (the first unread comment, while the run is
  unread), with `count`, `commentIds` (newest first, at most GROUP_IDS), `actors` (the first few,
  newest first) and `latestAt`; its actor and excerpt are the newest comment's.

A comment that lands in the same instant the member reads the run joins the run being read (it
counts as read with it), as it would have a moment earlier: keeping that exact would mean a
write to the marker per comment, the very hot document this avoids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Mapping

from google.api_core.exceptions import AlreadyExists, FailedPrecondition
from google.cloud import firestore

from ..db import counters, store
from ..errors import Busy

GROUP_IDS = 10  # commentIds listed on a group item
GROUP_ACTORS = 3  # actors listed on a group item
DELIVERY_ATTEMPTS = 5


def current_run(marker: Mapping[str, Any] | None, all_read_at: datetime | None) -> str | None:
    """The run a marker stands for while it is unread; None when there is none, or "mark all read" ended it."""
    if not marker or not marker.get("run"):
        return None
    started = marker.get("startedAt")
    if all_read_at is not None and (started is None or started <= all_read_at):
        return None
    return str(marker["run"])


def run_unread(
    data: Mapping[str, Any], markers: Mapping[str, Mapping[str, Any] | None], all_read_at: datetime | None
) -> bool:
    """Whether a notification belongs to its thread's current unread run."""
    run = data.get("run")
    return bool(run) and current_run(markers.get(data.get("threadId") or ""), all_read_at) == run


def marker_doc(tid: str, run: str) -> dict[str, Any]:
    return {"threadId": tid, "run": run, "startedAt": firestore.SERVER_TIMESTAMP}


def deliver_in_run(
    db: firestore.Client,
    uid: str,
    tid: str,
    nid: str,
    doc: dict[str, Any],
    got: Mapping[str, firestore.DocumentSnapshot] | None = None,
    also: Callable[[Any], None] | None = None,
) -> bool:
    """Write uid's notification nid (doc) into their current run on thread tid, or start a run with it.

    got: the notification, the marker and the inbox, when already read (fanout.deliver batches them
    with the recipients' mutes); each retry reads them again. also: adds more writes to the commit
    (fanout.Closing). True when written, False when it existed.
    Starting a run creates (or replaces a stale) marker and adds 1 to the unread count in the same
    commit, preconditioned, so two comments racing to start a run start one.
    """
    note_ref, marker_ref, inbox_ref = (
        store.notifications(db, uid).document(nid),
        store.group_marker(db, uid, tid),
        store.inbox(db, uid),
    )
    for _ in range(DELIVERY_ATTEMPTS):
        if got is None:
            got = store.read_all(None, db, [note_ref, marker_ref, inbox_ref])
        if got[note_ref.path].exists:
            return False  # an earlier delivery of this event wrote it
        marker = got[marker_ref.path]
        inbox = got[inbox_ref.path]
        all_read_at = (inbox.to_dict() or {}).get("readAllAt") if inbox.exists else None
        run = current_run(marker.to_dict() if marker.exists else None, all_read_at)
        batch = db.batch()
        if run is not None:  # a member: no createdAt, so the list shows the run once, by its head
            member = {k: v for k, v in doc.items() if k != "createdAt"}
            batch.create(note_ref, {**member, "run": run, "memberAt": firestore.SERVER_TIMESTAMP})
        else:
            batch.create(note_ref, {**doc, "run": nid, "memberAt": firestore.SERVER_TIMESTAMP})
            if marker.exists:  # stale since "mark all read": this run replaces it, unless someone got there first
                batch.update(marker_ref, marker_doc(tid, nid), option=store.unchanged_since(db, marker))
            else:
                batch.create(marker_ref, marker_doc(tid, nid))
            counters.bump(batch, inbox_ref, {"unread": 1})  # through a shard: fanout.deliver folds it
        if also is not None:
            also(batch)
        try:
            batch.commit()
            return True
        except (AlreadyExists, FailedPrecondition):
            got = None  # the notification was written meanwhile, or another comment started the run: read again
    raise Busy(store.BUSY)


def fold(
    snaps: list[tuple[str, Mapping[str, Any]]],
    newest: Mapping[str, list[tuple[str, Mapping[str, Any]]]],
    counts: Mapping[str, int],
) -> list[tuple[str, Mapping[str, Any], dict[str, Any] | None]]:
    """A page of notifications with each run's head as its run's item.

    newest: run -> its newest notifications (id, data), newest first (the head among them once
    it is one of the newest); counts: run -> how many it holds. Answers (id, data, group) in page
    order, where group is {id, commentId, rootId, url, count, commentIds, actors, latest} for a run's
    head (latest: the newest notification's data) and None for any other notification.
    """
    out: list[tuple[str, Mapping[str, Any], dict[str, Any] | None]] = []
    for nid, data in snaps:
        run = data.get("run")
        if not run or run != nid or run not in newest:
            out.append((nid, data, None))  # not a run's head (a member never comes in a page)
            continue
        members = newest[run] or [(nid, data)]
        actors: list[dict[str, Any]] = []
        for _, member in members:
            actor = member.get("actor") or {}
            if actor.get("uid") not in [a["uid"] for a in actors] and len(actors) < GROUP_ACTORS:
                actors.append(
                    {"uid": actor.get("uid"), "handle": actor.get("handle"), "displayName": actor.get("displayName")}
                )
        group = {
            "id": run,
            "commentId": data.get("commentId"),
            "rootId": data.get("rootId"),
            "url": data.get("url"),
            "count": max(int(counts.get(run, len(members))), len(members)),
            "commentIds": [m.get("commentId") for _, m in members[:GROUP_IDS] if m.get("commentId")],
            "actors": [{"handle": a["handle"], "displayName": a["displayName"]} for a in actors],
            "latest": members[0][1],
        }
        out.append((nid, data, group))
    return out
