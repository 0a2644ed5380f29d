"""The fan-out's decisions, without Firestore (tests/api/test_notification*.py run it for real)."""

import json
from datetime import datetime, timezone

import pytest
from google.cloud import firestore

from hearth.forum import serialize
from hearth.notifications import inbox
from hearth.notifications.fanout import (
    COMMENT,
    MENTION,
    REPLY,
    Subject,
    added_mentions,
    document,
    first_shown,
    new_mentions,
    notification_id,
    on_comment_written,
    on_thread_written,
    recipients,
)


class ExplodingDb:
    """A Firestore stand-in that fails on any use: the cases below must not touch Firestore."""

    def __getattr__(self, name):
        raise AssertionError(f"Firestore used: {name}")


def post(**fields):
    return {
        "status": "visible",
        "author": {"uid": "bob", "handle": "bob", "displayName": "Bob"},
        "mentionCount": 0,
        "bodyHtml": "<p>hi</p>",
        **fields,
    }


def test_a_reply_beats_a_comment_beats_a_mention():
    assert recipients("bob", replied_to="ada", thread_author="ada", mentioned=["ada"]) == {"ada": REPLY}
    assert recipients("bob", replied_to="carl", thread_author="ada", mentioned=["ada", "carl", "dan"]) == {
        "carl": REPLY,
        "ada": COMMENT,
        "dan": MENTION,
    }


def test_the_actor_is_never_notified():
    assert recipients("bob", replied_to="bob", thread_author="bob", mentioned=["bob"]) == {}


def test_mentions_beyond_the_tenth_are_ignored():
    wanted = recipients("bob", mentioned=[f"u{n}" for n in range(15)])
    assert list(wanted) == [f"u{n}" for n in range(10)]


def test_the_notification_id_is_a_function_of_the_post_and_the_recipient():
    a = notification_id("threads/t/comments/c", "ada")
    assert a == notification_id("threads/t/comments/c", "ada")
    assert len({a, notification_id("threads/t/comments/c", "bob"), notification_id("threads/t", "ada")}) == 3


class Private:
    """A stand-in for a post's private mentions document (store.mentions)."""

    def __init__(self, uids):
        self.exists, self._uids = uids is not None, uids

    def to_dict(self):
        return {"uids": self._uids} if self.exists else None


def test_an_edit_adds_only_the_users_it_newly_mentions():
    assert new_mentions(None, post(mentionCount=2)) == slice(0, 2)
    assert added_mentions(slice(0, 2), post(mentionCount=2), Private(["a", "b"])) == ["a", "b"]
    # The lifetime list only grows: the counts before and after the write name the new ones.
    added = new_mentions(post(mentionCount=1), post(mentionCount=3))
    assert added_mentions(added, post(mentionCount=3), Private(["a", "b", "c"])) == ["b", "c"]
    # A later edit that added more before this event ran does not reach this event's notifications.
    assert added_mentions(added, post(mentionCount=3), Private(["a", "b", "c", "d"])) == ["b", "c"]
    assert new_mentions(post(mentionCount=2), post(mentionCount=2)) is None
    assert added_mentions(None, post(), Private(["a"])) == []


def test_a_post_written_before_the_uids_moved_is_read_from_its_own_list():
    legacy = {**post(), "mentions": ["a"]}
    del legacy["mentionCount"]
    added = new_mentions(legacy, post(mentionCount=2))
    assert added_mentions(added, post(mentionCount=2), Private(["a", "b"])) == ["b"]
    assert added_mentions(slice(0, 1), legacy, Private(None)) == ["a"]


@pytest.mark.parametrize(
    "before, after",
    [
        (post(), {**post(), "replyCount": 1, "score": 1}),  # a counter moved
        (post(mentionCount=1), post(mentionCount=1, body="edited")),  # an edit that mentions nobody new
        (post(), None),  # deleted for good
        (None, post(status="deleted")),
        (post(), post(status="deleted", mentionCount=1)),
        (None, post(author=None)),
        (post(status="hidden", hidden={"by": "moderators"}), post()),  # a restore: notified when it was new
    ],
)
def test_events_that_notify_nobody_touch_no_document(before, after):
    assert on_comment_written(ExplodingDb(), "t", "c", before, after) == []
    assert on_thread_written(ExplodingDb(), "t", before, after) == []


def test_an_approved_first_comment_counts_as_new_and_a_restored_one_does_not():
    held = post(status="hidden", hidden={"reason": "awaiting_approval", "by": "approval"})
    assert first_shown(None, post()) and first_shown(held, post())
    assert not first_shown(post(status="hidden", hidden={"by": "moderators"}), post())
    assert not first_shown(None, held) and not first_shown(post(), {**post(), "score": 2})


