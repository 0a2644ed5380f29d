"""Hiding with a reason: moderators hide and restore threads and comments; a thread's author hides comments on it."""

import pytest

from tests.api.conftest import assert_error, folded


def _hide(api, user, path, reason="spam"):
    return api.put(f"{path}/hidden", user, json={"reason": reason})


def test_moderator_hides_a_thread_it_leaves_lists_and_anonymous_reads(api, alice, bob, moderator, make_thread, tag):
    thread = make_thread(alice, title="Buy cheap watches", tags=[tag])
    path = f"/threads/{thread['id']}"
    response = _hide(api, moderator, path, "spam")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "hidden"
    assert response.json()["hidden"]["reason"] == "spam" and response.json()["hidden"]["by"] == "moderators"

    assert api.get("/threads", params={"tag": tag}).json()["items"] == []
    assert_error(api.get(path), 404, "not_found")
    assert_error(api.get(path, bob), 404, "not_found")
    assert_error(api.get(f"{path}/comments"), 404, "not_found")
    # Its author still reads it, with the reason; so do moderators.
    mine = api.get(path, alice).json()
    assert mine["title"] == "Buy cheap watches" and mine["hidden"]["reason"] == "spam"
    assert api.get(path, moderator).json()["body"] == thread["body"]


def test_the_author_of_a_hidden_item_gets_a_moderation_notification_with_the_reason(
    api, alice, bob, moderator, thread, make_comment
):
    comment = make_comment(bob, thread["id"], "rude")
    _hide(api, moderator, f"/threads/{thread['id']}/comments/{comment['id']}", "abuse")
    _hide(api, moderator, f"/threads/{thread['id']}/comments/{comment['id']}", "spam")  # a new reason: no new notice
    notices = [n for n in api.get("/me/notifications", bob).json()["items"] if n["kind"] == "moderation"]
    assert len(notices) == 1
    assert notices[0]["actor"]["displayName"] == "Moderators" and notices[0]["actor"]["handle"] is None
    assert notices[0]["excerpt"] == "hid your comment in “Hello”: abuse"
    assert (notices[0]["threadId"], notices[0]["commentId"]) == (thread["id"], comment["id"])
    assert api.get("/me", bob).json()["unreadNotifications"] >= 1
    _hide(api, moderator, f"/threads/{thread['id']}", "spam")
    thread_notices = [n for n in api.get("/me/notifications", alice).json()["items"] if n["kind"] == "moderation"]
    assert [n["excerpt"] for n in thread_notices] == ["hid your thread “Hello”: spam"]


def test_restoring_a_thread_brings_it_back_everywhere(api, alice, moderator, make_thread, tag):
    thread = make_thread(alice, tags=[tag])
    path = f"/threads/{thread['id']}"
    _hide(api, moderator, path, "off_topic")
    restored = api.delete(f"{path}/hidden", moderator)
    assert restored.status_code == 200, restored.text
    assert restored.json()["status"] == "visible" and restored.json()["hidden"] is None
    assert [t["id"] for t in api.get("/threads", params={"tag": tag}).json()["items"]] == [thread["id"]]
    assert api.get(path).json()["status"] == "visible"


def test_nobody_can_write_to_a_hidden_thread(api, alice, bob, moderator, thread):
    path = f"/threads/{thread['id']}"
    _hide(api, moderator, path)
    assert_error(api.post(f"{path}/comments", bob, json={"body": "hi"}), 404)
    assert_error(api.put(f"{path}/reactions/like", bob), 404)
    assert_error(api.put(f"{path}/bookmark", bob), 404)
    assert_error(api.patch(path, alice, json={"title": "sneaky"}), 404)


