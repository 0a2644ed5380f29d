"""BatchWrite: non-atomic writes, one status per write."""
from __future__ import annotations

from google.rpc import code_pb2


def _batch_write(db, writes):
    return db._firestore_api.batch_write(request={
        "database": f"projects/{db.project}/databases/(default)", "writes": writes})


def test_each_write_gets_its_own_status_and_failures_do_not_block_others(db):
    ok_ref, missing_ref, exists_ref = db.document("bw/ok"), db.document("bw/missing"), db.document("bw/exists")
    exists_ref.set({"v": 1})
    resp = _batch_write(db, [
        {"update": {"name": ok_ref._document_path, "fields": {"v": {"integer_value": 1}}}},
        {"update": {"name": missing_ref._document_path, "fields": {"v": {"integer_value": 1}}},
         "current_document": {"exists": True}},
        {"update": {"name": exists_ref._document_path, "fields": {}}, "current_document": {"exists": False}},
    ])
    assert [s.code for s in resp.status] == [code_pb2.OK, code_pb2.NOT_FOUND, code_pb2.ALREADY_EXISTS]
    assert resp.write_results[0].update_time
    assert not resp.write_results[1].update_time
    assert ok_ref.get().to_dict() == {"v": 1}
    assert not missing_ref.get().exists
    assert exists_ref.get().to_dict() == {"v": 1}


def test_invalid_write_gets_invalid_argument_status(db):
    good = db.document("bw/good")
    resp = _batch_write(db, [
        {"update": {"name": good._document_path, "fields": {"v": {"integer_value": 1}}}},
        {"update": {"name": good._document_path + "/odd", "fields": {}}},
    ])
    assert [s.code for s in resp.status] == [code_pb2.OK, code_pb2.INVALID_ARGUMENT]
    assert resp.status[1].message
    assert good.get().exists


def test_batch_write_applies_transforms_and_deletes(db):
    ref, doomed = db.document("bw/t"), db.document("bw/doomed")
    ref.set({"n": 1})
    doomed.set({"v": 1})
    resp = _batch_write(db, [
        {"update": {"name": ref._document_path, "fields": {}}, "update_mask": {"field_paths": []},
         "update_transforms": [{"field_path": "n", "increment": {"integer_value": 2}}]},
        {"delete": doomed._document_path},
    ])
    assert [s.code for s in resp.status] == [code_pb2.OK, code_pb2.OK]
    assert resp.write_results[0].transform_results[0].integer_value == 3
    assert ref.get().get("n") == 3
    assert not doomed.get().exists


def test_bulk_writer_writes_many_documents(db):
    writer = db.bulk_writer()
    for i in range(50):
        writer.set(db.document(f"bulk/{i}"), {"i": i})
    writer.close()
    assert len(list(db.collection("bulk").list_documents())) == 50
