"""Document reads and single-document RPCs, through google-cloud-firestore only."""
from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from google.api_core import exceptions
from google.cloud import firestore
from google.cloud.firestore_v1 import GeoPoint


def _api(db):
    return db._firestore_api


def _root(db) -> str:
    return f"projects/{db.project}/databases/(default)/documents"


def test_every_value_type_round_trips(db):
    when = dt.datetime(2024, 5, 17, 12, 30, 15, 123456, tzinfo=dt.timezone.utc)
    data = {
        "null": None,
        "bool": True,
        "int": 9007199254740993,
        "negative": -(2**63),
        "double": 3.25,
        "timestamp": when,
        "string": "héllo wörld",
        "bytes": b"\x00\xff\x10",
        "reference": db.document("other/doc"),
        "geo": GeoPoint(51.5, -0.12),
        "array": [1, "two", {"three": 3}],
        "map": {"nested": {"deep": [True, None]}},
        "empty_map": {},
        "empty_array": [],
    }
    ref = db.collection("values").document("all")
    ref.set(data)
    got = ref.get().to_dict()
    assert got["timestamp"] == when
    assert got["reference"].path == "other/doc"
    got["reference"] = data["reference"] = None
    got.pop("timestamp"), data.pop("timestamp")
    assert got == data


def test_missing_document_snapshot_does_not_exist(db):
    snap = db.collection("c").document("nope").get()
    assert not snap.exists
    assert snap.to_dict() is None


def test_get_document_rpc_answers_not_found_for_missing_document(db):
    with pytest.raises(exceptions.NotFound):
        _api(db).get_document(request={"name": f"{_root(db)}/c/missing"})


def test_get_document_rpc_returns_fields_and_times(db):
    db.collection("c").document("d").set({"a": 1})
    doc = _api(db).get_document(request={"name": f"{_root(db)}/c/d"})
    assert doc.fields["a"].integer_value == 1
    assert doc.create_time == doc.update_time


def test_get_all_returns_found_and_missing_in_request_order(db):
    refs = [db.document(f"c/{i}") for i in ("b", "x", "a", "y")]
    refs[0].set({"v": "b"})
    refs[2].set({"v": "a"})
    raw = list(_api(db).batch_get_documents(request={
        "database": f"projects/{db.project}/databases/(default)",
        "documents": [r._document_path for r in refs],
    }))
    kinds = [("found", r.found.name) if r.found.name else ("missing", r.missing) for r in raw]
    assert kinds == [
        ("found", refs[0]._document_path), ("missing", refs[1]._document_path),
        ("found", refs[2]._document_path), ("missing", refs[3]._document_path),
    ]
    assert all(r.read_time for r in raw)
    snaps = {s.id: s.exists for s in db.get_all(refs)}
    assert snaps == {"b": True, "x": False, "a": True, "y": False}


def test_field_mask_returns_only_selected_fields(db):
    ref = db.collection("c").document("masked")
    ref.set({"a": 1, "b": {"x": 1, "y": 2}, "c": 3})
    snap = ref.get(field_paths=["a", "b.y"])
    assert snap.to_dict() == {"a": 1, "b": {"y": 2}}


def test_create_time_is_kept_and_update_time_advances(db):
    ref = db.collection("c").document("times")
    first = ref.set({"v": 1})
    snap1 = ref.get()
    time.sleep(0.002)
    second = ref.set({"v": 2})
    snap2 = ref.get()
    assert snap2.create_time == snap1.create_time
    assert snap2.update_time > snap1.update_time
    assert second.update_time > first.update_time
    assert snap2.update_time == second.update_time
    assert snap2.read_time >= snap2.update_time


def test_read_at_read_time_sees_the_old_version(db):
    ref = db.collection("c").document("history")
    ref.set({"v": 1})
    before = ref.get().read_time
    ref.set({"v": 2})
    ref_gone = db.collection("c").document("born-later")
    ref_gone.set({"v": 9})
    assert ref.get(read_time=before).to_dict() == {"v": 1}
    assert not ref_gone.get(read_time=before).exists
    assert ref.get().to_dict() == {"v": 2}


def test_create_fails_with_already_exists_when_document_exists(db):
    ref = db.collection("c").document("once")
    ref.create({"v": 1})
    with pytest.raises(exceptions.AlreadyExists):
        ref.create({"v": 2})
    assert ref.get().to_dict() == {"v": 1}


def test_create_document_rpc_assigns_twenty_character_alphanumeric_id(db):
    doc = _api(db).create_document(request={
        "parent": _root(db), "collection_id": "auto", "document_id": "",
        "document": {"fields": {"v": {"integer_value": 7}}},
    })
    doc_id = doc.name.rsplit("/", 1)[1]
    assert re.fullmatch(r"[A-Za-z0-9]{20}", doc_id)
    assert db.document(f"auto/{doc_id}").get().to_dict() == {"v": 7}


