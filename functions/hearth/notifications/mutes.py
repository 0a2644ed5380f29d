"""Muting: a user hears nothing more from a thread until they unmute it (users/{uid}/mutes/{tid})."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.api_core.exceptions import AlreadyExists
from google.cloud import firestore

from ..auth import Caller
from ..db import store
from ..forum import threads
from ..moderation import guard


def put(db: firestore.Client, caller: Caller, tid: str, now: datetime) -> dict[str, Any]:
    """Mute a visible thread; muting it again keeps the first time."""
    threads.read_visible(None, db, tid)
    guard.check(db, caller, now)
    try:
        store.mute(db, caller.uid, tid).create({"threadId": tid, "createdAt": now})
    except AlreadyExists:
        pass
    return {"threadId": tid, "muted": True}


def delete(db: firestore.Client, caller: Caller, tid: str, now: datetime) -> dict[str, Any]:
    """Unmute (idempotent; a thread deleted since can still be unmuted)."""
    guard.check(db, caller, now)
    store.mute(db, caller.uid, tid).delete()
    return {"threadId": tid, "muted": False}
