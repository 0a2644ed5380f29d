from tests.api.conftest import assert_error


def test_bookmarks_are_a_private_reading_list(api, alice, bob, make_thread):
    first, second = make_thread(alice, title="first"), make_thread(alice, title="second")
    assert api.put(f"/threads/{first['id']}/bookmark", bob).json() == {"threadId": first["id"], "bookmarked": True}
    api.put(f"/threads/{second['id']}/bookmark", bob)
    api.put(f"/threads/{first['id']}/bookmark", bob)  # again: no duplicate
    items = api.get("/me/bookmarks", bob).json()["items"]
    assert [t["title"] for t in items] == ["second", "first"]
    assert api.get("/me/bookmarks", alice).json()["items"] == []
    assert api.get(f"/threads/{first['id']}", bob).json()["bookmarked"] is True
    api.delete(f"/threads/{first['id']}/bookmark", bob)
    assert [t["title"] for t in api.get("/me/bookmarks", bob).json()["items"]] == ["second"]


def test_bookmarks_need_sign_in_and_a_thread(api, bob):
    assert_error(api.get("/me/bookmarks"), 401)
    assert_error(api.put("/threads/nope/bookmark", bob), 404)
