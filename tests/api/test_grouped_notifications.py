"""Grouped notifications: comments on one's thread that arrive while the earlier ones are unread are one item."""

from __future__ import annotations

import time
from typing import Any, Callable

import pytest

from devstack.authemu import User
from hearth.notifications.groups import GROUP_ACTORS, GROUP_IDS
from tests.api.conftest import Api
from tests.api.test_notifications import DEADLINE, inbox


def wait_until(api: Api, user: User, ready: Callable[[dict], bool], what: str) -> dict:
    end = time.monotonic() + DEADLINE
    while True:
        page = inbox(api, user)
        if ready(page):
            return page
        if time.monotonic() > end:
            pytest.fail(f"expected {what} within {DEADLINE}s, found {page}")
        time.sleep(0.2)


def counts(page: dict) -> list[Any]:
    return [(i["kind"], i.get("count")) for i in page["items"]]


def test_comments_while_unread_are_one_item_and_one_unread(api, alice, make_user, thread, make_comment):
    people = [make_user(name=f"Person {n}") for n in range(4)]
    posted = [make_comment(p, thread["id"], f"comment {n}") for n, p in enumerate(people)]
    posted += [make_comment(people[0], thread["id"], "comment 4", parent_id=posted[1]["id"])]  # replies count too
    page = wait_until(api, alice, lambda p: p["items"] and p["items"][0].get("count") == 5, "one item of 5")
    [item] = page["items"]
    assert page["unread"] == 1 and api.get("/me", alice).json()["unreadNotifications"] == 1
    assert item["kind"] == "comment" and item["read"] is False and item["threadId"] == thread["id"]
    assert item["commentId"] == posted[0]["id"]  # the first unread comment: where to start reading
    assert item["commentIds"] == [c["id"] for c in reversed(posted)][:GROUP_IDS]  # newest first
    assert item["actor"]["displayName"] == "Person 0"  # who wrote the newest
    assert [a["displayName"] for a in item["actors"]] == ["Person 0", "Person 3", "Person 2"][:GROUP_ACTORS]
    assert item["excerpt"] == "comment 4" and item["latestAt"] >= item["createdAt"]

    # Reading the item ends the run: one off the count, and the next comment starts a new run.
    assert api.post("/me/notifications/read", alice, json={"ids": [item["id"]]}).json() == {"unread": 0}
    [read] = inbox(api, alice)["items"]
    assert read["read"] is True and read["count"] == 5
    later = make_comment(people[1], thread["id"], "after reading")
    page = wait_until(api, alice, lambda p: len(p["items"]) == 2, "a second run")
    assert counts(page) == [("comment", 1), ("comment", 5)] and page["unread"] == 1
    assert page["items"][0]["commentId"] == later["id"] and page["items"][0]["read"] is False


def test_mark_all_read_ends_every_run(api, alice, bob, thread, make_comment, make_thread):
    other = make_thread(alice, title="Second thread")
    make_comment(bob, thread["id"], "one")
    make_comment(bob, other["id"], "two")
    make_comment(bob, thread["id"], "three")
    page = wait_until(api, alice, lambda p: sum(i.get("count", 0) for i in p["items"]) == 3, "two runs of 3")
    assert counts(page) == [("comment", 1), ("comment", 2)] and page["unread"] == 2  # runs by when they began
    assert api.post("/me/notifications/read", alice, json={}).json() == {"unread": 0}
    assert all(i["read"] for i in inbox(api, alice)["items"])
    make_comment(bob, thread["id"], "four")  # the stale run is over: a new one starts, and counts
    page = wait_until(api, alice, lambda p: len(p["items"]) == 3, "a new run")
    assert counts(page) == [("comment", 1), ("comment", 1), ("comment", 2)] and page["unread"] == 1
    assert api.get("/me", alice).json()["unreadNotifications"] == 1


def test_replies_and_mentions_stay_individual(api, alice, bob, make_user, make_thread, make_comment):
    carol = make_user(name="Carol")
    thread = make_thread(carol, title="Carol's thread")
    mine = make_comment(alice, thread["id"], "Alice's comment")
    for n in range(3):
        make_comment(bob, thread["id"], f"reply {n}", parent_id=mine["id"])
    page = wait_until(api, alice, lambda p: len(p["items"]) == 3, "three replies")
    assert [i["kind"] for i in page["items"]] == ["reply"] * 3 and page["unread"] == 3
    assert all("count" not in i for i in page["items"])


def test_a_run_shows_once_across_pages(api, alice, bob, make_user, thread, make_comment, make_thread):
    carol = make_user(name="Carol")
    mention_thread = make_thread(carol, title="Elsewhere")
    for n in range(4):
        make_comment(bob, thread["id"], f"comment {n}")
    handle = api.get("/me", alice).json()["handle"]
    make_comment(carol, mention_thread["id"], f"hey @{handle}")
    wait_until(api, alice, lambda p: len(p["items"]) == 2 and p["items"][1].get("count") == 4, "a run and a mention")
    seen, cursor = [], None
    for _ in range(10):  # pages of one: never an empty page, whatever a run holds
        page = inbox(api, alice, limit=1, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) == 1
        seen += [(i["kind"], i.get("count")) for i in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert seen == [("mention", None), ("comment", 4)]
