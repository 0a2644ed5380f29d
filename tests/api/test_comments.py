import pytest

from tests.api.conftest import assert_error, folded, unfolded
from tests.support.html import inert_problems


def test_comment_moves_thread_counters(api, alice, bob, thread, make_comment):
    comment = make_comment(bob, thread["id"], "Nice **post**")
    assert comment["depth"] == 1 and comment["parentId"] is None
    assert "<strong>post</strong>" in comment["bodyHtml"]
    after = api.get(f"/threads/{thread['id']}").json()
    assert after["commentCount"] == 1
    assert after["lastActivityAt"] >= comment["createdAt"]
    assert api.get("/me", bob).json()["commentCount"] == 1


def test_replies_nest_to_depth_three_then_stay_there(api, alice, bob, thread, make_comment):
    root = make_comment(alice, thread["id"], "root")
    d2 = make_comment(bob, thread["id"], "d2", root["id"])
    d3 = make_comment(alice, thread["id"], "d3", d2["id"])
    d4 = make_comment(bob, thread["id"], "d4", d3["id"])
    assert (d2["depth"], d2["parentId"], d2["rootId"]) == (2, root["id"], root["id"])
    assert (d3["depth"], d3["parentId"]) == (3, d2["id"])
    # A reply to a depth-3 comment joins its level, as dev.to does.
    assert (d4["depth"], d4["parentId"], d4["rootId"]) == (3, d2["id"], root["id"])

    # Each reply names the comment it answers; only d4's is not the parent it hangs from.
    alice_handle = api.get("/me", alice).json()["handle"]
    assert d2["replyTo"] == {"id": root["id"], "handle": alice_handle}
    assert d4["replyTo"] == {"id": d3["id"], "handle": alice_handle} and d4["parentId"] != d3["id"]
    assert root["replyTo"] is None

    items = api.get(f"/threads/{thread['id']}/comments").json()["items"]
    assert len(items) == 1
    top = items[0]
    assert top["replies"][0]["replies"][1]["replyTo"] == d4["replyTo"]
    assert top["replyCount"] == 1 and top["descendantCount"] == 3
    assert [r["id"] for r in top["replies"]] == [d2["id"]]
    assert [r["id"] for r in top["replies"][0]["replies"]] == [d3["id"], d4["id"]]
    assert top["replies"][0]["replyCount"] == 2


def test_many_replies_are_bounded_with_a_way_to_load_the_rest(api, make_user, thread, make_comment):
    people = [make_user() for _ in range(2)]
    root = make_comment(people[0], thread["id"], "root")
    replies = [make_comment(people[(i + 1) % 2], thread["id"], f"r{i}", root["id"]) for i in range(8)]
    # The root's counts are folded in within a few seconds of the last reply (db/counters.py).
    top = folded(
        lambda: (t := api.get(f"/threads/{thread['id']}/comments").json()["items"][0])["descendantCount"] == 8 and t,
    )
    assert 0 < len(top["replies"]) < 8 and top["moreReplies"] is True
    seen, cursor = [], None
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/threads/{thread['id']}/comments/{root['id']}/replies", params=params).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert seen == [r["id"] for r in replies]


def test_paging_root_comments_returns_each_exactly_once(api, make_user, thread, make_comment):
    people = [make_user() for _ in range(3)]
    made = [make_comment(people[i % 3], thread["id"], f"c{i}")["id"] for i in range(13)]
    for sort in ("top", "new", "old"):
        seen, cursor = [], None
        while True:
            params = {"sort": sort, "limit": 4, **({"cursor": cursor} if cursor else {})}
            page = api.get(f"/threads/{thread['id']}/comments", params=params).json()
            seen += [c["id"] for c in page["items"]]
            cursor = page["nextCursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(made) and len(seen) == len(made), sort
        if sort == "old":
            assert seen == made
        if sort == "new":
            assert seen == made[::-1]


def test_top_sort_puts_the_most_reacted_first(api, alice, bob, thread, make_comment):
    quiet = make_comment(alice, thread["id"], "quiet")
    loved = make_comment(alice, thread["id"], "loved")
    api.put(f"/threads/{thread['id']}/comments/{loved['id']}/reactions/like", bob)
    items = api.get(f"/threads/{thread['id']}/comments", params={"sort": "top"}).json()["items"]
    assert [c["id"] for c in items] == [loved["id"], quiet["id"]]


def test_deleted_comment_with_replies_is_a_tombstone_and_replies_survive(api, alice, bob, thread, make_comment):
    root = make_comment(alice, thread["id"], "to be deleted")
    reply = make_comment(bob, thread["id"], "survivor", root["id"])
    lonely = make_comment(alice, thread["id"], "no replies")
    assert api.delete(f"/threads/{thread['id']}/comments/{root['id']}", alice).status_code == 204
    assert api.delete(f"/threads/{thread['id']}/comments/{lonely['id']}", alice).status_code == 204
    items = api.get(f"/threads/{thread['id']}/comments", params={"sort": "old"}).json()["items"]
    assert [c["id"] for c in items] == [root["id"]]
    tomb = items[0]
    assert tomb["status"] == "deleted" and tomb["body"] == "" and tomb["author"] is None
    assert [r["body"] for r in tomb["replies"]] == ["survivor"]
    assert reply["id"] == tomb["replies"][0]["id"]
    # Five quick writes to the thread's counters: folded within a few seconds (db/counters.py).
    folded(lambda: api.get(f"/threads/{thread['id']}").json()["commentCount"] == 1)
    assert api.get("/me", alice).json()["commentCount"] == 0


def test_only_author_or_moderator_edits_and_deletes_comments(api, alice, bob, make_user, thread, make_comment):
    comment = make_comment(alice, thread["id"], "original")
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    assert_error(api.patch(path, bob, json={"body": "hijacked"}), 403, "forbidden")
    assert_error(api.delete(path, bob), 403)
    edited = api.patch(path, alice, json={"body": "edited *text*"}).json()
    assert edited["body"] == "edited *text*" and edited["editedAt"] and "<em>text</em>" in edited["bodyHtml"]
    moderator = make_user(moderator=True)
    assert api.delete(path, moderator).status_code == 204
    assert_error(api.patch(path, alice, json={"body": "again"}), 404)


@pytest.mark.parametrize(
    "body,field",
    [
        ({"body": ""}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"body": "x", "parentId": 5}, "parentId"),
        ({"text": "x"}, "text"),
    ],
)
def test_invalid_comment_is_422_and_nothing_moves(api, bob, thread, body, field):
    assert_error(api.post(f"/threads/{thread['id']}/comments", bob, json=body), 422, field=field)
    assert api.get(f"/threads/{thread['id']}").json()["commentCount"] == 0