def test_a_new_thread_without_mentions_touches_no_document():
    assert on_thread_written(ExplodingDb(), "t", None, post()) == []


def test_the_notification_document_snapshots_what_the_list_shows():
    subject = Subject(
        path="threads/t/comments/c",
        thread_id="t",
        thread_title="Title",
        comment_id="c",
        root_id="r",
        actor={"uid": "bob", "handle": "bob", "displayName": "Bob", "extra": 1},
        excerpt="hi",
    )
    doc = document(subject, REPLY)
    assert doc["createdAt"] is firestore.SERVER_TIMESTAMP  # the commit time, comparable with readAllAt
    assert doc["actor"] == {"uid": "bob", "handle": "bob", "displayName": "Bob"}
    assert (doc["kind"], doc["read"], doc["rootId"]) == (REPLY, False, "r")
    created = datetime(2026, 1, 1, tzinfo=timezone.utc)
    item = serialize.notification("n1", {**doc, "createdAt": created}, read=False)
    assert item == {
        "id": "n1",
        "kind": "reply",
        "threadId": "t",
        "threadTitle": "Title",
        "commentId": "c",
        "rootId": "r",
        "actor": {"handle": "bob", "displayName": "Bob"},
        "excerpt": "hi",
        "createdAt": "2026-01-01T00:00:00.000Z",
        "read": False,
        "url": None,
    }


def test_a_notification_is_read_when_marked_or_older_than_mark_all():
    t0, t1 = datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert inbox.is_read({"read": True, "createdAt": t1}, None)
    assert not inbox.is_read({"read": False, "createdAt": t1}, None)
    assert inbox.is_read({"read": False, "createdAt": t0}, t1)
    assert inbox.is_read({"read": False, "createdAt": t1}, t1)
    assert not inbox.is_read({"read": False, "createdAt": t1}, t0)


class _Missing:
    """A snapshot of a document that does not exist (nobody muted anything)."""

    def __init__(self, ref):
        self.reference, self.exists = ref, False


