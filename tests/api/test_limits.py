"""Rate limits and consistency under concurrency."""
from concurrent.futures import ThreadPoolExecutor

import pytest

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


@pytest.mark.timeout(600)
def test_twenty_concurrent_comments_give_an_exact_comment_count(api, make_user, thread):
    people = [make_user() for _ in range(20)]
    root = api.post(f"/threads/{thread['id']}/comments", people[0], json={"body": "root"}).json()

    def reply(user):
        return api.post(f"/threads/{thread['id']}/comments", user,
                        json={"body": "me too", "parentId": root["id"]}).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(reply, people))
    assert statuses == [201] * 20
    after = api.get(f"/threads/{thread['id']}").json()
    assert after["commentCount"] == 21
    top = api.get(f"/threads/{thread['id']}/comments").json()["items"][0]
    assert top["replyCount"] == 20 and top["descendantCount"] == 20
