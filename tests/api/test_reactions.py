from tests.api.conftest import assert_error


def test_reacting_is_idempotent_and_counts_once(api, alice, bob, thread):
    path = f"/threads/{thread['id']}/reactions/unicorn"
    first = api.put(path, bob).json()
    again = api.put(path, bob).json()
    assert first == again
    assert first["reactionCounts"]["unicorn"] == 1 and first["myReactions"] == ["unicorn"]
    api.put(f"/threads/{thread['id']}/reactions/fire", bob)
    assert api.get(f"/threads/{thread['id']}", bob).json()["myReactions"] == ["unicorn", "fire"]
    removed = api.delete(path, bob).json()
    assert removed["reactionCounts"]["unicorn"] == 0 and removed["myReactions"] == ["fire"]
    assert api.delete(path, bob).json()["reactionCounts"]["unicorn"] == 0


def test_comment_reactions_count_per_type(api, alice, bob, thread, make_comment):
    comment = make_comment(alice, thread["id"])
    base = f"/threads/{thread['id']}/comments/{comment['id']}/reactions"
    api.put(f"{base}/like", alice)
    result = api.put(f"{base}/like", bob).json()
    assert result["reactionCounts"]["like"] == 2
    listed = api.get(f"/threads/{thread['id']}/comments", bob).json()["items"][0]
    assert listed["reactionCounts"]["like"] == 2 and listed["myReactions"] == ["like"]


def test_unknown_reaction_type_is_422(api, bob, thread):
    assert_error(api.put(f"/threads/{thread['id']}/reactions/heart", bob), 422, field="type")


def test_reactions_need_sign_in_and_an_existing_target(api, bob, thread):
    assert_error(api.put(f"/threads/{thread['id']}/reactions/like"), 401)
    assert_error(api.put("/threads/nope/reactions/like", bob), 404)
    assert_error(api.put(f"/threads/{thread['id']}/comments/nope/reactions/like", bob), 404)
