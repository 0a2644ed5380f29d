"""Web UI round two, second half (issue 18b): edit history, @mention autocomplete, blocking, notification
settings, grouped notifications and the suspension-lifted notice, in the browser."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from .conftest import Forum, Member, ready, sign_in
from .test_moderation import comment_item, moderator
from .test_round_two import suspend

TRIGGER_MS = 30_000  # notifications come from a trigger on the loaded machine


def wait_for_notifications(forum: Forum, member: Member, ready_when, what: str) -> dict:
    end = time.monotonic() + TRIGGER_MS / 1000
    while True:
        page = forum.call("GET", "/me/notifications", member)
        if ready_when(page):
            return page
        assert time.monotonic() < end, f"no {what}: {page}"
        time.sleep(0.3)


def test_edited_opens_the_earlier_versions_of_a_comment_and_a_thread(page: Page, forum: Forum):
    author, reader = forum.member("editor"), forum.member("reader")
    thread = forum.thread(author, title="Edited thread", body="Thread, first words")
    comment = forum.comment(author, thread["id"], "Comment, first **draft**")
    forum.call("PATCH", f"/threads/{thread['id']}/comments/{comment['id']}", author, {"body": "Comment, second draft"})
    forum.call("PATCH", f"/threads/{thread['id']}/comments/{comment['id']}", author, {"body": "Comment, final"})
    forum.call("PATCH", f"/threads/{thread['id']}", author, {"title": "Edited thread, renamed"})

    sign_in(page, reader, f"/t/{thread['id']}")
    item = comment_item(page, "Comment, final")
    expect(item).to_be_visible(timeout=30_000)  # the first thread page of a run waits on cold function runtimes
    edited = item.get_by_role("button", name="edited")
    expect(edited).to_have_attribute("aria-expanded", "false")
    edited.click()
    expect(edited).to_have_attribute("aria-expanded", "true")
    versions = item.get_by_role("region", name="Earlier versions of this comment").locator("li.version")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Version 2")
    expect(versions.nth(0)).to_contain_text("Comment, second draft")
    expect(versions.nth(1).locator("strong")).to_have_text("draft")  # the old rendering, sanitised
    edited.press("Enter")  # a disclosure: the keyboard closes it too
    expect(item.get_by_role("region", name="Earlier versions of this comment")).to_be_hidden()

    header = page.locator("article.thread header")
    header.get_by_role("button", name="edited").click()
    old = page.get_by_role("region", name="Earlier versions of this thread")
    expect(old.locator(".version-title")).to_have_text("Edited thread")
    expect(old).to_contain_text("Thread, first words")


def test_mention_autocomplete_is_a_keyboard_combobox_in_every_compose_box(page: Page, forum: Forum):
    writer, named = forum.member("writer"), forum.member("mentionee")
    thread = forum.thread(writer, title="Autocomplete thread")
    sign_in(page, writer, f"/t/{thread['id']}")
    box = page.get_by_label("Add to the discussion")
    expect(box).to_be_visible(timeout=30_000)
    expect(box).to_have_attribute("role", "combobox")
    box.fill("Thanks ")
    box.press_sequentially(f"@{named.handle[:-1]}", delay=20)
    listbox = page.get_by_role("listbox", name="People to mention")
    expect(listbox).to_be_visible()
    option = listbox.get_by_role("option", name=f"@{named.handle}")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    box.press("Enter")  # picks; does not post
    expect(box).to_have_value(f"Thanks @{named.handle} ")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press_sequentially(f"and @{named.handle[:-1]}", delay=20)
    expect(listbox).to_be_visible()
    box.press("Escape")  # closes the list, and nothing else (no "Discard draft?")
    expect(listbox).to_be_hidden()
    expect(page.get_by_role("group", name="Discard draft?")).to_have_count(0)
    expect(box).to_have_value(f"Thanks @{named.handle} and @{named.handle[:-1]}")

    # A reply box offers the same; Tab picks too.
    forum.comment(named, thread["id"], "A root to reply to")
    page.reload()
    ready(page)
    comment_item(page, "A root to reply to").get_by_role("button", name="Reply").click()
    reply = page.get_by_label(f"Reply to {named.display_name}")
    reply.press_sequentially(f"@{named.handle[:-1]}", delay=20)
    expect(page.get_by_role("listbox", name="People to mention").last).to_be_visible()
    reply.press("Tab")
    expect(reply).to_have_value(f"@{named.handle} ")


def test_a_blocked_members_posts_collapse_and_the_block_list_unblocks(page: Page, forum: Forum):
    reader, pest, other = forum.member("blocker"), forum.member("pest"), forum.member("other")
    thread = forum.thread(other, title="Block thread")
    forum.comment(pest, thread["id"], "Annoying words")
    forum.comment(other, thread["id"], "Kind words")

    sign_in(page, reader, f"/u/{pest.handle}")
    page.get_by_role("button", name="Block").click()
    expect(page.get_by_role("button", name="Unblock")).to_have_attribute("aria-pressed", "true")

    pests = forum.thread(pest, title="The pest's own thread")
    page.goto("/?sort=new")
    ready(page)
    folded = page.locator("li.thread-item.blocked")
    expect(folded.first).to_contain_text("Thread by a user you blocked —")
    expect(page.get_by_role("link", name="The pest's own thread")).to_have_count(0)
    folded.first.get_by_role("button", name="show").click()
    expect(page.get_by_role("link", name="The pest's own thread")).to_be_focused()

    page.goto(f"/t/{thread['id']}")
    ready(page)
    expect(page.get_by_text("Comment by a user you blocked —")).to_be_visible()
    expect(page.get_by_text("Annoying words")).to_have_count(0)
    expect(page.get_by_text("Kind words")).to_be_visible()
    page.get_by_role("button", name="show").click()
    expect(page.get_by_text("Annoying words")).to_be_visible()

    page.goto("/settings")
    ready(page)
    blocks = page.locator("section.settings-blocks")
    entry = blocks.locator("li", has_text=f"@{pest.handle}")
    expect(entry).to_be_visible()
    entry.get_by_role("button", name="Unblock").click()
    expect(entry).to_have_count(0)
    expect(blocks.get_by_text("You have blocked nobody.")).to_be_visible()
    assert forum.call("GET", "/me/blocks", reader)["items"] == []
    page.goto(f"/t/{thread['id']}")
    ready(page)
    expect(page.get_by_text("Annoying words")).to_be_visible()
    page.goto(f"/t/{pests['id']}")
    ready(page)
    expect(page.locator(".thread-body")).to_be_visible()


def test_notification_settings_switch_kinds_and_a_kind_turned_off_stays_quiet(page: Page, forum: Forum):
    member, commenter = forum.member("quiet"), forum.member("talker")
    sign_in(page, member, "/settings")
    comments = page.get_by_label("Comments on my threads (grouped while unread)")
    expect(comments).to_be_checked()
    comments.uncheck()
    expect(comments).to_be_enabled()
    page.reload()
    ready(page)
    expect(page.get_by_label("Comments on my threads (grouped while unread)")).not_to_be_checked()
    expect(page.get_by_label("Replies to my comments")).to_be_checked()
    assert forum.call("GET", "/me/settings", member) == {"notify": {"reply": True, "comment": False, "mention": True}}

    thread = forum.thread(member, title="Quiet thread")
    forum.comment(commenter, thread["id"], f"A comment, and @{member.handle}")
    found = wait_for_notifications(forum, member, lambda p: p["items"], "mention")
    assert [i["kind"] for i in found["items"]] == ["mention"]  # the comment is not heard, the mention is


def test_comments_while_unread_show_as_one_item_and_one_unread(page: Page, forum: Forum):
    author = forum.member("author")
    people = [forum.member(f"fan{n}") for n in range(3)]
    thread = forum.thread(author, title="Rendering markdown safely")
    first = forum.comment(people[0], thread["id"], "First!")
    for person in people[1:]:
        forum.comment(person, thread["id"], f"From {person.display_name}")
    wait_for_notifications(forum, author, lambda p: p["items"] and p["items"][0].get("count") == 3, "a run of 3")

    sign_in(page, author, "/notifications")
    ready(page)
    expect(page.locator(".bell-count")).to_have_text("1")
    items = page.locator(".notification")
    expect(items).to_have_count(1)
    link = items.first.get_by_role("link")
    expect(link).to_contain_text(f"{people[2].display_name} and 2 others commented on your thread")
    expect(link).to_contain_text("Rendering markdown safely")
    expect(link).to_have_attribute("href", re.compile(rf"#c-{first['id']}$"))  # the first unread comment
    link.click()
    expect(page.locator(f"#c-{first['id']}")).to_be_visible()
    expect(page.locator(".bell-count")).to_have_count(0)


def test_lifting_a_suspension_tells_the_member(page: Page, forum: Forum):
    member, mod = forum.member("lifted"), moderator(forum)
    suspend(forum, mod, member)
    forum.call("DELETE", f"/users/{member.handle}/suspension", mod)
    sign_in(page, member, "/notifications")
    ready(page)
    notice = page.locator(".notification", has_text="lifted your suspension")
    expect(notice).to_contain_text("Moderators lifted your suspension: you can post, comment and react again")
    expect(notice).to_have_class(re.compile("unread"))
