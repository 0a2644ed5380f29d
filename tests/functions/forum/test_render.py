from pathlib import Path

import pytest

from hearth.forum.render import HIGHLIGHTED_HTML_MAX, cut_at_word, excerpt, highlight_css, markdown_to_html, sanitize
from tests.support.html import inert_problems

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '<div onmouseover="alert(1)">hover</div>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_renders_inert(source):
    assert inert_problems(markdown_to_html(source)) == []


def test_the_inertness_check_itself_catches_live_html():
    assert inert_problems('<img src=x onerror="alert(1)">') == ["onerror handler on <img>"]
    assert inert_problems('<a href=" javascript:alert(1)">x</a>')
    assert inert_problems("<script>alert(1)</script>") == ["<script> element"]


def test_markdown_renders_emphasis_code_and_lists():
    html = markdown_to_html("**bold** _it_ `code`\n\n- one\n- two\n\n```py\nx = 1\n```")
    assert "<strong>bold</strong>" in html
    assert "<em>it</em>" in html
    assert "<code>code</code>" in html
    assert "<li>one</li>" in html
    assert '<code class="language-py"><span class="tok-n">x</span> <span class="tok-o">=</span>' in html


def test_links_get_nofollow_ugc_noopener():
    html = markdown_to_html("[site](https://example.com)")
    assert 'href="https://example.com"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_raw_html_is_shown_as_text_not_markup():
    html = markdown_to_html("<b>hi</b>")
    assert "&lt;b&gt;hi&lt;/b&gt;" in html


def test_excerpt_is_plain_text_without_markdown_or_markup():
    assert excerpt(markdown_to_html("# Title\n\n**bold** & `code`\n\n- item")) == "Title bold & code · item"


def test_excerpt_cuts_long_text():
    cut = excerpt(markdown_to_html("word " * 100), length=50)
    assert len(cut) <= 50 and cut.endswith("…")


def test_excerpt_skips_code_blocks_and_tables_and_keeps_the_prose_around_them():
    source = (
        'Intro text.\n\n```python\nprint(greet("world"))\n```\n\n- a list item\n\n'
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n    indented code\n\nThe end."
    )
    assert excerpt(markdown_to_html(source)) == "Intro text. a list item The end."


@pytest.mark.parametrize(
    "source, expected",
    [
        (
            "Tests start it themselves.\n\n- unit tests\n- in-process API tests over HTTP",
            "Tests start it themselves. unit tests · in-process API tests over HTTP",
        ),
        ("Steps\n\n1. clone\n2. make dev\n3. open the page", "Steps · clone · make dev · open the page"),
        ("- outer\n  - inner one\n  - inner two\n- last", "outer · inner one · inner two · last"),
        ("- ends here.\n- next", "ends here. next"),  # a clause already ended: no separator
    ],
)
def test_excerpt_keeps_list_items_apart(source, expected):
    assert excerpt(markdown_to_html(source)) == expected


def test_excerpt_collapses_white_space_across_blocks():
    assert excerpt(markdown_to_html("one\ntwo\n\n\n> three\n\n1. four")) == "one two three · four"


@pytest.mark.parametrize(
    "text, length, expected",
    [
        ("alpha beta gamma", 50, "alpha beta gamma"),
        ("alpha beta gamma", 12, "alpha beta…"),  # "gamma" would be cut: it goes whole
        ("alpha beta gamma", 11, "alpha beta…"),  # the cut falls on the space after "beta"
        ("alpha, beta gamma", 9, "alpha…"),  # no dangling punctuation before the ellipsis
        ("alpha · beta gamma", 9, "alpha…"),  # nor a list items' separator
        ("supercalifragilistic", 8, "superca…"),  # one word longer than the excerpt is cut where it must be
    ],
)
def test_cut_at_word_keeps_whole_words(text, length, expected):
    assert cut_at_word(text, length) == expected
    assert len(cut_at_word(text, length)) <= length


def test_fenced_code_with_a_known_language_is_highlighted_with_token_classes():
    html = markdown_to_html("```python\ndef greet(name):\n    return name\n```")
    assert '<pre><code class="language-python">' in html
    assert '<span class="tok-k">def</span>' in html
    assert '<span class="tok-nf">greet</span>' in html


def test_fenced_code_in_an_unknown_language_or_none_is_escaped_plainly():
    html = markdown_to_html("```nosuchlanguage\nx < y\n```\n\n```\na & b\n```")
    assert "x &lt; y" in html and "a &amp; b" in html
    assert "<span" not in html


def test_highlighted_code_stays_escaped():
    html = markdown_to_html("```html\n<script>alert(1)</script>\n```")
    assert "<script>" not in html
    assert inert_problems(html) == []


def test_sanitizer_keeps_only_token_classes_on_spans_and_no_inline_styles():
    assert sanitize('<span class="hidden tok-k" style="display:none">x</span>') == '<span class="tok-k">x</span>'
    cell = sanitize('<table><tr><td class="align-right evil" style="color:red">1</td></tr></table>')
    assert '<td class="align-right">1</td>' in cell and "style" not in cell


def test_table_alignment_becomes_a_class_not_an_inline_style():
    html = markdown_to_html("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert '<th class="align-left">a</th>' in html and '<td class="align-right">2</td>' in html
    assert "style=" not in html


def test_stylesheet_carries_the_generated_highlight_styles():
    """web/styles.css holds highlight_css() between markers; `python -m devstack.highlight_css` rewrites it."""
    css = (Path(__file__).resolve().parents[3] / "web" / "styles.css").read_text()
    block = css.split("/* highlight:begin */\n", 1)[1].split("/* highlight:end */", 1)[0]
    assert block == highlight_css()


@pytest.mark.parametrize("code", ["a+" * 9_990, "1," * 9_990, "x.y(" * 4_990])
def test_code_that_highlighting_would_bloat_is_rendered_plain_and_stays_small(code):
    """One-character tokens would each get a span (~28x the source); lists of comments carry this HTML."""
    html = markdown_to_html(f"```python\n{code}\n```")
    assert len(html) <= HIGHLIGHTED_HTML_MAX
    assert "<span" not in html and '<code class="language-python">' in html
