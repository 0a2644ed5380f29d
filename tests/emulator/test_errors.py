"""Error codes and messages, and hostile requests that must not take the server down."""
from __future__ import annotations

import grpc
import pytest
from google.api_core import exceptions


def _root(db) -> str:
    return f"projects/{db.project}/databases/(default)/documents"


def _database(db) -> str:
    return f"projects/{db.project}/databases/(default)"


def _still_serving(db) -> None:
    ref = db.document("health/check")
    ref.set({"ok": True})
    assert ref.get().get("ok") is True


@pytest.mark.parametrize(
    "suffix",
    ["/c", "/c/d/e", "/c//d", "//c/d", "/c/__reserved__", "/__x__/d", "/c/d/", ""],
    ids=["collection-not-document", "odd-segments", "empty-middle-segment", "empty-first-segment",
         "reserved-document-id", "reserved-collection-id", "trailing-slash", "root"],
)
def test_malformed_document_names_are_invalid_argument(db, suffix):
    with pytest.raises(exceptions.InvalidArgument) as info:
        db._firestore_api.get_document(request={"name": _root(db) + suffix})
    assert info.value.message
    _still_serving(db)


@pytest.mark.parametrize(
    "name",
    ["", "projects/p", "projects//databases/(default)/documents/c/d", "garbage/c/d",
     "projects/p/databases/d/notdocuments/c/d"],
    ids=["empty", "project-only", "empty-project", "no-prefix", "wrong-collection-root"],
)
def test_names_without_a_database_prefix_are_invalid_argument(db, name):
    with pytest.raises(exceptions.InvalidArgument):
        db._firestore_api.get_document(request={"name": name})
    _still_serving(db)


def test_document_of_another_project_than_the_database_is_rejected(db):
    with pytest.raises(exceptions.InvalidArgument):
        list(db._firestore_api.batch_get_documents(request={
            "database": _database(db),
            "documents": ["projects/someone-else/databases/(default)/documents/c/d"]}))
    with pytest.raises(exceptions.InvalidArgument):
        db._firestore_api.commit(request={"database": _database(db), "writes": [
            {"update": {"name": "projects/someone-else/databases/(default)/documents/c/d", "fields": {}}}]})
    _still_serving(db)


def test_missing_document_error_names_the_document(db):
    with pytest.raises(exceptions.NotFound) as info:
        db.document("c/absent").update({"a": 1})
    assert "c/absent" in info.value.message


def test_increment_with_non_numeric_operand_is_invalid_argument(db):
    ref = db.document("c/inc")
    with pytest.raises(exceptions.InvalidArgument):
        db._firestore_api.commit(request={"database": _database(db), "writes": [
            {"update": {"name": ref._document_path, "fields": {}}, "update_mask": {"field_paths": []},
             "update_transforms": [{"field_path": "n", "increment": {"string_value": "1"}}]}]})
    assert not ref.get().exists


def test_nested_arrays_are_invalid_argument(db):
    with pytest.raises(exceptions.InvalidArgument):
        db._firestore_api.commit(request={"database": _database(db), "writes": [
            {"update": {"name": db.document("c/arr")._document_path, "fields": {
                "a": {"array_value": {"values": [{"array_value": {"values": []}}]}}}}}]})


def test_maps_nested_deeper_than_firestore_allows_are_invalid_argument(db):
    value: dict = {"leaf": 1}
    for _ in range(25):
        value = {"m": value}
    with pytest.raises(exceptions.InvalidArgument):
        db.document("c/deep").set(value)
    assert not db.document("c/deep").get().exists


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    key, length, out = (number << 3) | 2, len(payload), bytearray()
    out.append(key)
    while True:
        byte = length & 0x7F
        length >>= 7
        out.append(byte | (0x80 if length else 0))
        if not length:
            break
    return bytes(out) + payload


def _nested_value(depth: int) -> bytes:
    value = b"\x10\x01"  # Value{integer_value: 1}
    for _ in range(depth):
        entry = _field(1, b"m") + _field(2, value)  # MapValue.fields entry
        value = _field(6, _field(1, entry))  # Value{map_value: MapValue{fields: {m: value}}}
    return value


