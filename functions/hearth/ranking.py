"""Scores that order 'top' lists."""
from __future__ import annotations

from typing import Mapping


def reaction_total(counts: Mapping[str, int]) -> int:
    return sum(max(0, int(n)) for n in counts.values())


COMMENT_WEIGHT = 2


def thread_score(reaction_counts: Mapping[str, int], comment_count: int) -> int:
    """Reactions count once, comments twice: a discussion is worth more than a tap."""
    return reaction_total(reaction_counts) + COMMENT_WEIGHT * max(0, comment_count)


def comment_score(reaction_counts: Mapping[str, int], reply_count: int) -> int:
    return reaction_total(reaction_counts) + max(0, reply_count)
