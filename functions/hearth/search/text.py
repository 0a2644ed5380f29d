"""The searchable plain text of a markdown body: its prose, link and image text, and its code, never its
URLs or markup. Only markdown's block structure is parsed (paragraphs, headings, lists, code blocks):
the inline parse is most of a render's cost, and what it would take out of a paragraph (emphasis
marks, a link's destination, backticks) a few patterns take out here, so terms cost a small part
of the render the write does anyway."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

# The preset render.py uses, so what counts as a code block or a paragraph is the same.
_parser = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})
_parser.core.ruler.disable("inline")
# A link's or image's destination and title: "[text](http://… "t")" keeps "[text]"; "<http://…>" goes.
_DESTINATION = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*>")
# Emphasis, strike-through and code marks, and a link's or image's brackets; an underscore inside a
# word (snake_case) is part of the word and stays.
_MARKS = re.compile(r"[*~`]+|(?<!\w)_+|_+(?!\w)|!?\[|\]")
BLOCK_TEXT = ("fence", "code_block")


def inline_text(source: str) -> str:
    """A paragraph's text as a reader sees it: no emphasis marks, link destinations or autolinks;
    character references decoded."""
    return html.unescape(_MARKS.sub("", _AUTOLINK.sub(" ", _DESTINATION.sub("] ", source))))


def plain_text(body: str) -> str:
    """Prose and code of a markdown body as one line of text: blocks kept apart by a space, white space collapsed."""
    parts: list[str] = []
    for token in _parser.parse(body):
        if token.type == "inline":
            parts.append(inline_text(token.content))
        elif token.type in BLOCK_TEXT:
            parts.append(token.content)
    return " ".join(" ".join(parts).split())
