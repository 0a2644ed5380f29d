"""Search in the browser: the header box ("/" focuses it), the results page's tabs, marked matches, paging,
the empty state, a result that opens its comment highlighted; by keyboard and at 360 px."""

from __future__ import annotations

import random
import re
import string

from playwright.sync_api import Page, expect

from .conftest import Forum, ready


def word() -> str:
    return "zq" + "".join(random.choice(string.ascii_lowercase) for _ in range(9))


def test_the_header_box_searches_by_keyboard_and_results_mark_the_words(page: Page, forum: Forum):
    w = word()
    author = forum.member("searcher")
    thread = forum.thread(author, f"How {w} works", f"A body that explains {w} rendering.")
    page.goto("/")
    ready(page)
    page.keyboard.press("/")
    box = page.locator("#site-search-q")
    expect(box).to_be_focused()
    page.keyboard.type(w)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/search\?q={w}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Search: {w}")
    result = page.locator(".search-result")
    expect(result).to_have_count(1)
    expect(result.locator("h2 mark")).to_have_text(w)
    expect(result.locator(".snippet mark")).to_have_text(w)
    expect(page.get_by_role("link", name="Threads")).to_have_attribute("aria-current", "page")
    # On the results page "/" goes to its own box, and a new search replaces the query.
    page.locator("h1").focus()
    page.keyboard.press("/")
    expect(page.locator("#search-q")).to_be_focused()
    result.get_by_role("link", name=re.compile(w)).click()
    expect(page).to_have_url(re.compile(rf"/t/{thread['id']}$"))


def test_the_comments_tab_links_to_the_comment_highlighted(page: Page, forum: Forum):
    w = word()
    author, other = forum.member("tabber"), forum.member("replier")
    thread = forum.thread(author, "Where is it", "No match in the thread itself.")
    root = forum.comment(other, thread["id"], "A root")
    reply = forum.comment(author, thread["id"], f"The answer is {w}", root["id"])
    page.goto(f"/search?q={w}")
    expect(page.locator(".empty")).to_contain_text("Try removing a word")
    page.get_by_role("link", name="Comments").click()
    expect(page).to_have_url(re.compile(r"type=comments"))
    result = page.locator(".search-result")
    expect(result).to_have_count(1)
    expect(result.locator("mark")).to_have_text(w)
    result.get_by_role("link", name="Comment in “Where is it”").click()
    expect(page).to_have_url(re.compile(rf"/t/{thread['id']}\?root={root['id']}#c-{reply['id']}$"))
    # The thread page loads its comments first; on a shared 2-core machine that can outlast 5 s.
    expect(page.locator(f"#c-{reply['id']}")).to_have_class(re.compile("highlight"), timeout=20_000)


def test_results_page_with_load_more_and_a_stop_word_query(page: Page, forum: Forum):
    w = word()
    authors = [forum.member(f"pager{n}") for n in range(5)]  # 5 comments a minute each
    root = forum.thread(authors[0], f"{w} zero", "first")
    for n in range(1, 22):
        forum.comment(authors[n % 5], root["id"], f"{w} number {n}")
    page.goto(f"/search?q={w}&type=comments")
    results = page.locator(".search-result")
    expect(results).to_have_count(20)
    page.get_by_role("button", name="Load more").click()
    expect(results).to_have_count(21)
    expect(page.get_by_role("button", name="Load more")).to_be_hidden()
    page.goto("/search?q=the+how")
    expect(page.get_by_role("alert")).to_contain_text("too common")


def test_search_fits_a_360px_screen(browser, stack, forum: Forum):
    w = word()
    author = forum.member("phone")
    forum.thread(author, f"{w} on a phone", "averyveryverylongwordwithoutanyspacesthatcouldoverflowthelayout " + w)
    context = browser.new_context(base_url=stack.hosting_url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto("/")
        ready(page)
        expect(page.locator("#site-search-q")).to_be_hidden()
        page.get_by_role("link", name="Search", exact=True).click()
        expect(page.locator("#search-q")).to_be_focused()
        page.keyboard.type(w)
        page.keyboard.press("Enter")
        expect(page.locator(".search-result")).to_have_count(1)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{overflow}px of horizontal scroll at 360px"
        header_rows = page.evaluate("() => document.querySelector('.bar').getBoundingClientRect().height")
        assert header_rows < 70  # one row
    finally:
        context.close()
