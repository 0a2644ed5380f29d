"""The google.firestore.v1.Firestore gRPC service, on grpc.aio with one event loop.

Every store mutation happens synchronously between awaits, so a commit is atomic with
respect to every other request. Handlers translate EmulatorError into its gRPC status and any
other exception into INTERNAL, so a malformed request never takes the server down.
"""
from __future__ import annotations

import base64
import logging
import random
import string
import time
from typing import Optional

import grpc
from google.cloud.firestore_v1 import types
from google.protobuf import empty_pb2

from . import indexes, paths, query as query_engine
from .errors import EmulatorError, InvalidArgument, NotFound, Unimplemented
from .store import Database, Store, set_timestamp, timestamp_us
from .transactions import TransactionManager, Txn
from .transforms import apply_write, apply_writes, project, resolve_names, write_target

log = logging.getLogger("firestore_emulator")

SERVICE = "google.firestore.v1.Firestore"
MAX_REQUEST_BYTES = 10 * 1024 * 1024

Pb = {name: getattr(types, name).pb() for name in [
    "GetDocumentRequest", "ListDocumentsRequest", "ListDocumentsResponse", "CreateDocumentRequest",
    "UpdateDocumentRequest", "DeleteDocumentRequest", "BatchGetDocumentsRequest",
    "BatchGetDocumentsResponse", "BeginTransactionRequest", "BeginTransactionResponse",
    "CommitRequest", "CommitResponse", "RollbackRequest", "RunQueryRequest", "RunQueryResponse",
    "RunAggregationQueryRequest", "RunAggregationQueryResponse", "ListCollectionIdsRequest",
    "ListCollectionIdsResponse", "BatchWriteRequest", "BatchWriteResponse", "WriteRequest",
    "ListenRequest", "Document", "Write", "Precondition", "PartitionQueryRequest",
]}
Document = Pb["Document"]

_AUTO_ID_CHARS = string.ascii_letters + string.digits
_rand = random.SystemRandom()


def auto_id() -> str:
    return "".join(_rand.choice(_AUTO_ID_CHARS) for _ in range(20))


def _page_token(name: str) -> str:
    return base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii")


def _from_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
    except Exception:
        raise InvalidArgument("Invalid page token.") from None


