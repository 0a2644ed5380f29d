"""Rate limits (consistency under concurrency: test_hot_thread.py)."""

from tests.api.conftest import assert_error, folded, unfolded


def test_sixth_comment_in_a_minute_is_429_with_retry_after_and_not_stored(api, bob, thread, make_comment):
    for i in range(5):
        make_comment(bob, thread["id"], f"c{i}")
    response = api.post(f"/threads/{thread['id']}/comments", bob, json={"body": "one too many"})
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # Five quick comments: the thread's count is folded within a few seconds (db/counters.py).
    folded(lambda: api.get(f"/threads/{thread['id']}").json()["commentCount"] == 5)
    assert api.get("/me", bob).json()["commentCount"] == 5


def test_fourth_thread_in_ten_minutes_is_429(api, make_user, make_thread):
    author = make_user()
    for i in range(3):
        make_thread(author, title=f"t{i}")
    response = api.post("/threads", author, json={"title": "t3", "body": "b"})
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 600
    assert api.get("/me", author).json()["threadCount"] == 3


# Issue 15: rate windows (Firestore, so they hold across instances) for edits, reaction changes,
# previews and a thread author's hide/restore; each answered 429 with Retry-After.


def _exhaust(send, count: int) -> None:
    for n in range(count):
        response = send(n)
        assert response.status_code < 300, response.text


def test_the_eleventh_edit_in_a_minute_is_429_and_not_stored(api, make_user, make_thread, make_comment):
    """Finding 3: 34 edits in a row all answered 200."""
    author = make_user()
    thread = make_thread(author)
    comment = make_comment(author, thread["id"], "v0")
    path = f"/threads/{thread['id']}/comments/{comment['id']}"
    _exhaust(lambda n: api.patch(path, author, json={"body": f"v{n + 1}"}), 10)
    refused = api.patch(path, author, json={"body": "v11"})
    assert_error(refused, 429, "rate_limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert api.get(path).json()["body"] == "v10"
    # Thread edits share the window.
    assert_error(api.patch(f"/threads/{thread['id']}", author, json={"title": "new"}), 429, "rate_limited")


def test_the_thirty_first_reaction_change_in_a_minute_is_429(api, db, make_user, make_thread):
    """Finding 8: every toggle wrote the target and woke a trigger, without limit."""
    user, author = make_user(), make_user()
    thread = make_thread(author)
    path = f"/threads/{thread['id']}/reactions/like"
    _exhaust(lambda n: api.put(path, user) if n % 2 == 0 else api.delete(path, user), 30)
    refused = api.put(path, user)
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) >= 1
    # A repeat that changes nothing costs no place in the window and is still answered.
    assert api.delete(path, user).status_code == 200
    # 30 quick changes: the thread's counts are folded within a few seconds (db/counters.py).
    folded(lambda: not unfolded(db, f"threads/{thread['id']}"))
    assert api.get(f"/threads/{thread['id']}").json()["reactionCounts"]["like"] == 0


def test_the_thirty_first_preview_in_a_minute_is_429_per_caller(api, make_user):
    writer, other = make_user(), make_user()
    _exhaust(lambda n: api.post("/render", writer, json={"body": f"**draft {n}**"}), 30)
    refused = api.post("/render", writer, json={"body": "one more"})
    assert_error(refused, 429, "rate_limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert api.post("/render", other, json={"body": "mine"}).status_code == 200


def test_a_thread_author_hiding_and_restoring_in_a_loop_is_limited_and_notifies_once(
    api, make_user, make_thread, make_comment
):
    """Finding 5: 25 hide/restore cycles gave the commenter 25 unread notices and the log 50 entries."""
    author, commenter = make_user(), make_user()
    thread = make_thread(author)
    comment = make_comment(commenter, thread["id"], "a comment")
    path = f"/threads/{thread['id']}/comments/{comment['id']}/hidden"
    _exhaust(
        lambda n: api.put(path, author, json={"reason": "off_topic"}) if n % 2 == 0 else api.delete(path, author), 10
    )
    refused = api.put(path, author, json={"reason": "off_topic"})
    assert_error(refused, 429, "rate_limited")
    assert int(refused.headers["Retry-After"]) >= 1
    notices = [n for n in api.get("/me/notifications", commenter).json()["items"] if n["kind"] == "moderation"]
    assert len(notices) == 1
    assert api.get("/me", commenter).json()["unreadNotifications"] == 1
