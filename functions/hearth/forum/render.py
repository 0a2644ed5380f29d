"""Markdown to safe HTML: markdown-it-py renders without raw HTML, Pygments highlights fenced code,
nh3 sanitises with an allow-list. Also the plain-text excerpt of a rendered document.

A post is parsed once (render_post): its @mentions come from the same tokens that are rendered.
Only an allow-list of lexers, each fed a hostile corpus in the tests, highlights code, and only
fences up to FENCE_HIGHLIGHT_MAX characters; sandbox.py puts a CPU budget on one render.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Callable, Mapping

import nh3
from markdown_it import MarkdownIt
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

from . import mentions

# Highlighted code is a run of <span class="tok-…">; the prefix keeps Pygments' one- and
# two-letter class names ("k", "s", "err") apart from the stylesheet's own classes.
TOKEN_CLASS_PREFIX = "tok-"
TOKEN_CLASSES = {TOKEN_CLASS_PREFIX + name for name in STANDARD_TYPES.values() if name}
LIGHT_STYLE, DARK_STYLE = "default", "github-dark"
_formatter = HtmlFormatter(nowrap=True, classprefix=TOKEN_CLASS_PREFIX)

# The languages highlighted, by the names a fence may give them (alias -> Pygments lexer name).
# Many Pygments lexers are quadratic or worse on hostile input (c, cpp, ini, make, scala, tex…
# took seconds on a few KB, java 0.8 s on 4 KB of newlines, diff 0.28 s on `a` + 4,000 spaces + `!`,
# four times its time on 2,000); only lexers that tests/functions/forum/test_render_budget.py feeds
# its hostile corpus to stay here. Any other fence language is shown as plain code.
HIGHLIGHTED_LANGUAGES: dict[str, str] = {
    **dict.fromkeys(("python", "py", "python3"), "python"),
    **dict.fromkeys(("javascript", "js", "jsx", "mjs"), "javascript"),
    **dict.fromkeys(("typescript", "ts", "tsx"), "typescript"),
    "json": "json",
    **dict.fromkeys(("bash", "sh", "shell", "zsh"), "bash"),
    "html": "html",
    "xml": "xml",
    "css": "css",
    "sql": "sql",
    "go": "go",
    **dict.fromkeys(("rust", "rs"), "rust"),
    **dict.fromkeys(("yaml", "yml"), "yaml"),
    "toml": "toml",
    **dict.fromkeys(("ruby", "rb"), "ruby"),
    "php": "php",
}
# Longer fences are shown plain: lexers are regex machines, and their cost grows with the input.
FENCE_HIGHLIGHT_MAX = 4096


def lexer_for(lang: str):
    """The allow-listed Pygments lexer a fence's language names, or None (plain code)."""
    name = HIGHLIGHTED_LANGUAGES.get(lang.strip().lower())
    if name is None:
        return None
    try:
        return get_lexer_by_name(name, stripnl=False, ensurenl=False)
    except ClassNotFound:  # pragma: no cover - every name above ships with Pygments
        return None


def highlight_code(code: str, lang: str, _attrs: str = "") -> str:
    """Fenced code in an allow-listed language as class-marked spans; "" lets markdown-it escape it plainly.

    markdown-it-py calls this for every fence and wraps what it returns in
    <pre><code class="language-…">, so the result holds only escaped text and spans.
    """
    if not lang or len(code) > FENCE_HIGHLIGHT_MAX:
        return ""
    lexer = lexer_for(lang)
    if lexer is None:
        return ""
    return pygments_highlight(code, lexer, _formatter)


