import pytest

from hearth.render import excerpt, markdown_to_html
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
    '<style>body{display:none}</style>',
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
    assert '<code class="language-py">x = 1' in html


def test_links_get_nofollow_ugc_noopener():
    html = markdown_to_html("[site](https://example.com)")
    assert 'href="https://example.com"' in html
    assert 'rel="nofollow ugc noopener"' in html


def test_raw_html_is_shown_as_text_not_markup():
    html = markdown_to_html("<b>hi</b>")
    assert "&lt;b&gt;hi&lt;/b&gt;" in html


def test_excerpt_is_plain_text_without_markdown_or_markup():
    assert excerpt(markdown_to_html("# Title\n\n**bold** & `code`\n\n- item")) == "Title bold & code item"


def test_excerpt_cuts_long_text():
    cut = excerpt(markdown_to_html("word " * 100), length=50)
    assert len(cut) <= 50 and cut.endswith("…")
