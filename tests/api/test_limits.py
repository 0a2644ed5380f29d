"""Rate limits (consistency under concurrency: test_hot_thread.py)."""
from tests.api.conftest import assert_error


def test_sixth_comment_in_a_minute_is_429_with_retry_after_and_not_stored(api, bob, thread, make_comment):
    for i in range(5):
        make_comment(bob, thread["id"], f"c{i}")
    response = api.post(f"/threads/{thread['id']}/comments", bob, json={"body": "one too many"})
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert api.get(f"/threads/{thread['id']}").json()["commentCount"] == 5
    assert api.get("/me", bob).json()["commentCount"] == 5


def test_fourth_thread_in_ten_minutes_is_429(api, make_user, make_thread):
    author = make_user()
    for i in range(3):
        make_thread(author, title=f"t{i}")
    response = api.post("/threads", author, json={"title": "t3", "body": "b"})
    assert_error(response, 429, "rate_limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 600
    assert api.get("/me", author).json()["threadCount"] == 3
