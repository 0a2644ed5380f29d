"""Sliding-window rate limits. The window is a list of recent action times kept in Firestore."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .errors import RateLimited


@dataclass(frozen=True)
class Limit:
    action: str
    count: int
    period: timedelta

    def describe(self) -> str:
        seconds = int(self.period.total_seconds())
        span = f"{seconds // 60} minutes" if seconds % 60 == 0 and seconds >= 120 else (
            "minute" if seconds == 60 else f"{seconds} seconds")
        return f"at most {self.count} {self.action}s per {span}"


def admit(history: list[datetime], now: datetime, limit: Limit) -> list[datetime]:
    """The window with `now` added, or RateLimited (with the seconds to wait) when it is full."""
    start = now - limit.period
    recent = sorted(t for t in history if t > start)
    if len(recent) >= limit.count:
        oldest_that_matters = recent[len(recent) - limit.count]
        wait = (oldest_that_matters + limit.period - now).total_seconds()
        raise RateLimited(f"too many {limit.action}s: {limit.describe()}", retry_after=math.ceil(wait))
    return recent + [now]


def reserve(snap: Any, now: datetime, limit: Limit) -> dict[str, list[datetime]]:
    """Admit one more action given the caller's rate state (a snapshot read in the write's transaction).

    Returns the fields to write back with tx.set(ref, ..., merge=True), or raises RateLimited.
    """
    history = (snap.to_dict() or {}).get(limit.action, []) if snap.exists else []
    return {limit.action: admit(list(history), now, limit)}
