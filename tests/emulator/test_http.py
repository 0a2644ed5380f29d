"""The HTTP/1.1 side on the gRPC port, and isolation of projects and databases."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from google.cloud import firestore


def _http(emulator_host: str, method: str, path: str, body: bytes | None = None):
    req = urllib.request.Request(f"http://{emulator_host}{path}", data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_root_answers_ok(emulator_host):
    status, body = _http(emulator_host, "GET", "/")
    assert status == 200
    assert body.strip() == b"Ok"


def test_delete_documents_endpoint_clears_only_that_database(emulator_host, project_id):
    mine = firestore.Client(project=project_id)
    other_project = firestore.Client(project=project_id + "-other")
    other_db = firestore.Client(project=project_id, database="other")
    for client in (mine, other_project, other_db):
        client.document("posts/1").set({"v": 1})
        client.document("posts/1/comments/a").set({"v": 2})

    status, body = _http(emulator_host, "DELETE",
                         f"/emulator/v1/projects/{project_id}/databases/(default)/documents")
    assert status == 200
    assert json.loads(body) == {}
    assert not mine.document("posts/1").get().exists
    assert not mine.document("posts/1/comments/a").get().exists
    assert list(mine.collections()) == []
    assert other_project.document("posts/1").get().exists
    assert other_db.document("posts/1/comments/a").get().exists


def test_cleared_database_accepts_new_writes(emulator_host, db, project_id):
    db.document("a/b").set({"v": 1})
    _http(emulator_host, "DELETE", f"/emulator/v1/projects/{project_id}/databases/(default)/documents")
    db.document("a/b").create({"v": 2})
    assert db.document("a/b").get().get("v") == 2


def test_projects_and_databases_are_isolated(emulator_host, project_id):
    default = firestore.Client(project=project_id)
    named = firestore.Client(project=project_id, database="other")
    stranger = firestore.Client(project=project_id + "-x")
    default.document("users/u").set({"db": "default"})
    named.document("users/u").set({"db": "other"})
    assert default.document("users/u").get().get("db") == "default"
    assert named.document("users/u").get().get("db") == "other"
    assert not stranger.document("users/u").get().exists
    assert [d.id for d in named.collection("users").stream()] == ["u"]


def test_unknown_http_path_is_404(emulator_host):
    status, _ = _http(emulator_host, "GET", "/no/such/endpoint")
    assert status == 404


def test_http_keeps_the_grpc_side_working(emulator_host, db):
    for _ in range(3):
        assert _http(emulator_host, "GET", "/")[0] == 200
        db.document("mix/d").set({"v": 1})
    assert db.document("mix/d").get().exists
