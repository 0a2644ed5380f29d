"""Suspensions: moderators stop a user's writes with a reason until a time; it ends by itself."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest

from hearth.api.app import create_app
from hearth.deps import Config, Deps
from tests.api.conftest import assert_error
from tests.api.test_queue import _read_directly
from tests.support.inprocess import verify_token


def _iso(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


@pytest.fixture
def suspended(api, bob, moderator):
    """Bob, suspended for a day, with his handle."""
    handle = api.get("/me", bob).json()["handle"]
    until = _iso(datetime.now(timezone.utc) + timedelta(days=1))
    response = api.put(f"/users/{handle}/suspension", moderator, json={"reason": "flame wars", "until": until})
    assert response.status_code == 200, response.text
    return {"user": bob, "handle": handle, "until": until}


def test_a_suspended_user_gets_a_moderation_notification_with_the_reason(api, suspended):
    notices = [n for n in api.get("/me/notifications", suspended["user"]).json()["items"] if n["kind"] == "moderation"]
    assert [n["excerpt"] for n in notices] == [f"suspended your account until {suspended['until']}: flame wars"]
    assert notices[0]["threadId"] is None


def test_a_suspension_shows_to_the_user_and_moderators_only(api, stack, db, alice, moderator, suspended):
    handle, bob = suspended["handle"], suspended["user"]
    shown = {"reason": "flame wars", "until": suspended["until"]}
    assert api.get("/me", bob).json()["suspension"] == shown
    for viewer in (bob, moderator):
        assert api.get(f"/users/{handle}", viewer).json()["suspension"] == shown
        assert api.get(f"/users/id/{bob.uid}", viewer).json()["suspension"] == shown
    for viewer in (None, alice):
        assert api.get(f"/users/{handle}", viewer).json()["suspension"] is None
        assert api.get(f"/users/id/{bob.uid}", viewer).json()["suspension"] is None
    # Nothing of it on the world-readable profile; the standing document is Bob's and moderators' to read.
    public = _read_directly(stack, None, f"users/{bob.uid}")
    assert public.status_code == 200 and not {"suspension", "approved"} & set(public.json()["fields"])
    standing = f"users/{bob.uid}/private/standing"
    assert db.document(standing).get().to_dict()["suspension"]["reason"] == "flame wars"
    for viewer, status in ((None, 403), (alice, 403), (bob, 200), (moderator, 200)):
        assert _read_directly(stack, viewer, standing).status_code == status, viewer


def test_every_write_of_a_suspended_user_is_403_suspended_and_stores_nothing(
    api, db, alice, suspended, thread, make_comment, tag
):
    bob = suspended["user"]
    comment = make_comment(alice, thread["id"], "hello")
    tid, cpath = thread["id"], f"/threads/{thread['id']}/comments/{comment['id']}"
    writes = {
        "thread": lambda: api.post("/threads", bob, json={"title": "t", "body": "b", "tags": [tag]}),
        "comment": lambda: api.post(f"/threads/{tid}/comments", bob, json={"body": "hi"}),
        "reply": lambda: api.post(f"/threads/{tid}/comments", bob, json={"body": "hi", "parentId": comment["id"]}),
        "thread reaction": lambda: api.put(f"/threads/{tid}/reactions/like", bob),
        "comment reaction": lambda: api.put(f"{cpath}/reactions/fire", bob),
        "bookmark": lambda: api.put(f"/threads/{tid}/bookmark", bob),
        "unbookmark": lambda: api.delete(f"/threads/{tid}/bookmark", bob),
        "profile": lambda: api.put("/me", bob, json={"displayName": "Renamed", "bio": "new"}),
        "report": lambda: api.post(f"/threads/{tid}/report", bob, json={"reason": "spam"}),
        "mute": lambda: api.put(f"/threads/{tid}/mute", bob),
    }
    for name, write in writes.items():
        error = assert_error(write(), 403, "suspended")
        assert error["reason"] == "flame wars" and error["until"] == suspended["until"], name
    me = api.get("/me", bob).json()
    assert (me["threadCount"], me["commentCount"], me["displayName"]) == (0, 0, "Bob")
    after = api.get(f"/threads/{tid}").json()
    assert after["commentCount"] == 1 and sum(after["reactionCounts"].values()) == 0
    listed = api.get(f"/threads/{tid}/comments").json()["items"]
    assert [c["id"] for c in listed] == [comment["id"]] and listed[0]["replyCount"] == 0
    assert sum(listed[0]["reactionCounts"].values()) == 0
    assert api.get("/me/bookmarks", bob).json()["items"] == []
    assert api.get("/threads", params={"tag": tag}).json()["items"] == []
    assert not db.collection("reports").document(f"thread~{tid}~{bob.uid}").get().exists
    assert api.get(f"/threads/{tid}", bob).json()["muted"] is False


def test_a_suspended_authors_own_edits_and_deletes_are_refused_too(api, make_thread, make_comment, bob, moderator):
    mine = make_thread(bob)
    comment = make_comment(bob, mine["id"], "mine")
    handle = api.get("/me", bob).json()["handle"]
    until = _iso(datetime.now(timezone.utc) + timedelta(hours=1))
    api.put(f"/users/{handle}/suspension", moderator, json={"reason": "cooling off", "until": until})
    assert_error(api.patch(f"/threads/{mine['id']}", bob, json={"title": "x"}), 403, "suspended")
    assert_error(api.delete(f"/threads/{mine['id']}", bob), 403, "suspended")
    assert_error(
        api.patch(f"/threads/{mine['id']}/comments/{comment['id']}", bob, json={"body": "x"}), 403, "suspended"
    )
    assert_error(api.delete(f"/threads/{mine['id']}/comments/{comment['id']}", bob), 403, "suspended")
    assert_error(
        api.put(f"/threads/{mine['id']}/comments/{comment['id']}/hidden", bob, json={"reason": "spam"}),
        403,
        "suspended",
    )
    assert api.get(f"/threads/{mine['id']}").json()["title"] == mine["title"]


def test_lifting_a_suspension_lets_the_user_write_again(api, suspended, moderator):
    lifted = api.delete(f"/users/{suspended['handle']}/suspension", moderator)
    assert lifted.status_code == 200 and lifted.json()["suspension"] is None
    assert api.post("/threads", suspended["user"], json={"title": "back", "body": "b"}).status_code == 201
    assert api.get(f"/users/{suspended['handle']}", moderator).json()["suspension"] is None


def test_lifting_a_suspension_tells_the_member_once(api, suspended, moderator):
    before = api.get("/me", suspended["user"]).json()["unreadNotifications"]
    assert api.delete(f"/users/{suspended['handle']}/suspension", moderator).status_code == 200
    assert api.delete(f"/users/{suspended['handle']}/suspension", moderator).status_code == 200  # nothing to lift
    notices = [n for n in api.get("/me/notifications", suspended["user"]).json()["items"] if n["kind"] == "moderation"]
    assert notices[0]["excerpt"] == "lifted your suspension: you can post, comment and react again"
    assert len(notices) == 2 and notices[0]["actor"]["displayName"] == "Moderators" and notices[0]["read"] is False
    assert api.get("/me", suspended["user"]).json()["unreadNotifications"] == before + 1


def test_only_moderators_suspend(api, alice, bob, moderator):
    handle = api.get("/me", bob).json()["handle"]
    until = _iso(datetime.now(timezone.utc) + timedelta(days=1))
    assert_error(api.put(f"/users/{handle}/suspension", alice, json={"reason": "x", "until": until}), 403, "forbidden")
    assert_error(api.delete(f"/users/{handle}/suspension", alice), 403, "forbidden")
    assert_error(api.put(f"/users/{handle}/suspension", json={"reason": "x", "until": until}), 401)
    assert api.get(f"/users/{handle}", moderator).json()["suspension"] is None


@pytest.mark.parametrize(
    "body,field",
    [
        ({"until": "2999-01-01T00:00:00Z"}, "reason"),
        ({"reason": "", "until": "2999-01-01T00:00:00Z"}, "reason"),
        ({"reason": "x" * 501, "until": "2999-01-01T00:00:00Z"}, "reason"),
        ({"reason": "x"}, "until"),
        ({"reason": "x", "until": "tomorrow"}, "until"),
        ({"reason": "x", "until": "2999-01-01T00:00:00"}, "until"),  # no time zone
        ({"reason": "x", "until": "2001-01-01T00:00:00Z"}, "until"),  # the past
        ({"reason": "x", "until": "2999-01-01T00:00:00Z", "days": 3}, "days"),
    ],
)
def test_invalid_suspension_is_422(api, bob, moderator, body, field):
    handle = api.get("/me", bob).json()["handle"]
    assert_error(api.put(f"/users/{handle}/suspension", moderator, json=body), 422, "invalid_argument", field)
    assert api.get(f"/users/{handle}", moderator).json()["suspension"] is None


def test_unknown_user_is_404(api, moderator):
    assert_error(
        api.put("/users/nobody_here_123/suspension", moderator, json={"reason": "x", "until": "2999-01-01T00:00:00Z"}),
        404,
    )


# --- the end of a suspension, on an injected clock ---------------------------------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clocked(stack, monkeypatch) -> Iterator[tuple[Any, Clock, Any]]:
    """The app in-process on the stack's Firestore, with a clock the test moves."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    from google.cloud import firestore

    clock = Clock(datetime(2030, 1, 1, 12, 0, tzinfo=timezone.utc))
    db = firestore.Client(project=f"clock-{uuid.uuid4().hex[:8]}")
    app = create_app(Deps(db=db, verify_token=verify_token, config=Config(), clock=clock))
    yield app.test_client(), clock, db