def test_update_document_rpc_with_mask_changes_only_masked_fields(db):
    ref = db.collection("c").document("upd")
    ref.set({"a": 1, "b": 2, "c": 3})
    _api(db).update_document(request={
        "document": {"name": ref._document_path, "fields": {"a": {"integer_value": 10}}},
        "update_mask": {"field_paths": ["a", "b"]},
    })
    assert ref.get().to_dict() == {"a": 10, "c": 3}


def test_update_document_rpc_without_mask_replaces_and_creates(db):
    ref = db.collection("c").document("upsert")
    _api(db).update_document(request={
        "document": {"name": ref._document_path, "fields": {"z": {"string_value": "new"}}},
    })
    assert ref.get().to_dict() == {"z": "new"}


def test_delete_removes_document_and_delete_of_missing_succeeds(db):
    ref = db.collection("c").document("del")
    ref.set({"v": 1})
    ref.delete()
    assert not ref.get().exists
    ref.delete()


def test_delete_with_stale_update_time_precondition_fails(db):
    ref = db.collection("c").document("guarded")
    old = ref.set({"v": 1}).update_time
    ref.set({"v": 2})
    with pytest.raises(exceptions.FailedPrecondition):
        ref.delete(option=db.write_option(last_update_time=old))
    assert ref.get().exists


def test_list_documents_shows_missing_parents_of_subcollections(db):
    db.document("rooms/real").set({"v": 1})
    db.document("rooms/ghost/messages/m1").set({"text": "hi"})
    listed = {r.id for r in db.collection("rooms").list_documents()}
    assert listed == {"real", "ghost"}
    assert not db.document("rooms/ghost").get().exists


def test_list_documents_pages_through_every_document_in_name_order(db):
    for i in range(7):
        db.collection("paged").document(f"d{i}").set({"i": i})
    resp = _api(db).list_documents(request={
        "parent": _root(db), "collection_id": "paged", "page_size": 3})
    names = [d.name.rsplit("/", 1)[1] for d in resp]  # the pager follows next_page_token
    assert names == [f"d{i}" for i in range(7)]
    ids = [r.id for r in db.collection("paged").list_documents(page_size=2)]
    assert ids == [f"d{i}" for i in range(7)]


def test_list_documents_returns_fields_and_respects_mask(db):
    db.collection("lm").document("a").set({"x": 1, "y": 2})
    full = list(_api(db).list_documents(request={"parent": _root(db), "collection_id": "lm"}))
    assert dict(full[0].fields)["x"].integer_value == 1
    masked = list(_api(db).list_documents(request={
        "parent": _root(db), "collection_id": "lm", "mask": {"field_paths": ["y"]}}))
    assert set(masked[0].fields) == {"y"}


def test_collections_are_listed_sorted_at_root_and_under_a_document(db):
    for path in ["zeta/1", "alpha/1", "mid/1/sub_b/x", "mid/1/sub_a/y", "alpha/2/deep/3"]:
        db.document(path).set({"v": 1})
    assert [c.id for c in db.collections()] == ["alpha", "mid", "zeta"]
    assert [c.id for c in db.document("mid/1").collections()] == ["sub_a", "sub_b"]
    assert [c.id for c in db.document("alpha/2").collections()] == ["deep"]


def test_list_collection_ids_pages(db):
    for cid in ["c1", "c2", "c3", "c4", "c5"]:
        db.document(f"{cid}/doc").set({"v": 1})
    got = list(_api(db).list_collection_ids(request={"parent": _root(db), "page_size": 2}))
    assert got == ["c1", "c2", "c3", "c4", "c5"]


def test_deleted_collection_disappears_from_listing(db):
    ref = db.document("temp/only")
    ref.set({"v": 1})
    ref.delete()
    assert "temp" not in [c.id for c in db.collections()]


def test_documents_in_different_collections_with_same_id_are_distinct(db):
    db.document("a/same").set({"from": "a"})
    db.document("b/same").set({"from": "b"})
    db.document("a/same/a/same").set({"from": "nested"})
    assert db.document("a/same").get().get("from") == "a"
    assert db.document("b/same").get().get("from") == "b"
    assert db.document("a/same/a/same").get().get("from") == "nested"


def test_server_timestamp_sentinel_is_commit_time(db):
    ref = db.collection("c").document("ts")
    result = ref.set({"at": firestore.SERVER_TIMESTAMP})
    assert ref.get().get("at") == result.update_time


def test_get_all_and_list_documents_at_read_time_see_the_past(db):
    a, b = db.document("rt/a"), db.document("rt/b")
    a.set({"v": 1})
    then = a.get().read_time
    a.set({"v": 2})
    b.set({"v": 2})
    past = {s.id: (s.to_dict() if s.exists else None) for s in db.get_all([a, b], read_time=then)}
    assert past == {"a": {"v": 1}, "b": None}
    assert [r.id for r in db.collection("rt").list_documents(read_time=then)] == ["a"]


def test_query_at_read_time_sees_the_past(db):
    db.document("rq/a").set({"n": 1})
    then = db.document("rq/a").get().read_time
    db.document("rq/b").set({"n": 2})
    db.document("rq/a").delete()
    assert [s.id for s in db.collection("rq").get(read_time=then)] == ["a"]
    assert [s.id for s in db.collection("rq").get()] == ["b"]
