"""A Firestore client that counts its round trips (RPCs) and the documents they read."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterator, Sequence

import grpc

from hearth.db.querylog import InterceptedClient


class _CountingStream:
    """Wraps a server-streaming call, counting the documents that come back."""

    def __init__(self, inner: Any, stats: Stats) -> None:
        self._inner = inner
        self._stats = stats

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        item = next(self._inner)
        pb = getattr(item, "_pb", item)
        fields = pb.DESCRIPTOR.fields_by_name
        if ("document" in fields and pb.HasField("document")) or (
            "found" in fields and pb.WhichOneof("result")
        ):  # RunQuery: a document returned
            self._stats.docs += 1
        elif "result" in fields and pb.HasField("result"):
            # RunAggregationQuery: production bills one read per 1,000 index entries it scans (a
            # sum over an owner's at most 400 counter shards, a count over one run: one read).
            self._stats.docs += 1
        return item

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class Stats:
    def __init__(self) -> None:
        self.rpcs: Counter[str] = Counter()
        self.docs = 0

    @property
    def round_trips(self) -> int:
        return sum(self.rpcs.values())

    def reset(self) -> None:
        self.rpcs.clear()
        self.docs = 0


class _Interceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    def __init__(self, stats: Stats) -> None:
        self.stats = stats

    def _count(self, details: grpc.ClientCallDetails) -> None:
        self.stats.rpcs[details.method.rsplit("/", 1)[-1]] += 1

    def intercept_unary_unary(self, continuation, client_call_details, request):
        self._count(client_call_details)
        return continuation(client_call_details, request)

    def intercept_unary_stream(self, continuation, client_call_details, request):
        self._count(client_call_details)
        return _CountingStream(continuation(client_call_details, request), self.stats)


class CountingClient(InterceptedClient):
    """firestore.Client for the emulator that counts every call in `self.stats` (before any other interceptors)."""

    def __init__(self, *args: Any, interceptors: Sequence[Any] = (), **kwargs: Any) -> None:
        self.stats = Stats()
        super().__init__(*args, interceptors=(_Interceptor(self.stats), *interceptors), **kwargs)
