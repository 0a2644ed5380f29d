import uuid

import pytest

from tests.api.conftest import assert_error


def _handle() -> str:
    return f"h_{uuid.uuid4().hex[:12]}"


def test_first_use_creates_a_profile_with_a_generated_handle(api, alice):
    response = api.get("/me", alice)
    assert response.status_code == 200
    me = response.json()
    assert me["uid"] == alice.uid
    assert me["handle"].startswith("user_")
    assert me["displayName"] == "Alice"
    assert me["threadCount"] == 0 and me["commentCount"] == 0


def test_put_me_sets_handle_display_name_and_bio(api, alice):
    handle = _handle()
    response = api.put("/me", alice, json={"handle": handle, "displayName": "Alice L.", "bio": "Hi"})
    assert response.status_code == 200, response.text
    assert response.json()["handle"] == handle
    public = api.get(f"/users/{handle}").json()
    assert public["displayName"] == "Alice L." and public["bio"] == "Hi"
    assert api.get("/me", alice).json()["handle"] == handle


def test_changing_handle_frees_the_old_one(api, alice, bob):
    first, second = _handle(), _handle()
    assert api.put("/me", alice, json={"handle": first}).status_code == 200
    assert api.put("/me", alice, json={"handle": second}).status_code == 200
    assert api.get(f"/users/{first}").status_code == 404
    assert api.put("/me", bob, json={"handle": first}).status_code == 200


def test_a_taken_handle_is_a_conflict(api, alice, bob):
    handle = _handle()
    assert api.put("/me", alice, json={"handle": handle}).status_code == 200
    assert_error(api.put("/me", bob, json={"handle": handle}), 409, "conflict", "handle")
    assert api.get(f"/users/{handle}").json()["uid"] == alice.uid


def test_public_profile_never_shows_the_email(api, alice):
    handle = _handle()
    api.put("/me", alice, json={"handle": handle})
    text = api.get(f"/users/{handle}").text
    assert alice.email not in text
    assert "email" not in api.get(f"/users/{handle}").json()


def test_unknown_user_is_404(api):
    assert_error(api.get("/users/nobody_here_at_all"), 404, "not_found")


def test_profile_counts_threads_and_comments(api, alice, make_thread, make_comment):
    thread = make_thread(alice)
    make_comment(alice, thread["id"])
    me = api.get("/me", alice).json()
    assert me["threadCount"] == 1 and me["commentCount"] == 1


def test_user_threads_lists_only_that_users_threads(api, alice, bob, make_thread):
    handle = _handle()
    api.put("/me", alice, json={"handle": handle})
    mine = make_thread(alice, title="mine")
    make_thread(bob, title="not mine")
    items = api.get(f"/users/{handle}/threads").json()["items"]
    assert [t["id"] for t in items] == [mine["id"]]


@pytest.mark.parametrize("sort, order", [("new", ["newer", "older"]), ("top", ["older", "newer"]),
                                         ("active", ["older", "newer"])])
def test_user_threads_follow_every_sort(api, alice, bob, make_thread, make_comment, sort, order):
    handle = _handle()
    api.put("/me", alice, json={"handle": handle})
    older = make_thread(alice, title="older")
    make_thread(alice, title="newer")
    make_comment(bob, older["id"])  # the older thread gets the newest activity and the higher score
    items = api.get(f"/users/{handle}/threads?sort={sort}").json()["items"]
    assert [t["title"] for t in items] == order
