"""Search queries: parsed into the terms every result must hold, exact phrases and excluded words, and
planned: one term (the most selective) goes to Firestore's `array-contains`, the rest are checked on
the page read."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..errors import Invalid
from . import terms as t

Q_MAX = 200  # characters of a query
MAX_REQUIRED = 12  # terms every result must hold, phrases' included
MAX_EXCLUDED = 5
MAX_PHRASES = 3
# `"exact phrase"`, `-word`, `@handle`, `#tag` or a word, separated by white space.
_PART_RE = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)"?|(?P<word>\S+)')
_HANDLE_RE = re.compile(r"@([A-Za-z0-9_]{3,30})")
_TAG_RE = re.compile(r"#([A-Za-z0-9-]{1,30})")
# Stemmed words so common in a forum that nearly every post holds them: a query that has another
# term queries by that one (a small term-frequency table; anything not in it counts as rare, and
# among rare terms the longest is taken).
_COMMON_WORDS = """
use get make like just know work want need time thing think way look new good one also can will thank help tri
see go come take say well much mani even still post thread comment user question answer issu problem code
"""
COMMON = frozenset(_COMMON_WORDS.split())  # a word list reads best as words


@dataclass(frozen=True)
class Plan:
    """What a query asks: every term in `required`, none of the excluded groups, each phrase word for word."""

    required: tuple[str, ...]
    lead: str  # the term Firestore is queried by
    excluded: tuple[tuple[str, ...], ...]  # a result holding every term of one group is left out
    phrases: tuple[tuple[str, ...], ...]  # folded words, in order

    def key(self) -> str:
        """A short fingerprint of the plan, so a cursor belongs to one query."""
        text = repr((sorted(self.required), sorted(self.excluded), self.phrases))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def matches(self, doc_terms: Iterable[str]) -> bool:
        """Whether a post's terms hold every required term and no excluded group (phrases aside)."""
        have = set(doc_terms)
        return have.issuperset(self.required) and not any(have.issuperset(group) for group in self.excluded)

    def marked_terms(self) -> frozenset[str]:
        return frozenset(self.required)


def selectivity(term: str) -> tuple[bool, bool, int]:
    """Sort key, highest most selective: rare before common, a word before a handle or tag (one person
    or topic holds many posts), then the longer."""
    return (term not in COMMON, term[0] not in "@#", len(term))


def _word_terms(word: str) -> list[str]:
    handle, tag = _HANDLE_RE.fullmatch(word), _TAG_RE.fullmatch(word)
    if handle:
        return [t.handle_term(handle[1])]
    if tag:
        return [t.tag_term(tag[1])]
    return t.text_terms(word, limit=MAX_REQUIRED + 1)


def parse(q: str | None) -> Plan:
    """A query's plan, or Invalid (422 on `q`) with a sentence saying what to change."""
    if q is None or not q.strip():
        raise Invalid("q is required: the words to search for", field="q")
    if len(q) > Q_MAX:
        raise Invalid(f"q is at most {Q_MAX} characters", field="q")
    required: dict[str, None] = {}
    excluded: list[tuple[str, ...]] = []
    phrases: list[tuple[str, ...]] = []
    for part in _PART_RE.finditer(q):
        if part["phrase"] is not None:
            words = tuple(token.folded for token in t.tokens(part["phrase"]))
            phrase_terms = t.text_terms(part["phrase"], limit=MAX_REQUIRED + 1)
            if part["neg"]:
                if phrase_terms:
                    excluded.append(tuple(phrase_terms))
                continue
            if len(words) > 1:
                phrases.append(words)
            required.update(dict.fromkeys(phrase_terms))
        elif part["word"].startswith("-") and len(part["word"]) > 1:
            group = _word_terms(part["word"][1:])
            if group:
                excluded.append(tuple(group))
        else:
            required.update(dict.fromkeys(_word_terms(part["word"])))
    if not required:
        raise Invalid(
            "every word of this search is too common to search for (like 'the' or 'how') or too short: "
            "add a more specific word",
            field="q",
        )
    if len(required) > MAX_REQUIRED or len(excluded) > MAX_EXCLUDED or len(phrases) > MAX_PHRASES:
        raise Invalid(
            f"a search holds at most {MAX_REQUIRED} words, {MAX_EXCLUDED} excluded words and {MAX_PHRASES} phrases",
            field="q",
        )
    lead = max(required, key=selectivity)
    return Plan(tuple(required), lead, tuple(dict.fromkeys(excluded)), tuple(dict.fromkeys(phrases)))


def has_phrase(words: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether the folded words hold the phrase's words next to each other, in order."""
    n = len(phrase)
    first = phrase[0]
    return any(words[i] == first and tuple(words[i : i + n]) == tuple(phrase) for i in range(len(words) - n + 1))


def phrases_match(plan: Plan, text: str) -> bool:
    """Whether a post's searchable text holds every phrase of the plan."""
    if not plan.phrases:
        return True
    words = [token.folded for token in t.tokens(text)]
    return all(has_phrase(words, phrase) for phrase in plan.phrases)
