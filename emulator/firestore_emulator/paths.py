"""Resource names: databases, documents and collection parents, validated as Firestore does."""
from __future__ import annotations

import re

from .errors import InvalidArgument

_RESERVED = re.compile(r"__.*__\Z", re.S)
_MAX_NAME_BYTES = 6 * 1024


_DB_CACHE: dict[str, tuple[str, str]] = {}
_DOC_CACHE: dict[str, tuple[str, str]] = {}
_CACHE_MAX = 200_000


def parse_database(name: str) -> tuple[str, str]:
    """`projects/{p}/databases/{d}` -> (p, d)."""
    hit = _DB_CACHE.get(name)
    if hit is not None:
        return hit
    if len(_DB_CACHE) > 10_000:
        _DB_CACHE.clear()
    _DB_CACHE[name] = result = _parse_database(name)
    return result


def _parse_database(name: str) -> tuple[str, str]:
    parts = name.split("/") if name else []
    if len(parts) != 4 or parts[0] != "projects" or parts[2] != "databases" or not parts[1] or not parts[3]:
        raise InvalidArgument(f"Invalid database name {name!r}: expected projects/{{project}}/databases/{{database}}.")
    return parts[1], parts[3]


def _check_segments(segments: list[str], name: str) -> None:
    for seg in segments:
        if seg == "":
            raise InvalidArgument(f"Invalid resource name {name!r}: a path segment is empty.")
        if seg in (".", ".."):
            raise InvalidArgument(f"Invalid resource name {name!r}: {seg!r} is not a valid id.")
        if _RESERVED.match(seg):
            raise InvalidArgument(
                f"Invalid resource name {name!r}: id {seg!r} is reserved (ids may not match __.*__).")
        if len(seg.encode("utf-8")) > 1500:
            raise InvalidArgument(f"Invalid resource name {name!r}: an id is longer than 1500 bytes.")


def split_name(name: str) -> tuple[str, str, list[str]]:
    """A name under `projects/p/databases/d/documents` -> (p, d, segments after `documents`)."""
    if not name:
        raise InvalidArgument("Missing resource name.")
    if len(name) > _MAX_NAME_BYTES:
        raise InvalidArgument("Resource name is too long.")
    parts = name.split("/")
    if len(parts) < 5 or parts[0] != "projects" or parts[2] != "databases" or parts[4] != "documents" \
            or not parts[1] or not parts[3]:
        raise InvalidArgument(
            f"Invalid resource name {name!r}: expected projects/{{project}}/databases/{{database}}/documents/...")
    rest = parts[5:]
    _check_segments(rest, name)
    return parts[1], parts[3], rest


def document_name(name: str, database: tuple[str, str] | None = None) -> tuple[str, str]:
    """Validate a document name; returns (project, database)."""
    key = _DOC_CACHE.get(name)
    if key is None:
        key = _document_name(name)
        if len(_DOC_CACHE) > _CACHE_MAX:
            _DOC_CACHE.clear()
        _DOC_CACHE[name] = key
    if database is not None and key != database:
        raise InvalidArgument(
            f"Document {name!r} is not in database projects/{database[0]}/databases/{database[1]}.")
    return key


def _document_name(name: str) -> tuple[str, str]:
    project, db, rest = split_name(name)
    if not rest or len(rest) % 2:
        raise InvalidArgument(
            f"Invalid document name {name!r}: a document path has an even number of segments "
            f"(collection/document pairs).")
    return project, db


def parent_name(name: str, database: tuple[str, str] | None = None) -> tuple[str, str, str]:
    """Validate a query/list parent (the documents root or a document); returns (p, d, normalized)."""
    project, db, rest = split_name(name.rstrip("/") if name.endswith("/documents/") else name)
    if len(rest) % 2:
        raise InvalidArgument(
            f"Invalid parent {name!r}: the parent must be the database's documents root or a document.")
    if database is not None and (project, db) != database:
        raise InvalidArgument(
            f"Parent {name!r} is not in database projects/{database[0]}/databases/{database[1]}.")
    return project, db, "/".join(["projects", project, "databases", db, "documents", *rest])


def check_collection_id(cid: str) -> None:
    if not cid:
        raise InvalidArgument("Collection id must not be empty.")
    if "/" in cid:
        raise InvalidArgument(f"Invalid collection id {cid!r}: it must not contain '/'.")
    _check_segments([cid], cid)


def check_document_id(did: str) -> None:
    if "/" in did:
        raise InvalidArgument(f"Invalid document id {did!r}: it must not contain '/'.")
    _check_segments([did], did)


def db_prefix(project: str, database: str) -> str:
    return f"projects/{project}/databases/{database}/documents"
