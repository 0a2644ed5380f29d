"""Edit history: every edit of a thread or comment keeps the version it replaced (the last 20)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Callable

import pytest
from google.cloud import firestore

from devstack.authemu import User
from hearth.api.app import create_app
from hearth.db.ratelimit import Limit
from hearth.deps import Config, Deps, utc_now
from hearth.forum.history import KEPT
from tests.api.conftest import Api, assert_error


def history(api: Api, path: str, user: User | None = None) -> dict:
    response = api.get(f"{path}/history", user)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_thread_keeps_each_version_an_edit_replaced(api, alice, bob, make_thread):
    thread = make_thread(alice, title="First title", body="first *body*")
    path = f"/threads/{thread['id']}"
    assert history(api, path) == {"items": [], "kept": KEPT}
    assert api.patch(path, alice, json={"body": "second body"}).status_code == 200
    assert api.patch(path, alice, json={"title": "Second title"}).status_code == 200
    assert api.patch(path, alice, json={"tags": ["x"]}).status_code == 200  # no new text: no version
    found = history(api, path, bob)["items"]
    assert [(v["version"], v["title"], v["body"]) for v in found] == [
        (2, "First title", "second body"),
        (1, "First title", "first *body*"),
    ]
    assert found[1]["bodyHtml"] == "<p>first <em>body</em></p>\n"
    assert found[1]["writtenAt"] == thread["createdAt"] and found[0]["replacedAt"] >= found[1]["replacedAt"]


@pytest.fixture
def in_process(stack, monkeypatch):
    """The app in this process on the stack's Firestore, with an edit window a test can exceed (the stack's is 10 a minute)."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    db = firestore.Client(project=f"history-{uuid.uuid4().hex[:8]}")
    config = Config(edit_limit=Limit("edit", 10_000, timedelta(minutes=1)))
    app = create_app(
        Deps(db=db, verify_token=lambda token, check_revoked: {"uid": token}, config=config, clock=utc_now)
    )
    return app.test_client(), db


def test_a_post_keeps_only_its_last_versions(in_process):
    client, db = in_process
    as_bob = {"Authorization": "Bearer bob"}
    tid = client.post("/api/threads", json={"title": "T", "body": "version 1"}, headers=as_bob).get_json()["id"]
    cid = client.post(f"/api/threads/{tid}/comments", json={"body": "version 1"}, headers=as_bob).get_json()["id"]
    edits = KEPT + 3
    for path in (f"/api/threads/{tid}", f"/api/threads/{tid}/comments/{cid}"):
        for n in range(2, edits + 2):
            response = client.patch(path, json={"body": f"version {n}"}, headers=as_bob)
            assert response.status_code == 200, response.get_data(as_text=True)
        found = client.get(f"{path}/history").get_json()["items"]
        assert [v["body"] for v in found] == [f"version {n}" for n in range(edits, edits - KEPT, -1)]
        assert [v["version"] for v in found] == list(range(edits, edits - KEPT, -1))
        assert client.get(path).get_json()["body"] == f"version {edits + 1}"
    assert len(list(db.collection(f"threads/{tid}/history").stream())) == KEPT
    assert len(list(db.collection(f"threads/{tid}/comments/{cid}/history").stream())) == KEPT


def test_a_comments_versions_have_no_title(api, bob, thread, make_comment):
    comment = make_comment(bob, thread["id"], "version 1")
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    assert api.patch(path, bob, json={"body": "version 2"}).status_code == 200
    assert api.patch(path, bob, json={"body": "version 2"}).status_code == 200  # the same text: no version
    [version] = history(api, path)["items"]
    assert (version["version"], version["title"], version["body"]) == (1, None, "version 1")
    assert api.get(f"/threads/{thread['id']}/comments/{comment['id']}").json()["editedAt"]


def test_a_hidden_posts_history_is_for_its_author_and_moderators(api, alice, bob, moderator, thread, make_comment):
    comment = make_comment(bob, thread["id"], "before")
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    assert api.patch(path, bob, json={"body": "after"}).status_code == 200
    assert api.put(f"{path}/hidden", moderator, json={"reason": "spam"}).status_code == 200
    assert_error(api.get(f"{path}/history"), 404, "not_found")
    assert_error(api.get(f"{path}/history", alice), 404, "not_found")
    assert [v["body"] for v in history(api, path, bob)["items"]] == ["before"]
    assert [v["body"] for v in history(api, path, moderator)["items"]] == ["before"]


def test_a_deleted_post_has_no_history_to_show(api, alice, bob, thread, make_comment):
    comment = make_comment(bob, thread["id"], "before")
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    assert api.patch(path, bob, json={"body": "after"}).status_code == 200
    assert api.delete(path, bob).status_code == 204
    assert_error(api.get(f"{path}/history", bob), 404, "not_found")
    assert api.patch(f"/threads/{thread['id']}", alice, json={"body": "edited"}).status_code == 200
    assert api.delete(f"/threads/{thread['id']}", alice).status_code == 204
    assert_error(api.get(f"/threads/{thread['id']}/history", alice), 404, "not_found")


def test_history_of_what_is_not_there_is_a_404(api, thread, make_user: Callable[..., User]):
    assert_error(api.get("/threads/nope/history"), 404, "not_found")
    assert_error(api.get(f"/threads/{thread['id']}/comments/nope/history"), 404, "not_found")
    assert_error(api.get("/threads/a.b/history"), 404)
    assert_error(api.get(f"/threads/{thread['id']}/history", headers={"Authorization": "Bearer x"}), 401)
