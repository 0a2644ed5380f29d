"""Where things live in Firestore (one function per document or collection), and the two ways Hearth writes:
a transaction runner, and a runner of writes preconditioned on what they read."""

from __future__ import annotations

import random
import time
from typing import Any, Callable, Iterator, TypeVar

from google.api_core.exceptions import Aborted, AlreadyExists, FailedPrecondition, GoogleAPICallError
from google.cloud import firestore

from ..errors import Busy

T = TypeVar("T")

# Hearth's transactions read only the caller's own documents (posting a thread, editing a
# profile), so they rarely conflict. When they do, the client retries a commit that aborts
# (COMMIT_ATTEMPTS times), but not a read that aborts (a transaction wounded by an older one), so
# run_transaction retries the whole transaction too, with jittered backoff.
COMMIT_ATTEMPTS = 5
TX_ATTEMPTS = 6
# Attempts of a write preconditioned on what it read (retry_while_changed).
UNCHANGED_ATTEMPTS = 10
BUSY = "the forum is busy with this item right now; try again in a moment"


def users(db: firestore.Client) -> firestore.CollectionReference:
    return db.collection("users")


def user(db: firestore.Client, uid: str) -> firestore.DocumentReference:
    return db.collection("users").document(uid)


def handle(db: firestore.Client, name: str) -> firestore.DocumentReference:
    return db.collection("handles").document(name)


def rate_state(db: firestore.Client, uid: str) -> firestore.DocumentReference:
    return user(db, uid).collection("private").document("rate")


def standing(db: firestore.Client, uid: str) -> firestore.DocumentReference:
    """users/{uid}/private/standing: {suspension {reason, until, at}, approved}, what moderators
    decided about the user. Not on the public profile: the user and moderators alone may read it."""
    return user(db, uid).collection("private").document("standing")


def mentions(post: firestore.DocumentReference) -> firestore.DocumentReference:
    """{post}/private/mentions: {uids}, the users a thread or comment has ever @mentioned, in order
    (at most 10). Written in the post's own commit; no client may read it (firestore.rules), so the
    public post carries only `mentionCount`, the length of that list, which the notification fan-out
    compares across a write to find whom it newly mentions."""
    return post.collection("private").document("mentions")


def moderator(db: firestore.Client, uid: str) -> firestore.DocumentReference:
    """moderators/{uid}: exists while uid holds the moderator claim (as last checked fresh by the API).

    firestore.rules grant the moderator's reads only with it, so a demoted moderator's token, still
    carrying the claim for up to an hour, reads nothing more once the API has seen the demotion."""
    return db.collection("moderators").document(uid)


def rate_window(db: firestore.Client, uid: str, action: str) -> firestore.DocumentReference:
    """users/{uid}/private/rate-{action}: one document per kind of action, so one busy kind
    (reactions) never pushes another's window (edits) past a document's sustained write rate."""
    return user(db, uid).collection("private").document(f"rate-{action}")


def bookmarks(db: firestore.Client, uid: str) -> firestore.CollectionReference:
    return user(db, uid).collection("bookmarks")


def notifications(db: firestore.Client, uid: str) -> firestore.CollectionReference:
    """users/{uid}/notifications/{id}: written by the notification triggers, and moderation notices by the action."""
    return user(db, uid).collection("notifications")


def inbox(db: firestore.Client, uid: str) -> firestore.DocumentReference:
    """users/{uid}/private/inbox: {unread, readAllAt}, the unread count without a scan."""
    return user(db, uid).collection("private").document("inbox")


def mute(db: firestore.Client, uid: str, tid: str) -> firestore.DocumentReference:
    """users/{uid}/mutes/{threadId}: present while the user hears nothing from that thread."""
    return user(db, uid).collection("mutes").document(tid)


def preferences(db: firestore.Client, uid: str) -> firestore.DocumentReference:
    """users/{uid}/private/preferences: {notify: {kind: bool}, blocked: {uid: {handle, at}}}; the fan-out reads it."""
    return user(db, uid).collection("private").document("preferences")


def group_marker(db: firestore.Client, uid: str, tid: str) -> firestore.DocumentReference:
    """users/{uid}/groups/{threadId}: present while uid has an unread run of comments on that thread
    (notifications/groups.py); created once per run, deleted when the run is read."""
    return user(db, uid).collection("groups").document(tid)


