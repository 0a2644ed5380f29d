"""Record every query the function runs, for the tests' index check; only ever on the emulators.

Google's Firestore emulator serves any query without an index, production does not. So tests/api start
the stack with HEARTH_QUERY_LOG=<file>, and the function's Firestore client appends one JSON line per
RunQuery / RunAggregationQuery (the request's parent and structured query, in protobuf JSON, and the
HTTP request that ran it); tests/api/test_indexes.py checks them against firestore.indexes.json.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import grpc
from google.cloud import firestore
from google.protobuf import json_format

ENV = "HEARTH_QUERY_LOG"
QUERY_METHODS = frozenset({"RunQuery", "RunAggregationQuery"})


def log_path(env: Mapping[str, str]) -> Path | None:
    """Where to log queries: only when asked to and Firestore is an emulator, so never in production."""
    path = env.get(ENV)
    return Path(path) if path and env.get("FIRESTORE_EMULATOR_HOST") else None


def http_request() -> str | None:
    """The HTTP request being served ("GET /api/threads?sort=top"), if any (a trigger has none)."""
    from flask import has_request_context, request

    if not has_request_context():
        return None
    return f"{request.method} {request.full_path.rstrip('?')}"


def entry(method: str, request: Any, http: str | None) -> dict[str, Any]:
    """One line of the log: the method, the HTTP request, and the gRPC request without its transaction."""
    pb = getattr(request, "_pb", request)  # a proto-plus message, or a raw protobuf one
    kept = type(pb)(parent=pb.parent)
    kind = pb.WhichOneof("query_type")
    getattr(kept, kind).CopyFrom(getattr(pb, kind))
    return {"method": method, "http": http, "request": json_format.MessageToDict(kept)}


def append_line(path: Path, record: Mapping[str, Any]) -> None:
    """Append one JSON line; whole lines even with several processes and threads writing at once."""
    data = (json.dumps(record, separators=(",", ":")) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released by close
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


class QueryLog(grpc.UnaryStreamClientInterceptor):
    """A gRPC client interceptor that logs each query request to `path` before sending it."""

    def __init__(self, path: Path, describe: Callable[[], str | None] = http_request) -> None:
        self.path = path
        self.describe = describe

    def intercept_unary_stream(self, continuation, client_call_details, request):
        method = client_call_details.method.rsplit("/", 1)[-1]
        if method in QUERY_METHODS:
            append_line(self.path, entry(method, request, self.describe()))
        return continuation(client_call_details, request)


class InterceptedClient(firestore.Client):
    """firestore.Client whose channel to the emulator runs through gRPC client interceptors.

    google-cloud-firestore opens `_emulator_channel` only when FIRESTORE_EMULATOR_HOST is set, so a
    client talking to production is never intercepted.
    """

    def __init__(self, *args: Any, interceptors: Sequence[Any] = (), **kwargs: Any) -> None:
        self.interceptors = tuple(interceptors)
        super().__init__(*args, **kwargs)

    def _emulator_channel(self, transport: Any) -> grpc.Channel:
        return grpc.intercept_channel(super()._emulator_channel(transport), *self.interceptors)
