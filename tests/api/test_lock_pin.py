"""Locking and pinning: moderators only, logged; pinned threads lead the front page's default sort."""

import pytest

from tests.api.conftest import assert_error


def test_pinned_threads_come_first_on_the_front_page_only(api, make_user, moderator, make_thread, tag):
    authors = [make_user() for _ in range(2)]
    older = make_thread(authors[0], title="older", tags=[tag])
    make_thread(authors[1], title="newer", tags=[tag])
    pinned = api.patch(f"/threads/{older['id']}", moderator, json={"pinned": True})
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True

    front = api.get("/threads", params={"limit": 50}).json()["items"]
    assert front[0]["id"] == older["id"]
    # A tag page keeps plain newest-first order.
    assert [t["title"] for t in api.get("/threads", params={"tag": tag}).json()["items"]] == ["newer", "older"]

    api.patch(f"/threads/{older['id']}", moderator, json={"pinned": False})
    front = api.get("/threads", params={"limit": 50}).json()["items"]
    assert front[0]["id"] != older["id"] and older["id"] in [t["id"] for t in front]


def test_front_page_pages_through_pinned_and_unpinned_threads_without_repeats(api, make_user, moderator, make_thread):
    authors = [make_user() for _ in range(3)]
    made = [make_thread(authors[i % 3], title=f"p{i}") for i in range(5)]
    api.patch(f"/threads/{made[1]['id']}", moderator, json={"pinned": True})
    seen, cursor = [], None
    while True:
        page = api.get("/threads", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [t["id"] for t in page["items"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and {t["id"] for t in made} <= set(seen)
    api.patch(f"/threads/{made[1]['id']}", moderator, json={"pinned": False})  # leave the front page as it was


def test_lock_and_pin_are_logged_and_repeating_them_logs_nothing(api, moderator, thread):
    path = f"/threads/{thread['id']}"
    api.patch(path, moderator, json={"locked": True, "pinned": True})
    api.patch(path, moderator, json={"locked": True})
    api.patch(path, moderator, json={"pinned": False})
    log = api.get("/mod/log", moderator, params={"limit": 3}).json()["items"]
    assert log[0]["action"] == "unpin"
    assert {e["action"] for e in log[1:]} == {"pin", "lock"}  # one change, one time: their order is not defined
    assert all(e["target"]["threadId"] == thread["id"] for e in log)


@pytest.mark.parametrize("field", ["pinned", "locked"])
def test_only_moderators_lock_and_pin(api, alice, thread, field):
    assert_error(api.patch(f"/threads/{thread['id']}", alice, json={field: True}), 403, "forbidden")
    assert api.get(f"/threads/{thread['id']}").json()[field] is False


@pytest.mark.parametrize("field", ["pinned", "locked"])
def test_lock_and_pin_take_booleans(api, moderator, thread, field):
    assert_error(api.patch(f"/threads/{thread['id']}", moderator, json={field: "yes"}), 422, "invalid_argument", field)
