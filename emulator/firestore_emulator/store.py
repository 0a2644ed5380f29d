"""Databases and documents, with a short multi-version history per document.

Everything here is synchronous and runs on the server's one event loop, so each mutation is
atomic with respect to every request. Documents are raw ``google.firestore.v1.Document``
protobufs, stored once and never mutated afterwards (writers build new ones).

Times are integers in microseconds since the epoch. Each database hands out strictly
increasing commit times; a read at ``read_time`` sees, for each document, the last version
committed at or before that time.
"""
from __future__ import annotations

import bisect
import time
from typing import Iterable, Optional

from google.cloud.firestore_v1 import types

from .errors import FailedPrecondition
from .paths import db_prefix

Document = types.Document.pb()

HISTORY_US = 3600 * 1_000_000  # versions older than an hour (and superseded) are pruned
MAX_VERSIONS = 512  # and a document keeps at most this many versions
_PRUNE_EVERY = 4096


def wall_us() -> int:
    return time.time_ns() // 1000


def set_timestamp(ts, micros: int) -> None:
    ts.seconds, rem = divmod(micros, 1_000_000)
    ts.nanos = rem * 1000


def timestamp_us(ts) -> int:
    return ts.seconds * 1_000_000 + ts.nanos // 1000


class Database:
    """One (project, database): its documents' versions and an index by collection."""

    def __init__(self, project: str, database: str) -> None:
        self.project = project
        self.database = database
        self.key = (project, database)
        self.prefix = db_prefix(project, database)
        # name -> [(time_us, Document | None)], oldest first
        self.docs: dict[str, list] = {}
        # collection path ("<prefix>/a" or "<prefix>/a/b/c") -> names ever written in it
        self.collections: dict[str, set[str]] = {}
        # collection id -> names ever written in a collection with that id
        self.groups: dict[str, set[str]] = {}
        self.trimmed: set[str] = set()  # documents whose history was cut (reads before it fail)
        self.last_time = 0
        self.index_config = None  # enforced composite indexes (indexes.py), or None
        self._writes = 0
        self._sorted_cache: dict[tuple, list] = {}

    # ------------------------------------------------------------------ time
    def now(self) -> int:
        """A read time: now, and never before the last commit."""
        t = wall_us()
        return t if t > self.last_time else self.last_time

    def next_commit_time(self) -> int:
        t = wall_us()
        if t <= self.last_time:
            t = self.last_time + 1
        self.last_time = t
        return t

    # ------------------------------------------------------------------ reads
    def get(self, name: str, read_time: Optional[int] = None):
        """The Document at name (latest, or as of read_time), or None."""
        versions = self.docs.get(name)
        if not versions:
            return None
        if read_time is None:
            return versions[-1][1]
        for t, doc in reversed(versions):
            if t <= read_time:
                return doc
        if name in self.trimmed:
            raise FailedPrecondition(
                f"read_time is older than the history the emulator keeps for {name} "
                f"(one hour, at most {MAX_VERSIONS} versions).")
        return None

    def candidates(self, parent: str, collection_id: str, all_descendants: bool,
                   read_time: Optional[int] = None) -> list:
        """Existing documents a query over `parent` + `collection_id` may return, in name order.

        parent is the documents root or a document name; with all_descendants, every
        collection named collection_id at any depth under parent (a collection group).
        """
        if all_descendants:
            names = self._sorted(self.groups, collection_id)
            start = parent + "/"
            if parent != self.prefix:
                names = [n for n in names if n.startswith(start)]
        else:
            names = self._sorted(self.collections, parent + "/" + collection_id)
        out = []
        get = self.get
        for name in names:
            doc = get(name, read_time)
            if doc is not None:
                out.append(doc)
        return out

    def _sorted(self, index: dict, key: str) -> list:
        """The names of index[key] in order, cached until a name is added or removed."""
        cache_key = (id(index), key)
        names = self._sorted_cache.get(cache_key)
        if names is None:
            names = self._sorted_cache[cache_key] = sorted(index.get(key, ()))
        return names

    def all_documents(self, read_time: Optional[int] = None) -> list:
        """Every existing document (as of read_time), in name order."""
        out = []
        for name in sorted(self.docs):
            doc = self.get(name, read_time)
            if doc is not None:
                out.append(doc)
        return out

    def existing_names_under(self, prefix: str, read_time: Optional[int] = None) -> Iterable[str]:
        """Names of existing documents strictly under prefix (prefix + '/...')."""
        start = prefix + "/"
        for name, versions in self.docs.items():
            if name.startswith(start):
                if read_time is None:
                    if versions[-1][1] is not None:
                        yield name
                elif self.get(name, read_time) is not None:
                    yield name

    def collection_ids(self, parent: str, read_time: Optional[int] = None) -> list[str]:
        """Sorted ids of collections directly under parent that hold any document (at any depth)."""
        start_len = len(parent) + 1
        ids = set()
        for name in self.existing_names_under(parent, read_time):
            rest = name[start_len:]
            ids.add(rest.split("/", 1)[0])
        return sorted(ids)

    def list_names(self, collection: str, show_missing: bool, read_time: Optional[int] = None) -> list[str]:
        """Document names in a collection path; with show_missing also missing ones with children."""
        names = set()
        for name in self.collections.get(collection, ()):
            if self.get(name, read_time) is not None:
                names.add(name)
        if show_missing:
            start_len = len(collection) + 1
            for name in self.existing_names_under(collection, read_time):
                rest = name[start_len:].split("/", 2)
                if len(rest) > 2:
                    names.add(collection + "/" + rest[0])
        return sorted(names)

    # ------------------------------------------------------------------ writes
    def put(self, name: str, doc, t: int) -> None:
        """Record a new version of name at commit time t (doc None = deleted)."""
        versions = self.docs.get(name)
        if versions is None:
            if doc is None:
                return
            self.docs[name] = [(t, doc)]
            coll, _, _ = name.rpartition("/")
            self.collections.setdefault(coll, set()).add(name)
            group = coll.rpartition("/")[2]
            self.groups.setdefault(group, set()).add(name)
            if self._sorted_cache:
                self._sorted_cache.pop((id(self.collections), coll), None)
                self._sorted_cache.pop((id(self.groups), group), None)
        else:
            versions.append((t, doc))
            if len(versions) > 2 and versions[1][0] < t - HISTORY_US:
                cutoff = t - HISTORY_US
                # keep the newest version at or before the cutoff, drop the older ones
                idx = bisect.bisect_right([v[0] for v in versions], cutoff) - 1
                if idx > 0:
                    del versions[:idx]
                    self.trimmed.add(name)
            if len(versions) > MAX_VERSIONS:
                del versions[:MAX_VERSIONS // 2]
                self.trimmed.add(name)
        self._writes += 1
        if self._writes % _PRUNE_EVERY == 0:
            self.prune(t)

    def prune(self, now: int) -> None:
        """Forget deleted documents whose deletion is older than the history window."""
        cutoff = now - HISTORY_US
        dead = [n for n, v in self.docs.items() if v[-1][1] is None and v[-1][0] < cutoff]
        if dead:
            self._sorted_cache.clear()
        for name in dead:
            del self.docs[name]
            self.trimmed.discard(name)
            coll = name.rpartition("/")[0]
            self.collections.get(coll, set()).discard(name)
            self.groups.get(coll.rpartition("/")[2], set()).discard(name)

    def clear(self) -> None:
        """Drop every document (the emulator's DELETE .../documents endpoint)."""
        self.docs.clear()
        self._sorted_cache.clear()
        self.trimmed.clear()
        self.collections.clear()
        self.groups.clear()


class Store:
    """All databases, created on first use."""

    def __init__(self) -> None:
        self.databases: dict[tuple[str, str], Database] = {}
        self.default_index_config = None  # from --enforce-indexes, applied to every database

    def database(self, project: str, database: str) -> Database:
        db = self.databases.get((project, database))
        if db is None:
            db = self.databases[(project, database)] = Database(project, database)
            db.index_config = self.default_index_config
        return db


def candidates(db: Database, parent: str, collection_id: str, all_descendants: bool,
               read_time: Optional[int] = None) -> list:
    """Module-level alias of Database.candidates, for the query engine."""
    return db.candidates(parent, collection_id, all_descendants, read_time)
