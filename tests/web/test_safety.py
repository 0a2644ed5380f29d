"""Hostile input renders inert, and Hosting sends the security headers the page runs under."""

from __future__ import annotations

import requests
from playwright.sync_api import Page, expect

from .conftest import Forum, ready, watched

HOSTILE = (
    "<img src=x onerror=alert(1)> [x](javascript:alert(1)) <script>alert(2)</script> "
    '<a href="javascript:alert(3)">a</a> <svg onload=alert(4)>'
)


def test_hostile_comment_and_title_render_inert(page: Page, forum: Forum):
    author = forum.member("mallory")
    thread = forum.thread(author, '<img src=x onerror=alert("title")>', HOSTILE, [])
    forum.comment(author, thread["id"], HOSTILE)
    forum.comment(author, thread["id"], "```\n<script>alert(5)</script>\n```")

    page.goto(f"/t/{thread['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text('<img src=x onerror=alert("title")>')
    expect(page.locator(".comment-body")).to_have_count(2)
    page.wait_for_timeout(500)  # give any injected handler a chance to fire

    assert watched(page).dialogs == []
    assert watched(page).errors == []
    content = page.locator("main")
    assert content.locator("script").count() == 0
    assert content.locator("[onerror], [onload], img[src='x']").count() == 0
    assert content.locator(".markdown svg, .markdown img").count() == 0  # the page's own icons are SVG
    hrefs = content.locator(".markdown a").evaluate_all("els => els.map(a => a.getAttribute('href') || '')")
    assert not [h for h in hrefs if h.lower().strip().startswith("javascript")]
    # The escaped text is shown to the reader as text.
    expect(page.locator(".comment-body", has_text="<img src=x onerror=alert(1)>")).to_have_count(1)
    expect(page.locator(".comment-body code").last).to_contain_text("<script>alert(5)</script>")

    # The list page escapes titles too.
    page.goto("/")
    ready(page)
    expect(page.get_by_role("link", name='<img src=x onerror=alert("title")>').first).to_be_visible()
    assert watched(page).dialogs == []


def test_hosting_sends_csp_and_security_headers_on_pages_and_deep_links(stack, page: Page):
    for path in ("/", "/t/some-thread", "/dist/app.js"):
        headers = requests.get(f"{stack.hosting_url}{path}", timeout=30).headers
        csp = headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'self'" and directives["style-src"] == "'self'"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "camera=()" in headers["Permissions-Policy"]
    page.goto("/")
    ready(page)
    assert watched(page).csp == [] and watched(page).errors == []


def test_preview_of_hostile_markdown_is_rendered_inert_by_the_server(page: Page, forum: Forum):
    from .conftest import sign_in

    member = forum.member("previewer")
    sign_in(page, member, "/new")
    page.get_by_label("Body", exact=True).fill("**bold** <img src=x onerror=alert(1)> [x](javascript:alert(1))")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("bold")
    expect(preview).to_contain_text("<img src=x onerror=alert(1)>")
    assert preview.locator("img, a[href^='javascript']").count() == 0
    assert watched(page).dialogs == []
