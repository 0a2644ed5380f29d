"""GET /api/search: threads or comments by their words, newest first or top, a bounded page at a time.

A page runs one Firestore query, `terms array-contains <lead>` (the plan's most selective term)
with `status == "visible"` (moderators: without, so hidden posts are found too; a deleted post has
no terms), ordered as asked. The other terms, the excluded words, the phrases and, for comments,
their thread's visibility are checked on the documents read. When that leaves the page short, the
query continues where it stopped, at most MAX_QUERIES times and SCAN_FACTOR × limit documents in
all; the cursor then points after the last document *read*, not the last one returned, so the next
page neither repeats nor skips one, and a page may hold fewer results than `limit` while
`nextCursor` still says more may follow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Callable, Literal

from google.cloud import firestore

from .. import validation
from ..auth import Caller
from ..db import cursors
from ..db.pagination import DESC, Order, value_kinds
from ..db.ratelimit import InstanceWindows, Limit
from ..forum import serialize
from ..moderation.visibility import HIDDEN, VISIBLE
from . import query as planner
from . import snippet as snippets
from . import terms as search_terms


class SearchType(StrEnum):
    """What a search finds (the first is the default)."""

    THREADS = "threads"
    COMMENTS = "comments"


class SearchSort(StrEnum):
    """How results are ordered (the first is the default)."""

    NEW = "new"
    TOP = "top"


THREADS, COMMENTS = SearchType.THREADS, SearchType.COMMENTS
SORTS: dict[SearchSort, list[Order]] = {
    SearchSort.NEW: [("createdAt", DESC)],
    SearchSort.TOP: [("score", DESC), ("createdAt", DESC)],
}
MAX_QUERIES = 3  # queries a page may run
SCAN_FACTOR = 5  # documents a page may read: SCAN_FACTOR × limit (100 for a page of 20)
_COMMENT_PATH = re.compile(r"threads/[A-Za-z0-9_-]{1,64}/comments/[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Limits:
    """How many searches a minute: per signed-in user; per anonymous address; all anonymous ones an instance serves."""

    user: Limit
    anonymous: Limit
    anonymous_total: Limit


def admit(windows: InstanceWindows, caller: Caller | None, address: str | None, now: datetime, limits: Limits) -> None:
    """Count one search, or RateLimited. Kept in the instance's memory, as previews are: a search writes
    nothing, and a Firestore window would add a write to every search. An anonymous caller's address
    can be forged (a header), so all anonymous searches of an instance share a ceiling too."""
    if caller is not None:
        windows.admit(f"search:{caller.uid}", now, limits.user)
        return
    windows.admit("search-anonymous:*", now, limits.anonymous_total)
    windows.admit(f"search-anonymous:{address or '?'}", now, limits.anonymous)


def _base_query(db: firestore.Client, kind: str, plan: planner.Plan, moderator: bool) -> firestore.Query:
    source = db.collection("threads") if kind == THREADS else db.collection_group("comments")
    query = source.where(filter=firestore.FieldFilter("terms", "array_contains", plan.lead))
    if not moderator:  # rules are not filters: the query itself keeps to visible posts
        query = query.where(filter=firestore.FieldFilter("status", "==", VISIBLE))
    return query


def _ordered(query: firestore.Query, orders: list[Order]) -> firestore.Query:
    for field, direction in orders:
        query = query.order_by(field, direction=direction)
    return query.order_by("__name__", direction=orders[-1][1])


def _findable(data: dict[str, Any], moderator: bool) -> bool:
    """Visible posts for everyone, hidden ones for moderators too, deleted ones for nobody."""
    status = data.get("status")
    return status == VISIBLE or (moderator and status == HIDDEN)


def _text(kind: str, data: dict[str, Any]) -> str:
    return search_terms.post_text(data.get("title") if kind == THREADS else None, data.get("body") or "")


class _Scan:
    """The state of one page's scan: documents read, results kept, where to continue."""

    def __init__(self, db: firestore.Client, kind: str, plan: planner.Plan, moderator: bool, size: int) -> None:
        self.db, self.kind, self.plan, self.moderator, self.size = db, kind, plan, moderator, size
        self.results: list[tuple[firestore.DocumentSnapshot, dict[str, Any] | None]] = []
        self.threads: dict[str, firestore.DocumentSnapshot] = {}
        self.read = 0
        self.queries = 0

    def candidate(self, snap: firestore.DocumentSnapshot) -> bool:
        """Whether a document read holds the whole query (its thread aside)."""
        data = snap.to_dict() or {}
        return (
            _findable(data, self.moderator)
            and self.plan.matches(data.get("terms") or [])
            and planner.phrases_match(self.plan, _text(self.kind, data))
        )

    def read_threads(self, snaps: list[firestore.DocumentSnapshot]) -> None:
        """The threads of these comments not read yet, in one batched read."""
        refs = {s.reference.parent.parent.path: s.reference.parent.parent for s in snaps}
        missing = [ref for path, ref in refs.items() if path not in self.threads]
        if missing:
            self.threads.update({s.reference.path: s for s in self.db.get_all(missing)})

    def thread_of(self, snap: firestore.DocumentSnapshot) -> dict[str, Any] | None:
        """A comment's thread, when the caller may find comments in it; None otherwise."""
        thread = self.threads.get(snap.reference.parent.parent.path)
        if thread is None or not thread.exists or not _findable(thread.to_dict() or {}, self.moderator):
            return None
        return thread.to_dict()


