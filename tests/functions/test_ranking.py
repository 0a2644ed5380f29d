from hearth.ranking import comment_score, reaction_total, thread_score


def test_reaction_total_sums_every_type_and_ignores_negative_noise():
    assert reaction_total({"like": 3, "fire": 2, "unicorn": -1}) == 5


def test_thread_score_weighs_comments_twice():
    assert thread_score({"like": 1}, 3) == 7
    assert thread_score({}, 0) == 0


def test_comment_score_counts_reactions_and_replies():
    assert comment_score({"like": 2}, 1) == 3
