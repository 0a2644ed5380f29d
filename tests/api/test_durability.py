"""Background work survives failures: on a stack where 30% of background runs raise before they
write (HEARTH_FAULTS=background:0.3), every notification is still delivered exactly once, every
counter converges and every due auto-hide happens, through the retry queue (and the sweep).

This module runs its own stack (the faults are the stack's environment), first in the session so
that it never runs beside the shared one (pytest-order).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.cloud import firestore

from devstack import writelog
from devstack.authemu import User, sign_in, sign_up, verify_email
from devstack.client import Api
from devstack.stack import Ports, Stack, local_stack
from tests.api.conftest import unfolded_owners, wait_for

FAULTS = "background:0.3"
DEADLINE = 180  # retries back off (1 s, 2 s, 4 s ...); a run fails 30% of the time

pytestmark = pytest.mark.order("first")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with faults (named `stack`: a failure shows its log, tests/conftest.py)."""
    logs: Path = tmp_path_factory.mktemp("faulty")
    with local_stack(Ports.free(), quiet=False, write_log=logs / "writes.jsonl", faults=FAULTS) as running:
        running.warm_background()
        yield running


@pytest.fixture(scope="module")
def api(stack: Stack) -> Api:
    return Api(f"{stack.hosting_url}/api")


@pytest.fixture(scope="module")
def stored(stack: Stack) -> firestore.Client:
    import os

    os.environ["FIRESTORE_EMULATOR_HOST"] = stack.firestore_host
    return firestore.Client(project=stack.project)


def person(stack: Stack, api: Api, name: str) -> User:
    email = f"{name}-{uuid.uuid4().hex[:8]}@example.com"
    user = sign_up(stack.auth_url, email, "password-123", display_name=name)
    verify_email(stack.auth_url, stack.project, user.uid)
    user = sign_in(stack.auth_url, email, "password-123")
    assert api.get("/me", user).status_code == 200
    return user


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json() if response.content else {}


def notifications(api: Api, user: User) -> dict:
    return ok(api.get("/me/notifications?limit=50", user))


@pytest.mark.timeout(900)
def test_with_30_percent_of_background_runs_failing_everything_is_done_exactly_once(stack, api, stored):
    author, troll, *people = [person(stack, api, n) for n in ("author", "troll", "c1", "c2", "c3", "c4", "c5", "c6")]
    reporters = [person(stack, api, f"r{n}") for n in range(3)]
    handle = {u.uid: ok(api.get("/me", u))["handle"] for u in people}
    c1, c2, c3, *_ = people
    tid = ok(api.post("/threads", author, json={"title": "Faulty", "body": "everything fails sometimes"}), 201)["id"]
    comments = f"/threads/{tid}/comments"

    # The troll's spam, on a thread of its own (hidden content notifies nobody, whenever it is hidden).
    den = ok(api.post("/threads", troll, json={"title": "Deals", "body": "see below"}), 201)["id"]
    spam = ok(api.post(f"/threads/{den}/comments", troll, json={"body": "buy now"}), 201)
    root = ok(api.post(comments, c1, json={"body": "the root"}), 201)
    for user in people[1:5]:  # 4 replies to c1's root: c1 hears of each, the author too
        ok(api.post(comments, user, json={"body": "a reply", "parentId": root["id"]}), 201)
    ok(api.post(comments, people[5], json={"body": f"hello @{handle[c2.uid]}"}), 201)  # c2 is mentioned
    ok(api.patch(f"{comments}/{root['id']}", c1, json={"body": f"the root, @{handle[c3.uid]}"}))  # c3 newly mentioned
    for user in people:
        ok(api.put(f"/threads/{tid}/reactions/like", user))
    for user in people[1:]:
        ok(api.put(f"{comments}/{root['id']}/reactions/fire", user))
    for user in reporters:
        ok(api.post(f"/threads/{den}/comments/{spam['id']}/report", user, json={"reason": "spam"}), 202)

    # Every notification exactly once: the author hears of all 6 comments (4 of them replies: one
    # run of comments, one item and one unread, notifications/groups.py), c1 of the 4 replies, c2
    # and c3 of one mention each; the counts the bell shows match.
    expected = {author.uid: 6, c1.uid: 4, c2.uid: 1, c3.uid: 1}
    users = {u.uid: u for u in (author, *people)}

    def stored_notifications(uid: str) -> list[str]:
        return [s.id for s in stored.collection(f"users/{uid}/notifications").stream()]

    wait_for(
        lambda: all(len(stored_notifications(uid)) >= n for uid, n in expected.items()), DEADLINE, "every notification"
    )
    time.sleep(3)  # a duplicate would show by now
    for uid, count in expected.items():
        assert len(stored_notifications(uid)) == count, uid
    page = notifications(api, author)
    assert [(i["kind"], i["count"]) for i in page["items"]] == [("comment", 6)] and page["unread"] == 1
    for uid in (c1.uid, c2.uid, c3.uid):
        page = notifications(api, users[uid])
        assert len(page["items"]) == expected[uid] and page["unread"] == expected[uid], (uid, page)

    # The due auto-hide happened: three trusted reporters hid the spam.
    wait_for(
        lambda: stored.document(f"threads/{den}/comments/{spam['id']}").get().get("status") == "hidden",
        DEADLINE,
        "the auto-hide",
    )

    # Every counter converges: 6 comments, 6 likes; the root's 4 replies and 5 fires; the spam's
    # thread counts none once it is hidden.
    def converged() -> bool:
        thread = ok(api.get(f"/threads/{tid}"))
        root_doc = stored.document(f"threads/{tid}/comments/{root['id']}").get().to_dict()
        return (
            thread["commentCount"] == 6
            and thread["reactionCounts"].get("like") == 6
            and thread["score"] == 6 + 2 * 6
            and stored.document(f"threads/{den}").get().get("commentCount") == 0
            and root_doc["replyCount"] == 4
            and root_doc["descendantCount"] == 4
            and root_doc["reactionCounts"].get("fire") == 5
            and root_doc["score"] == 5 + 4
        )

    wait_for(converged, DEADLINE, "the counters")

    # And nothing is left undone. Retries back off up to 30 s, so an item whose last run failed may
    # still wait for its retry after the counters have converged: it must be done within the deadline.
    def undone() -> list[str]:
        return [
            s.id for s in stored.collection("outbox").where(filter=firestore.FieldFilter("done", "==", False)).get()
        ]

    wait_for(
        lambda: not unfolded_owners(stored) and not undone(), DEADLINE, "every shard folded and every outbox item done"
    )
    assert unfolded_owners(stored) == [] and undone() == []

    # The faults were real: some runs failed and were retried by the task queue.
    assert "InjectedFault" in stack.logs()
    calls = writelog.invocations(writelog.read(stack.write_log)) if stack.write_log else {}
    assert calls["background"] >= 1 and calls["on_outbox_created"] == 7 + 1 + 3  # comments, the edit, reports
