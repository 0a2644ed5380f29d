import pytest

from tests.api.conftest import assert_error


def test_post_thread_returns_201_with_rendered_body(api, alice):
    response = api.post("/threads", alice, json={"title": " Hello ", "body": "Some **bold**", "tags": ["intro"]})
    assert response.status_code == 201, response.text
    thread = response.json()
    assert thread["title"] == "Hello"
    assert thread["body"] == "Some **bold**"
    assert "<strong>bold</strong>" in thread["bodyHtml"]
    assert thread["author"]["uid"] == alice.uid
    assert thread["tags"] == ["intro"]
    assert thread["commentCount"] == 0 and thread["editedAt"] is None
    assert set(thread["reactionCounts"]) == {"like", "unicorn", "exploding_head", "raised_hands", "fire"}
    assert thread["createdAt"].endswith("Z")


def test_get_thread_by_id_with_personal_state(api, alice, thread):
    anonymous = api.get(f"/threads/{thread['id']}").json()
    assert anonymous["title"] == "Hello" and "myReactions" not in anonymous
    mine = api.get(f"/threads/{thread['id']}", alice).json()
    assert mine["myReactions"] == [] and mine["bookmarked"] is False


def test_unknown_thread_is_404(api):
    assert_error(api.get("/threads/doesnotexist"), 404, "not_found")


@pytest.mark.parametrize(
    "body,field",
    [
        ({"title": "", "body": "b"}, "title"),
        ({"title": "x" * 151, "body": "b"}, "title"),
        ({"title": "t", "body": ""}, "body"),
        ({"title": "t", "body": "b" * 20_001}, "body"),
        ({"title": "t", "body": "b", "tags": ["Bad Tag"]}, "tags"),
        ({"title": "t", "body": "b", "tags": ["a", "b", "c", "d", "e"]}, "tags"),
        ({"title": 5, "body": "b"}, "title"),
        ({"body": "b"}, "title"),
        ({"title": "t", "body": "b", "extra": 1}, "extra"),
    ],
)
def test_invalid_thread_is_422_naming_the_field_and_stores_nothing(api, alice, body, field):
    assert_error(api.post("/threads", alice, json=body), 422, "invalid_argument", field)
    assert api.get("/me", alice).json()["threadCount"] == 0


def test_writes_need_a_valid_token(api, alice):
    assert_error(api.post("/threads", json={"title": "t", "body": "b"}), 401, "unauthenticated")
    bad = {"Authorization": "Bearer not-a-token"}
    assert_error(api.post("/threads", headers=bad, json={"title": "t", "body": "b"}), 401)
    assert_error(api.post("/threads", headers={"Authorization": "Basic abc"}, json={"title": "t", "body": "b"}), 401)


