"""Markdown to safe HTML: markdown-it-py renders without raw HTML, nh3 sanitises with an allow-list."""
from __future__ import annotations

import html
from typing import Mapping

import nh3
from markdown_it import MarkdownIt

from . import mentions

_md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False}).use(mentions.plugin)

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "ol": {"start"},
}
# Only the class the mention links carry (nh3 wants "class" out of `attributes` for this).
ALLOWED_CLASSES = {"a": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


def markdown_to_html(source: str, mentions: Mapping[str, str] | None = None) -> str:
    """Render markdown and sanitise the result; what comes out is safe to put in a page as HTML.

    mentions (handle -> uid, from mentions.resolve) are the @handles to link to their profiles.
    """
    return sanitize(_md.render(source, {"mentions": dict(mentions or {})}))


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )


def excerpt(body_html: str, length: int = 200) -> str:
    """A short plain-text preview of rendered HTML (markup and markdown syntax gone), for lists."""
    flat = " ".join(html.unescape(nh3.clean(body_html, tags=set())).split())
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"
