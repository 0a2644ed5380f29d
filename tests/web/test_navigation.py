"""Getting around: deep links, the thread list's sorts and tags, keyboard-only posting, live notices."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import Forum


def test_deep_links_survive_a_reload(page: Page, forum: Forum):
    author = forum.member("linker")
    thread = forum.thread(author, "Deep linked thread", "Body", ["links"])
    comment = forum.comment(author, thread["id"], "Linked comment")

    for path, heading in [
        (f"/t/{thread['id']}", "Deep linked thread"),
        (f"/u/{author.handle}", author.display_name),
        ("/?tag=links", "#links"),
        ("/signin", "Sign in to Hearth"),
        ("/no/such/page", "Page not found"),
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        page.reload()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.goto(f"/t/{thread['id']}#c-{comment['id']}")
    expect(page.locator(f"#c-{comment['id']}")).to_be_in_viewport()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_have_text("Deep linked thread")


def test_author_and_mention_links_keep_their_person_after_a_change_of_handle(page: Page, forum: Forum):
    author, named = forum.member("namer"), forum.member("named")
    thread = forum.thread(author, "Who is who", f"Thanks to @{named.handle}")
    forum.call("PUT", "/me", named, {"handle": f"renamed_{named.handle}"[:30]})
    renamed = f"renamed_{named.handle}"[:30]

    page.goto(f"/t/{thread['id']}")
    mention = page.locator(".thread-body a.mention, article a.mention").first
    expect(mention).to_have_attribute("href", f"/u/id/{named.user.uid}")
    mention.click()
    expect(page).to_have_url(re.compile(f"/u/id/{named.user.uid}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(named.display_name)
    expect(page.locator("p.handle")).to_have_text(f"@{renamed}")  # who they are now, not the handle they had
    page.reload()
    expect(page.locator("p.handle")).to_have_text(f"@{renamed}")

    page.goto(f"/t/{thread['id']}")
    page.locator("a.author", has_text=author.display_name).first.click()
    expect(page).to_have_url(re.compile(f"/u/id/{author.user.uid}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(author.display_name)
    # The profile's tab, not the comment count of a thread listed under it.
    page.get_by_role("navigation", name=f"@{author.handle}'s posts").get_by_role("link", name="0 comments").click()
    expect(page).to_have_url(re.compile(f"/u/id/{author.user.uid}\\?tab=comments$"))
    expect(page.get_by_text(f"@{author.handle} has not commented yet.")).to_be_visible()

    page.goto("/u/id/nobody-has-this-uid")
    expect(page.get_by_role("heading", level=1)).to_have_text("No such member")


def test_thread_list_sorts_filters_by_tag_and_links_to_threads(page: Page, forum: Forum):
    author, fan = forum.member("lister"), forum.member("fan")
    quiet = forum.thread(author, "Quiet tagged thread", "x", ["sorttest"])
    loved = forum.thread(author, "Loved tagged thread", "x", ["sorttest"])
    forum.thread(author, "Untagged thread", "x", [])
    for kind in ("like", "unicorn", "fire"):
        forum.call("PUT", f"/threads/{loved['id']}/reactions/{kind}", fan)
    forum.comment(fan, quiet["id"], "bump")

    page.goto("/?tag=sorttest")
    items = page.locator(".thread-item h2")
    expect(items).to_have_count(2)
    expect(page.get_by_role("link", name="Untagged thread")).to_have_count(0)
    expect(items.first).to_have_text("Loved tagged thread")  # newest first
    page.get_by_role("link", name="Top").click()
    expect(page).to_have_url(re.compile(r"sort=top&tag=sorttest"))
    expect(items.first).to_have_text("Loved tagged thread")
    expect(page.locator(".thread-item", has_text="Loved tagged thread")).to_contain_text("3 reactions")
    page.get_by_role("link", name="Active").click()
    expect(items.first).to_have_text("Quiet tagged thread")  # the latest comment makes it active
    expect(page.locator(".thread-item", has_text="Quiet tagged thread")).to_contain_text("1 comment")
    page.get_by_role("link", name="Clear").click()
    expect(page.get_by_role("link", name="Untagged thread")).to_be_visible()
    page.get_by_label("Filter by tag").fill("nothing-here")
    page.get_by_label("Filter by tag").press("Enter")
    expect(page.locator(".empty")).to_contain_text("No threads tagged #nothing-here yet.")
    expect(page.get_by_role("link", name="Quiet tagged thread")).to_have_count(0)


def test_keyboard_only_reader_can_sign_in_and_post_a_comment(page: Page, forum: Forum):
    author, typist = forum.member("host"), forum.member("typist")
    thread = forum.thread(author, "Keyboard thread")
    page.goto(f"/signin?next=/t/{thread['id']}")
    expect(page.get_by_label("Email")).to_be_focused()
    page.keyboard.type(typist.user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(typist.user.password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Keyboard thread")).to_be_visible()

    textarea = page.get_by_label("Add to the discussion")
    for _ in range(60):
        if textarea.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(textarea).to_be_focused()
    page.keyboard.type("Typed without a mouse")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Comment", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".comment-body", has_text="Typed without a mouse")).to_be_visible()

    # Reply with the keyboard too: Ctrl+Enter sends, focus lands on the new reply.
    reply = page.locator("li.comment").first.get_by_role("button", name="Reply")
    reply.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label(re.compile("^Reply to"))).to_be_focused()
    page.keyboard.type("And a keyboard reply")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".replies .comment-body", has_text="And a keyboard reply")).to_be_visible()
    stored = forum.call("GET", f"/threads/{thread['id']}")
    assert stored["commentCount"] == 2


def test_open_thread_announces_new_comments_instead_of_jumping(page: Page, forum: Forum):
    author, other = forum.member("watcher"), forum.member("poster")
    thread = forum.thread(author, "Watched thread")
    forum.comment(author, thread["id"], "Before")
    page.goto(f"/t/{thread['id']}")
    expect(page.locator(".comment-body", has_text="Before")).to_be_visible()

    conditional = []
    page.on(
        "response",
        lambda r: (
            conditional.append(r.status)
            if r.url.endswith(f"/api/threads/{thread['id']}") and r.request.headers.get("if-none-match")
            else None
        ),
    )
    page.wait_for_timeout(3500)  # at least one poll while nothing changes
    assert 304 in conditional

    forum.comment(other, thread["id"], "After one")
    forum.comment(other, thread["id"], "After two")
    notice = page.locator(".new-comments")
    expect(notice).to_contain_text("2 new comments", timeout=10_000)
    expect(page.locator(".comment-body", has_text="After one")).to_have_count(0)  # no jump
    notice.get_by_role("button", name="Show 2 new comments").click()
    expect(page.locator(".comment-body", has_text="After two")).to_be_visible()
    expect(page.get_by_role("heading", name="Comments (3)")).to_be_visible()
    expect(notice).to_be_empty()
