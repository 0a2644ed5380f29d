from hearth.auth import Caller
from hearth.comments import nest, placement, shown


def test_a_comment_without_parent_is_a_root():
    assert placement(None, None) == {"parentId": None, "rootId": None, "depth": 1}


def test_a_reply_nests_one_level_below_its_parent():
    assert placement("r", {"depth": 1, "rootId": None, "parentId": None}) == {
        "parentId": "r", "rootId": "r", "depth": 2}
    assert placement("c2", {"depth": 2, "rootId": "r", "parentId": "r"}) == {
        "parentId": "c2", "rootId": "r", "depth": 3}


def test_a_reply_to_depth_three_joins_its_parents_level():
    assert placement("c3", {"depth": 3, "rootId": "r", "parentId": "c2"}) == {
        "parentId": "c2", "rootId": "r", "depth": 3}


def test_nest_builds_the_tree_from_a_flat_oldest_first_list():
    flat = [
        {"id": "a", "parentId": "r"},
        {"id": "b", "parentId": "a"},
        {"id": "c", "parentId": "r"},
        {"id": "d", "parentId": "b"},
    ]
    tree = nest("r", flat)
    assert [c["id"] for c in tree] == ["a", "c"]
    assert [c["id"] for c in tree[0]["replies"]] == ["b"]
    assert [c["id"] for c in tree[0]["replies"][0]["replies"]] == ["d"]
    assert tree[1]["replies"] == []


def test_deleted_comments_stay_only_while_replies_hang_from_them():
    assert shown({"status": "visible"}, None)
    assert shown({"status": "deleted", "replyCount": 1}, None)
    assert shown({"status": "deleted", "descendantCount": 2}, None)
    assert not shown({"status": "deleted", "replyCount": 0, "descendantCount": 0}, None)


def test_hidden_comments_are_placeholders_while_replies_hang_from_them_and_whole_for_author_and_moderators():
    lonely = {"status": "hidden", "author": {"uid": "a"}, "replyCount": 0, "descendantCount": 0}
    assert not shown(lonely, None)
    assert not shown(lonely, Caller("someone"))
    assert shown({**lonely, "replyCount": 1}, None)
    assert shown(lonely, Caller("a"))
    assert shown(lonely, Caller("m", {"moderator": True}))