def test_only_moderators_hide_threads(api, alice, bob, thread):
    path = f"/threads/{thread['id']}"
    assert_error(_hide(api, bob, path), 403, "forbidden")
    assert_error(_hide(api, alice, path), 403, "forbidden")  # not even its author
    assert_error(api.put(f"{path}/hidden", json={"reason": "spam"}), 401, "unauthenticated")
    assert api.get(path).json()["status"] == "visible"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"reason": "flagged"}, "reason"),
        ({"reason": "rude"}, "reason"),
        ({}, "reason"),
        ({"reason": "spam", "note": "x"}, "note"),
    ],
)
def test_hide_needs_a_known_reason(api, moderator, thread, body, field):
    assert_error(api.put(f"/threads/{thread['id']}/hidden", moderator, json=body), 422, "invalid_argument", field)
    assert api.get(f"/threads/{thread['id']}").json()["status"] == "visible"


def test_hidden_comment_with_replies_is_a_placeholder_and_its_author_still_sees_it(
    api, alice, bob, make_user, moderator, thread, make_comment
):
    carol = make_user(name="Carol")
    root = make_comment(bob, thread["id"], "rude words")
    reply = make_comment(carol, thread["id"], "calm down", root["id"])
    lonely = make_comment(bob, thread["id"], "more rude words")
    comments = f"/threads/{thread['id']}/comments"
    assert _hide(api, moderator, f"{comments}/{root['id']}", "abuse").status_code == 200
    assert _hide(api, moderator, f"{comments}/{lonely['id']}", "abuse").status_code == 200

    for viewer in (None, carol, alice):
        items = api.get(comments, viewer, params={"sort": "old"}).json()["items"]
        assert [c["id"] for c in items] == [root["id"]]
        placeholder = items[0]
        assert placeholder["status"] == "hidden" and placeholder["hidden"]["reason"] == "abuse"
        assert placeholder["hidden"]["by"] == "moderators"
        assert placeholder["body"] == "" and placeholder["bodyHtml"] == "" and placeholder["author"] is None
        assert [r["id"] for r in placeholder["replies"]] == [reply["id"]]
        replies = api.get(f"{comments}/{root['id']}/replies", viewer).json()["items"]
        assert [r["body"] for r in replies] == ["calm down"]

    mine = api.get(comments, bob, params={"sort": "old"}).json()["items"]
    assert [(c["id"], c["body"], c["hidden"]["reason"]) for c in mine] == [
        (root["id"], "rude words", "abuse"),
        (lonely["id"], "more rude words", "abuse"),
    ]
    # Hidden comments are not counted, as deleted ones are not (five quick writes to the thread's
    # counters: folded within a few seconds, db/counters.py).
    folded(lambda: api.get(f"/threads/{thread['id']}").json()["commentCount"] == 1)


def test_restoring_a_comment_counts_it_again_and_shows_its_text(api, bob, moderator, thread, make_comment):
    comment = make_comment(bob, thread["id"], "borderline")
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    _hide(api, moderator, path, "other")
    assert api.get(f"/threads/{thread['id']}").json()["commentCount"] == 0
    restored = api.delete(f"{path}/hidden", moderator).json()
    assert restored["status"] == "visible" and restored["body"] == "borderline"
    assert api.get(f"/threads/{thread['id']}").json()["commentCount"] == 1
    assert [c["body"] for c in api.get(f"/threads/{thread['id']}/comments").json()["items"]] == ["borderline"]


def test_hiding_twice_or_restoring_a_visible_item_changes_nothing(api, bob, moderator, thread, make_comment):
    comment = make_comment(bob, thread["id"])
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    assert api.delete(f"{path}/hidden", moderator).json()["status"] == "visible"
    first = _hide(api, moderator, path, "spam").json()
    second = _hide(api, moderator, path, "spam").json()
    assert first == second
    assert api.get(f"/threads/{thread['id']}").json()["commentCount"] == 0
    # A new reason replaces the old one, and the count does not move again.
    assert _hide(api, moderator, path, "abuse").json()["hidden"]["reason"] == "abuse"
    assert api.get(f"/threads/{thread['id']}").json()["commentCount"] == 0


