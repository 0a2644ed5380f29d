"""Record every document each commit writes, and every background invocation; only ever on the emulators.

Production Firestore sustains about one write per second per document, the emulator any rate, so
`make bench` and tests/api start the stack with HEARTH_WRITE_LOG=<file>: the function's and the
triggers' Firestore clients append one JSON line per successful Commit / BatchWrite (the commit
time, the paths written, the HTTP request that wrote them), and each background entry point one
line per invocation. devstack/writelog.py reads the file (the busiest document, per run and per
second; invocations per API write). Like the query log (querylog.py), it needs FIRESTORE_EMULATOR_HOST.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable, Mapping

import grpc

from .querylog import append_line, http_request

ENV = "HEARTH_WRITE_LOG"
WRITE_METHODS = frozenset({"Commit", "BatchWrite"})
_DOCUMENTS = "/documents/"


def log_path(env: Mapping[str, str]) -> Path | None:
    """Where to log writes: only when asked to and Firestore is an emulator, so never in production."""
    path = env.get(ENV)
    return Path(path) if path and env.get("FIRESTORE_EMULATOR_HOST") else None


def document_path(name: str) -> str:
    """threads/t1 from projects/p/databases/(default)/documents/threads/t1."""
    return name.split(_DOCUMENTS, 1)[1] if _DOCUMENTS in name else name


def written_paths(request: Any) -> list[str]:
    """The documents a Commit or BatchWrite request writes, in order (a document once per write)."""
    pb = getattr(request, "_pb", request)  # a proto-plus message, or a raw protobuf one
    paths = []
    for write in pb.writes:
        kind = write.WhichOneof("operation")
        if kind == "update":
            paths.append(document_path(write.update.name))
        elif kind == "delete":
            paths.append(document_path(write.delete))
        elif kind == "transform":
            paths.append(document_path(write.transform.document))
    return paths


def commit_seconds(response: Any) -> float:
    """A CommitResponse's commit time in seconds since the epoch (now, for a BatchWrite, which has none)."""
    pb = getattr(response, "_pb", response)
    if hasattr(pb, "HasField") and pb.HasField("commit_time"):
        return pb.commit_time.seconds + pb.commit_time.nanos / 1e9
    return time.time()


class WriteLog(grpc.UnaryUnaryClientInterceptor):
    """A gRPC client interceptor that logs each committed write request to `path` once it succeeded."""

    def __init__(self, path: Path, describe: Callable[[], str | None] = http_request) -> None:
        self.path = path
        self.describe = describe

    def intercept_unary_unary(self, continuation, client_call_details, request):
        method = client_call_details.method.rsplit("/", 1)[-1]
        outcome = continuation(client_call_details, request)
        if method in WRITE_METHODS and outcome.exception() is None:
            paths = written_paths(request)
            if paths:
                record = {"t": commit_seconds(outcome.result()), "docs": paths, "http": self.describe()}
                append_line(self.path, record)
        return outcome


def invoked(name: str, env: Mapping[str, str] = os.environ) -> None:
    """Log one invocation of a background function (a trigger, a task, a sweep) when the write log is on."""
    path = log_path(env)
    if path is not None:
        append_line(path, {"t": time.time(), "invoked": name})