class Firestore:
    """The servicer: one store, one transaction manager."""

    def __init__(self, store: Optional[Store] = None, lock_timeout: float = 20.0) -> None:
        self.store = store or Store()
        self.txns = TransactionManager(lock_timeout)

    # ------------------------------------------------------------------ helpers
    def _db_of_name(self, name: str) -> Database:
        project, database = paths.document_name(name)
        return self.store.database(project, database)

    def _db(self, database: str) -> Database:
        project, db = paths.parse_database(database)
        return self.store.database(project, db)

    def _consistency(self, db: Database, request, selector: Optional[str]):
        """(txn or None, read_time or None, lock?) for a read request's consistency selector."""
        if selector == "transaction":
            txn = self.txns.lookup(request.transaction, db.key)
            if txn.read_only:
                return txn, txn.read_time, False
            return txn, None, True
        if selector == "read_time":
            rt = timestamp_us(request.read_time)
            if rt > db.now():
                raise InvalidArgument("read_time is in the future.")
            return None, rt, False
        if selector == "new_transaction":
            txn = self._begin(db, request.new_transaction)
            if txn.read_only:
                return txn, txn.read_time, False
            return txn, None, True
        return None, None, False

    def _begin(self, db: Database, options) -> Txn:
        mode = options.WhichOneof("mode")
        if mode == "read_only":
            ro = options.read_only
            rt = timestamp_us(ro.read_time) if ro.HasField("read_time") else db.now()
            if rt > db.now():
                raise InvalidArgument("read_time is in the future.")
            return self.txns.begin(db.key, True, rt)
        retry = options.read_write.retry_transaction if mode == "read_write" else b""
        return self.txns.begin(db.key, False, None, retry or None)

    # ------------------------------------------------------------------ documents
    async def GetDocument(self, request, context):
        name = request.name
        db = self._db_of_name(name)
        txn, rt, lock = self._consistency(db, request, request.WhichOneof("consistency_selector"))
        if lock:
            await self.txns.lock_shared_queued(txn, [name])
        doc = db.get(name, rt)
        if doc is None:
            raise NotFound(f"Document {name} not found.")
        if request.HasField("mask"):
            doc = project(doc, request.mask.field_paths)
        return doc

    async def BatchGetDocuments(self, request, context):
        db = self._db(request.database)
        names = list(request.documents)
        for name in names:
            paths.document_name(name, db.key)
        selector = request.WhichOneof("consistency_selector")
        txn, rt, lock = self._consistency(db, request, selector)
        out = []
        Resp = Pb["BatchGetDocumentsResponse"]
        if selector == "new_transaction":
            out.append(Resp(transaction=txn.id))
        if lock:
            await self.txns.lock_shared_queued(txn, names)
        read_time = rt if rt is not None else db.now()
        mask = request.mask.field_paths if request.HasField("mask") else None
        for name in names:
            doc = db.get(name, rt)
            resp = Resp()
            if doc is None:
                resp.missing = name
            else:
                if mask is not None:
                    doc = project(doc, mask)
                resp.found.CopyFrom(doc)
            set_timestamp(resp.read_time, read_time)
            out.append(resp)
        return out

    async def ListDocuments(self, request, context):
        project_, database, parent = paths.parent_name(request.parent)
        db = self.store.database(project_, database)
        txn, rt, lock = self._consistency(db, request, request.WhichOneof("consistency_selector"))
        order = request.order_by.strip()
        descending = False
        if order:
            parts = order.split()
            if parts[0] != "__name__" or len(parts) > 2 or (len(parts) == 2 and parts[1].lower() not in ("asc", "desc")):
                raise InvalidArgument(f"Unsupported order_by {order!r} for ListDocuments: only __name__ [asc|desc].")
            descending = len(parts) == 2 and parts[1].lower() == "desc"
        if request.collection_id:
            paths.check_collection_id(request.collection_id)
            collections = [parent + "/" + request.collection_id]
        else:
            collections = [parent + "/" + c for c in db.collection_ids(parent, rt)]
        names: list[str] = []
        for coll in collections:
            names.extend(db.list_names(coll, request.show_missing, rt))
        names.sort(reverse=descending)
        if request.page_token:
            after = _from_token(request.page_token)
            names = [n for n in names if (n < after if descending else n > after)]
        if request.page_size < 0:
            raise InvalidArgument("page_size must not be negative.")
        size = request.page_size or 300
        page, more = names[:size], len(names) > size
        resp = Pb["ListDocumentsResponse"]()
        mask = request.mask.field_paths if request.HasField("mask") else None
        read = []
        for name in page:
            doc = db.get(name, rt)
            if doc is None:
                resp.documents.add(name=name)
                continue
            read.append(name)
            if mask is not None:
                doc = project(doc, mask)
            resp.documents.append(doc)
        if lock:
            self.txns.lock_shared(txn, read)
        if more:
            resp.next_page_token = _page_token(page[-1])
        return resp

    async def ListCollectionIds(self, request, context):
        project_, database, parent = paths.parent_name(request.parent)
        db = self.store.database(project_, database)
        _, rt, _ = self._consistency(db, request, request.WhichOneof("consistency_selector"))
        ids = db.collection_ids(parent, rt)
        if request.page_token:
            after = _from_token(request.page_token)
            ids = [i for i in ids if i > after]
        if request.page_size < 0:
            raise InvalidArgument("page_size must not be negative.")
        size = request.page_size or 1000
        resp = Pb["ListCollectionIdsResponse"]()
        resp.collection_ids.extend(ids[:size])
        if len(ids) > size:
            resp.next_page_token = _page_token(ids[size - 1])
        return resp

    async def _write_one(self, db: Database, write, mask=None):
        """Commit a single write outside any transaction; returns the resulting document."""
        name = write_target(write)
        paths.document_name(name, db.key)
        await self.txns.lock_exclusive(None, [name])
        t = db.next_commit_time()
        current = db.get(name)
        new, result, changed = apply_write(write, name, current, t)
        if changed:
            db.put(name, new, t)
        return new

    async def CreateDocument(self, request, context):
        project_, database, parent = paths.parent_name(request.parent)
        db = self.store.database(project_, database)
        paths.check_collection_id(request.collection_id)
        doc_id = request.document_id or auto_id()
        paths.check_document_id(doc_id)
        name = f"{parent}/{request.collection_id}/{doc_id}"
        write = Pb["Write"]()
        write.update.CopyFrom(request.document)
        write.update.name = name
        write.current_document.exists = False
        doc = await self._write_one(db, write)
        if request.HasField("mask"):
            doc = project(doc, request.mask.field_paths)
        return doc

    async def UpdateDocument(self, request, context):
        name = request.document.name
        db = self._db_of_name(name)
        write = Pb["Write"]()
        write.update.CopyFrom(request.document)
        if request.HasField("update_mask"):
            write.update_mask.CopyFrom(request.update_mask)
        if request.HasField("current_document"):
            write.current_document.CopyFrom(request.current_document)
        doc = await self._write_one(db, write)
        if request.HasField("mask"):
            doc = project(doc, request.mask.field_paths)
        return doc

    async def DeleteDocument(self, request, context):
        name = request.name
        db = self._db_of_name(name)
        write = Pb["Write"](delete=name)
        if request.HasField("current_document"):
            write.current_document.CopyFrom(request.current_document)
        await self._write_one(db, write)
        return empty_pb2.Empty()

    # ------------------------------------------------------------------ writes
    async def Commit(self, request, context):
        db = self._db(request.database)
        txn = self.txns.lookup(request.transaction, db.key) if request.transaction else None
        writes = request.writes
        try:
            if writes:
                if txn is not None and txn.read_only:
                    raise InvalidArgument("Cannot modify entities in a read-only transaction.")
                if len(writes) > 1 and request.ByteSize() > MAX_REQUEST_BYTES:
                    raise InvalidArgument("Request payload size exceeds the limit: 10485760 bytes.")
                names = resolve_names(writes, db.key)
                await self.txns.lock_exclusive(txn, names)
                t = db.next_commit_time()
                overlay, results = apply_writes(writes, names, db.get, t)
                for name, doc in overlay.items():
                    db.put(name, doc, t)
            else:
                t = db.next_commit_time()
                results = []
        finally:
            if txn is not None:
                self.txns.finish(txn)
        resp = Pb["CommitResponse"]()
        resp.write_results.extend(results)
        set_timestamp(resp.commit_time, t)
        return resp

    async def BatchWrite(self, request, context):
        db = self._db(request.database)
        names: list[Optional[str]] = []
        errors: list[Optional[EmulatorError]] = []
        for w in request.writes:
            try:
                name = write_target(w)
                paths.document_name(name, db.key)
                names.append(name)
                errors.append(None)
            except EmulatorError as exc:
                names.append(None)
                errors.append(exc)
        await self.txns.lock_exclusive(None, [n for n in names if n is not None])
        t = db.next_commit_time()
        resp = Pb["BatchWriteResponse"]()
        for w, name, err in zip(request.writes, names, errors):
            result = None
            if err is None:
                try:
                    new, result, changed = apply_write(w, name, db.get(name), t)
                    if changed:
                        db.put(name, new, t)
                except EmulatorError as exc:
                    err = exc
            if err is None:
                resp.write_results.append(result)
                resp.status.add(code=0)
            else:
                resp.write_results.add()
                resp.status.add(code=err.code.value[0], message=err.message)
        return resp

    # ------------------------------------------------------------------ transactions
    async def BeginTransaction(self, request, context):
        db = self._db(request.database)
        txn = self._begin(db, request.options)
        return Pb["BeginTransactionResponse"](transaction=txn.id)

    async def Rollback(self, request, context):
        db = self._db(request.database)
        if not request.transaction:
            raise InvalidArgument("Missing transaction.")
        self.txns.rollback(request.transaction, db.key)
        return empty_pb2.Empty()

    # ------------------------------------------------------------------ queries
    def _query_source(self, request, sq):
        project_, database, parent = paths.parent_name(request.parent)
        db = self.store.database(project_, database)
        if len(sq.from_) != 1:
            raise InvalidArgument("A query must have exactly one collection selector in 'from'.")
        sel = sq.from_[0]
        if sel.collection_id:
            paths.check_collection_id(sel.collection_id)
        return db, parent, sel

    @staticmethod
    def _check_indexes(db: Database, sq, all_descendants: bool, aggregation=None) -> None:
        if db.index_config is None:
            return
        query_engine.validate_query(sq)
        if aggregation is not None:
            indexes.check_aggregation(aggregation, all_descendants, db.index_config)
        else:
            indexes.check_query(sq, all_descendants, db.index_config)

    async def RunQuery(self, request, context):
        if request.WhichOneof("query_type") != "structured_query":
            raise InvalidArgument("RunQuery needs a structured_query.")
        sq = request.structured_query
        db, parent, sel = self._query_source(request, sq)
        selector = request.WhichOneof("consistency_selector")
        txn, rt, lock = self._consistency(db, request, selector)
        read_time = rt if rt is not None else db.now()
        self._check_indexes(db, sq, sel.all_descendants)
        started = time.perf_counter()
        explain = request.explain_options if request.HasField("explain_options") else None
        candidates = db.candidates(parent, sel.collection_id, sel.all_descendants, rt)
        if explain is not None and not explain.analyze:
            query_engine.validate_query(sq)
            resp = Pb["RunQueryResponse"]()
            _plan(resp.explain_metrics, sel)
            return [resp]
        docs = query_engine.run_query(sq, candidates)
        if lock:
            self.txns.lock_shared(txn, [d.name for d in docs])
        Resp = Pb["RunQueryResponse"]
        out = []
        first_txn = txn.id if selector == "new_transaction" else b""
        for doc in docs:
            resp = Resp(document=doc)
            set_timestamp(resp.read_time, read_time)
            if first_txn:
                resp.transaction = first_txn
                first_txn = b""
            out.append(resp)
        last = Resp(done=True) if out else Resp()
        if first_txn:
            last.transaction = first_txn
        set_timestamp(last.read_time, read_time)
        if explain is not None:
            _plan(last.explain_metrics, sel)
            _stats(last.explain_metrics, len(docs), len(candidates), started)
        out.append(last)
        return out

    async def RunAggregationQuery(self, request, context):
        if request.WhichOneof("query_type") != "structured_aggregation_query":
            raise InvalidArgument("RunAggregationQuery needs a structured_aggregation_query.")
        aq = request.structured_aggregation_query
        sq = aq.structured_query
        db, parent, sel = self._query_source(request, sq)
        selector = request.WhichOneof("consistency_selector")
        txn, rt, lock = self._consistency(db, request, selector)
        read_time = rt if rt is not None else db.now()
        self._check_indexes(db, sq, sel.all_descendants, aggregation=aq)
        started = time.perf_counter()
        candidates = db.candidates(parent, sel.collection_id, sel.all_descendants, rt)
        resp = Pb["RunAggregationQueryResponse"]()
        explain = request.explain_options if request.HasField("explain_options") else None
        if explain is not None and not explain.analyze:
            query_engine.validate_query(sq)
            _plan(resp.explain_metrics, sel)
            return [resp]
        result = query_engine.run_aggregation(aq, candidates)
        resp.result.CopyFrom(result)
        if explain is not None:
            _plan(resp.explain_metrics, sel)
            _stats(resp.explain_metrics, 1, len(candidates), started)
        if selector == "new_transaction":
            resp.transaction = txn.id
        set_timestamp(resp.read_time, read_time)
        return [resp]

    async def unimplemented_stream(self, request_iterator, context):
        await context.abort(grpc.StatusCode.UNIMPLEMENTED,
                            "This emulator does not implement realtime Listen/Write streams.")

    async def PartitionQuery(self, request, context):
        raise Unimplemented("PartitionQuery is not implemented by this emulator.")


