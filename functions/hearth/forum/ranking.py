"""Scores that order 'top' lists.

Scores are linear in the counters, so a write that moves a counter moves the score by a fixed
amount (an increment transform), and no write has to read the document to rescore it.
"""

from __future__ import annotations

from typing import Mapping

# Points one more of each thing adds to a score.
REACTION_POINTS = 1
THREAD_POINTS_PER_COMMENT = 2  # a discussion is worth more than a tap
COMMENT_POINTS_PER_REPLY = 1
COMMENT_WEIGHT = THREAD_POINTS_PER_COMMENT  # the name moderation.py uses


def reaction_total(counts: Mapping[str, int]) -> int:
    return sum(max(0, int(n)) for n in counts.values())


def thread_score(reaction_counts: Mapping[str, int], comment_count: int) -> int:
    """Reactions count once, comments twice."""
    return REACTION_POINTS * reaction_total(reaction_counts) + THREAD_POINTS_PER_COMMENT * max(0, comment_count)


def comment_score(reaction_counts: Mapping[str, int], reply_count: int) -> int:
    return REACTION_POINTS * reaction_total(reaction_counts) + COMMENT_POINTS_PER_REPLY * max(0, reply_count)
