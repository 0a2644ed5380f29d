"""Opaque page cursors: the sort they belong to and the last item's sort values, base64url JSON."""
from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from .errors import Invalid


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"}:
        return datetime.fromisoformat(value["t"])
    return value


def encode(kind: str, values: list[Any]) -> str:
    """A cursor for a page of `kind` that ends at an item with these sort values (last: its id)."""
    raw = json.dumps([kind, [_plain(v) for v in values]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(kind: str, cursor: str | None, arity: int) -> list[Any] | None:
    """The sort values in a cursor made by encode(kind, ...); Invalid if it is not one."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found_kind, values = json.loads(raw)
        values = [_typed(v) for v in values]
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise Invalid("cursor is not valid", field="cursor") from None
    if found_kind != kind or not isinstance(values, list) or len(values) != arity:
        raise Invalid("cursor does not belong to this list", field="cursor")
    if not isinstance(values[-1], str):
        raise Invalid("cursor is not valid", field="cursor")
    return values
