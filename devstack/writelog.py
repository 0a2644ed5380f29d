"""Read the write log (functions/hearth/db/writelog.py): which document took the most writes, per run and
per second, and how many background invocations there were.

Production Firestore sustains about one write per second per document; the emulator takes any rate
and says nothing. `make bench` and tests/api/test_write_counts.py use these figures to see what
production would see.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Log:
    """The log's lines between two instants: (commit time, path) per document written, and invocations."""

    writes: list[tuple[float, str]] = field(default_factory=list)
    invocations: list[tuple[float, str]] = field(default_factory=list)
    commits: int = 0  # the commits (Commit or BatchWrite requests) that wrote them


def read(path: Path, start: float = 0.0, end: float = float("inf")) -> Log:
    """Every write and invocation logged at or after start and before end (epoch seconds)."""
    log = Log()
    if not path.exists():
        return log
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        at = float(record["t"])
        if not start <= at < end:
            continue
        if "invoked" in record:
            log.invocations.append((at, record["invoked"]))
        else:
            log.writes.extend((at, doc) for doc in record["docs"])
            log.commits += 1
    return log


def per_document(log: Log) -> Counter[str]:
    """Writes per document path."""
    return Counter(doc for _, doc in log.writes)


def collection_of(path: str) -> str:
    """A document path's collections, its ids left out: threads/comments for threads/t1/comments/c1."""
    return "/".join(path.split("/")[::2])


def per_collection(log: Log) -> Counter[str]:
    """Writes per collection_of the documents written."""
    return Counter(collection_of(doc) for _, doc in log.writes)


def busiest(log: Log) -> tuple[str | None, int]:
    """The document that took the most writes, and how many (None, 0 for an empty log)."""
    counts = per_document(log)
    return counts.most_common(1)[0] if counts else (None, 0)


def busiest_window(log: Log, width: float = 1.0) -> tuple[str | None, int]:
    """The most writes one document took within any `width` seconds (a sliding window), and which document."""
    times: dict[str, list[float]] = defaultdict(list)
    for at, doc in log.writes:
        times[doc].append(at)
    best: tuple[str | None, int] = (None, 0)
    for doc, stamps in times.items():
        stamps.sort()
        first = 0
        for last, at in enumerate(stamps):
            while at - stamps[first] >= width:
                first += 1
            if last - first + 1 > best[1]:
                best = (doc, last - first + 1)
    return best


def invocations(log: Log) -> Counter[str]:
    """Background invocations by function name."""
    return Counter(name for _, name in log.invocations)
