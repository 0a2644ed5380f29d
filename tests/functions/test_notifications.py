"""The fan-out's decisions, without Firestore (tests/api/test_notification*.py run it for real)."""
from datetime import datetime, timezone

import pytest
from google.cloud import firestore

from hearth import inbox, serialize
from hearth.errors import Invalid
from hearth.notifications import (COMMENT, MENTION, REPLY, Subject, added_mentions, document, notification_id,
                                  on_comment_written, on_thread_written, recipients)


class ExplodingDb:
    """A Firestore stand-in that fails on any use: the cases below must not touch Firestore."""

    def __getattr__(self, name):
        raise AssertionError(f"Firestore used: {name}")


def post(**fields):
    return {"status": "visible", "author": {"uid": "bob", "handle": "bob", "displayName": "Bob"},
            "mentions": [], "bodyHtml": "<p>hi</p>", **fields}


def test_a_reply_beats_a_comment_beats_a_mention():
    assert recipients("bob", replied_to="ada", thread_author="ada", mentioned=["ada"]) == {"ada": REPLY}
    assert recipients("bob", replied_to="carl", thread_author="ada", mentioned=["ada", "carl", "dan"]) == {
        "carl": REPLY, "ada": COMMENT, "dan": MENTION}


def test_the_actor_is_never_notified():
    assert recipients("bob", replied_to="bob", thread_author="bob", mentioned=["bob"]) == {}


def test_mentions_beyond_the_tenth_are_ignored():
    wanted = recipients("bob", mentioned=[f"u{n}" for n in range(15)])
    assert list(wanted) == [f"u{n}" for n in range(10)]


def test_the_notification_id_is_a_function_of_the_post_and_the_recipient():
    a = notification_id("threads/t/comments/c", "ada")
    assert a == notification_id("threads/t/comments/c", "ada")
    assert len({a, notification_id("threads/t/comments/c", "bob"), notification_id("threads/t", "ada")}) == 3


def test_an_edit_adds_only_the_users_it_newly_mentions():
    assert added_mentions(None, {"mentions": ["a", "b"]}) == ["a", "b"]
    assert added_mentions({"mentions": ["a"]}, {"mentions": ["b", "a", "c"]}) == ["b", "c"]
    assert added_mentions({"mentions": ["a", "b"]}, {"mentions": ["a"]}) == []


@pytest.mark.parametrize("before, after", [
    (post(), {**post(), "replyCount": 1, "score": 1}),  # a counter moved
    (post(mentions=["ada"]), post(mentions=["ada"], body="edited")),  # an edit that mentions nobody new
    (post(), None),  # deleted for good
    (None, post(status="deleted")),
    (post(), post(status="deleted", mentions=["ada"])),
    (None, post(author=None)),
])
def test_events_that_notify_nobody_touch_no_document(before, after):
    assert on_comment_written(ExplodingDb(), "t", "c", before, after) == []
    assert on_thread_written(ExplodingDb(), "t", before, after) == []


def test_a_new_thread_without_mentions_touches_no_document():
    assert on_thread_written(ExplodingDb(), "t", None, post()) == []


def test_the_notification_document_snapshots_what_the_list_shows():
    subject = Subject(path="threads/t/comments/c", thread_id="t", thread_title="Title", comment_id="c", root_id="r",
                      actor={"uid": "bob", "handle": "bob", "displayName": "Bob", "extra": 1}, excerpt="hi")
    doc = document(subject, REPLY)
    assert doc["createdAt"] is firestore.SERVER_TIMESTAMP  # the commit time, comparable with readAllAt
    assert doc["actor"] == {"uid": "bob", "handle": "bob", "displayName": "Bob"}
    assert (doc["kind"], doc["read"], doc["rootId"]) == (REPLY, False, "r")
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    item = serialize.notification("n1", {**doc, "createdAt": created}, read=False)
    assert item == {"id": "n1", "kind": "reply", "threadId": "t", "threadTitle": "Title", "commentId": "c",
                    "rootId": "r", "actor": {"handle": "bob", "displayName": "Bob"}, "excerpt": "hi",
                    "createdAt": "2026-01-01T00:00:00.000Z", "read": False}


def test_a_notification_is_read_when_marked_or_older_than_mark_all():
    t0, t1 = datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert inbox.is_read({"read": True, "createdAt": t1}, None)
    assert not inbox.is_read({"read": False, "createdAt": t1}, None)
    assert inbox.is_read({"read": False, "createdAt": t0}, t1)
    assert inbox.is_read({"read": False, "createdAt": t1}, t1)
    assert not inbox.is_read({"read": False, "createdAt": t1}, t0)


def test_mark_read_takes_ids_or_nothing():
    assert inbox.mark_ids({}) is None
    assert inbox.mark_ids({"ids": ["a", "b", "a"]}) == ["a", "b"]


@pytest.mark.parametrize("body", [{"ids": []}, {"ids": None}, {"ids": ["a"] * 51}, {"ids": [""]}, {"ids": ["a/b"]},
                                  {"ids": [7]}, {"all": True}])
def test_mark_read_refuses_anything_else(body):
    with pytest.raises(Invalid):
        inbox.mark_ids(body)
