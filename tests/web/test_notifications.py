"""The bell, the notifications page, a notification opening its comment, and muting, in the browser."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from .conftest import Forum, Member, sign_in

DEADLINE = 30.0


def wait_for_notifications(forum: Forum, member: Member, count: int) -> list[dict]:
    """Poll the API until the triggers have written count notifications for member."""
    end = time.monotonic() + DEADLINE
    while True:
        items = forum.call("GET", "/me/notifications", member)["items"]
        if len(items) >= count:
            return items
        if time.monotonic() > end:
            pytest.fail(
                f"{count} notification(s) for {member.handle} not written within {DEADLINE}s; "
                f"the triggers' log:\n{trigger_log(forum.stack.logs())}"
            )
        time.sleep(0.1)


def trigger_log(logs: str) -> str:
    """What the emulators said about the triggers (a failed wait shows it)."""
    keep = ("notify_on", "firestore function", "Traceback", "Error", "rror:", "trigger")
    return "\n".join(line for line in logs.splitlines() if any(k in line for k in keep))[-10_000:]


def bell(page: Page):
    return page.locator("#account a.bell")


def navigate_until_bell_says(page: Page, label: str) -> None:
    """The bell updates when the member navigates: go home until it shows label (or the deadline passes)."""
    end = time.monotonic() + DEADLINE
    while True:
        page.locator("a.brand").click()
        try:
            expect(bell(page)).to_have_attribute("aria-label", label, timeout=2_000)
            return
        except AssertionError:
            if time.monotonic() > end:
                raise


def test_the_bell_counts_and_a_notification_opens_its_comment_highlighted(page: Page, forum: Forum):
    alice, bob = forum.member("alice"), forum.member("bob")
    thread = forum.thread(alice, title="Bell test")
    sign_in(page, alice)
    expect(bell(page)).to_have_attribute("aria-label", "Notifications")
    comment = forum.comment(bob, thread["id"], "Hello from **Bob**")
    wait_for_notifications(forum, alice, 1)

    navigate_until_bell_says(page, "Notifications (1 unread)")
    expect(bell(page).locator(".bell-count")).to_have_text("1")
    bell(page).click()
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    item = page.locator("li.notification.unread")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(f"{bob.display_name} commented on your thread Bell test")
    expect(item.locator(".excerpt")).to_have_text("Hello from Bob")

    item.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/t/{thread['id']}#c-{comment['id']}$"))
    expect(page.locator(f"#c-{comment['id']}")).to_have_class(re.compile(r"\bhighlight\b"))
    expect(bell(page)).to_have_attribute("aria-label", "Notifications")  # opening it marked it read
    assert forum.call("GET", "/me/notifications", alice)["unread"] == 0


def test_a_reply_beyond_the_previews_is_revealed_and_mark_all_read_clears_the_bell(page: Page, forum: Forum):
    alice, bob, carol = forum.member("alice"), forum.member("bob"), forum.member("carol")
    thread = forum.thread(alice, title="Many replies")
    root = forum.comment(alice, thread["id"], "Alice's root")
    replies = [
        forum.comment(bob if n % 2 else carol, thread["id"], f"reply number {n}", parent=root["id"]) for n in range(7)
    ]
    wait_for_notifications(forum, alice, 7)
    sign_in(page, alice, "/notifications")
    expect(page.locator("li.notification.unread")).to_have_count(7)
    expect(bell(page)).to_have_attribute("aria-label", "Notifications (7 unread)")

    last = page.locator("li.notification", has_text="reply number 6")
    expect(last).to_contain_text("replied to your comment on Many replies")
    last.get_by_role("link").click()
    target = page.locator(f"#c-{replies[-1]['id']}")
    expect(target).to_have_class(re.compile(r"\bhighlight\b"))  # loaded past the 5 reply previews
    expect(target).to_be_in_viewport()

    page.go_back()
    expect(page.locator("li.notification.unread")).to_have_count(6)
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator("li.notification.unread")).to_have_count(0)
    expect(page.get_by_role("button", name="Mark all as read")).to_be_disabled()
    expect(bell(page)).to_have_attribute("aria-label", "Notifications")
    assert forum.call("GET", "/me", alice)["unreadNotifications"] == 0


def test_the_mute_toggle_stops_notifications_from_a_thread(page: Page, forum: Forum):
    alice, bob = forum.member("alice"), forum.member("bob")
    thread = forum.thread(alice, title="Quiet please")
    sign_in(page, alice, f"/t/{thread['id']}")
    mute = page.get_by_role("button", name="Mute", exact=True)
    with page.expect_response(lambda r: r.url.endswith("/mute") and r.ok):
        mute.click()
    expect(page.get_by_role("button", name="Muted")).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.get_by_role("button", name="Muted")).to_have_attribute("aria-pressed", "true")

    carol = forum.member("carol")
    forum.comment(bob, thread["id"], f"Shh @{carol.handle}")
    wait_for_notifications(forum, carol, 1)  # written after Alice's would have been
    assert forum.call("GET", "/me/notifications", alice)["items"] == []


def test_the_notifications_page_asks_signed_out_readers_to_sign_in(page: Page):
    page.goto("/notifications")
    expect(page.get_by_role("heading", level=1, name="Notifications")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in").last).to_be_visible()
    expect(page.locator("#account a.bell")).to_have_count(0)
