"""Long lists page with "load more"; the layout holds at 360 px and follows the colour scheme."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import Page, expect

from .conftest import Forum, ready, sign_in


def test_thread_list_loads_more_with_the_cursor(page: Page, forum: Forum):
    authors = [forum.member("prolific") for _ in range(7)]  # 3 threads each: the rate limit
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: forum.thread(authors[n // 3], f"Paged thread {n:02d}", "x", ["paging"]), range(21)))

    page.goto("/?tag=paging")
    items = page.locator(".thread-item")
    expect(items).to_have_count(20)
    more = page.get_by_role("button", name="Load more")
    more.click()
    expect(items).to_have_count(21)
    expect(more).to_be_hidden()
    titles = items.locator("h2").all_inner_texts()
    assert sorted(titles) == [f"Paged thread {n:02d}" for n in range(21)]


def test_comments_and_replies_load_more(page: Page, forum: Forum):
    host = forum.member("host")
    thread = forum.thread(host, "Many comments")
    people = [forum.member("talker") for _ in range(7)]  # at most 5 comments a minute each
    root = forum.comment(people[0], thread["id"], "The root with many replies")
    replies = [forum.comment(people[1 + n // 4], thread["id"], f"Reply number {n}", root["id"]) for n in range(7)]
    # 21 more roots, so the root comments come in two pages of 20 (sorted oldest first).
    writers = [people[3 + n // 5] for n in range(20)] + [people[0]]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda n: forum.comment(writers[n], thread["id"], f"Root {n}"), range(21)))

    forum.replies_folded(thread["id"], root["id"], 7)
    page.goto(f"/t/{thread['id']}")
    page.get_by_label("Sort").select_option("old")
    roots = page.locator(".comment-list > li.comment")
    expect(roots).to_have_count(20)
    first = roots.first
    expect(first.locator(":scope > article .comment-body")).to_have_text("The root with many replies")
    expect(first.locator(".replies li.comment")).to_have_count(5)  # the preview
    first.get_by_role("button", name="Show all 7 replies").click()
    expect(first.locator(".replies li.comment")).to_have_count(7)
    expect(first.locator(".replies .comment-body", has_text="Reply number 6")).to_be_visible()
    page.get_by_role("button", name="Load more comments").click()
    expect(roots).to_have_count(22)
    expect(page.get_by_role("button", name="Load more comments")).to_be_hidden()
    assert len(replies) == 7


def test_thread_page_fits_a_360px_screen_and_follows_dark_mode(browser, stack, forum: Forum):
    author = forum.member("narrow")
    thread = forum.thread(
        author,
        "A rather long title that has to wrap on a narrow phone screen",
        "averyveryverylongwordwithoutanyspacesthatcouldoverflowthelayoutifnotwrapped" * 2,
        ["mobile"],
    )
    root = forum.comment(author, thread["id"], "Root")
    reply = forum.comment(author, thread["id"], "Reply", root["id"])
    forum.comment(author, thread["id"], "Deepest reply", reply["id"])
    backgrounds = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(
            base_url=stack.hosting_url, viewport={"width": 360, "height": 740}, color_scheme=scheme
        )
        page = context.new_page()
        page.goto(f"/t/{thread['id']}")
        expect(page.locator(".comment-body", has_text="Deepest reply")).to_be_visible()
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{overflow}px of horizontal scroll at 360px ({scheme})"
        backgrounds[scheme] = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        context.close()
    assert backgrounds["light"] != backgrounds["dark"]


def test_a_signed_in_header_keeps_one_row_on_a_laptop(page: Page, forum: Forum):
    """Brand, search box, New thread, bell and the account links share one row at 1100 px."""
    sign_in(page, forum.member("header"))
    page.goto("/")
    ready(page)
    brand = page.locator(".site-header .brand").bounding_box()
    search = page.locator("#site-search-q").bounding_box()
    sign_out = page.get_by_role("button", name="Sign out").bounding_box()
    assert brand and search and sign_out
    assert search["width"] >= 120  # still a box one can type a few words into
    centres = [box["y"] + box["height"] / 2 for box in (brand, search, sign_out)]
    assert max(centres) - min(centres) < 10, centres