@pytest.fixture
def offline_db(monkeypatch):
    """A real client for building references; its reads and commits are replaced per test."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", "127.0.0.1:1")  # never dialled: every RPC is replaced
    db = firestore.Client(project="demo-unit")
    monkeypatch.setattr(db, "get_all", lambda refs, transaction=None: [_Missing(r) for r in refs])
    return db


def _batches(db, monkeypatch, outcome, settled=None):
    """Replace db.batch(): each commit calls outcome(path of the notification it creates); the inboxes
    folded after (folding.settle) go to settled."""
    committed = []
    monkeypatch.setattr(
        "hearth.notifications.fanout.folding.settle",
        lambda db, owner, now, snap=None: (settled if settled is not None else []).append(owner.path),
    )

    class Batch:
        def create(self, ref, doc):
            self.path = ref.path

        def set(self, ref, doc, merge=False):  # +1 on one of the recipient's inbox counter shards
            if ref.path.startswith("outbox/"):  # a closing write (fanout.Closing)
                self.closing = ref.path
                return
            assert "/private/inbox/shards/" in ref.path and merge and doc["unread"].value == 1

        closing = None

        def commit(self):
            outcome(self.path)
            committed.append(self.path.split("/")[1])
            if self.closing:
                committed.append(self.closing)

    monkeypatch.setattr(db, "batch", Batch)
    return committed


SUBJECT = Subject(
    path="threads/t/comments/c",
    thread_id="t",
    thread_title="T",
    comment_id="c",
    root_id="c",
    actor={"uid": "bob", "handle": "bob", "displayName": "Bob"},
    excerpt="hi",
)


def test_a_failed_write_is_logged_and_raised_after_the_others_are_written(offline_db, monkeypatch, capsys):
    from google.api_core.exceptions import ServiceUnavailable

    from hearth.notifications.fanout import DeliveryFailed, deliver

    def outcome(path):
        if path.startswith("users/cy/"):
            raise ServiceUnavailable("Firestore is down")

    settled: list[str] = []
    committed = _batches(offline_db, monkeypatch, outcome, settled)
    with pytest.raises(DeliveryFailed, match="1 of 3"):
        deliver(offline_db, SUBJECT, {"ada": REPLY, "cy": COMMENT, "dan": MENTION})
    assert committed == ["ada", "dan"]
    assert settled == ["users/ada/private/inbox", "users/dan/private/inbox"]
    (entry,) = logged(capsys)
    assert entry["severity"] == "ERROR" and entry["uid"] == "cy" and entry["subject"] == "threads/t/comments/c"
    assert "could not notify cy about threads/t/comments/c" in entry["message"]
    assert "ServiceUnavailable" in entry["message"]  # the traceback


def test_a_notification_that_exists_already_is_skipped_quietly(offline_db, monkeypatch):
    from google.api_core.exceptions import AlreadyExists

    from hearth.notifications.fanout import deliver

    def outcome(path):
        if path.startswith("users/ada/"):
            raise AlreadyExists("written by an earlier delivery")

    committed = _batches(offline_db, monkeypatch, outcome)
    written = deliver(offline_db, SUBJECT, {"ada": REPLY, "dan": MENTION})
    assert committed == ["dan"] and written == [notification_id(SUBJECT.path, "dan")]


def closing_for(db, item: str):
    from hearth.notifications.fanout import Closing

    return Closing(lambda batch: batch.set(db.document(item), {}, merge=True))


def test_the_closing_writes_ride_in_the_last_recipients_commit(offline_db, monkeypatch):
    from hearth.notifications.fanout import deliver

    committed = _batches(offline_db, monkeypatch, lambda path: None)
    closing = closing_for(offline_db, "outbox/comment~t~c")
    deliver(offline_db, SUBJECT, {"ada": REPLY, "dan": MENTION}, closing)
    assert committed == ["ada", "dan", "outbox/comment~t~c"] and closing.committed


def test_no_closing_writes_after_a_recipient_failed_or_when_the_last_one_exists(offline_db, monkeypatch):
    from google.api_core.exceptions import AlreadyExists, ServiceUnavailable

    from hearth.notifications.fanout import DeliveryFailed, deliver

    def failing(path):
        if path.startswith("users/ada/"):
            raise ServiceUnavailable("Firestore is down")

    committed = _batches(offline_db, monkeypatch, failing)
    closing = closing_for(offline_db, "outbox/comment~t~c")
    with pytest.raises(DeliveryFailed):
        deliver(offline_db, SUBJECT, {"ada": REPLY, "dan": MENTION}, closing)
    assert committed == ["dan"] and not closing.committed  # the item stays to do: ada is retried

    def existing(path):
        if path.startswith("users/dan/"):
            raise AlreadyExists("written by an earlier delivery")

    committed = _batches(offline_db, monkeypatch, existing)
    closing = closing_for(offline_db, "outbox/comment~t~c")
    deliver(offline_db, SUBJECT, {"ada": REPLY, "dan": MENTION}, closing)
    assert committed == ["ada"] and not closing.committed  # the caller marks it done on its own


def test_a_trigger_failure_is_logged_with_its_event_and_raised(capsys):
    from hearth.notifications.fanout import run

    def work():
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run("event-1", "threads/t/comments/c", work)
    (entry,) = logged(capsys)
    assert entry["severity"] == "ERROR" and entry["event"] == "event-1" and entry["document"] == "threads/t/comments/c"
    assert "notifications for threads/t/comments/c (event event-1) failed" in entry["message"]
    assert "RuntimeError: boom" in entry["message"]


def logged(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    """The structured log entries (firebase_functions.logger: one JSON object a line) written so far."""
    out, err = capsys.readouterr()
    return [json.loads(line) for line in (out + err).splitlines() if line.startswith("{")]


def test_a_comment_on_a_page_thread_links_back_to_the_article():
    from hearth.notifications.fanout import article_link, thread_shown

    page_thread = {
        "status": "visible",
        "author": None,
        "page": {"site": "https://blog.example", "url": "https://blog.example/a"},
    }
    assert thread_shown(page_thread)  # no author, still a thread readers see
    assert not thread_shown({**page_thread, "status": "hidden"})
    assert article_link(page_thread, "c1") == "https://blog.example/a#hearth-c-c1"
    assert article_link({"status": "visible", "author": {"uid": "u"}}, "c1") is None
    subject = Subject(
        path="threads/t/comments/c1",
        thread_id="t",
        thread_title="A",
        comment_id="c1",
        root_id="c1",
        actor={"uid": "bob", "handle": "bob", "displayName": "Bob"},
        excerpt="hi",
        page_url=article_link(page_thread, "c1"),
    )
    assert document(subject, REPLY)["url"] == "https://blog.example/a#hearth-c-c1"
    assert "url" not in document(
        Subject(path="p", thread_id="t", thread_title="A", comment_id=None, root_id=None, actor={}, excerpt=""), MENTION
    )
