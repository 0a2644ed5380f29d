"""Cursor pagination over Firestore queries: one query per page, never an offset."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from google.cloud import firestore

from . import cursors

Order = tuple[str, str]  # (field, firestore.Query.ASCENDING | DESCENDING)
DESC = firestore.Query.DESCENDING
ASC = firestore.Query.ASCENDING
# What each field a list is ordered by holds, so a cursor's values are checked against it
# (cursors.decode). A list ordered by a new field adds it here.
FIELD_KINDS: dict[str, cursors.ValueKind] = {
    "createdAt": "time",
    "lastActivityAt": "time",
    "score": "int",
    "pinned": "bool",
    "updatedAt": "time",
    "at": "time",
}


def value_kinds(orders: Sequence[Order]) -> list[cursors.ValueKind]:
    """The kind of each ordering field's value; a KeyError names a field missing from FIELD_KINDS."""
    return [FIELD_KINDS[field] for field, _ in orders]


def page(
    query: firestore.Query,
    kind: str,
    orders: Sequence[Order],
    limit: int,
    cursor: str | None,
    transaction: Any = None,
    ref_for_path: Callable[[str], firestore.DocumentReference] | None = None,
) -> tuple[list[firestore.DocumentSnapshot], str | None]:
    """One page of query in the given order (document id breaks ties) and the cursor of the next page.

    A collection-group query breaks ties on the whole document path, not the id: it passes
    ref_for_path (path -> reference, refusing paths outside the group), and its cursors carry paths.
    """
    for field, direction in orders:
        query = query.order_by(field, direction=direction)
    query = query.order_by("__name__", direction=orders[-1][1])
    after = cursors.decode(kind, cursor, value_kinds(orders), tie="path" if ref_for_path is not None else "id")
    if after is not None and ref_for_path is not None:
        after[-1] = ref_for_path(after[-1])
    if after is not None:
        query = query.start_after(after)
    snaps = list(query.limit(limit + 1).stream(transaction=transaction))
    if len(snaps) <= limit:
        return snaps, None
    snaps = snaps[:limit]
    last = snaps[-1]
    tie = last.reference.path if ref_for_path is not None else last.id
    return snaps, cursors.encode(kind, [last.get(field) for field, _ in orders] + [tie])