def test_list_sorts_new_top_active_and_pages_with_a_cursor(api, make_user, make_thread, make_comment, tag):
    authors = [make_user() for _ in range(3)]
    made = [make_thread(authors[i % 3], title=f"T{i}", tags=[tag]) for i in range(7)]
    # T2 gets a reaction, T4 a comment (activity and score).
    api.put(f"/threads/{made[2]['id']}/reactions/like", authors[0])
    make_comment(authors[1], made[4]["id"])

    new = api.get("/threads", params={"tag": tag, "sort": "new"}).json()["items"]
    assert [t["title"] for t in new] == [f"T{i}" for i in range(6, -1, -1)]
    top = api.get("/threads", params={"tag": tag, "sort": "top"}).json()["items"]
    assert [t["title"] for t in top[:2]] == ["T4", "T2"]
    active = api.get("/threads", params={"tag": tag, "sort": "active"}).json()["items"]
    assert active[0]["title"] == "T4"

    seen, cursor = [], None
    while True:
        params = {"tag": tag, "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.get("/threads", params=params).json()
        assert len(page["items"]) <= 3
        seen += [t["id"] for t in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(t["id"] for t in made) and len(seen) == len(set(seen))


def test_list_items_carry_counts_and_personal_state(api, alice, make_thread, tag):
    made = make_thread(alice, tags=[tag])
    api.put(f"/threads/{made['id']}/reactions/fire", alice)
    api.put(f"/threads/{made['id']}/bookmark", alice)
    item = api.get("/threads", alice, params={"tag": tag}).json()["items"][0]
    assert item["reactionCounts"]["fire"] == 1
    assert item["myReactions"] == ["fire"] and item["bookmarked"] is True
    assert "excerpt" in item and "body" not in item


@pytest.mark.parametrize(
    "params,field",
    [
        ({"sort": "hot"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"limit": 51}, "limit"),
        ({"tag": "Not A Tag"}, "tag"),
        ({"cursor": "garbage!"}, "cursor"),
    ],
)
def test_bad_list_parameters_are_422(api, params, field):
    assert_error(api.get("/threads", params=params), 422, "invalid_argument", field)


def test_author_can_edit_and_it_is_marked_edited(api, alice, thread):
    response = api.patch(f"/threads/{thread['id']}", alice, json={"title": "Hello again", "body": "_new_"})
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited["title"] == "Hello again" and "<em>new</em>" in edited["bodyHtml"]
    assert edited["editedAt"] is not None
    assert api.get(f"/threads/{thread['id']}").json()["title"] == "Hello again"


def test_others_cannot_edit_or_delete_but_a_moderator_can(api, bob, make_user, thread):
    assert_error(api.patch(f"/threads/{thread['id']}", bob, json={"title": "mine now"}), 403, "forbidden")
    assert_error(api.delete(f"/threads/{thread['id']}", bob), 403)
    moderator = make_user(moderator=True)
    assert api.patch(f"/threads/{thread['id']}", moderator, json={"tags": ["moderated"]}).status_code == 200
    assert api.delete(f"/threads/{thread['id']}", moderator).status_code == 204


def test_empty_patch_is_422(api, alice, thread):
    assert_error(api.patch(f"/threads/{thread['id']}", alice, json={}), 422)


def test_delete_leaves_a_tombstone_keeps_comments_and_leaves_lists(api, alice, bob, make_thread, make_comment, tag):
    made = make_thread(alice, tags=[tag])
    make_comment(bob, made["id"], "still here")
    assert api.delete(f"/threads/{made['id']}", alice).status_code == 204
    tombstone = api.get(f"/threads/{made['id']}").json()
    assert tombstone["status"] == "deleted" and tombstone["body"] == "" and tombstone["author"] is None
    assert api.get("/threads", params={"tag": tag}).json()["items"] == []
    comments = api.get(f"/threads/{made['id']}/comments").json()["items"]
    assert [c["body"] for c in comments] == ["still here"]
    assert api.get("/me", alice).json()["threadCount"] == 0
    assert_error(api.post(f"/threads/{made['id']}/comments", bob, json={"body": "late"}), 404)


def test_hostile_markdown_comes_back_inert(api, alice):
    from tests.support.html import inert_problems

    body = "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    thread = api.post("/threads", alice, json={"title": "xss", "body": body}).json()
    assert inert_problems(thread["bodyHtml"]) == []
    assert thread["body"] == body  # the source is kept for editing


def test_a_moderator_locks_a_thread_and_then_only_moderators_comment(api, alice, bob, make_user, thread):
    path = f"/threads/{thread['id']}"
    assert_error(api.patch(path, alice, json={"locked": True}), 403, "forbidden")
    moderator = make_user(moderator=True)
    locked = api.patch(path, moderator, json={"locked": True}).json()
    assert locked["locked"] is True and locked["editedAt"] is None  # locking is not an edit
    assert_error(api.post(f"{path}/comments", bob, json={"body": "hello?"}), 403, "forbidden")
    assert api.post(f"{path}/comments", moderator, json={"body": "Locked: off-topic."}).status_code == 201
    assert api.patch(path, moderator, json={"locked": False}).json()["locked"] is False
    assert api.post(f"{path}/comments", bob, json={"body": "thanks"}).status_code == 201
