"""Search terms: what a post is found by, computed the same way for a post and for a query.

A word is normalised (NFKC, diacritics dropped, case folded), dropped when it is a stop word or a
single character, and stemmed with Snowball's English stemmer ("rendering" -> "render"). A code
identifier (`get_all`, `os.path`, `markdownToHtml`, `firebase-tools`) is a term whole and each of
its parts is one too, so `markdownToHtml` and `html` both find it. Chinese, Japanese and Korean
text, written without spaces, becomes overlapping pairs of characters. The author's handle and a
thread's tags are terms of their own (`@ada`, `#firebase`), apart from the words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

import snowballstemmer

from .text import plain_text

MAX_TERMS = 300  # distinct terms a post is found by (the array field's size stays small)
MAX_TERM_CHARS = 64  # a longer term is cut: an index entry stays far below Firestore's 1,500 bytes
# A token: word characters, joined by "." "-" or an apostrophe between two of them (file.txt,
# firebase-tools, don't). "_" is a word character, so snake_case stays one token.
TOKEN_RE = re.compile(r"\w+(?:(?:[.\-'’])\w+)*")
_PART_RE = re.compile(r"[^_.\-]+")
_APOSTROPHES = re.compile(r"['’]")
# Scripts written without spaces between words: indexed as overlapping pairs of characters.
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")

# Snowball's English stop words (snowballstem.org/algorithms/english/stop.txt), with the
# apostrophes taken out as tokens have theirs; contractions that would read as other words
# (we'll -> "well", she'll -> "shell", can't -> "cant") are left out.
_STOP_WORDS_WORDS = """
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself
it its itself they them their theirs themselves what which who whom this that these those am is are was were be
been being have has had having do does did doing would should could ought im youre hes shes theyre ive youve
weve theyve youd theyd youll theyll isnt arent wasnt werent hasnt havent hadnt doesnt dont didnt wouldnt shouldnt
couldnt mustnt shant cannot thats whos whats heres theres whens wheres whys hows a an the and but if or because
as until while of at by for with about against between into through during before after above below to from up
down in out on off over under again further then once here there when where why how all any both each few more
most other some such no nor not only own same so than too very
"""
STOP_WORDS = frozenset(_STOP_WORDS_WORDS.split())  # a word list reads best as words

_stemmer = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def fold(text: str) -> str:
    """NFKC, diacritics dropped, case folded: 'Café' and 'CAFE' are the same word."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", bare).casefold()


def _cut(term: str) -> str:
    return term[:MAX_TERM_CHARS]


def _cjk_pairs(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def _word_terms(word: str) -> list[str]:
    """The terms of one simple word (already folded): its stem, or nothing for a stop word or one character."""
    terms: list[str] = []
    last = 0
    for match in _CJK_RE.finditer(word):  # CJK runs inside a word become pairs, the rest stays a word
        terms += _word_terms(word[last : match.start()]) if match.start() > last else []
        terms += _cjk_pairs(match.group())
        last = match.end()
    if last:
        return terms + (_word_terms(word[last:]) if last < len(word) else [])
    if len(word) < 2 or word in STOP_WORDS:
        return []
    return [_cut(stem(word))]


def _kind(c: str) -> str:
    return "d" if c.isdigit() else "u" if c.isupper() else "l"


def camel_parts(word: str) -> list[str]:
    """A word split where its case or digits change: "markdownToHTML" -> markdown, To, HTML;
    "HTMLParser" -> HTML, Parser; "python311" -> python, 311. Any script: "ÉtéÀ" -> Été, À."""
    if len(word) < 2 or word.isdigit() or (word.isalpha() and word.islower()):
        return [word]
    parts, start = [], 0
    for i in range(1, len(word)):
        before, here = _kind(word[i - 1]), _kind(word[i])
        after = _kind(word[i + 1]) if i + 1 < len(word) else ""
        if (before != here and not (before == "u" and here == "l")) or (before == here == "u" and after == "l"):
            parts.append(word[start:i])
            start = i
    return parts + [word[start:]]


def _parts(token: str) -> list[str]:
    """A compound token's parts: split at '_', '.', '-' and camelCase boundaries, in the original case."""
    parts: list[str] = []
    for piece in _PART_RE.findall(token):
        parts += camel_parts(piece)
    return parts


@functools.lru_cache(maxsize=100_000)
def token_terms(token: str) -> tuple[str, ...]:
    """The terms of one token as TOKEN_RE finds it, in order, without repeats (cached: words repeat)."""
    if token.isascii() and token.isalpha() and token.islower():  # most words: no folding, no parts
        return tuple(_word_terms(token))
    token = _APOSTROPHES.sub("", token)
    parts = _parts(token)
    terms: list[str] = []
    if len(parts) > 1:
        whole = fold(token)
        if len(whole) >= 2 and not _CJK_RE.search(whole):
            terms.append(_cut(whole))  # the identifier itself, unstemmed
    for part in parts:
        terms += _word_terms(fold(part))
    return tuple(dict.fromkeys(terms))


@dataclass(frozen=True)
class Token:
    """A token of a text: where it is (code point offsets), its folded form (for phrases) and its terms."""

    start: int
    end: int
    folded: str
    terms: tuple[str, ...]


@functools.lru_cache(maxsize=100_000)
def folded(token: str) -> str:
    """A token as phrases compare it: folded, apostrophes out."""
    return fold(_APOSTROPHES.sub("", token))


def iter_tokens(text: str) -> Iterator[Token]:
    for m in TOKEN_RE.finditer(text):
        yield Token(m.start(), m.end(), folded(m.group()), token_terms(m.group()))


def tokens(text: str) -> list[Token]:
    return list(iter_tokens(text))


def text_terms(text: str, limit: int = MAX_TERMS) -> list[str]:
    """The first `limit` distinct terms of a plain text, in order of first appearance.

    It stops there: a post keeps at most MAX_TERMS, so a long body of distinct words costs no more
    stemming than a short one.
    """
    found: dict[str, None] = {}
    for match in TOKEN_RE.finditer(text):
        for term in token_terms(match.group()):
            found.setdefault(term, None)
        if len(found) >= limit:
            break
    return list(found)[:limit]


def handle_term(handle: str) -> str:
    return "@" + handle.casefold()


def tag_term(tag: str) -> str:
    return "#" + tag.casefold()


def post_text(title: str | None, body: str) -> str:
    """The searchable text of a post: its title (threads) and its body's prose and code."""
    return " ".join(filter(None, [title, plain_text(body)]))


def post_terms(words: Sequence[str], handle: str | None, tags: Iterable[str] = ()) -> list[str]:
    """A post's terms: its author's handle, its tags, then its words (text_terms), at most MAX_TERMS.

    A body long enough to hold more distinct words is found by its first ones.
    """
    special = ([handle_term(handle)] if handle else []) + [tag_term(t) for t in tags]
    return list(dict.fromkeys([*special, *words]))[:MAX_TERMS]
