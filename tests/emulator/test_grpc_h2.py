"""The emulator's HTTP/2 transport (grpc_h2) under what gRPC clients do to it.

These start the project's own emulator, so they run only against it.
"""
from __future__ import annotations

import socket
import struct
import threading
import uuid
from typing import Iterator

import grpc
import pytest
from google.api_core import exceptions
from google.cloud import firestore
from google.cloud.firestore_v1.types import GetDocumentRequest, RunQueryRequest, StructuredQuery

from devstack import firestore as hearth_firestore

SERVICE = "/google.firestore.v1.Firestore"


@pytest.fixture(scope="module")
def host() -> Iterator[str]:
    with hearth_firestore.running("--lock-timeout", "30") as address:
        yield address


@pytest.fixture
def db(host: str, monkeypatch) -> firestore.Client:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", host)
    return firestore.Client(project=f"t-{uuid.uuid4().hex[:10]}")


def _still_answers(db: firestore.Client) -> None:
    ref = db.collection("alive").document(uuid.uuid4().hex)
    ref.set({"ok": True})
    assert ref.get().to_dict() == {"ok": True}


def test_streaming_thousands_of_documents_arrives_complete(db):
    col = db.collection("many")
    for start in range(0, 3000, 500):
        batch = db.batch()
        for i in range(start, start + 500):
            batch.set(col.document(f"d{i:05d}"), {"i": i, "pad": "x" * 200})
        batch.commit()
    ids = [snap.id for snap in col.order_by("i").stream()]
    assert ids == [f"d{i:05d}" for i in range(3000)]


def test_documents_near_one_mib_stream_and_batch_get_complete(db):
    col = db.collection("big")
    refs = [col.document(f"b{i}") for i in range(6)]
    for i, ref in enumerate(refs):
        ref.set({"blob": chr(ord("a") + i) * 1_000_000})
    got = {snap.id: snap.get("blob") for snap in db.get_all(refs)}
    assert {k: (len(v), v[0]) for k, v in got.items()} == {f"b{i}": (1_000_000, chr(ord("a") + i)) for i in range(6)}
    assert sum(len(s.get("blob")) for s in col.stream()) == 6_000_000


def test_many_concurrent_clients_each_see_their_own_writes(host, monkeypatch):
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", host)
    project = f"t-{uuid.uuid4().hex[:10]}"
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            client = firestore.Client(project=project)
            for j in range(20):
                ref = client.collection("c").document(f"w{n}-{j}")
                ref.set({"n": n, "j": j})
                assert ref.get().to_dict() == {"n": n, "j": j}
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert firestore.Client(project=project).collection("c").count().get()[0][0].value == 320


def test_a_deadline_that_passes_while_waiting_on_a_lock_is_deadline_exceeded(db):
    ref = db.collection("locked").document("d")
    ref.set({"n": 0})
    older = db.transaction()
    older._begin()
    ref.get(transaction=older)  # a shared lock, held until the transaction ends
    with pytest.raises(exceptions.DeadlineExceeded):
        ref.set({"n": 1}, timeout=0.5, retry=None)
    older._rollback()
    ref.set({"n": 2})  # the abandoned wait left nothing behind
    assert ref.get().get("n") == 2


def test_a_cancelled_streaming_call_leaves_the_server_serving(db, host):
    col = db.collection("cancel")
    batch = db.batch()
    for i in range(300):
        batch.set(col.document(f"d{i}"), {"i": i})
    batch.commit()
    channel = grpc.insecure_channel(host)
    run_query = channel.unary_stream(f"{SERVICE}/RunQuery", request_serializer=lambda b: b,
                                     response_deserializer=lambda b: b)
    query = StructuredQuery(from_=[StructuredQuery.CollectionSelector(collection_id="cancel")])
    request = RunQueryRequest(parent=f"projects/{db.project}/databases/(default)/documents", structured_query=query)
    call = run_query(RunQueryRequest.serialize(request), metadata=[("authorization", "Bearer owner")])
    next(call)
    call.cancel()
    channel.close()
    _still_answers(db)


def test_gzip_compressed_requests_are_understood(db, host):
    channel = grpc.insecure_channel(host)
    get = channel.unary_unary(f"{SERVICE}/GetDocument", request_serializer=lambda b: b,
                              response_deserializer=lambda b: b)
    name = f"projects/{db.project}/databases/(default)/documents/c/missing"
    with pytest.raises(grpc.RpcError) as err:
        get(GetDocumentRequest.serialize(GetDocumentRequest(name=name)), compression=grpc.Compression.Gzip)
    assert err.value.code() == grpc.StatusCode.NOT_FOUND  # parsed: it looked the document up
    channel.close()


@pytest.mark.parametrize("method", ["NoSuchMethod", "Listen", "Write"])
def test_unknown_and_streaming_input_methods_are_unimplemented(host, method):
    channel = grpc.insecure_channel(host)
    call = channel.stream_stream(f"{SERVICE}/{method}", request_serializer=lambda b: b,
                                 response_deserializer=lambda b: b)
    with pytest.raises(grpc.RpcError) as err:
        list(call(iter([b""]), timeout=5))
    assert err.value.code() == grpc.StatusCode.UNIMPLEMENTED
    channel.close()


PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"


@pytest.mark.parametrize("junk", [
    b"garbage that is not HTTP/2 at all" * 10,
    struct.pack(">BHBBI", 0xFF, 0xFFFF, 0, 0, 1),  # a frame far larger than allowed
    struct.pack(">BHBBI", 0, 3, 1, 0x5, 1) + b"\xff\xff\xff",  # HEADERS with a broken HPACK block
    struct.pack(">BHBBI", 0, 1, 8, 0, 0) + b"\x00",  # WINDOW_UPDATE of the wrong length
    struct.pack(">BHBBI", 0, 3, 6, 0, 0) + b"abc",  # PING that is not 8 bytes
    struct.pack(">BHBBI", 0, 5, 0, 1, 7) + b"\x00" * 5,  # DATA on a stream never opened
    2 * (struct.pack(">BHBBI", 0, 4, 8, 0, 0) + b"\x7f\xff\xff\xff"),  # send window beyond 2^31-1
])
def test_broken_http2_closes_that_connection_and_the_server_lives_on(db, host, junk):
    address, port = host.rsplit(":", 1)
    with socket.create_connection((address, int(port)), timeout=5) as sock:
        sock.sendall(PREFACE + struct.pack(">BHBBI", 0, 0, 4, 0, 0) + junk)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (ConnectionResetError, socket.timeout):
            pass
    assert struct.pack(">B", 7) in received[3:]  # a GOAWAY frame was sent before closing
    _still_answers(db)


def test_stopping_sends_goaway_to_open_connections_and_exits_cleanly():
    with hearth_firestore.start("--port", "0") as server:
        address, port = hearth_firestore.wait_ready(server).rsplit(":", 1)
        with socket.create_connection((address, int(port)), timeout=10) as sock:
            sock.sendall(PREFACE + struct.pack(">BHBBI", 0, 0, 4, 0, 0))
            received = sock.recv(65536)  # our SETTINGS and WINDOW_UPDATE
            server.proc.terminate()
            while chunk := sock.recv(65536):
                received += chunk
        assert server.proc.wait(timeout=15) == 0
    # GOAWAY (type 7) on stream 0, last stream 0, NO_ERROR
    assert struct.pack(">BHBBIII", 0, 8, 7, 0, 0, 0, 0) in received
