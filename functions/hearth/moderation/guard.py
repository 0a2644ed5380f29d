"""Who may write at all: a suspended user may not, until their suspension ends (by the injected clock)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from google.cloud import firestore

from ..auth import Caller
from ..db import store
from ..errors import Suspended
from ..forum import serialize


def refuse_if_suspended(profile: Mapping[str, Any] | None, now: datetime) -> None:
    """Suspended (403, with the reason and until) if this profile is suspended at now."""
    current = serialize.suspension(profile or {}, now)
    if current:
        raise Suspended(current["reason"], current["until"])


def check(db: firestore.Client, caller: Caller, now: datetime) -> None:
    """The caller may write: one document read, after the request is validated and before any write.

    Writes whose transaction reads the caller's profile anyway check that instead (no extra read).
    """
    snap = store.user(db, caller.uid).get()
    refuse_if_suspended(snap.to_dict() if snap.exists else None, now)
