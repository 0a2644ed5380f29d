"""Who may write at all: a suspended user may not, until their suspension ends (by the injected clock).

A suspension lives in the user's private standing document (store.standing), never on the public
profile, so each write reads that document: in its own batched read where it reads anyway.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from google.cloud import firestore

from ..auth import Caller
from ..db import store
from ..errors import Suspended
from ..forum import serialize


def refuse_if_suspended(standing: Mapping[str, Any] | None, now: datetime) -> None:
    """Suspended (403, with the reason and until) if this standing document holds a suspension at now."""
    current = serialize.suspension(standing or {}, now)
    if current:
        raise Suspended(current["reason"], current["until"])


def check(db: firestore.Client, caller: Caller, now: datetime) -> None:
    """The caller may write: one document read, after the request is validated and before any write.

    Writes that make a batched read anyway put the caller's standing in it instead (no extra round trip).
    """
    refuse_if_suspended(store.standing(db, caller.uid).get().to_dict(), now)