def _alignment_as_class(state) -> None:
    """Table cells: markdown-it writes style="text-align:…", which the CSP (no inline styles) would
    refuse; a class says the same."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open"):
            style = token.attrs.pop("style", None)
            if isinstance(style, str) and style.startswith("text-align:"):
                token.attrSet("class", "align-" + style.split(":", 1)[1])


def _renderer(highlight) -> MarkdownIt:
    md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False, "highlight": highlight})
    md.core.ruler.push("alignment_as_class", _alignment_as_class)
    return md


_md, _md_plain = _renderer(highlight_code), _renderer(None)
# Highlighting wraps tokens as short as one character in a span (up to ~28 times the source), and
# every list of comments carries their HTML: a body whose highlighted HTML would pass this size
# is rendered with its code plain instead (at most ~5 times the source, for escaped "&").
HIGHLIGHTED_HTML_MAX = 128 * 1024

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "code": {"class"},
    "ol": {"start"},
}
# Only Pygments' token classes survive on spans, alignments on table cells and the mention
# links' class (nh3 wants "class" out of `attributes` for these); nothing else can style or hide text.
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
ALLOWED_CLASSES = {"span": TOKEN_CLASSES, "th": ALIGN_CLASSES, "td": ALIGN_CLASSES, "a": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"


# handles -> {handle: uid} of those that name a user (mentions.lookup, bound to a database).
Resolver = Callable[[list[str]], Mapping[str, str]]


@dataclass(frozen=True)
class Rendered:
    """A rendered post: its sanitised HTML and the @handles it links (handle -> uid)."""

    html: str
    mentions: dict[str, str] = field(default_factory=dict)


def render_post(source: str, resolve: Resolver | None = None) -> Rendered:
    """Parse markdown once, resolve the @handles found in its tokens, link them, render and sanitise.

    resolve is called at most once, only with candidates (never when the post names nobody).
    """
    env: dict = {}
    tokens = _md.parse(source, env)
    handles = mentions.handles_in_tokens(tokens)
    known = {h: u for h, u in (resolve(handles) if handles and resolve else {}).items() if h in handles}
    mentions.link_tokens(tokens, known)
    html = _md.renderer.render(tokens, _md.options, env)
    if len(html) > HIGHLIGHTED_HTML_MAX:  # the same tokens, code left plain
        html = _md_plain.renderer.render(tokens, _md_plain.options, env)
    return Rendered(sanitize(html), known)


# What the write paths render with: render_post here, in this process (the unit tests), or
# sandbox.Sandbox.render, the same function in a worker process under a CPU budget (the API).
Renderer = Callable[[str, Resolver], Rendered]


def markdown_to_html(source: str, mentions: Mapping[str, str] | None = None) -> str:
    """Render markdown and sanitise the result; what comes out is safe to put in a page as HTML.

    mentions (handle -> uid) are the @handles to link to their profiles.
    """
    known = dict(mentions or {})
    return render_post(source, lambda handles: known).html


def off_site_relative(url: str) -> bool:
    """A scheme-relative URL (//host, or /\\host, which browsers read the same): it leaves the site."""
    head = url.strip()[:2].replace("\\", "/")
    return head == "//"


def _drop_off_site_relative(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: links and images keep only absolute (allowed-scheme) or same-site URLs."""
    if attribute in ("href", "src") and off_site_relative(value):
        return None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_drop_off_site_relative,
    )


class _Prose(HTMLParser):
    """The text of a rendered document outside code blocks and tables, blocks kept apart by spaces,
    and list items by " · " (else "unit tests" and "API tests" read as one phrase)."""

    SKIPPED = frozenset({"pre", "table"})
    BLOCKS = frozenset({"p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr", "ul", "ol"})
    ITEM_SEPARATOR = " · "
    ENDS_CLAUSE = tuple(".!?:;·…")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def _text_so_far(self) -> str:
        return "".join(self.parts).rstrip()

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.SKIPPED:
            self.skipping += 1
        elif tag == "li" and not self.skipping:
            # An item follows what came before it (the list's previous item, the item a nested list
            # is in) with a separator, unless that already ended a clause ("…as follows: first").
            text = self._text_so_far()
            self.parts.append(self.ITEM_SEPARATOR if text and not text.endswith(self.ENDS_CLAUSE) else " ")
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def prose(body_html: str) -> str:
    """The readable text of rendered HTML: no code blocks, no tables, white space collapsed."""
    parser = _Prose()
    parser.feed(body_html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def cut_at_word(text: str, length: int) -> str:
    """text if it fits in length characters, else its longest whole-word prefix that fits with "…"."""
    if len(text) <= length:
        return text
    head = text[: length - 1]
    if not text[length - 1].isspace() and not head[-1].isspace():  # the cut falls inside a word: drop it
        words = head.rsplit(None, 1)
        if len(words) == 2:  # one word longer than the excerpt is cut where it must be
            head = words[0]
    return re.sub(r"[\s,;:.·\-–—]+$", "", head) + "…"


def excerpt(body_html: str, length: int = 200) -> str:
    """A short plain-text preview of rendered HTML for lists: its prose only, cut at a word boundary."""
    return cut_at_word(prose(body_html), length)


def highlight_css() -> str:
    """Token colours for the stylesheet: light by default, dark under prefers-color-scheme: dark."""

    def rules(style: str) -> list[str]:
        defs = HtmlFormatter(style=style, classprefix=TOKEN_CLASS_PREFIX).get_style_defs(".markdown")
        # Keep token colours only; the page's own pre/code rules give the block its background.
        return [line for line in defs.splitlines() if line.startswith(".markdown .tok-")]

    dark = "\n".join("  " + line for line in rules(DARK_STYLE))
    return "\n".join([*rules(LIGHT_STYLE), "@media (prefers-color-scheme: dark) {", dark, "}"]) + "\n"
