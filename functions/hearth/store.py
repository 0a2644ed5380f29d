"""Where things live in Firestore: one function per document or collection, and the transaction runner."""
from __future__ import annotations

import random
import time
from typing import Callable, TypeVar

from google.api_core.exceptions import Aborted
from google.cloud import firestore

from .errors import Busy

T = TypeVar("T")

# Write transactions on a hot document (a popular thread's counters) conflict. The client retries
# a commit that aborts, but not a read that aborts (a transaction wounded by an older one), so
# run_transaction retries those too, with jittered backoff.
COMMIT_ATTEMPTS = 5
TX_ATTEMPTS = 12


def users(db: firestore.Client) -> firestore.CollectionReference:
    return db.collection("users")


def user(db: firestore.Client, uid: str) -> firestore.DocumentReference:
    return db.collection("users").document(uid)


def handle(db: firestore.Client, name: str) -> firestore.DocumentReference:
    return db.collection("handles").document(name)


def rate_state(db: firestore.Client, uid: str) -> firestore.DocumentReference:
    return user(db, uid).collection("private").document("rate")


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


def read_all(tx: firestore.Transaction | None, db: firestore.Client,
             refs: list[firestore.DocumentReference]) -> dict[str, firestore.DocumentSnapshot]:
    """Snapshots of refs by path, in one batched read (one round trip, however many documents)."""
    return {snap.reference.path: snap for snap in db.get_all(refs, transaction=tx)} if refs else {}


def run_transaction(db: firestore.Client, fn: Callable[[firestore.Transaction], T]) -> T:
    """Run fn in a read-write transaction, retried on contention; all of it commits or none."""
    for attempt in range(TX_ATTEMPTS):
        try:
            return firestore.transactional(fn)(db.transaction(max_attempts=COMMIT_ATTEMPTS))
        except Aborted:
            time.sleep(random.uniform(0, min(1.0, 0.02 * 2**attempt)))
    raise Busy("the forum is busy with this item right now; try again in a moment")