def test_thread_author_hides_and_restores_comments_on_their_own_thread(api, alice, bob, thread, make_comment):
    comment = make_comment(bob, thread["id"], "off topic rant")
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    hidden = _hide(api, alice, path, "off_topic")
    assert hidden.status_code == 200, hidden.text
    assert hidden.json()["hidden"]["by"] == "thread_author"
    assert api.get(f"/threads/{thread['id']}/comments").json()["items"] == []
    assert api.delete(f"{path}/hidden", alice).json()["status"] == "visible"


def test_thread_author_cannot_hide_comments_elsewhere(api, alice, bob, make_thread, make_comment):
    bobs_thread = make_thread(bob)
    comment = make_comment(bob, bobs_thread["id"], "mine")
    path = f"/threads/{bobs_thread['id']}/comments/{comment['id']}"
    assert_error(_hide(api, alice, path), 403, "forbidden")
    assert_error(api.delete(f"{path}/hidden", alice), 403, "forbidden")
    assert api.get(f"/threads/{bobs_thread['id']}/comments").json()["items"][0]["status"] == "visible"


def test_thread_author_cannot_undo_a_moderators_hide(api, alice, bob, moderator, thread, make_comment):
    comment = make_comment(bob, thread["id"])
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    _hide(api, moderator, path, "spam")
    assert_error(api.delete(f"{path}/hidden", alice), 403, "forbidden")
    assert_error(_hide(api, alice, path, "other"), 403, "forbidden")
    assert api.get(f"/threads/{thread['id']}/comments", bob).json()["items"][0]["hidden"]["by"] == "moderators"


def test_comment_author_cannot_hide_restore_edit_or_react_to_a_hidden_comment(
    api, bob, moderator, thread, make_comment
):
    comment = make_comment(bob, thread["id"])
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    _hide(api, moderator, path)
    assert_error(api.delete(f"{path}/hidden", bob), 403)
    assert_error(api.patch(path, bob, json={"body": "evading"}), 404)
    assert_error(api.put(f"{path}/reactions/like", bob), 404)
    assert_error(
        api.post(f"/threads/{thread['id']}/comments", bob, json={"body": "r", "parentId": comment["id"]}),
        404,
        field="parentId",
    )


def test_unknown_items_are_404(api, moderator, thread):
    assert_error(_hide(api, moderator, "/threads/nope"), 404)
    assert_error(_hide(api, moderator, f"/threads/{thread['id']}/comments/nope"), 404)
    assert_error(api.delete("/threads/nope/hidden", moderator), 404)


def test_a_linked_comment_follows_hiding_of_itself_and_its_thread(api, alice, bob, moderator, thread, make_comment):
    comment = make_comment(bob, thread["id"], "a comment someone links to")
    one = f"/threads/{thread['id']}/comments/{comment['id']}"
    assert api.get(one).json()["body"] == "a comment someone links to"
    _hide(api, moderator, one, "abuse")
    assert_error(api.get(one), 404, "not_found")
    assert api.get(one, bob).json()["hidden"]["reason"] == "abuse"  # its author sees why
    api.delete(f"{one}/hidden", moderator)
    _hide(api, moderator, f"/threads/{thread['id']}", "spam")
    assert_error(api.get(one), 404, "not_found")


def test_a_profiles_comments_leave_out_those_in_hidden_threads(api, alice, bob, moderator, make_thread, make_comment):
    shown_thread, hidden_thread = make_thread(alice, title="Stays"), make_thread(alice, title="Goes")
    kept = make_comment(bob, shown_thread["id"], "kept")
    make_comment(bob, hidden_thread["id"], "gone with its thread")
    _hide(api, moderator, f"/threads/{hidden_thread['id']}", "spam")
    handle = api.get("/me", bob).json()["handle"]
    items = api.get(f"/users/{handle}/comments").json()["items"]
    assert [(c["id"], c["thread"]["title"]) for c in items] == [(kept["id"], "Stays")]
