"""Where things live in Firestore: one function per document or collection, and the transaction runner."""
from __future__ import annotations

from typing import Callable, TypeVar

from google.cloud import firestore

T = TypeVar("T")

# Write transactions on hot documents (a popular thread's counters) conflict; the client
# retries them, and the emulator and production both serialise them with locks.
TX_ATTEMPTS = 25


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


def threads(db: firestore.Client) -> firestore.CollectionReference:
    return db.collection("threads")


def thread(db: firestore.Client, tid: str) -> firestore.DocumentReference:
    return db.collection("threads").document(tid)


def comments(db: firestore.Client, tid: str) -> firestore.CollectionReference:
    return thread(db, tid).collection("comments")


def comment(db: firestore.Client, tid: str, cid: str) -> firestore.DocumentReference:
    return comments(db, tid).document(cid)


def reaction(target: firestore.DocumentReference, uid: str) -> firestore.DocumentReference:
    """One document per (user, target): the reaction types that user gave that thread or comment."""
    return target.collection("reactions").document(uid)


def run_transaction(db: firestore.Client, fn: Callable[[firestore.Transaction], T]) -> T:
    """Run fn in a read-write transaction, retried on contention; all of it commits or none."""
    return firestore.transactional(fn)(db.transaction(max_attempts=TX_ATTEMPTS))
