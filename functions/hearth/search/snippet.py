"""Snippets: a short stretch of a post's plain text around its first match, cut into plain segments
and matched ones, so a client marks them with text nodes and <mark> elements and never parses HTML."""

from __future__ import annotations

from typing import Iterable, TypedDict

from . import terms as t
from .query import Plan

BEFORE, AFTER = 60, 180  # characters of context around the first match


class Segment(TypedDict):
    text: str
    match: bool


def _is_match(tok: t.Token, wanted: frozenset[str], phrase_words: frozenset[str]) -> bool:
    return bool(wanted.intersection(tok.terms)) or tok.folded in phrase_words


def _matched_spans(
    tokens: Iterable[t.Token], wanted: frozenset[str], phrase_words: frozenset[str]
) -> list[tuple[int, int]]:
    return [(tok.start, tok.end) for tok in tokens if _is_match(tok, wanted, phrase_words)]


def _first_match(text: str, wanted: frozenset[str], phrase_words: frozenset[str]) -> int | None:
    """Where the first matched word starts; the text is read only that far."""
    for tok in t.iter_tokens(text):
        if _is_match(tok, wanted, phrase_words):
            return tok.start
    return None


def _segments(text: str, spans: list[tuple[int, int]], start: int, end: int) -> list[Segment]:
    out: list[Segment] = []
    at = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > at:
            out.append({"text": text[at:s], "match": False})
        out.append({"text": text[s:e], "match": True})
        at = e
    if at < end:
        out.append({"text": text[at:end], "match": False})
    return out


def _word_boundary_back(text: str, i: int) -> int:
    while 0 < i < len(text) and not text[i - 1].isspace():
        i -= 1
    return i


def _word_boundary_forward(text: str, i: int) -> int:
    while 0 < i < len(text) and not text[i].isspace():
        i += 1
    return i


def snippet(text: str, plan: Plan) -> list[Segment]:
    """About BEFORE + AFTER characters of text around its first matched word, "…" where it was cut.

    A text with no matched word (the post was found by its title, handle or tag) gives its start.
    """
    phrase_words = frozenset(w for phrase in plan.phrases for w in phrase)
    first = _first_match(text, plan.marked_terms(), phrase_words) or 0
    start = _word_boundary_back(text, max(0, first - BEFORE)) if first > BEFORE else 0
    end = _word_boundary_forward(text, min(len(text), first + AFTER))
    # Only the window is tokenised again, with its offsets moved back into the whole text.
    window = [t.Token(tok.start + start, tok.end + start, tok.folded, tok.terms) for tok in t.tokens(text[start:end])]
    segments = _segments(text, _matched_spans(window, plan.marked_terms(), phrase_words), start, end)
    if start > 0:
        segments.insert(0, {"text": "…", "match": False})
    if end < len(text):
        segments.append({"text": "…", "match": False})
    return segments


def marked(text: str, plan: Plan) -> list[Segment]:
    """All of a short text (a title) with its matched words marked."""
    phrase_words = frozenset(w for phrase in plan.phrases for w in phrase)
    return _segments(text, _matched_spans(t.tokens(text), plan.marked_terms(), phrase_words), 0, len(text))
