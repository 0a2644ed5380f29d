"""Backfill: the search terms of posts written before search existed (or under older term rules).

`make reindex` runs it (scripts/reindex.py). It walks `threads` and then every `comments`
collection in document-name order, a page at a time, computes each post's terms exactly as the
write path does, and writes only those that differ, in batched commits of at most `batch` writes
(Firestore allows 500). Each write is preconditioned on the post being unchanged since it was
read, so a post edited meanwhile (whose new terms its own edit wrote) is read again rather than
overwritten. After every commit the position is saved to a state file, so an interrupted run
resumes where it stopped; running it again when everything is current reads and writes nothing
but the reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from google.api_core import exceptions as google_errors
from google.cloud import firestore

from ..forum.threads import thread_terms
from ..moderation.visibility import DELETED
from . import terms as search_terms

KINDS = ("threads", "comments")
MAX_BATCH = 500  # Firestore's most writes in one commit


def comment_terms(data: dict[str, Any]) -> list[str]:
    """The search terms of a comment as stored: its body and its author's handle."""
    words = search_terms.text_terms(search_terms.post_text(None, data.get("body") or ""))
    return search_terms.post_terms(words, (data.get("author") or {}).get("handle"))


def wanted_terms(kind: str, data: dict[str, Any]) -> list[str]:
    """What a post's terms should be: none for a deleted one (nobody finds a tombstone)."""
    if data.get("status") == DELETED:
        return []
    return thread_terms(data) if kind == "threads" else comment_terms(data)


@dataclass
class Progress:
    """Where a run is: per kind, the last document name done (resumable) and what it did."""

    after: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(KINDS))
    done: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(KINDS, False))
    read: int = 0
    written: int = 0
    retried: int = 0

    @classmethod
    def load(cls, path: Path | None) -> Progress:
        if path is None or not path.exists():
            return cls()
        raw = json.loads(path.read_text())
        return cls(
            after=raw["after"],
            done=raw["done"],
            read=raw.get("read", 0),
            written=raw.get("written", 0),
            retried=raw.get("retried", 0),
        )

    def save(self, path: Path | None) -> None:
        if path is None:
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.__dict__))
        tmp.replace(path)  # atomic: a crash leaves the old state or the new, never half a file


def _query(db: firestore.Client, kind: str, after: str | None, page: int) -> firestore.Query:
    source = db.collection("threads") if kind == "threads" else db.collection_group("comments")
    query = source.order_by("__name__")
    if after is not None:
        query = query.start_after(
            {"__name__": db.document(after)}
            if kind == "comments"
            else {"__name__": db.collection("threads").document(after)}
        )
    return query.limit(page)


def _commit(
    db: firestore.Client, kind: str, changes: list[tuple[firestore.DocumentSnapshot, list[str]]], progress: Progress
) -> None:
    """Write the changed terms in one batch; when a post changed since it was read, each one alone."""
    if not changes:
        return
    batch = db.batch()
    for snap, terms in changes:
        batch.update(snap.reference, {"terms": terms}, option=db.write_option(last_update_time=snap.update_time))
    try:
        batch.commit()
        progress.written += len(changes)
        return
    except (google_errors.FailedPrecondition, google_errors.NotFound):
        pass
    for snap, _ in changes:  # someone wrote one of them meanwhile: read each again and write it alone
        _rewrite(db, kind, snap.reference, progress)


def _rewrite(
    db: firestore.Client, kind: str, ref: firestore.DocumentReference, progress: Progress, attempts: int = 5
) -> None:
    for _ in range(attempts):
        snap = ref.get()
        progress.retried += 1
        if not snap.exists:
            return
        terms = wanted_terms(kind, snap.to_dict() or {})
        if (snap.to_dict() or {}).get("terms") == terms:
            return
        try:
            ref.update({"terms": terms}, option=db.write_option(last_update_time=snap.update_time))
            progress.written += 1
            return
        except google_errors.FailedPrecondition:
            continue
    raise RuntimeError(f"{ref.path} kept changing; run the backfill again")


def run(
    db: firestore.Client,
    *,
    state: Path | None = None,
    page: int = 200,
    batch: int = 200,
    kinds: Iterable[str] = KINDS,
    on_page: Callable[[Progress], None] | None = None,
) -> Progress:
    """Backfill every post's terms, resuming from `state` when it holds an earlier run's position."""
    if not 1 <= batch <= MAX_BATCH:
        raise ValueError(f"batch must be 1-{MAX_BATCH}")
    progress = Progress.load(state)
    for kind in kinds:
        while not progress.done[kind]:
            snaps = list(_query(db, kind, progress.after[kind], page).stream())
            progress.read += len(snaps)
            changes = []
            for snap in snaps:
                data = snap.to_dict() or {}
                terms = wanted_terms(kind, data)
                if data.get("terms") != terms:
                    changes.append((snap, terms))
            for start in range(0, len(changes), batch):
                _commit(db, kind, changes[start : start + batch], progress)
            if snaps:
                last = snaps[-1].reference
                progress.after[kind] = last.path if kind == "comments" else last.id
            progress.done[kind] = len(snaps) < page
            progress.save(state)
            if on_page:
                on_page(progress)
    return progress
