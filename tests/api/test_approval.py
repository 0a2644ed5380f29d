"""First-post approval (HEARTH_FIRST_POST_APPROVAL, off by default): a new member's threads and comments
wait for a moderator.

The deployed parameter is read once per instance, so these tests run the app in-process on the stack's
Firestore with the parameter on; every other API test runs with it off (the default).
"""

from __future__ import annotations

import uuid
from typing import Any, Iterator

import pytest

from hearth.api.app import create_app
from hearth.deps import Config, Deps, utc_now
from tests.support.inprocess import bearer, verify_token


@pytest.fixture
def client(stack, monkeypatch) -> Iterator[Any]:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    from google.cloud import firestore

    db = firestore.Client(project=f"approval-{uuid.uuid4().hex[:8]}")
    app = create_app(Deps(db=db, verify_token=verify_token, config=Config(first_post_approval=True), clock=utc_now))
    client = app.test_client()
    client.db = db  # type: ignore[attr-defined]  # the tests look at the documents too
    yield client


def test_a_new_members_comment_waits_for_approval_then_they_are_trusted(client):
    newbie, mod = bearer("newbie"), bearer("mod1:mod")
    tid = client.post("/api/threads", headers=mod, json={"title": "t", "body": "b"}).get_json()["id"]
    held = client.post(f"/api/threads/{tid}/comments", headers=newbie, json={"body": "my first words"})
    assert held.status_code == 201
    comment = held.get_json()
    assert comment["status"] == "hidden" and comment["body"] == "my first words"
    assert comment["hidden"]["reason"] == "awaiting_approval" and comment["hidden"]["by"] == "approval"

    assert client.get(f"/api/threads/{tid}/comments").get_json()["items"] == []
    assert client.get(f"/api/threads/{tid}").get_json()["commentCount"] == 0
    mine = client.get(f"/api/threads/{tid}/comments", headers=newbie).get_json()["items"]
    assert [c["body"] for c in mine] == ["my first words"]

    key = f"comment~{tid}~{comment['id']}"
    queue = client.get("/api/mod/queue", headers=mod).get_json()["items"]
    entry = next(i for i in queue if i["id"] == key)
    assert entry["approval"] is True and entry["item"]["excerpt"] == "my first words"

    approved = client.post(f"/api/mod/queue/{key}", headers=mod, json={"action": "approve"})
    assert approved.status_code == 200, approved.get_data(as_text=True)
    assert approved.get_json()["itemStatus"] == "visible" and approved.get_json()["state"] == "resolved"
    assert [c["body"] for c in client.get(f"/api/threads/{tid}/comments").get_json()["items"]] == ["my first words"]
    assert client.get(f"/api/threads/{tid}").get_json()["commentCount"] == 1
    log = client.get("/api/mod/log", headers=mod, query_string={"limit": 2}).get_json()["items"]
    assert {e["action"] for e in log} == {"approve", "restore"}  # one request, one time: no order between them

    # Approval is the author's standing, in a document only they and moderators read; never public.
    assert client.db.document("users/newbie/private/standing").get().to_dict() == {"approved": True}
    assert "approved" not in client.db.document("users/newbie").get().to_dict()

    # Approved once, trusted from then on.
    second = client.post(f"/api/threads/{tid}/comments", headers=newbie, json={"body": "and more"}).get_json()
    assert second["status"] == "visible"
    assert client.get(f"/api/threads/{tid}").get_json()["commentCount"] == 2


def test_moderators_comments_never_wait_and_only_held_comments_can_be_approved(client):
    mod, reporter = bearer("mod2:mod"), bearer("reporter2")
    tid = client.post("/api/threads", headers=mod, json={"title": "t", "body": "b"}).get_json()["id"]
    assert (
        client.post(f"/api/threads/{tid}/comments", headers=mod, json={"body": "hi"}).get_json()["status"] == "visible"
    )
    client.post(f"/api/threads/{tid}/report", headers=reporter, json={"reason": "spam"})
    refused = client.post(f"/api/mod/queue/thread~{tid}", headers=mod, json={"action": "approve"})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "action"


def test_a_new_members_thread_waits_for_approval_too(client):
    """Finding 4: posting a thread bypassed first-post approval."""
    newbie, mod = bearer("newbie3"), bearer("mod3:mod")
    made = client.post("/api/threads", headers=newbie, json={"title": "my thread", "body": "hello"})
    assert made.status_code == 201
    thread = made.get_json()
    assert thread["status"] == "hidden" and thread["hidden"]["reason"] == "awaiting_approval"
    assert thread["title"] == "my thread"  # its author sees it whole
    tid = thread["id"]
    assert client.get(f"/api/threads/{tid}").status_code == 404
    assert tid not in [t["id"] for t in client.get("/api/threads").get_json()["items"]]
    entry = next(i for i in client.get("/api/mod/queue", headers=mod).get_json()["items"] if i["id"] == f"thread~{tid}")
    assert entry["approval"] is True and entry["item"]["title"] == "my thread"
    assert client.post(f"/api/mod/queue/thread~{tid}", headers=mod, json={"action": "approve"}).status_code == 200
    assert client.get(f"/api/threads/{tid}").get_json()["status"] == "visible"
    assert (
        client.post("/api/threads", headers=newbie, json={"title": "t2", "body": "b"}).get_json()["status"] == "visible"
    )


def test_a_held_reply_moves_no_counter_until_approved(client):
    """Finding 4: held replies already moved their parent's replyCount and score."""
    mod, newbie = bearer("mod4:mod"), bearer("newbie4")
    tid = client.post("/api/threads", headers=mod, json={"title": "t", "body": "b"}).get_json()["id"]
    root = client.post(f"/api/threads/{tid}/comments", headers=mod, json={"body": "root"}).get_json()
    held = client.post(
        f"/api/threads/{tid}/comments", headers=newbie, json={"body": "held reply", "parentId": root["id"]}
    ).get_json()
    assert held["status"] == "hidden"
    db = client.application.config["HEARTH_DEPS"].db

    def root_counts():
        data = db.document(f"threads/{tid}/comments/{root['id']}").get().to_dict()
        return data["replyCount"], data["score"]

    assert root_counts() == (0, 0)
    key = f"comment~{tid}~{held['id']}"
    assert client.post(f"/api/mod/queue/{key}", headers=mod, json={"action": "approve"}).status_code == 200
    assert root_counts() == (1, 1)


def test_approval_is_off_by_default():
    assert Config().first_post_approval is False
