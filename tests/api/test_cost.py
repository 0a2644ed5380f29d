"""Each endpoint's Firestore work is bounded: round trips and documents read per call, whatever the data.

The app runs in-process here, on a client that counts its calls to the Firestore emulator; the
budgets below are the ones docs/consistency-and-cost.md lists.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Iterator

import pytest

from hearth.api.app import create_app
from hearth.db import folding
from hearth.db.querylog import QueryLog
from hearth.db.ratelimit import Limit
from hearth.deps import Config, Deps, utc_now
from hearth.forum import pages, users
from hearth.forum.history import KEPT
from hearth.forum.users import HANDLES_FOUND
from hearth.notifications import fanout
from hearth.notifications.groups import GROUP_IDS
from tests.support.counting import CountingClient
from tests.support.inprocess import bearer, verify_token

# endpoint -> (round trips, documents read) at most, for pages of 20 with 5 reply previews each.
# Comment lists also read their thread (a hidden thread hides its comments) in the same batched read.
BUDGETS = {
    "GET /threads": (1, 21),
    "GET /threads (signed in)": (2, 21 + 40),
    "GET /threads/{id}": (1, 1),
    "GET /threads/{id} (signed in)": (1, 4),
    "GET /threads/{id}/comments": (2, 1 + 21 + 100),
    "GET /threads/{id}/comments (signed in)": (2, 1 + 21 + 100 + 120),
    "GET /threads/{id}/comments/{cid}/replies": (2, 21 + 2),
    "GET /threads/{id}/comments/{cid} (signed in)": (1, 3),
    "GET /users/{handle}": (1, 1),
    # the handle's query, the comments' collection-group query, one batched read of their threads
    "GET /users/{handle}/comments": (3, 1 + 21 + 1),
    "GET /me/bookmarks": (2, 21 + 20),
    # The profile, the rate window and the standing (a suspension, approval: not on the public profile).
    "POST /threads (first post: makes the profile)": (4, 6),
    # The profile, the unread count and the caller's standing, in one batched read; the sum of the
    # inbox's counter shards (one aggregation at the inbox's read time, billed as one read).
    "GET /me": (2, 3 + 1),
    # The page, one batched read (the inbox and each run's marker), and per run on the page its
    # newest few (groups.GROUP_IDS) and its count (an aggregation, one read): at worst 20 runs.
    # (and the sum of the inbox's counter shards: one aggregation)
    "GET /me/notifications": (3 + 2 * 20, 21 + 1 + 20 + 20 * (GROUP_IDS + 1) + 1),
    # 25 comments on one thread: one run, one item (the run's later notifications are not in the page).
    "GET /me/notifications (one run of 25)": (3 + 2, 1 + 1 + 1 + GROUP_IDS + 1 + 1),
    # Edit history: the post (and its thread), then the ring of kept versions.
    "GET /threads/{id}/history": (2, 1 + KEPT),
    "GET /threads/{id}/comments/{cid}/history": (2, 2 + KEPT),
    # @mention lookup: the caller's lookup window, its preconditioned write, one range query of 5.
    "GET /users?prefix=": (3, 1 + HANDLES_FOUND),
    "GET /me/settings": (1, 1),
    "PUT /me/settings": (3, 1),
    "GET /me/blocks": (1, 1),
    # the handle's query, then a transaction on the caller's preferences
    "PUT /me/blocks/{handle}": (4, 2),
    # begin, the inbox and the notifications, the sum of the inbox's shards, then the run markers of
    # the runs among them, commit
    "POST /me/notifications/read (20 ids)": (5, 21 + 20 + 1),
    # begin, the sum of the inbox's shards, commit (whatever the backlog)
    "POST /me/notifications/read (all)": (3, 1),
    # A reaction: the batched read (the target, the caller's reaction, standing, reaction window and
    # profile: its role spares the after-request role check a read of its own) and the commit; then,
    # the target's bucket allowing, its fold inline (two sum() aggregations of its shards, one
    # commit), so a quiet thread shows the count at once.
    "PUT /threads/{id}/reactions/{type}": (5, 5 + 2),
    # A reply at depth 3 moves three owners' counters (the thread, its parent, its root): each is
    # folded inline while its bucket allows (two aggregations + commit; the root read first when the
    # request had not read it; the thread's latest activity, one document).
    "POST /threads/{id}/comments (reply at depth 3)": (2 + 3 * 3 + 1 + 1, 6 + 3 * 2 + 1 + 1),
    "POST /threads/{id}/comments (reply at depth 3 mentioning 2 users)": (
        3 + 3 * 3 + 1 + 1,
        6 + 2 + 3 * 2 + 1 + 1,
    ),
    # Background work for its outbox item (which names the comment answered): the comment, the
    # thread, the comment answered and the reply's private mentions in one batch; the 3 recipients'
    # mutes, preferences and inboxes (and the thread author's run: their notification and run
    # marker) in another; one commit per recipient; then each recipient's inbox folded (the inbox
    # as read in the batch, the sum of its shards, commit).
    "trigger: a reply mentioning 2 users": (2 + 3 + 3 * 2, 4 + 3 * 3 + 2 + 3),
    # The report, the thread (and the comment) read at once; then begin, the reporter's four, commit.
    "POST /threads/{id}/report": (4, 2 + 4),
    # The page (20 + 1), each item's newest reports (one query per item, at most 10 each, run
    # side by side: an `in` over the page's keys breaks past 30 values), the 20 items as they are now
    # with the threads of the comments among them (their titles), in one batched read.
    "GET /mod/queue": (2 + 20, 21 + 200 + 20 + 20),
    # The page, then one batched read of the threads it names (their titles).
    "GET /mod/log": (2, 21 + 20),
    # count.js: one batched read of the page threads, however many links (at most 50) a listing has.
    "GET /pages/counts (50 keys)": (1, 50),
    # A page's first comment: the same batched read and commit as any comment; the commit creates the thread.
    "POST /pages/comments (first comment: creates the page thread)": (2, 5),
    # (and the thread's fold inline, while its bucket allows: two aggregations, its latest activity, commit)
    "POST /pages/comments (the page thread exists)": (2 + 4, 5 + 3),
}


@pytest.fixture
def app_and_stats(stack, monkeypatch) -> Iterator[tuple[Any, Any]]:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    # The in-process app's queries join the function's in the query log the index check reads.
    db = CountingClient(project=f"cost-{uuid.uuid4().hex[:8]}", interceptors=[QueryLog(stack.query_log)])
    config = Config(
        comment_limit=Limit("comment", 10_000, timedelta(minutes=1)),
        thread_limit=Limit("thread", 10_000, timedelta(minutes=10)),
        report_limit=Limit("report", 10_000, timedelta(minutes=10)),
        embed_origins=("https://blog.example",),
        edit_limit=Limit("edit", 10_000, timedelta(minutes=1)),
    )
    app = create_app(Deps(db=db, verify_token=verify_token, config=config, clock=utc_now))
    yield app.test_client(), db.stats


class _Ok:
    """A stand-in response for a call that is not an HTTP request (the trigger's fan-out)."""

    status_code = 200

    def __init__(self, result: Any) -> None:
        self.result = result

    def get_data(self, as_text: bool = False) -> str:
        return repr(self.result)


def test_every_endpoint_stays_within_its_firestore_budget(app_and_stats):
    client, stats = app_and_stats
    threads = [
        client.post("/api/threads", json={"title": f"t{i}", "body": "b"}, headers=bearer(f"u{i % 3}")).get_json()
        for i in range(25)
    ]
    tid = threads[0]["id"]
    roots = [
        client.post(f"/api/threads/{tid}/comments", json={"body": f"c{i}"}, headers=bearer("u1")).get_json()
        for i in range(25)
    ]
    parent = roots[0]["id"]
    for _depth in range(2):
        parent = client.post(
            f"/api/threads/{tid}/comments", json={"body": "r", "parentId": parent}, headers=bearer("u2")
        ).get_json()["id"]
    for root in roots:
        for _ in range(6):
            client.post(
                f"/api/threads/{tid}/comments", json={"body": "r", "parentId": root["id"]}, headers=bearer("u0")
            )
    for thread in threads[:20]:
        client.put(f"/api/threads/{thread['id']}/bookmark", headers=bearer("u1"))
    handle = client.get("/api/me", headers=bearer("u1")).get_json()["handle"]
    for thread in threads[:22]:  # 22 resolved queue entries of 2 reports each, and a page of the log
        for reporter in ("r1", "r2"):
            assert (
                client.post(
                    f"/api/threads/{thread['id']}/report", json={"reason": "spam"}, headers=bearer(reporter)
                ).status_code
                == 202
            )
        assert (
            client.post(
                f"/api/mod/queue/thread~{thread['id']}", json={"action": "dismiss"}, headers=bearer("m1:mod")
            ).status_code
            == 200
        )
    mentioned = [client.get("/api/me", headers=bearer(u)).get_json()["handle"] for u in ("u0", "u2")]
    db = client.application.config["HEARTH_DEPS"].db
    for i in range(25):  # what the triggers would have written (they fire only for the stack's own project)
        fanout.deliver(
            db,
            fanout.Subject(
                path=f"threads/{tid}/comments/n{i}",
                thread_id=tid,
                thread_title="t0",
                comment_id=f"n{i}",
                root_id=None,
                actor={"uid": "u0", "handle": "x", "displayName": "X"},
                excerpt="e",
            ),
            {"u1": fanout.COMMENT},
        )
    one_run = client.get("/api/me/notifications", headers=bearer("u1")).get_json()["items"]
    assert [(i["kind"], i["count"]) for i in one_run] == [("comment", 25)]  # grouped: one item
    for i in range(20):  # 20 runs: a comment on each of 20 threads, a page full of runs
        for n in range(1):
            fanout.deliver(
                db,
                fanout.Subject(
                    path=f"threads/{threads[1]['id']}/comments/run{i}-{n}",
                    thread_id=f"run{i}",
                    thread_title="t",
                    comment_id=f"run{i}-{n}",
                    root_id=None,
                    actor={"uid": f"a{n}", "handle": "x", "displayName": "X"},
                    excerpt="e",
                ),
                {"u2": fanout.COMMENT},
            )
    unread_ids = [i["id"] for i in client.get("/api/me/notifications", headers=bearer("u2")).get_json()["items"]]
    assert len(unread_ids) == 20
    edited_comment = roots[3]["id"]
    for n in range(KEPT + 3):  # more edits than the ring keeps
        client.patch(f"/api/threads/{tid}", json={"body": f"edit {n}"}, headers=bearer("u0"))
        client.patch(f"/api/threads/{tid}/comments/{edited_comment}", json={"body": f"edit {n}"}, headers=bearer("u1"))
    # Their +1s (and the setup's counter moves) wait in shards until the fold tasks (about two seconds
    # later) fold them: measured on a forum at rest, folded as the sweep folds.
    folding.sweep(db, lambda: utc_now() + timedelta(seconds=10), limit=10_000)
    mentioning = {"body": f"@{mentioned[0]} and @{mentioned[1]}", "parentId": parent}
    reply = db.document(f"threads/{tid}/comments/{roots[2]['id']}").get().to_dict()
    # Whom it mentions lives in its private document, the count on the reply itself.
    db.document(f"threads/{tid}/comments/fresh-reply/private/mentions").set({"uids": ["u0", "u2"]})
    reply = {
        **reply,
        "mentionCount": 2,
        "author": {"uid": "u9", "handle": "u9", "displayName": "U"},
        "repliedToId": roots[2]["id"],
        "parentId": roots[2]["id"],
        "rootId": roots[2]["id"],
        "depth": 2,
    }
    db.document(f"threads/{tid}/comments/fresh-reply").set(reply)  # the outbox item's comment, as posted

    page_comment = {"site": "https://blog.example", "term": "/p1", "path": "/p1", "title": "P", "body": "first"}
    for i in range(0, 50, 2):  # half the listing's pages have comments
        assert (
            client.post(
                "/api/pages/comments", json={**page_comment, "term": f"/p{i}"}, headers=bearer("u0")
            ).status_code
            == 201
        )
    calls = {
        "GET /threads": lambda: client.get("/api/threads"),
        "GET /threads (signed in)": lambda: client.get("/api/threads", headers=bearer("u1")),
        "GET /threads/{id}": lambda: client.get(f"/api/threads/{tid}"),
        "GET /threads/{id} (signed in)": lambda: client.get(f"/api/threads/{tid}", headers=bearer("u1")),
        "GET /threads/{id}/comments": lambda: client.get(f"/api/threads/{tid}/comments"),
        "GET /threads/{id}/comments (signed in)": lambda: client.get(
            f"/api/threads/{tid}/comments", headers=bearer("u1")
        ),
        "GET /threads/{id}/comments/{cid}/replies": lambda: client.get(
            f"/api/threads/{tid}/comments/{roots[1]['id']}/replies"
        ),
        "GET /threads/{id}/comments/{cid} (signed in)": lambda: client.get(
            f"/api/threads/{tid}/comments/{parent}", headers=bearer("u1")
        ),
        "GET /users/{handle}": lambda: client.get(f"/api/users/{handle}"),
        "GET /users/{handle}/comments": lambda: client.get(f"/api/users/{handle}/comments"),
        "GET /me/bookmarks": lambda: client.get("/api/me/bookmarks", headers=bearer("u1")),
        "POST /threads (first post: makes the profile)": lambda: client.post(
            "/api/threads", json={"title": "t", "body": "b"}, headers=bearer("u9")
        ),
        "POST /threads/{id}/comments (reply at depth 3)": lambda: client.post(
            f"/api/threads/{tid}/comments", json={"body": "deep", "parentId": parent}, headers=bearer("u2")
        ),
        "PUT /threads/{id}/reactions/{type}": lambda: client.put(
            f"/api/threads/{tid}/reactions/fire", headers=bearer("u1")
        ),
        "POST /threads/{id}/report": lambda: client.post(
            f"/api/threads/{threads[23]['id']}/report", json={"reason": "spam"}, headers=bearer("r1")
        ),
        "GET /mod/queue": lambda: client.get(
            "/api/mod/queue", query_string={"state": "resolved"}, headers=bearer("m1:mod")
        ),
        "GET /mod/log": lambda: client.get("/api/mod/log", headers=bearer("m1:mod")),
        "GET /me": lambda: client.get("/api/me", headers=bearer("u1")),
        "GET /me/notifications": lambda: client.get("/api/me/notifications", headers=bearer("u2")),
        "GET /me/notifications (one run of 25)": lambda: client.get("/api/me/notifications", headers=bearer("u1")),
        "GET /threads/{id}/history": lambda: client.get(f"/api/threads/{tid}/history"),
        "GET /threads/{id}/comments/{cid}/history": lambda: client.get(
            f"/api/threads/{tid}/comments/{edited_comment}/history"
        ),
        "GET /users?prefix=": lambda: client.get(
            "/api/users", query_string={"prefix": handle[:2]}, headers=bearer("u1")
        ),
        "GET /me/settings": lambda: client.get("/api/me/settings", headers=bearer("u1")),
        "PUT /me/settings": lambda: client.put(
            "/api/me/settings", json={"notify": {"mention": False}}, headers=bearer("u1")
        ),
        "PUT /me/blocks/{handle}": lambda: client.put(f"/api/me/blocks/{handle}", headers=bearer("u2")),
        "GET /me/blocks": lambda: client.get("/api/me/blocks", headers=bearer("u2")),
        "POST /me/notifications/read (20 ids)": lambda: client.post(
            "/api/me/notifications/read", json={"ids": unread_ids}, headers=bearer("u2")
        ),
        "POST /me/notifications/read (all)": lambda: client.post(
            "/api/me/notifications/read", json={}, headers=bearer("u1")
        ),
        "POST /threads/{id}/comments (reply at depth 3 mentioning 2 users)": lambda: client.post(
            f"/api/threads/{tid}/comments", json=mentioning, headers=bearer("u1")
        ),
        "GET /pages/counts (50 keys)": lambda: client.get(
            "/api/pages/counts",
            query_string=[
                ("site", "https://blog.example"),
                *[("keys", pages.thread_id("https://blog.example", f"/p{i}")) for i in range(50)],
            ],
        ),
        "POST /pages/comments (first comment: creates the page thread)": lambda: client.post(
            "/api/pages/comments", json=page_comment, headers=bearer("u1")
        ),
        "POST /pages/comments (the page thread exists)": lambda: client.post(
            "/api/pages/comments", json=page_comment, headers=bearer("u2")
        ),
        "trigger: a reply mentioning 2 users": lambda: _Ok(
            fanout.comment_created(db, tid, "fresh-reply", replied=roots[2]["id"])  # as its outbox item says
        ),
    }
    measured = {}
    for name, call in calls.items():
        stats.reset()
        response = call()
        assert response.status_code in (200, 201, 202), (name, response.get_data(as_text=True))
        measured[name] = (stats.round_trips, stats.docs, dict(stats.rpcs))
    over = {
        name: measured[name]
        for name, (trips, docs) in BUDGETS.items()
        if measured[name][0] > trips or measured[name][1] > docs
    }
    print("\n".join(f"{name}: {m[0]} round trips, {m[1]} documents {m[2]}" for name, m in measured.items()))
    assert over == {}
    # Lists really are one query: never one read per item.
    assert measured["GET /threads (signed in)"][2] == {"RunQuery": 1, "BatchGetDocuments": 1}
    assert measured["GET /threads/{id}/comments (signed in)"][2] == {"RunQuery": 1, "BatchGetDocuments": 1}
    assert measured["GET /users/{handle}/comments"][2] == {"RunQuery": 2, "BatchGetDocuments": 1}
    assert measured["GET /pages/counts (50 keys)"][2] == {"BatchGetDocuments": 1}
    assert measured["GET /threads/{id}/history"][2] == {"BatchGetDocuments": 1, "RunQuery": 1}


# A search page of 20: at most search.MAX_QUERIES queries reading SCAN_FACTOR × 20 documents in all, and for
# comments one batched read of their threads per query (only of threads not read yet).
SEARCH_BUDGETS = {
    "GET /search (threads, one word)": (1, 21),
    "GET /search (threads, two words, rare together)": (3, 100),
    "GET /search (comments, two words, rare together)": (3 + 3, 100 + 12),
}


def test_a_reaction_spares_the_role_check_a_read_of_its_own(app_and_stats):
    # An instance that has not seen the caller yet (most requests of a busy forum's users land on
    # such an instance): the reaction's own batched read holds the profile, whose role the
    # after-request role check (users.sync_role) then goes by.
    client, stats = app_and_stats
    tid = client.post("/api/threads", json={"title": "t", "body": "b"}, headers=bearer("u1")).get_json()["id"]
    assert client.get("/api/me", headers=bearer("u5")).status_code == 200  # u5 has a profile
    users.ROLES.clear()
    stats.reset()
    assert client.put(f"/api/threads/{tid}/reactions/like", headers=bearer("u5")).status_code == 200
    assert stats.rpcs["BatchGetDocuments"] == 1 and stats.rpcs["Commit"] >= 1


def test_a_search_page_stays_within_its_budget_however_rare_the_matches(app_and_stats):
    from hearth.search import service

    client, stats = app_and_stats
    assert (service.MAX_QUERIES, service.SCAN_FACTOR) == (3, 5)  # the figures the README states
    tids = []
    for i in range(130):  # every 10th holds the second word: a page cannot fill from the posts it may read
        body = "kelpie collie" if i % 10 == 0 else "kelpie only"
        made = client.post("/api/threads", json={"title": f"dogs {i}", "body": body}, headers=bearer(f"u{i % 5}"))
        assert made.status_code == 201
        tids.append(made.get_json()["id"])
    for i in range(130):
        body = "kelpie collie" if i % 10 == 0 else "kelpie only"
        made = client.post(f"/api/threads/{tids[i % 12]}/comments", json={"body": body}, headers=bearer(f"u{i % 5}"))
        assert made.status_code == 201
    calls = {
        "GET /search (threads, one word)": {"q": "kelpie"},
        "GET /search (threads, two words, rare together)": {"q": "kelpie collie"},
        "GET /search (comments, two words, rare together)": {"q": "kelpie collie", "type": "comments"},
    }
    measured = {}
    # A member with a profile: the role sync then costs nothing (a caller with none is looked up each time).
    assert client.get("/api/me", headers=bearer("searcher")).status_code == 200
    for name, params in calls.items():
        stats.reset()
        response = client.get("/api/search", query_string=params, headers=bearer("searcher"))
        assert response.status_code == 200, response.get_data(as_text=True)
        measured[name] = (stats.round_trips, stats.docs, dict(stats.rpcs), len(response.get_json()["items"]))
    print(
        "\n".join(
            f"{name}: {m[0]} round trips, {m[1]} documents {m[2]}, {m[3]} results" for name, m in measured.items()
        )
    )
    assert {
        name: m for name, m in measured.items() if m[0] > SEARCH_BUDGETS[name][0] or m[1] > SEARCH_BUDGETS[name][1]
    } == {}
    assert measured["GET /search (threads, one word)"][3] == 20
    # The rare pair: the scan stopped at its budget with a short page (newest first: 10 of the 100 read).
    assert measured["GET /search (threads, two words, rare together)"][2] == {"RunQuery": 3}
    assert measured["GET /search (threads, two words, rare together)"][3] == 10
    comments = measured["GET /search (comments, two words, rare together)"]
    assert comments[2]["RunQuery"] == 3 and 1 <= comments[2]["BatchGetDocuments"] <= 3 and comments[3] == 10