def test_maps_nested_deeper_than_protobuf_parsers_allow_do_not_kill_the_server(db, emulator_host):
    name = db.document("c/deeper")._document_path
    document = _field(1, name.encode()) + _field(2, _field(1, b"a") + _field(2, _nested_value(300)))
    request = _field(1, _database(db).encode()) + _field(2, _field(1, document))
    with grpc.insecure_channel(emulator_host) as channel:
        call = channel.unary_unary("/google.firestore.v1.Firestore/Commit")
        with pytest.raises(grpc.RpcError) as info:
            call(request, timeout=10)
        assert info.value.code() != grpc.StatusCode.OK
    assert not db.document("c/deeper").get().exists
    _still_serving(db)


def test_huge_field_path_is_invalid_argument(db):
    ref = db.document("c/path")
    ref.set({"a": 1})
    path = ".".join(["seg"] * 5000)
    with pytest.raises(exceptions.InvalidArgument):
        db._firestore_api.commit(request={"database": _database(db), "writes": [
            {"update": {"name": ref._document_path, "fields": {}}, "update_mask": {"field_paths": [path]}}]})
    _still_serving(db)


@pytest.mark.parametrize("path", ["a..b", ".a", "a.", "`unterminated", "`a`b"],
                         ids=["empty-segment", "leading-dot", "trailing-dot", "unterminated-quote", "junk-after-quote"])
def test_malformed_field_paths_in_mask_are_invalid_argument(db, path):
    ref = db.document("c/fp")
    with pytest.raises(exceptions.InvalidArgument):
        db._firestore_api.commit(request={"database": _database(db), "writes": [
            {"update": {"name": ref._document_path, "fields": {}}, "update_mask": {"field_paths": [path]}}]})


def test_reserved_field_name_is_invalid_argument(db):
    with pytest.raises(exceptions.InvalidArgument):
        db.document("c/reserved").set({"__secret__": 1})


def test_garbage_bytes_on_the_raw_channel_fail_without_killing_the_server(db, emulator_host):
    with grpc.insecure_channel(emulator_host) as channel:
        for method in ("Commit", "GetDocument", "RunQuery", "BatchGetDocuments"):
            call = channel.unary_unary(f"/google.firestore.v1.Firestore/{method}")
            with pytest.raises(grpc.RpcError) as info:
                call(b"\xff\xfe\xfd\x00garbage\x0a\xff", timeout=10)
            assert info.value.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.INTERNAL,
                                         grpc.StatusCode.UNKNOWN)
        unknown = channel.unary_unary("/google.firestore.v1.Firestore/NoSuchMethod")
        with pytest.raises(grpc.RpcError) as info:
            unknown(b"", timeout=10)
        assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
    _still_serving(db)


def test_empty_requests_are_invalid_argument(db, emulator_host):
    with grpc.insecure_channel(emulator_host) as channel:
        for method in ("Commit", "GetDocument", "BeginTransaction", "ListDocuments", "BatchWrite"):
            call = channel.unary_unary(f"/google.firestore.v1.Firestore/{method}")
            with pytest.raises(grpc.RpcError) as info:
                call(b"", timeout=10)
            assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT, method
    _still_serving(db)


def test_garbage_bytes_on_the_tcp_port_do_not_kill_the_server(db, emulator_host):
    import socket

    host, port = emulator_host.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\xff" * 500)
        try:
            sock.recv(1024)
        except OSError:
            pass
    _still_serving(db)


def test_garbage_page_token_is_invalid_argument(db):
    db.document("c/one").set({"v": 1})
    with pytest.raises(exceptions.InvalidArgument):
        db._firestore_api.list_documents(request={
            "parent": _root(db), "collection_id": "c", "page_token": "%%% not a token %%%"})


def test_transaction_of_another_database_is_rejected(db, project_id):
    from google.cloud import firestore

    other = firestore.Client(project=project_id, database="elsewhere")
    txn = other._firestore_api.begin_transaction(request={
        "database": f"projects/{project_id}/databases/elsewhere"}).transaction
    with pytest.raises((exceptions.InvalidArgument, exceptions.Aborted)):
        db._firestore_api.commit(request={"database": _database(db), "transaction": txn, "writes": []})


def test_batch_get_of_many_documents_returns_each_once(db):
    names = [db.document(f"many/{i}")._document_path for i in range(2000)]
    responses = list(db._firestore_api.batch_get_documents(request={
        "database": _database(db), "documents": names}))
    assert [r.missing for r in responses] == names
