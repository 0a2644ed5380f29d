"""Background work run in-process against the stack's Firestore emulator, as the trigger, the retry
task and the sweep run it: an outbox item run twice writes once, and the sweep runs what is left."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Iterator

import pytest
from google.cloud import firestore

import main
from devstack.stack import Stack
from hearth import background
from hearth.db import querylog
from hearth.deps import Config, utc_now
from tests.api.conftest import wait_for
from tests.api.test_notifications import inbox, wait_for_inbox


@pytest.fixture
def db(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[firestore.Client]:
    """The background work's client, on the stack's emulator: what main._get_db() makes in the Functions emulator."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    monkeypatch.setenv("GCLOUD_PROJECT", stack.project)
    monkeypatch.delenv("HEARTH_FAULTS", raising=False)
    # Its queries (the sweep's) go to the stack's query log, for the index check (test_indexes.py).
    log = querylog.QueryLog(stack.query_log, describe=lambda: None) if stack.query_log else None
    client = querylog.InterceptedClient(project=stack.project, interceptors=[log] if log else [])
    monkeypatch.setattr(main, "_db", client)
    yield client


def done(db: firestore.Client, item_id: str) -> bool:
    snap = background.outbox(db).document(item_id).get()
    return snap.exists and bool(snap.get("done"))


def test_a_new_comment_writes_its_outbox_item_in_its_own_commit_and_the_trigger_runs_it(
    api, db, alice, bob, thread, make_comment
):
    comment = make_comment(bob, thread["id"], "Hello")
    item_id = background.comment_id(thread["id"], comment["id"])
    item = background.outbox(db).document(item_id).get()
    assert item.exists and item.get("kind") == "comment" and item.get("commentId") == comment["id"]
    assert item.get("repliedToId") is None  # a top-level comment; a reply's names its parent (read with it)
    wait_for(lambda: done(db, item_id), 60, "the outbox item done")
    assert wait_for_inbox(api, alice, 1)["unread"] == 1
    # Marked done in the commit that wrote the notification: a commit fewer than on its own.
    (note,) = db.collection(f"users/{alice.uid}/notifications").get()
    assert background.outbox(db).document(item_id).get().get("doneAt") == note.get("createdAt")


def test_the_same_outbox_item_run_again_writes_nothing_more(api, db, alice, bob, thread, make_comment):
    comment = make_comment(bob, thread["id"], "Hello")
    item_id = background.comment_id(thread["id"], comment["id"])
    wait_for(lambda: done(db, item_id), 60, "the outbox item done")
    item = background.outbox(db).document(item_id).get().to_dict()
    # A retry task and the sweep may run an item the trigger ran already (at least once).
    background.process(db, item_id, item, utc_now(), Config())
    background.run_task(db, {"outbox": item_id}, utc_now, Config())
    page = inbox(api, alice)
    assert len(page["items"]) == 1 and page["unread"] == 1


def test_a_thread_mentioning_someone_notifies_once_however_often_its_item_runs(api, db, alice, bob, make_thread):
    handle = api.get("/me", bob).json()["handle"]
    posted = make_thread(alice, title="Mentions", body=f"hi @{handle}")
    item_id = background.thread_id(posted["id"])
    wait_for(lambda: done(db, item_id), 60, "the outbox item done")
    background.process(db, item_id, background.outbox(db).document(item_id).get().to_dict(), utc_now(), Config())
    page = wait_for_inbox(api, bob, 1)
    assert len(page["items"]) == 1 and page["unread"] == 1


def test_the_sweep_runs_an_item_older_than_a_minute_that_is_not_done(api, db, alice, bob, thread, make_comment):
    comment = make_comment(bob, thread["id"], "Hello")
    item_id = background.comment_id(thread["id"], comment["id"])
    wait_for(lambda: done(db, item_id), 60, "the outbox item done")
    # As if every run had failed: nothing it writes is there (the notification, the run of comments it
    # starts, its +1 folded or not), and the item is not done.
    page = wait_for_inbox(api, alice, 1)
    db.document(f"users/{alice.uid}/notifications/{page['items'][0]['id']}").delete()
    db.document(f"users/{alice.uid}/groups/{thread['id']}").delete()
    inbox_ref = db.document(f"users/{alice.uid}/private/inbox")
    for shard in inbox_ref.collection("shards").stream():
        shard.reference.delete()
    inbox_ref.set({"unread": 0, "shardSums": {"unread": 0}}, merge=True)
    background.outbox(db).document(item_id).update({"done": False})
    assert inbox(api, alice)["items"] == []

    # Not yet a minute old: the sweep leaves it to the trigger and the retries.
    background.sweep(db, utc_now(), Config())
    assert not done(db, item_id)
    swept = background.sweep(db, utc_now() + timedelta(seconds=61), Config())
    assert swept["ran"] >= 1 and swept["failed"] == 0 and done(db, item_id)
    page = inbox(api, alice)
    assert [i["commentId"] for i in page["items"]] == [comment["id"]] and page["unread"] == 1


def test_a_reaction_and_a_fold_invoke_nothing_and_a_comment_one_trigger(api, stack, alice, bob, thread):
    assert stack.write_log is not None
    from devstack import writelog

    time.sleep(2)  # earlier tests' background work
    start = time.time()
    assert api.put(f"/threads/{thread['id']}/reactions/like", bob).status_code == 200
    time.sleep(3)
    assert writelog.invocations(writelog.read(stack.write_log, start)) == {}
    start = time.time()
    assert api.post(f"/threads/{thread['id']}/comments", bob, json={"body": "one"}).status_code == 201
    wait_for_inbox(api, alice, 1)
    time.sleep(2)
    assert writelog.invocations(writelog.read(stack.write_log, start)) == {"on_outbox_created": 1}
