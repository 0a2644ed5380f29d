from hearth.forum.ranking import (
    COMMENT_POINTS_PER_REPLY,
    REACTION_POINTS,
    THREAD_POINTS_PER_COMMENT,
    comment_score,
    reaction_total,
    thread_score,
)


def test_reaction_total_sums_every_type_and_ignores_negative_noise():
    assert reaction_total({"like": 3, "fire": 2, "unicorn": -1}) == 5


def test_thread_score_weighs_comments_twice():
    assert thread_score({"like": 1}, 3) == 7
    assert thread_score({}, 0) == 0


def test_comment_score_counts_reactions_and_replies():
    assert comment_score({"like": 2}, 1) == 3


def test_one_more_reaction_or_comment_moves_a_thread_score_by_its_fixed_points():
    counts = {"like": 4, "fire": 1}
    base = thread_score(counts, 7)
    assert thread_score({**counts, "fire": 2}, 7) - base == REACTION_POINTS
    assert thread_score(counts, 8) - base == THREAD_POINTS_PER_COMMENT


def test_one_more_reaction_or_reply_moves_a_comment_score_by_its_fixed_points():
    counts = {"unicorn": 2}
    base = comment_score(counts, 3)
    assert comment_score({**counts, "like": 1}, 3) - base == REACTION_POINTS
    assert comment_score(counts, 4) - base == COMMENT_POINTS_PER_REPLY