def history(post: firestore.DocumentReference) -> firestore.CollectionReference:
    """{post}/history/{slot}: the post's earlier versions, a ring of forum/history.KEPT slots."""
    return post.collection("history")


def fold_sweep(db: firestore.Client) -> firestore.DocumentReference:
    """background/folding: {through}, up to when the sweep has folded every owner whose shards were bumped."""
    return db.collection("background").document("folding")


def threads(db: firestore.Client) -> firestore.CollectionReference:
    return db.collection("threads")


def thread(db: firestore.Client, tid: str) -> firestore.DocumentReference:
    return db.collection("threads").document(tid)


def comments(db: firestore.Client, tid: str) -> firestore.CollectionReference:
    return thread(db, tid).collection("comments")


def comment(db: firestore.Client, tid: str, cid: str) -> firestore.DocumentReference:
    return comments(db, tid).document(cid)


def reports(db: firestore.Client) -> firestore.CollectionReference:
    """reports/{queueKey}~{uid}: one per (item, reporter), made with a create precondition."""
    return db.collection("reports")


def mod_queue(db: firestore.Client) -> firestore.CollectionReference:
    """modQueue/{queueKey}: one per reported item, its counters moved by increments."""
    return db.collection("modQueue")


def mod_log(db: firestore.Client) -> firestore.CollectionReference:
    """modLog/{id}: every moderation action, append-only (only ever created), moderators read it."""
    return db.collection("modLog")


def reaction(target: firestore.DocumentReference, uid: str) -> firestore.DocumentReference:
    """One document per (user, target): the reaction types that user gave that thread or comment."""
    return target.collection("reactions").document(uid)


def read_all(
    tx: firestore.Transaction | None, db: firestore.Client, refs: list[firestore.DocumentReference]
) -> dict[str, firestore.DocumentSnapshot]:
    """Snapshots of refs by path, in one batched read (one round trip, however many documents)."""
    return {snap.reference.path: snap for snap in db.get_all(refs, transaction=tx)} if refs else {}


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """exc and the exceptions it was raised from or while handling."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def is_contention(exc: BaseException) -> bool:
    """Whether exc is Firestore giving up on a contended transaction.

    google-cloud-firestore raises Aborted from a read, but when a commit keeps aborting it raises
    ValueError("Failed to commit transaction in N attempts") from the last Aborted; and when the
    rollback that follows fails, that error comes out with the ValueError as its context.
    """
    return any(isinstance(e, Aborted) for e in _chain(exc))


def run_transaction(db: firestore.Client, fn: Callable[[firestore.Transaction], T]) -> T:
    """Run fn in a read-write transaction, retried on contention; all of it commits or none.

    Contention that outlasts every retry is Busy (503 with Retry-After), never a 500.
    """
    for attempt in range(TX_ATTEMPTS):
        try:
            return firestore.transactional(fn)(db.transaction(max_attempts=COMMIT_ATTEMPTS))
        except (Aborted, ValueError, GoogleAPICallError) as exc:
            if not is_contention(exc):
                raise
            time.sleep(random.uniform(0, min(1.0, 0.05 * 2**attempt)))
    raise Busy(BUSY)


def unchanged_since(db: firestore.Client, snap: firestore.DocumentSnapshot) -> Any:
    """A write option: commit only if the document is still as snap saw it (same update time)."""
    return db.write_option(last_update_time=snap.update_time)


def retry_while_changed(attempt: Callable[[], T]) -> T:
    """Run attempt until nothing it read changed before its commit; Busy if that never happens.

    attempt reads (outside any transaction), decides, and commits one batch whose writes to what
    decided it are preconditioned: an update or delete with unchanged_since, a create where the
    document was missing. A precondition that fails (FailedPrecondition, AlreadyExists) means a
    concurrent write got there first, and Aborted that the commit met contention: attempt runs
    again on fresh reads. Optimistic concurrency:
    unlike a transaction's read, it holds no lock between the read and the commit, so nobody's
    write ever waits on it, and it costs two round trips (a batched read and a commit).
    """
    for n in range(UNCHANGED_ATTEMPTS):
        try:
            return attempt()
        except (FailedPrecondition, AlreadyExists, Aborted):  # Aborted: contention on a commit
            time.sleep(random.uniform(0, min(0.5, 0.01 * 2**n)))
    raise Busy(BUSY)
