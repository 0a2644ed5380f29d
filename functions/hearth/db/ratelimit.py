"""Sliding-window rate limits. The window is a list of recent action times kept in Firestore."""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..errors import RateLimited
from . import store


@dataclass(frozen=True)
class Limit:
    action: str
    count: int
    period: timedelta

    @property
    def actions(self) -> str:
        """The action's plural, for messages: "comments", "searches"."""
        return self.action + ("es" if self.action.endswith(("s", "sh", "ch", "x")) else "s")

    def describe(self) -> str:
        seconds = int(self.period.total_seconds())
        span = (
            f"{seconds // 60} minutes"
            if seconds % 60 == 0 and seconds >= 120
            else ("minute" if seconds == 60 else f"{seconds} seconds")
        )
        return f"at most {self.count} {self.actions} per {span}"


def admit(history: list[datetime], now: datetime, limit: Limit) -> list[datetime]:
    """The window with `now` added, or RateLimited (with the seconds to wait) when it is full."""
    start = now - limit.period
    recent = sorted(t for t in history if t > start)
    if len(recent) >= limit.count:
        oldest_that_matters = recent[len(recent) - limit.count]
        wait = (oldest_that_matters + limit.period - now).total_seconds()
        raise RateLimited(f"too many {limit.actions}: {limit.describe()}", retry_after=math.ceil(wait))
    return recent + [now]


def reserve(snap: Any, now: datetime, limit: Limit) -> dict[str, list[datetime]]:
    """Admit one more action given the caller's rate state (a snapshot read in the write's transaction).

    Returns the fields to write back with tx.set(ref, ..., merge=True), or raises RateLimited.
    """
    history = (snap.to_dict() or {}).get(limit.action, []) if snap.exists else []
    return {limit.action: admit(list(history), now, limit)}


def charge(batch: Any, ref: Any, snap: Any, now: datetime, limit: Limit, unchanged: Any) -> None:
    """Count one action in the window `ref` (read as snap) within a batch, or raise RateLimited.

    The write is preconditioned on the window being unchanged since it was read (or created
    where none was), so two requests of one caller can never both take the last place.
    unchanged: store.unchanged_since bound to the database.
    """
    rate = reserve(snap, now, limit)
    if snap.exists:
        batch.update(ref, rate, option=unchanged(snap))
    else:
        batch.create(ref, rate)


def take(db: Any, uid: str, now: datetime, limit: Limit) -> None:
    """Count one action of uid's on its own (nothing else written with it), or raise RateLimited:
    the window's read and one preconditioned commit, read again while another request changed it."""
    ref = store.rate_window(db, uid, limit.action)

    def attempt() -> None:
        batch = db.batch()
        charge(batch, ref, ref.get(), now, limit, lambda snap: store.unchanged_since(db, snap))
        batch.commit()

    store.retry_while_changed(attempt)


class InstanceWindows:
    """Sliding windows kept in this instance's memory, for limits that guard the instance itself.

    Rendering a preview costs CPU here and nothing in Firestore, so its limit lives where the cost
    is: a Firestore-backed window would add a transaction (and a write) to every keystroke pause.
    At most `max_keys` callers are remembered; the least recently seen is forgotten first.
    """

    def __init__(self, max_keys: int = 10_000) -> None:
        self._windows: OrderedDict[str, list[datetime]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_keys = max_keys

    def admit(self, key: str, now: datetime, limit: Limit) -> None:
        """Count one action by key, or raise RateLimited (with the seconds to wait)."""
        with self._lock:
            window = admit(self._windows.pop(key, []), now, limit)
            self._windows[key] = window
            while len(self._windows) > self._max_keys:
                self._windows.popitem(last=False)