def _plan(metrics, selector) -> None:
    """A plan summary in production's shape (the emulator scans the collection by name)."""
    scope = "Collection group" if selector.all_descendants else "Collection"
    metrics.plan_summary.indexes_used.add().update({"query_scope": scope, "properties": "(__name__ ASC)"})


def _stats(metrics, returned: int, scanned: int, started: float) -> None:
    stats = metrics.execution_stats
    stats.results_returned = returned
    stats.read_operations = max(1, returned)
    elapsed = time.perf_counter() - started
    stats.execution_duration.seconds = int(elapsed)
    stats.execution_duration.nanos = int((elapsed % 1) * 1e9)
    stats.debug_stats.update({
        "documents_scanned": str(scanned), "index_entries_scanned": str(scanned),
        "billing_details": {"documents_billable": str(returned), "index_entries_billable": "0",
                            "small_ops": "0", "min_query_cost": "0"},
    })


# ---------------------------------------------------------------------------- registration
UNARY = {
    "GetDocument": ("GetDocumentRequest", None),
    "ListDocuments": ("ListDocumentsRequest", None),
    "CreateDocument": ("CreateDocumentRequest", None),
    "UpdateDocument": ("UpdateDocumentRequest", None),
    "DeleteDocument": ("DeleteDocumentRequest", None),
    "BeginTransaction": ("BeginTransactionRequest", None),
    "Commit": ("CommitRequest", None),
    "Rollback": ("RollbackRequest", None),
    "ListCollectionIds": ("ListCollectionIdsRequest", None),
    "BatchWrite": ("BatchWriteRequest", None),
    "PartitionQuery": ("PartitionQueryRequest", None),
}
SERVER_STREAMING = {
    "BatchGetDocuments": "BatchGetDocumentsRequest",
    "RunQuery": "RunQueryRequest",
    "RunAggregationQuery": "RunAggregationQueryRequest",
}
BIDI = {"Write": "WriteRequest", "Listen": "ListenRequest"}


