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


def test_changing_handle_releases_the_old_one_to_rest(api, alice, bob):
    """The old handle names nobody, and rests (HEARTH_HANDLE_REST_DAYS, 30) before bob may take it."""
    first, second = _handle(), _handle()
    assert api.put("/me", alice, json={"handle": first}).status_code == 200
    assert api.put("/me", alice, json={"handle": second}).status_code == 200
    assert api.get(f"/users/{first}").status_code == 404
    assert api.put("/me", bob, json={"handle": first}).status_code == 409


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


@pytest.mark.parametrize(
    "sort, order", [("new", ["newer", "older"]), ("top", ["older", "newer"]), ("active", ["older", "newer"])]
)
def test_user_threads_follow_every_sort(api, alice, bob, make_thread, make_comment, sort, order):
    handle = _handle()
    api.put("/me", alice, json={"handle": handle})
    older = make_thread(alice, title="older")
    make_thread(alice, title="newer")
    make_comment(bob, older["id"])  # the older thread gets the newest activity and the higher score
    items = api.get(f"/users/{handle}/threads?sort={sort}").json()["items"]
    assert [t["title"] for t in items] == order


def test_user_comments_lists_visible_comments_newest_first_with_thread_titles(
    api, alice, bob, make_thread, make_comment
):
    handle = _handle()
    api.put("/me", bob, json={"handle": handle})
    first = make_thread(alice, title="First thread")
    second = make_thread(alice, title="Second thread")
    older = make_comment(bob, first["id"], "An **older** comment\n\n```python\nprint(1)\n```")
    newer = make_comment(bob, second["id"], "A newer comment")
    gone = make_comment(bob, second["id"], "Deleted later")
    make_comment(alice, first["id"], "Not bob's")
    assert api.delete(f"/threads/{second['id']}/comments/{gone['id']}", bob).status_code == 204

    items = api.get(f"/users/{handle}/comments").json()["items"]
    assert [c["id"] for c in items] == [newer["id"], older["id"]]
    assert [c["thread"] for c in items] == [
        {"id": second["id"], "title": "Second thread"},
        {"id": first["id"], "title": "First thread"},
    ]
    assert items[1]["excerpt"] == "An older comment"  # prose only: the code block is left out
    assert "body" not in items[0] and "bodyHtml" not in items[0]


def test_user_comments_page_with_a_cursor_without_loss_or_repeats(api, alice, make_thread, make_comment):
    handle = _handle()
    api.put("/me", alice, json={"handle": handle})
    threads = [make_thread(alice, title=f"t{i}") for i in range(2)]
    made = [make_comment(alice, threads[i % 2]["id"], f"c{i}")["id"] for i in range(5)]
    seen, cursor = [], None
    while True:
        page = api.get(
            f"/users/{handle}/comments", params={"limit": 2, **({"cursor": cursor} if cursor else {})}
        ).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert seen == list(reversed(made))


@pytest.mark.parametrize(
    "params, field",
    [
        ({"limit": "0"}, "limit"),
        ({"cursor": "nonsense"}, "cursor"),
        ({"cursor": "WyJ1c2VyLWNvbW1lbnRzOngiLFtdXQ"}, "cursor"),
    ],
)
def test_user_comments_refuses_bad_paging(api, alice, params, field):
    handle = _handle()
    api.put("/me", alice, json={"handle": handle})
    assert_error(api.get(f"/users/{handle}/comments", params=params), 422, "invalid_argument", field)


def test_user_comments_of_unknown_user_is_404(api):
    assert_error(api.get("/users/nobody_at_all_here/comments"), 404, "not_found")


def test_user_comments_keep_those_on_a_deleted_thread_which_stay_readable(api, alice, bob, make_thread, make_comment):
    handle = _handle()
    api.put("/me", bob, json={"handle": handle})
    live, doomed = make_thread(alice, title="Live"), make_thread(alice, title="Doomed")
    kept = make_comment(bob, live["id"], "on the live thread")
    orphan = make_comment(bob, doomed["id"], "on the deleted thread")
    assert api.delete(f"/threads/{doomed['id']}", alice).status_code == 204

    items = api.get(f"/users/{handle}/comments").json()["items"]
    assert [(c["id"], c["thread"]["title"]) for c in items] == [(orphan["id"], None), (kept["id"], "Live")]
    assert api.get(f"/users/{handle}").json()["commentCount"] == len(items)  # the count and the list agree


def test_a_released_handle_rests_before_anyone_else_may_take_it(api, make_user, make_thread, make_comment):
    """Finding 9: A renamed away from @alice, B took `alice`, and A's old posts and mentions pointed at B."""
    import uuid

    a, b, c = make_user(), make_user(), make_user()
    old = f"h{uuid.uuid4().hex[:10]}"
    assert api.put("/me", a, json={"handle": old}).status_code == 200
    thread = make_thread(c)
    assert api.put("/me", a, json={"handle": f"n{uuid.uuid4().hex[:10]}"}).status_code == 200
    taken = api.put("/me", b, json={"handle": old})
    assert taken.status_code == 409 and taken.json()["error"]["field"] == "handle"
    # While it rests it names nobody: a mention of it stays plain text and notifies no one.
    comment = make_comment(c, thread["id"], f"hi @{old}")
    assert 'class="mention"' not in comment["bodyHtml"]
    # Its last owner may take it back at any time.
    assert api.put("/me", a, json={"handle": old}).status_code == 200
