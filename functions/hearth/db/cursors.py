"""Opaque page cursors: the sort they belong to and the last item's sort values, base64url JSON.

A cursor comes back from the client, so it is untrusted input: decode() checks everything a
hand-made one could get wrong (alphabet, size, nesting, shape, the type and range of each value,
the id rules) before any of it reaches a Firestore query, and refuses it as 422 on `cursor`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from datetime import datetime, timezone
from typing import Any, Literal, Sequence

from .. import validation
from ..errors import Invalid

# What a sort value is, as the query that orders by it expects.
ValueKind = Literal["time", "int", "bool"]

MAX_CURSOR_CHARS = 1024  # a real cursor is ~100 characters; anything much longer is made up
CURSOR_PATTERN = r"^[A-Za-z0-9_-]+$"  # base64url without padding, for the OpenAPI document
_ALPHABET = re.compile(r"[A-Za-z0-9_-]+")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Firestore timestamps run from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
TIME_MIN = datetime(1, 1, 1, tzinfo=timezone.utc)
TIME_MAX = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    return value


def encode(kind: str, values: list[Any]) -> str:
    """A cursor for a page of `kind` that ends at an item with these sort values (last: its id)."""
    raw = json.dumps([kind, [_plain(v) for v in values]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _bad(reason: str = "cursor is not valid") -> Invalid:
    return Invalid(reason, field="cursor")


def _time(value: Any) -> datetime:
    """A time as encode() writes it: {"t": ISO 8601 with an offset}, within Firestore's range."""
    if not (isinstance(value, dict) and set(value) == {"t"} and isinstance(value["t"], str)):
        raise _bad()
    try:
        when = datetime.fromisoformat(value["t"])
        if when.tzinfo is None:
            raise _bad()
        when = when.astimezone(timezone.utc)  # an offset can push it past year 1 or 9999
    except (ValueError, OverflowError):
        raise _bad() from None
    if not TIME_MIN <= when <= TIME_MAX:
        raise _bad()
    return when


def _int(value: Any) -> int:
    if type(value) is not int or not INT64_MIN <= value <= INT64_MAX:  # bool is an int: refused
        raise _bad()
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise _bad()
    return value


_CHECKS = {"time": _time, "int": _int, "bool": _bool}


def _is_document_path(value: Any) -> bool:
    """collection/id/collection/id...: an even number of segments, each an id Firestore accepts."""
    segments = value.split("/") if isinstance(value, str) else []
    return len(segments) >= 2 and len(segments) % 2 == 0 and all(map(validation.is_firestore_id, segments))


def decode(
    kind: str, cursor: str | None, value_kinds: Sequence[ValueKind], *, tie: Literal["id", "path"] = "id"
) -> list[Any] | None:
    """The sort values (one per value_kinds, then the tie-breaker: a document id, or for a
    collection-group list a document path) in a cursor encode(kind, ...) made.

    None when there is no cursor (the first page); Invalid (422, field `cursor`) for anything else
    that is not such a cursor.
    """
    if cursor is None:
        return None
    if len(cursor) > MAX_CURSOR_CHARS or not _ALPHABET.fullmatch(cursor):
        raise _bad()
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        raise _bad() from None
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], str) and isinstance(data[1], list)):
        raise _bad()
    found_kind, values = data
    if found_kind != kind or len(values) != len(value_kinds) + 1:
        raise _bad("cursor does not belong to this list")
    last_id = values[-1]
    # Any id Firestore accepts: lists are of Hearth's ids and of keys like "thread~{tid}".
    if not (_is_document_path(last_id) if tie == "path" else validation.is_firestore_id(last_id)):
        raise _bad()
    return [_CHECKS[k](v) for k, v in zip(value_kinds, values, strict=False)] + [last_id]
