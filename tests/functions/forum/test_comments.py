import pytest

from hearth.auth import Caller
from hearth.forum.comments import (
    PREVIEW_REPLIES,
    counter_changes,
    first_slot,
    free_slot,
    nest,
    placement,
    preview_id,
    preview_ids,
    preview_root,
    shown,
)
from hearth.forum.reactions import counter_changes as reaction_changes


def test_a_comment_without_parent_is_a_root():
    assert placement(None, None) == {"parentId": None, "rootId": None, "depth": 1}


def test_a_reply_nests_one_level_below_its_parent():
    assert placement("r", {"depth": 1, "rootId": None, "parentId": None}) == {
        "parentId": "r",
        "rootId": "r",
        "depth": 2,
    }
    assert placement("c2", {"depth": 2, "rootId": "r", "parentId": "r"}) == {
        "parentId": "c2",
        "rootId": "r",
        "depth": 3,
    }


def test_a_reply_to_depth_three_joins_its_parents_level():
    assert placement("c3", {"depth": 3, "rootId": "r", "parentId": "c2"}) == {
        "parentId": "c2",
        "rootId": "r",
        "depth": 3,
    }


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


def test_preview_replies_have_ids_that_name_their_root_and_slot():
    assert preview_id("AbC123xyz", 2) == "AbC123xyz-2"
    assert preview_root("AbC123xyz-2") == "AbC123xyz"


@pytest.mark.parametrize("cid", ["AbC123xyz", f"AbC123xyz-{PREVIEW_REPLIES + 1}", "AbC123xyz-0", "-1", "a-b-1x"])
def test_other_comment_ids_name_no_root(cid):
    assert preview_root(cid) is None


@pytest.mark.parametrize(
    "descendants, expected", [(0, []), (2, [f"r-{n}" for n in range(1, 6)]), (40, [f"r-{n}" for n in range(1, 6)])]
)
def test_a_root_with_replies_is_read_with_all_five_preview_slots(descendants, expected):
    assert preview_ids("r", {"descendantCount": descendants}) == expected


def test_a_reply_first_tries_a_slot_after_the_replies_it_knows_of():
    assert first_slot(0, min) == 1
    assert first_slot(3, min) == 4 and first_slot(3, max) == 5
    assert first_slot(PREVIEW_REPLIES, min) is None
    assert first_slot(40, min) is None
    assert first_slot(None, min) is None


def test_a_reply_that_lost_its_slot_picks_among_the_free_ones_or_takes_an_ordinary_id():
    seen: list[list[int]] = []

    def choose(free: list[int]) -> int:
        seen.append(free)
        return free[-1]

    assert free_slot({1, 2, 4}, choose) == 5 and seen == [[3, 5]]
    assert free_slot(set(range(1, PREVIEW_REPLIES + 1)), choose) is None


def test_a_root_comment_moves_no_comment_counters():
    assert counter_changes({"parentId": None, "rootId": None, "depth": 1}) == {}


def test_a_reply_to_a_root_moves_its_replies_score_and_descendants_in_one_bump():
    assert counter_changes({"parentId": "r", "rootId": "r", "depth": 2}) == {
        "r": {"replyCount": 1, "score": 1, "descendantCount": 1},
    }


def test_a_deep_reply_moves_its_parent_and_its_root_apart():
    assert counter_changes({"parentId": "c2", "rootId": "r", "depth": 3}) == {
        "c2": {"replyCount": 1, "score": 1},
        "r": {"descendantCount": 1},
    }


@pytest.mark.parametrize("on, step", [(True, 1), (False, -1)])
def test_a_reaction_moves_its_count_and_the_score_by_one(on, step):
    assert reaction_changes("fire", on) == {
        "reactionCounts.fire": step,
        "score": step,
    }
