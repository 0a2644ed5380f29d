"""What people do in the browser: sign up, post, comment, reply, react, and read as someone else."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import Forum, ready, sign_in, watched


def comment_item(page: Page, text: str):
    return page.locator("li.comment", has=page.locator(".comment-body", has_text=text)).first


def test_new_member_signs_up_sets_handle_posts_comments_replies_reacts_and_it_persists(page: Page, forum: Forum):
    handle = f"newbie_{abs(hash(page)) % 10**6}"
    email = f"{handle}@example.com"
    page.goto("/")
    ready(page)
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("password-123")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("heading", name="Choose your handle")).to_be_visible()
    page.get_by_label("Handle").fill(handle)
    page.get_by_label("Display name").fill("New Bie")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("link", name=f"@{handle}")).to_be_visible()

    page.get_by_role("link", name="New thread").click()
    page.get_by_label("Title").fill("My first thread")
    page.get_by_label("Body", exact=True).fill("Hello **everyone**")
    page.get_by_label("Tags").fill("intro meta")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1, name="My first thread")).to_be_visible()
    expect(page.locator(".thread-body strong")).to_have_text("everyone")
    page.wait_for_url(re.compile(r"/t/[A-Za-z0-9_-]+$"))
    thread_url = page.url

    page.get_by_label("Add to the discussion").fill("First comment")
    page.get_by_role("button", name="Comment", exact=True).click()
    first = comment_item(page, "First comment")
    expect(first).to_be_visible()
    first.get_by_role("button", name="Reply").first.click()
    page.get_by_label(re.compile("^Reply to")).fill("A reply to myself")
    page.locator(".comment form.comment-form").get_by_role("button", name="Reply").click()
    expect(first.locator(".replies .comment-body", has_text="A reply to myself")).to_be_visible()

    thread_bar = page.get_by_role("group", name="Reactions to this thread")
    with page.expect_response(lambda r: r.url.endswith("/reactions/unicorn") and r.ok):
        thread_bar.get_by_role("button", name="Unicorn: 0").click()
    expect(thread_bar.get_by_role("button", name="Unicorn: 1")).to_have_attribute("aria-pressed", "true")
    with page.expect_response(lambda r: r.url.endswith("/bookmark") and r.ok):
        page.get_by_role("button", name="Bookmark").click()
    expect(page.get_by_role("button", name="Bookmarked")).to_have_attribute("aria-pressed", "true")

    page.reload()
    expect(page.get_by_role("heading", level=1, name="My first thread")).to_be_visible()
    expect(page.get_by_role("heading", name="Comments (2)")).to_be_visible()
    first = comment_item(page, "First comment")
    expect(first.locator(".replies .comment-body", has_text="A reply to myself")).to_be_visible()
    expect(first.locator(".comment-meta .author").first).to_have_text("New Bie")
    expect(
        page.get_by_role("group", name="Reactions to this thread").get_by_role("button", name="Unicorn: 1")
    ).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Bookmarked")).to_be_visible()

    page.get_by_role("link", name="Bookmarks").click()
    expect(page.get_by_role("link", name="My first thread")).to_be_visible()
    page.get_by_role("link", name=f"@{handle}").click()
    expect(page.get_by_role("heading", level=1, name="New Bie")).to_be_visible()
    expect(page.get_by_role("link", name="My first thread")).to_be_visible()
    assert watched(page).errors == [] and watched(page).csp == []
    assert thread_url.endswith(page.get_by_role("link", name="My first thread").get_attribute("href") or "<no href>")


def test_second_member_sees_the_thread_and_reacts(open_page, forum: Forum):
    alice, bob = forum.member("alice"), forum.member("bob")
    thread = forum.thread(alice, "Alice asks", "What do you **think**?", ["question"])
    forum.comment(alice, thread["id"], "Alice's own comment")

    page = open_page()
    sign_in(page, bob, f"/t/{thread['id']}")
    expect(page.get_by_role("heading", level=1, name="Alice asks")).to_be_visible()
    expect(comment_item(page, "Alice's own comment")).to_be_visible()
    bar = page.get_by_role("group", name="Reactions to this thread")
    with page.expect_response(lambda r: r.url.endswith("/reactions/fire") and r.ok):
        bar.get_by_role("button", name="Fire: 0").click()
    expect(bar.get_by_role("button", name="Fire: 1")).to_have_attribute("aria-pressed", "true")
    comment_bar = comment_item(page, "Alice's own comment").get_by_role("group", name="Reactions to this comment")
    with page.expect_response(lambda r: r.url.endswith("/reactions/like") and r.ok):
        comment_bar.get_by_role("button", name="Like: 0").click()
    expect(comment_bar.get_by_role("button", name="Like: 1")).to_have_attribute("aria-pressed", "true")
    comment_bar.get_by_role("button", name="More reactions").click()
    expect(comment_bar.get_by_role("button", name="Unicorn: 0")).to_be_focused()
    with page.expect_response(lambda r: r.url.endswith("/reactions/raised_hands") and r.ok):
        comment_bar.get_by_role("button", name="Raised hands: 0").click()
    expect(comment_bar.get_by_role("button", name="Raised hands: 1")).to_have_attribute("aria-pressed", "true")
    # Bob may not edit or delete Alice's comment (its "⋯" menu has no Edit).
    article = comment_item(page, "Alice's own comment").locator(":scope > article")
    article.get_by_role("button", name="More actions on this comment").click()
    expect(article.get_by_role("menu")).to_be_visible()
    expect(article.get_by_role("menuitem", name="Edit")).to_have_count(0)
    page.keyboard.press("Escape")

    stored = forum.call("GET", f"/threads/{thread['id']}", alice)
    assert stored["reactionCounts"]["fire"] == 1 and stored["myReactions"] == []
    comments = forum.call("GET", f"/threads/{thread['id']}/comments")
    counts = comments["items"][0]["reactionCounts"]
    assert counts["like"] == 1 and counts["raised_hands"] == 1

    # Alice sees Bob's reactions as counts, not as her own.
    other = open_page()
    sign_in(other, alice, f"/t/{thread['id']}")
    fire = other.get_by_role("group", name="Reactions to this thread").get_by_role("button", name="Fire: 1")
    expect(fire).to_have_attribute("aria-pressed", "false")


def test_signed_out_reader_reads_everything_but_is_asked_to_sign_in_to_write(page: Page, forum: Forum):
    author = forum.member("writer")
    thread = forum.thread(author, "Readable by all", "Public *body*", ["public"])
    root = forum.comment(author, thread["id"], "A public comment")
    forum.comment(author, thread["id"], "A public reply", root["id"])

    page.goto(f"/t/{thread['id']}")
    expect(page.get_by_role("heading", level=1, name="Readable by all")).to_be_visible()
    expect(page.locator(".thread-body em")).to_have_text("body")
    expect(comment_item(page, "A public comment")).to_be_visible()
    expect(page.locator(".replies .comment-body", has_text="A public reply")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.locator(".signin-prompt")).to_contain_text("Sign in to join the discussion")

    page.get_by_role("group", name="Reactions to this thread").get_by_role("button", name="Like: 0").click()
    announcer = page.locator("#announcer")
    expect(announcer).to_contain_text("Sign in to react")
    expect(
        page.get_by_role("group", name="Reactions to this thread").get_by_role("button", name="Like: 0")
    ).to_have_attribute("aria-pressed", "false")
    comment_item(page, "A public comment").get_by_role("button", name="Reply").first.click()
    expect(announcer).to_contain_text("Sign in to reply")
    page.get_by_role("button", name="Bookmark").click()
    expect(announcer).to_contain_text("Sign in to bookmark")
    announcer.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in to Hearth")).to_be_visible()
    assert f"next=%2Ft%2F{thread['id']}" in page.url

    page.goto("/new")
    expect(page.locator(".signin-prompt")).to_contain_text("You need an account to post")
    assert forum.call("GET", f"/threads/{thread['id']}")["reactionCounts"]["like"] == 0


def test_own_comment_can_be_edited_and_deleted_leaving_a_tombstone_above_replies(page: Page, forum: Forum):
    me, other = forum.member("editor"), forum.member("other")
    thread = forum.thread(other, "Edit me")
    mine = forum.comment(me, thread["id"], "Original words")
    forum.comment(other, thread["id"], "A reply that survives", mine["id"])
    sign_in(page, me, f"/t/{thread['id']}")

    item = comment_item(page, "Original words")
    item.locator(":scope > article").get_by_role("button", name="More actions on this comment").click()
    item.locator(":scope > article").get_by_role("menuitem", name="Edit").click()
    page.get_by_label("Edit comment").fill("Better words")
    page.get_by_role("button", name="Save").click()
    item = comment_item(page, "Better words")
    expect(item.locator(":scope > article .edited")).to_be_visible()

    item.locator(":scope > article").get_by_role("button", name="More actions on this comment").click()
    item.locator(":scope > article").get_by_role("menuitem", name="Delete").click()
    page.get_by_role("group", name="Confirm delete").get_by_role("button", name="Delete").click()
    expect(page.locator(".tombstone")).to_have_text("This comment was deleted.")
    page.reload()
    expect(page.locator("li.comment .tombstone")).to_have_count(1)
    expect(page.locator(".comment-body", has_text="A reply that survives")).to_be_visible()
    expect(page.locator(".comment-body", has_text="Better words")).to_have_count(0)
    assert watched(page).errors == []


def test_author_edits_and_deletes_own_thread_others_cannot(open_page, forum: Forum):
    author, reader = forum.member("author"), forum.member("reader")
    thread = forum.thread(author, "Draft title", "Draft body", ["drafts"])
    forum.comment(reader, thread["id"], "A comment that stays")

    other = open_page()
    sign_in(other, reader, f"/t/{thread['id']}")
    expect(other.get_by_role("heading", level=1, name="Draft title")).to_be_visible()
    other.get_by_role("button", name="More actions on this thread").click()
    expect(other.get_by_role("menuitem", name="Report")).to_be_visible()
    expect(other.get_by_role("menuitem", name="Edit thread")).to_have_count(0)

    page = open_page()
    sign_in(page, author, f"/t/{thread['id']}")
    page.get_by_role("button", name="More actions on this thread").click()
    page.get_by_role("menuitem", name="Edit thread").click()
    page.get_by_label("Title").fill("Final title")
    page.get_by_label("Body", exact=True).fill("Final *body*")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", level=1, name="Final title")).to_be_visible()
    expect(page.locator(".thread-body em")).to_have_text("body")
    expect(page.locator(".thread .edited")).to_be_visible()

    page.get_by_role("button", name="More actions on this thread").click()
    page.get_by_role("menuitem", name="Delete thread").click()
    page.get_by_role("group", name="Confirm delete").get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", level=1, name="Discussions")).to_be_visible()
    expect(page.get_by_role("link", name="Final title")).to_have_count(0)
    page.goto(f"/t/{thread['id']}")
    expect(page.locator(".thread .tombstone")).to_have_text("This thread was deleted.")
    expect(page.locator(".comment-body", has_text="A comment that stays")).to_be_visible()
