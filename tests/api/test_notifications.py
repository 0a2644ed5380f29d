"""Notifications end to end: the API writes a post, Google's Firestore emulator fires the trigger
into the Functions emulator, the trigger writes the notifications, the API lists them."""

from __future__ import annotations

import time
from typing import Any, Callable

import pytest

from devstack.authemu import User
from tests.api.conftest import Api, assert_error

DEADLINE = 20.0  # seconds a trigger may take on a loaded 2-core machine; it usually takes well under one


def inbox(api: Api, user: User, **params: Any) -> dict:
    response = api.get("/me/notifications", user, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def wait_for_inbox(api: Api, user: User, count: int, deadline: float = DEADLINE) -> dict:
    """The user's inbox once it holds at least count notifications; fails after the deadline."""
    end = time.monotonic() + deadline
    while True:
        page = inbox(api, user)
        if len(page["items"]) >= count:
            return page
        if time.monotonic() > end:
            pytest.fail(f"expected {count} notification(s) within {deadline}s, found {page['items']}")
        time.sleep(0.1)


@pytest.fixture
def handle_of(api: Api) -> Callable[[User], str]:
    """The user's handle (GET /me makes the profile, and so claims the handle, on first use)."""

    def handle(user: User) -> str:
        response = api.get("/me", user)
        assert response.status_code == 200, response.text
        return response.json()["handle"]

    return handle


@pytest.fixture
def carol(make_user: Callable[..., User]) -> User:
    return make_user(name="Carol")


def test_a_comment_on_your_thread_notifies_you_once(api, alice, bob, thread, make_comment, handle_of):
    comment = make_comment(bob, thread["id"], "Nice **post**, Alice")
    page = wait_for_inbox(api, alice, 1)
    assert page["unread"] == 1
    [item] = page["items"]
    assert item["kind"] == "comment"
    assert item["threadId"] == thread["id"] and item["threadTitle"] == thread["title"]
    assert item["commentId"] == comment["id"] and item["rootId"] == comment["id"]
    assert item["actor"] == {"handle": handle_of(bob), "displayName": "Bob"}
    assert item["excerpt"] == "Nice post, Alice"
    assert item["read"] is False and item["createdAt"].endswith("Z")
    assert page["nextCursor"] is None
    assert api.get("/me", alice).json()["unreadNotifications"] == 1
    assert inbox(api, bob) == {"items": [], "nextCursor": None, "unread": 0}


def test_a_reply_to_your_comment_is_one_reply_even_on_your_own_thread(api, alice, bob, carol, thread, make_comment):
    mine = make_comment(alice, thread["id"], "Thanks for reading")
    make_comment(bob, thread["id"], "You are welcome", parent_id=mine["id"])
    [item] = wait_for_inbox(api, alice, 1)["items"]
    assert item["kind"] == "reply"  # a reply beats a comment: one notification per recipient per event

    carols = make_comment(carol, thread["id"], "A root of Carol's")
    reply = make_comment(bob, thread["id"], "Replying to Carol", parent_id=carols["id"])
    [to_carol] = wait_for_inbox(api, carol, 1)["items"]
    assert (to_carol["kind"], to_carol["commentId"], to_carol["rootId"]) == ("reply", reply["id"], carols["id"])
    # Alice hears of every comment on her thread, replies included (as dev.to's authors do), the two
    # while unread as one item (tests/api/test_grouped_notifications.py).
    end = time.monotonic() + DEADLINE
    while True:
        items = inbox(api, alice)["items"]
        if sorted((i["kind"], i.get("count")) for i in items) == [("comment", 2), ("reply", None)]:
            break
        assert time.monotonic() < end, items
        time.sleep(0.2)


def test_a_reply_below_depth_three_notifies_the_comment_answered(
    api, alice, bob, carol, make_user, thread, make_comment
):
    dave = make_user(name="Dave")
    root = make_comment(bob, thread["id"], "depth 1")
    second = make_comment(alice, thread["id"], "depth 2", parent_id=root["id"])
    third = make_comment(carol, thread["id"], "depth 3", parent_id=second["id"])
    flat = make_comment(dave, thread["id"], "to Carol", parent_id=third["id"])
    assert flat["parentId"] == second["id"]  # it joins Carol's level ...
    items = wait_for_inbox(api, carol, 1)["items"]
    assert [(i["kind"], i["commentId"]) for i in items] == [("reply", flat["id"])]  # ... yet Carol hears of it


def test_a_mention_notifies_the_user_and_links_their_profile(api, alice, bob, carol, thread, make_comment, handle_of):
    c = handle_of(carol)
    comment = make_comment(bob, thread["id"], f"Ping @{c}, not `@{c}` nor @nobody_{c}")
    # The link names Carol by uid: it stays hers when she changes handle, and never reaches a later holder.
    assert f'<a href="/u/id/{carol.uid}" class="mention" rel="nofollow ugc noopener">@{c}</a>' in comment["bodyHtml"]
    assert f"<code>@{c}</code>" in comment["bodyHtml"] and f"@nobody_{c}" in comment["bodyHtml"]
    assert comment["bodyHtml"].count("<a ") == 1
    [item] = wait_for_inbox(api, carol, 1)["items"]
    assert (item["kind"], item["commentId"], item["threadId"]) == ("mention", comment["id"], thread["id"])


def test_a_mention_in_a_thread_body_notifies_with_no_comment(api, alice, carol, make_thread, handle_of):
    posted = make_thread(alice, title="Calling Carol", body=f"What do you think, @{handle_of(carol)}?")
    [item] = wait_for_inbox(api, carol, 1)["items"]
    assert (item["kind"], item["threadId"], item["commentId"]) == ("mention", posted["id"], None)
    assert item["threadTitle"] == "Calling Carol" and item["excerpt"].startswith("What do you think, @")


def test_mentioning_yourself_notifies_nobody_but_the_others(api, alice, bob, carol, thread, make_comment, handle_of):
    make_comment(bob, thread["id"], f"Note to self @{handle_of(bob)}, and @{handle_of(carol)}")
    # Carol's mention is written after anything Bob could have got, so once it is there Bob's inbox is final.
    wait_for_inbox(api, carol, 1)
    assert inbox(api, bob)["items"] == []
    assert [i["kind"] for i in wait_for_inbox(api, alice, 1)["items"]] == ["comment"]


def test_an_edit_notifies_only_the_users_it_newly_mentions(
    api, alice, bob, carol, make_user, thread, make_comment, handle_of
):
    dave, erin = make_user(name="Dave"), make_user(name="Erin")
    comment = make_comment(bob, thread["id"], f"Hi @{handle_of(carol)}")
    wait_for_inbox(api, carol, 1)
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    edited = api.patch(path, bob, json={"body": f"Hi @{handle_of(carol)} and @{handle_of(dave)}"})
    assert edited.status_code == 200, edited.text
    [to_dave] = wait_for_inbox(api, dave, 1)["items"]
    assert (to_dave["kind"], to_dave["commentId"]) == ("mention", comment["id"])
    # Edited again: Alice (who has her `comment` about this post already), Dave and Carol once more, Erin new.
    body = f"@{handle_of(alice)} @{handle_of(dave)} @{handle_of(carol)} @{handle_of(erin)}"
    assert api.patch(path, bob, json={"body": body}).status_code == 200
    wait_for_inbox(api, erin, 1)  # written after the others' would have been
    assert [len(inbox(api, u)["items"]) for u in (alice, carol, dave)] == [1, 1, 1]
    assert inbox(api, alice)["items"][0]["kind"] == "comment"


def test_a_thread_edit_notifies_the_users_it_newly_mentions(api, alice, carol, thread, handle_of):
    edited = api.patch(f"/threads/{thread['id']}", alice, json={"body": f"Now with @{handle_of(carol)}"})
    assert edited.status_code == 200, edited.text
    assert f'href="/u/id/{carol.uid}"' in edited.json()["bodyHtml"]
    [item] = wait_for_inbox(api, carol, 1)["items"]
    assert (item["kind"], item["threadId"], item["commentId"]) == ("mention", thread["id"], None)
    # A title-only edit keeps the body's rendering and its mentions.
    retitled = api.patch(f"/threads/{thread['id']}", alice, json={"title": "Renamed"}).json()
    assert retitled["bodyHtml"] == edited.json()["bodyHtml"]


def test_a_muted_thread_notifies_nobody_who_muted_it(api, alice, bob, carol, thread, make_comment, handle_of):
    path = f"/threads/{thread['id']}/mute"
    assert api.put(path, alice).json() == {"threadId": thread["id"], "muted": True}
    assert api.put(path, alice).json() == {"threadId": thread["id"], "muted": True}  # idempotent
    assert api.get(f"/threads/{thread['id']}", alice).json()["muted"] is True
    mine = make_comment(alice, thread["id"], "my own comment")
    make_comment(bob, thread["id"], f"@{handle_of(alice)} and @{handle_of(carol)}", parent_id=mine["id"])
    wait_for_inbox(api, carol, 1)  # written after Alice's would have been
    assert inbox(api, alice) == {"items": [], "nextCursor": None, "unread": 0}

    assert api.delete(path, alice).json() == {"threadId": thread["id"], "muted": False}
    assert api.get(f"/threads/{thread['id']}", alice).json()["muted"] is False
    make_comment(bob, thread["id"], "after the unmute")
    assert [i["kind"] for i in wait_for_inbox(api, alice, 1)["items"]] == ["comment"]


def test_muting_needs_a_visible_thread_and_a_signed_in_user(api, alice, thread):
    assert_error(api.put("/threads/nope/mute", alice), 404, "not_found")
    assert_error(api.put(f"/threads/{thread['id']}/mute"), 401, "unauthenticated")
    assert_error(api.delete(f"/threads/{thread['id']}/mute"), 401, "unauthenticated")


@pytest.fixture
def replied_to_alice(api, alice, bob, make_user, make_thread, make_comment) -> Callable[[int], list[dict]]:
    """n replies of Bob's to a comment of Alice's on Carol's thread: n notifications of Alice's (replies stay apart)."""

    def make(n: int) -> list[dict]:
        thread = make_thread(make_user(name="Carol"), title="Carol's")
        mine = make_comment(alice, thread["id"], "Alice's comment")
        return [make_comment(bob, thread["id"], f"reply {k}", parent_id=mine["id"]) for k in range(n)]

    return make


def test_marking_read_moves_the_unread_count(api, alice, bob, replied_to_alice):
    replies = replied_to_alice(3)
    page = wait_for_inbox(api, alice, 3)
    assert page["unread"] == 3
    newest, *older = page["items"]
    mark = api.post("/me/notifications/read", alice, json={"ids": [newest["id"], newest["id"]]})
    assert mark.status_code == 200 and mark.json() == {"unread": 2}
    again = api.post("/me/notifications/read", alice, json={"ids": [newest["id"], "unknown_id"]})
    assert again.json() == {"unread": 2}  # already read, or not there: nothing changes
    after = inbox(api, alice)
    assert [i["read"] for i in after["items"]] == [True, False, False] and after["unread"] == 2
    assert api.get("/me", alice).json()["unreadNotifications"] == 2

    assert api.post("/me/notifications/read", alice, json={}).json() == {"unread": 0}
    after = inbox(api, alice)
    assert after["unread"] == 0 and all(i["read"] for i in after["items"])
    assert api.post("/me/notifications/read", alice, json={"ids": [older[0]["id"]]}).json() == {"unread": 0}

    thread_id = replies[0]["threadId"]
    api.post(f"/threads/{thread_id}/comments", bob, json={"body": "one more", "parentId": replies[0]["parentId"]})
    page = wait_for_inbox(api, alice, 4)
    assert page["unread"] == 1 and [i["read"] for i in page["items"]] == [False, True, True, True]


def test_nobody_can_mark_someone_elses_notifications(api, alice, bob, thread, make_comment):
    make_comment(bob, thread["id"], "for Alice")
    [item] = wait_for_inbox(api, alice, 1)["items"]
    assert api.post("/me/notifications/read", bob, json={"ids": [item["id"]]}).json() == {"unread": 0}
    assert api.post("/me/notifications/read", bob, json={}).json() == {"unread": 0}
    after = inbox(api, alice)
    assert after["unread"] == 1 and after["items"][0]["read"] is False


def test_notifications_page_with_a_cursor(api, alice, replied_to_alice):
    replied_to_alice(3)
    wait_for_inbox(api, alice, 3)
    first = inbox(api, alice, limit=2)
    assert len(first["items"]) == 2 and first["nextCursor"]
    second = inbox(api, alice, limit=2, cursor=first["nextCursor"])
    assert len(second["items"]) == 1 and second["nextCursor"] is None
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 3


@pytest.mark.parametrize(
    "body, field",
    [
        ({"ids": []}, "ids"),
        ({"ids": "abc"}, "ids"),
        ({"ids": [1]}, "ids"),
        ({"ids": ["../x"]}, "ids"),
        ({"ids": ["a"] * 51}, "ids"),
        ({"all": True}, "all"),
    ],
)
def test_mark_read_validates_its_body(api, alice, body, field):
    assert_error(api.post("/me/notifications/read", alice, json=body), 422, "invalid_argument", field)


@pytest.mark.parametrize("params, field", [({"limit": "0"}, "limit"), ({"cursor": "garbage"}, "cursor")])
def test_notifications_list_validates_its_query(api, alice, params, field):
    assert_error(api.get("/me/notifications", alice, params=params), 422, "invalid_argument", field)


def test_notifications_are_private(api):
    assert_error(api.get("/me/notifications"), 401, "unauthenticated")
    assert_error(api.post("/me/notifications/read", json={}), 401, "unauthenticated")
    assert_error(api.post("/me/notifications/read", headers={"Authorization": "Bearer x"}, json={}), 401)