def test_suspension_ends_by_itself_at_until(clocked):
    client, clock, db = clocked
    user, mod = {"Authorization": "Bearer u1"}, {"Authorization": "Bearer m1:mod"}
    handle = client.get("/api/me", headers=user).get_json()["handle"]
    until = clock.now + timedelta(hours=2)
    response = client.put(f"/api/users/{handle}/suspension", headers=mod, json={"reason": "spam", "until": _iso(until)})
    assert response.status_code == 200, response.get_data(as_text=True)

    clock.now = until - timedelta(seconds=1)
    refused = client.post("/api/threads", headers=user, json={"title": "t", "body": "b"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "suspended"
    assert client.get(f"/api/users/{handle}", headers=mod).get_json()["suspension"]["until"] == _iso(until)
    assert client.get(f"/api/users/{handle}").get_json()["suspension"] is None  # anyone else: nothing

    clock.now = until
    assert client.post("/api/threads", headers=user, json={"title": "t", "body": "b"}).status_code == 201
    assert client.get(f"/api/users/{handle}", headers=mod).get_json()["suspension"] is None
    assert client.get("/api/me", headers=user).get_json()["suspension"] is None
    # It never was on the public profile, so its end leaves nothing there to clean up.
    assert not {"suspension", "approved"} & set(db.document("users/u1").get().to_dict())


def test_a_suspension_that_ran_out_is_cleared_and_told_on_the_members_next_visit(clocked):
    client, clock, db = clocked
    user, mod = {"Authorization": "Bearer u2"}, {"Authorization": "Bearer m1:mod"}
    handle = client.get("/api/me", headers=user).get_json()["handle"]
    until = clock.now + timedelta(hours=2)
    client.put(f"/api/users/{handle}/suspension", headers=mod, json={"reason": "spam", "until": _iso(until)})
    clock.now = until - timedelta(seconds=1)
    assert client.get("/api/me", headers=user).get_json()["unreadNotifications"] == 1  # the suspension notice

    clock.now = until + timedelta(minutes=5)
    me = client.get("/api/me", headers=user).get_json()
    assert me["suspension"] is None and me["unreadNotifications"] == 2
    assert client.get("/api/me", headers=user).get_json()["unreadNotifications"] == 2  # told once
    items = client.get("/api/me/notifications", headers=user).get_json()["items"]
    assert items[0]["kind"] == "moderation" and items[0]["actor"]["displayName"] == "Hearth"
    assert items[0]["excerpt"] == "says your suspension is over: you can post, comment and react again"
    assert sum(i["excerpt"].startswith("says your suspension is over") for i in items) == 1
    assert "suspension" not in (db.document("users/u2/private/standing").get().to_dict() or {})