def _serialize(message) -> bytes:
    return message.SerializeToString()


class _Malformed:
    """Stands for a request whose bytes did not parse; handlers answer INVALID_ARGUMENT."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


def _deserializer(cls):
    parse = cls.FromString

    def deserialize(data: bytes):
        try:
            return parse(data)
        except Exception as exc:  # noqa: BLE001 - DecodeError, RecursionError...
            return _Malformed(exc)
    return deserialize


def _malformed_message(method: str, request: _Malformed) -> str:
    return f"Malformed {method} request: {request.error}"


async def _fail(context, exc: BaseException, method: str) -> None:
    if isinstance(exc, EmulatorError):
        await context.abort(exc.code, exc.message)
    log.exception("internal error in %s", method)
    await context.abort(grpc.StatusCode.INTERNAL, f"Internal emulator error in {method}: {type(exc).__name__}")


def _unary(fn, method: str):
    async def handler(request, context):
        if type(request) is _Malformed:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, _malformed_message(method, request))
        try:
            return await fn(request, context)
        except Exception as exc:  # noqa: BLE001 - translated into a status
            if isinstance(exc, grpc.aio.AbortError):
                raise
            await _fail(context, exc, method)
    return handler


def _streaming(fn, method: str):
    async def handler(request, context):
        if type(request) is _Malformed:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, _malformed_message(method, request))
        try:
            responses = await fn(request, context)
        except Exception as exc:  # noqa: BLE001
            if isinstance(exc, grpc.aio.AbortError):
                raise
            await _fail(context, exc, method)
            return
        for resp in responses:
            yield resp
    return handler


def generic_handler(servicer: Firestore) -> grpc.GenericRpcHandler:
    handlers = {}
    for method, (req, _) in UNARY.items():
        handlers[method] = grpc.unary_unary_rpc_method_handler(
            _unary(getattr(servicer, method), method),
            request_deserializer=_deserializer(Pb[req]), response_serializer=_serialize)
    for method, req in SERVER_STREAMING.items():
        handlers[method] = grpc.unary_stream_rpc_method_handler(
            _streaming(getattr(servicer, method), method),
            request_deserializer=_deserializer(Pb[req]), response_serializer=_serialize)
    for method, req in BIDI.items():
        handlers[method] = grpc.stream_stream_rpc_method_handler(
            servicer.unimplemented_stream,
            request_deserializer=Pb[req].FromString, response_serializer=_serialize)
    return grpc.method_handlers_generic_handler(SERVICE, handlers)


def h2_dispatcher(servicer: Firestore):
    """The servicer's methods for the HTTP/2 transport (grpc_h2), keyed by their gRPC paths."""
    from . import grpc_h2

    methods = {}
    for method, (req, _) in UNARY.items():
        methods[f"/{SERVICE}/{method}".encode()] = (grpc_h2.UNARY, getattr(servicer, method), _deserializer(Pb[req]))
    for method, req in SERVER_STREAMING.items():
        methods[f"/{SERVICE}/{method}".encode()] = (grpc_h2.STREAM, getattr(servicer, method), _deserializer(Pb[req]))

    def malformed(path: bytes, request) -> str | None:
        if type(request) is _Malformed:
            return _malformed_message(path.rsplit(b"/", 1)[-1].decode(), request)
        return None

    return grpc_h2.Dispatcher(methods, malformed)


SERVER_OPTIONS = [
    ("grpc.max_receive_message_length", 32 * 1024 * 1024),
    ("grpc.max_send_message_length", 64 * 1024 * 1024),
    ("grpc.so_reuseport", 0),
]