def test_reply_to_unknown_parent_is_404_and_nothing_moves(api, bob, thread):
    assert_error(
        api.post(f"/threads/{thread['id']}/comments", bob, json={"body": "x", "parentId": "nope"}),
        404,
        field="parentId",
    )
    assert api.get(f"/threads/{thread['id']}").json()["commentCount"] == 0


def test_comments_on_unknown_thread_are_404(api, bob):
    assert_error(api.get("/threads/nope/comments"), 404)
    assert_error(api.post("/threads/nope/comments", bob, json={"body": "x"}), 404)


def test_hostile_comment_comes_back_inert(api, bob, thread, make_comment):
    comment = make_comment(
        bob, thread["id"], "<img src=x onerror=alert(1)> [a](javascript:alert(1)) <script>x</script>"
    )
    assert inert_problems(comment["bodyHtml"]) == []
    listed = api.get(f"/threads/{thread['id']}/comments").json()["items"][0]
    assert inert_problems(listed["bodyHtml"]) == []


def test_one_comment_can_be_read_alone_with_where_it_sits(api, alice, bob, thread, make_comment):
    root = make_comment(alice, thread["id"], "root")
    reply = make_comment(bob, thread["id"], "reply", root["id"])
    api.put(f"/threads/{thread['id']}/comments/{reply['id']}/reactions/fire", alice)
    got = api.get(f"/threads/{thread['id']}/comments/{reply['id']}", alice).json()
    assert (got["id"], got["rootId"], got["parentId"], got["body"]) == (reply["id"], root["id"], root["id"], "reply")
    assert got["myReactions"] == ["fire"] and got["reactionCounts"]["fire"] == 1
    assert api.get(f"/threads/{thread['id']}/comments/{root['id']}").json()["rootId"] is None


def test_a_deleted_comment_reads_as_a_tombstone_while_replied_to_and_404_otherwise(
    api, alice, bob, thread, make_comment
):
    root = make_comment(alice, thread["id"], "root")
    make_comment(bob, thread["id"], "reply", root["id"])
    lone = make_comment(alice, thread["id"], "lone")
    for c in (root, lone):
        assert api.delete(f"/threads/{thread['id']}/comments/{c['id']}", alice).status_code == 204
    tomb = api.get(f"/threads/{thread['id']}/comments/{root['id']}").json()
    assert tomb["status"] == "deleted" and tomb["body"] == "" and tomb["author"] is None
    assert_error(api.get(f"/threads/{thread['id']}/comments/{lone['id']}"), 404, "not_found")
    assert_error(api.get(f"/threads/{thread['id']}/comments/no-such-comment"), 404, "not_found")


def test_deleting_replies_takes_back_their_count_and_score(api, db, make_user, make_thread, make_comment):
    """Finding 7: replying to one's own comment and deleting the reply, 4 times, left replyCount 4 and score 4."""
    author = make_user()
    thread = make_thread(author)
    root = make_comment(author, thread["id"], "root")
    for n in range(4):
        reply = make_comment(author, thread["id"], f"reply {n}", parent_id=root["id"])
        assert api.delete(f"/threads/{thread['id']}/comments/{reply['id']}", author).status_code == 204
    # Eight quick writes to the root's counters: folded within a few seconds (db/counters.py).
    root_ref = db.document(f"threads/{thread['id']}/comments/{root['id']}")
    folded(lambda: not unfolded(db, root_ref.path))
    stored = root_ref.get().to_dict()
    assert (stored["replyCount"], stored["score"]) == (0, 0)
    top = api.get(f"/threads/{thread['id']}/comments", params={"sort": "top"}).json()["items"]
    assert [(c["id"], c["replyCount"]) for c in top] == [(root["id"], 0)]


def test_a_deleted_comment_stays_as_a_tombstone_only_while_a_reply_hangs_from_it(
    api, make_user, make_thread, make_comment
):
    author = make_user()
    thread = make_thread(author)
    root = make_comment(author, thread["id"], "root")
    middle = make_comment(author, thread["id"], "middle", parent_id=root["id"])
    leaf = make_comment(author, thread["id"], "leaf", parent_id=middle["id"])
    assert api.delete(f"/threads/{thread['id']}/comments/{middle['id']}", author).status_code == 204
    replies = api.get(f"/threads/{thread['id']}/comments/{root['id']}/replies").json()["items"]
    assert {c["id"]: c["status"] for c in replies} == {middle["id"]: "deleted", leaf["id"]: "visible"}
    assert api.delete(f"/threads/{thread['id']}/comments/{leaf['id']}", author).status_code == 204
    replies = api.get(f"/threads/{thread['id']}/comments/{root['id']}/replies").json()["items"]
    assert replies == []
