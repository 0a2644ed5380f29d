"""A google-cloud-firestore client whose wire (the GAPIC API object) is scripted, for failures an
emulator will not produce on demand. Everything above the wire is the real SDK: its transaction
runner, its retries and the exceptions it raises."""

from __future__ import annotations

from typing import Any, Callable, Iterator

from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.firestore_v1 import _helpers, types
from google.protobuf import timestamp_pb2

PROJECT = "demo-wire"


def _now() -> timestamp_pb2.Timestamp:
    return timestamp_pb2.Timestamp(seconds=1_700_000_000)


class ScriptedApi:
    """Stands in for the Firestore GAPIC client: stored documents by path (never changed by a commit);
    commit does what `commit_effect` says with the request."""

    def __init__(self, documents: dict[str, dict[str, Any]], commit_effect: Callable[[Any], Any]) -> None:
        self.documents = documents
        self.commit_effect = commit_effect
        self.calls: list[str] = []

    def _name(self, path: str) -> str:
        return f"projects/{PROJECT}/databases/(default)/documents/{path}"

    def batch_get_documents(self, request: Any, **_: Any) -> Iterator[types.BatchGetDocumentsResponse]:
        self.calls.append("BatchGetDocuments")
        for name in request["documents"]:
            path = name.split("/documents/", 1)[1]
            if path in self.documents:
                fields = _helpers.encode_dict(self.documents[path])
                found = types.Document(name=name, fields=fields, create_time=_now(), update_time=_now())
                yield types.BatchGetDocumentsResponse(found=found, read_time=_now())
            else:
                yield types.BatchGetDocumentsResponse(missing=name, read_time=_now())

    def run_query(self, request: Any, **_: Any) -> Iterator[types.RunQueryResponse]:
        """Every stored document of the queried collection, unfiltered: a script stores only what its
        queries should find (the counter shards a fold looks for, say)."""
        self.calls.append("RunQuery")
        parent = request["parent"].split("/documents", 1)[1].strip("/")
        collection = request["structured_query"].from_[0].collection_id
        prefix = f"{parent}/{collection}/" if parent else f"{collection}/"
        for path in sorted(self.documents):
            if path.startswith(prefix) and "/" not in path[len(prefix) :]:
                fields = _helpers.encode_dict(self.documents[path])
                found = types.Document(name=self._name(path), fields=fields, create_time=_now(), update_time=_now())
                yield types.RunQueryResponse(document=found, read_time=_now())
        yield types.RunQueryResponse(read_time=_now())

    def begin_transaction(self, request: Any, **_: Any) -> types.BeginTransactionResponse:
        self.calls.append("BeginTransaction")
        return types.BeginTransactionResponse(transaction=b"tx")

    def commit(self, request: Any, **_: Any) -> Any:
        self.calls.append("Commit")
        return self.commit_effect(request)

    def rollback(self, request: Any, **_: Any) -> None:
        self.calls.append("Rollback")


def scripted_client(api: ScriptedApi) -> firestore.Client:
    """A real firestore.Client talking to `api` instead of a server."""
    client = firestore.Client(project=PROJECT, credentials=AnonymousCredentials())
    client._firestore_api_internal = api
    return client