def search(
    db: firestore.Client,
    caller: Caller | None,
    *,
    q: str,
    kind: SearchType = SearchType.THREADS,
    sort: SearchSort = SearchSort.NEW,
    limit: int = validation.LIMIT_DEFAULT,
    cursor: str | None = None,
) -> dict[str, Any]:
    """A page of results: at most MAX_QUERIES queries and SCAN_FACTOR × limit documents read, plus for
    comments one batched read of their threads per query. q, kind, sort and limit as models.SearchQuery
    checked them."""
    plan = planner.parse(q)
    size = limit
    moderator = bool(caller and caller.is_moderator)
    orders = SORTS[sort]
    list_kind = f"search:{kind.value}:{sort.value}:{'m' if moderator else 'p'}:{plan.key()}"
    tie: Literal["id", "path"] = "path" if kind == COMMENTS else "id"
    after = cursors.decode(list_kind, cursor, value_kinds(orders), tie=tie)
    if after is not None and kind == COMMENTS:
        if not _COMMENT_PATH.fullmatch(after[-1]):
            raise validation.Invalid("cursor is not valid", field="cursor")
        after[-1] = db.document(after[-1])

    scan = _Scan(db, kind, plan, moderator, size)
    base = _ordered(_base_query(db, kind, plan, moderator), orders)
    budget = SCAN_FACTOR * size
    last: firestore.DocumentSnapshot | None = None
    more = True
    while more and len(scan.results) < size and scan.queries < MAX_QUERIES and scan.read < budget:
        # The first query reads one more than a page, so a page that fills from it knows whether more follow.
        want = min(budget - scan.read, size + 1 if scan.queries == 0 else 2 * size)
        page_query = base.start_after(after) if after is not None else base
        snaps = list(page_query.limit(want).stream())
        scan.queries += 1
        scan.read += len(snaps)
        more = len(snaps) == want
        candidates = [s for s in snaps if scan.candidate(s)]
        if kind == COMMENTS and candidates:
            scan.read_threads(candidates)
        chosen = {s.reference.path for s in candidates}
        for snap in snaps:
            if len(scan.results) == size:
                more = True  # read but not yet looked at: the next page starts here
                break
            last = snap
            if snap.reference.path in chosen:
                thread = scan.thread_of(snap) if kind == COMMENTS else None
                if kind == THREADS or thread is not None:
                    scan.results.append((snap, thread))
        if last is not None:
            after = [last.get(field) for field, _ in orders] + [last.reference if kind == COMMENTS else last.id]
    next_cursor = None
    if more and last is not None:
        tie_value = last.reference.path if kind == COMMENTS else last.id
        next_cursor = cursors.encode(list_kind, [last.get(field) for field, _ in orders] + [tie_value])
    render: Callable[[firestore.DocumentSnapshot, dict[str, Any] | None], dict[str, Any]] = (
        # A streamed query's snapshots exist: to_dict() is None only for a missing document.
        (lambda s, _t: thread_result(s.id, s.to_dict() or {}, plan))
        if kind == THREADS
        else (lambda s, t: comment_result(s.id, s.to_dict() or {}, t or {}, plan))
    )
    return {"items": [render(s, t) for s, t in scan.results], "nextCursor": next_cursor}


def thread_result(tid: str, data: dict[str, Any], plan: planner.Plan) -> dict[str, Any]:
    """A thread found: its title and a snippet of its body with the matched words marked."""
    return {
        "id": tid,
        "title": data.get("title", ""),
        "titleMarked": snippets.marked(data.get("title", ""), plan),
        "snippet": snippets.snippet(search_terms.post_text(None, data.get("body") or ""), plan),
        "author": serialize.author(data.get("author")),
        "tags": list(data.get("tags", [])),
        "createdAt": serialize.rfc3339(data.get("createdAt")),
        "commentCount": int(data.get("commentCount", 0)),
        "score": int(data.get("score", 0)),
        "status": data.get("status", VISIBLE),
    }


def comment_result(cid: str, data: dict[str, Any], thread: dict[str, Any], plan: planner.Plan) -> dict[str, Any]:
    """A comment found: where it is (its thread, and its root for a link that opens its replies) and a snippet."""
    return {
        "id": cid,
        "threadId": data.get("threadId"),
        "thread": {"id": data.get("threadId"), "title": thread.get("title", ""), "status": thread.get("status")},
        "rootId": data.get("rootId"),
        "parentId": data.get("parentId"),
        "snippet": snippets.snippet(search_terms.post_text(None, data.get("body") or ""), plan),
        "author": serialize.author(data.get("author")),
        "createdAt": serialize.rfc3339(data.get("createdAt")),
        "score": int(data.get("score", 0)),
        "status": data.get("status", VISIBLE),
    }
