"""The notification trigger called in-process with constructed events, as the platform delivers
them (a CloudEvent with a protobuf DocumentEventData), against the stack's Firestore emulator."""

from __future__ import annotations

import uuid
from typing import Any, Iterator

import pytest
from cloudevents.http import CloudEvent
from google.cloud import firestore
from google.cloud.firestore_v1 import _helpers
from google.cloud.firestore_v1.types import Document
from google.events.cloud import firestore as events

import main
from devstack.stack import Stack
from tests.api.conftest import wait_for
from tests.api.test_notifications import inbox, wait_for_inbox


@pytest.fixture
def db(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[firestore.Client]:
    """The triggers' client, on the stack's emulator: what main._get_db() makes inside the Functions emulator."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    monkeypatch.setenv("GCLOUD_PROJECT", stack.project)  # firebase_functions reads the project from here
    client = firestore.Client(project=stack.project)
    monkeypatch.setattr(main, "_db", client)
    yield client


def written_event(
    project: str, path: str, after: dict[str, Any], before: dict[str, Any] | None = None, event_id: str | None = None
) -> CloudEvent:
    """A `document.v1.written` CloudEvent for path, encoded as Eventarc delivers it."""

    def document(data: dict[str, Any]) -> events.Document:
        pb = Document(
            name=f"projects/{project}/databases/(default)/documents/{path}", fields=_helpers.encode_dict(data)
        )
        return events.Document.deserialize(Document.serialize(pb))

    payload = events.DocumentEventData(value=document(after), old_value=document(before) if before else None)
    attributes = {
        "specversion": "1.0",
        "id": event_id or uuid.uuid4().hex,
        "type": "google.cloud.firestore.document.v1.written",
        "source": f"//firestore.googleapis.com/projects/{project}/databases/(default)",
        "time": "2026-01-01T00:00:00.000Z",
        "datacontenttype": "application/protobuf",
        "location": "us-central1",
        "project": project,
        "namespace": "(default)",
        "database": "(default)",
        "document": path,
        "subject": f"documents/{path}",
    }
    return CloudEvent(attributes, events.DocumentEventData.serialize(payload))


def test_the_same_comment_event_delivered_twice_writes_one_notification(
    api, stack, db, alice, bob, thread, make_comment
):
    comment = make_comment(bob, thread["id"], "Hello")
    path = f"threads/{thread['id']}/comments/{comment['id']}"
    data = db.document(path).get().to_dict()
    # An event for a comment the emulator never fired for: the first delivery writes, the second does not.
    ghost = f"threads/{thread['id']}/comments/ghost{uuid.uuid4().hex[:8]}"
    event = written_event(stack.project, ghost, data)
    main.notify_on_comment(event)
    main.notify_on_comment(event)
    # The ghost's notification and the real comment's (from the emulator): one run of comments on
    # Alice's thread, so one item of 2 and one unread (tests/api/test_grouped_notifications.py).
    stored = db.collection(f"users/{alice.uid}/notifications")
    wait_for(lambda: len(list(stored.stream())) == 2, what="two notifications")
    page = inbox(api, alice)
    [item] = page["items"]
    assert item["count"] == 2 and page["unread"] == 1
    assert set(item["commentIds"]) == {comment["id"], ghost.rsplit("/", 1)[1]}

    # The real comment's event again, under a new event id (as a redelivery after a lost ack could be).
    main.notify_on_comment(written_event(stack.project, path, data))
    main.notify_on_comment(written_event(stack.project, path, data))
    after = inbox(api, alice)
    assert len(list(stored.stream())) == 2
    assert [i["count"] for i in after["items"]] == [2] and after["unread"] == 1


def test_a_thread_event_delivered_twice_writes_one_mention(api, stack, db, alice, bob, make_thread):
    handle = api.get("/me", bob).json()["handle"]
    posted = make_thread(alice, title="Mentions", body=f"hi @{handle}")
    data = db.document(f"threads/{posted['id']}").get().to_dict()
    event = written_event(stack.project, f"threads/{posted['id']}", data)
    main.notify_on_thread(event)
    main.notify_on_thread(event)
    page = wait_for_inbox(api, bob, 1)
    assert len(page["items"]) == 1 and page["unread"] == 1
