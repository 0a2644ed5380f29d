"""Who may see what: an item is visible, hidden (by moderators, its thread's author or reports) or deleted."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Mapping

from ..auth import Caller


class Status(StrEnum):
    """A thread's or comment's `status`."""

    VISIBLE = "visible"
    HIDDEN = "hidden"
    DELETED = "deleted"


VISIBLE, HIDDEN, DELETED = Status.VISIBLE, Status.HIDDEN, Status.DELETED


def is_author(caller: Caller | None, data: Mapping[str, Any]) -> bool:
    return caller is not None and (data.get("author") or {}).get("uid") == caller.uid


def reveal(caller: Caller | None, data: Mapping[str, Any]) -> bool:
    """Whether the caller may read a hidden item's text: its author (to see why) or a moderator (to review it)."""
    return caller is not None and (caller.is_moderator or is_author(caller, data))


def readable(caller: Caller | None, data: Mapping[str, Any]) -> bool:
    """A hidden item exists only for those it is revealed to; visible and deleted ones for everyone."""
    return data.get("status") != HIDDEN or reveal(caller, data)
