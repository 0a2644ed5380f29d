"""Moderation in the browser: reporting with a reason, the moderators' queue and log, hiding, suspensions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from playwright.sync_api import Page, expect

from devstack.authemu import set_claims
from devstack.authemu import sign_in as auth_sign_in

from .conftest import Forum, Member, ready, sign_in


def moderator(forum: Forum) -> Member:
    """A member whose profile is made after the claim is set, so it carries the moderator role."""
    member = forum.member("mod", profile=False)
    set_claims(forum.stack.auth_url, forum.stack.project, member.user.uid, {"moderator": True})
    member.user = auth_sign_in(forum.stack.auth_url, member.user.email, member.user.password)
    forum.call("PUT", "/me", member, {"handle": member.handle, "displayName": member.display_name})
    return member


def comment_item(page: Page, text: str):
    return page.locator("li.comment", has=page.locator("article", has_text=text)).first


def test_reader_reports_a_comment_with_a_reason_and_moderators_see_it(page: Page, forum: Forum):
    author, writer, reader, mod = (
        forum.member("author"),
        forum.member("writer"),
        forum.member("reader"),
        moderator(forum),
    )
    thread = forum.thread(author, title="Reporting journey")
    comment = forum.comment(writer, thread["id"], "Cheap watches at example dot com")

    sign_in(page, reader, f"/t/{thread['id']}")
    item = comment_item(page, "Cheap watches")
    item.locator(":scope > article").get_by_role("button", name="More actions on this comment").click()
    item.get_by_role("menuitem", name="Report").click()
    page.get_by_label("Why are you reporting this comment?").select_option("spam")
    page.get_by_label("Anything moderators should know? (optional)").fill("a link farm")
    with page.expect_response(lambda r: r.url.endswith("/report") and r.status == 202):
        page.get_by_role("button", name="Send report").click()
    item.locator(":scope > article").get_by_role("button", name="More actions on this comment").click()
    expect(item.get_by_role("menuitem", name="Reported")).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Escape")  # the menu closes; what it covered is in reach again
    # The reader's email is not verified: the page says why the report waits and offers the email.
    waits = item.locator(".report-waits")
    expect(waits).to_contain_text("cannot hide the post until your email address is verified")
    with page.expect_response(lambda r: "sendOobCode" in r.url and r.status == 200):
        waits.get_by_role("button", name="Send me the verification email").click()
    expect(waits).to_contain_text("Sent: follow the link in it")

    queue = forum.call("GET", "/mod/queue", mod)["items"]
    entry = next(i for i in queue if i["id"] == f"comment~{thread['id']}~{comment['id']}")
    assert [(r["reason"], r["note"], r["reporter"]["handle"]) for r in entry["reports"]] == [
        ("spam", "a link farm", reader.handle)
    ]


def test_moderator_hides_from_the_queue_readers_see_the_placeholder_and_the_log_says_so(open_page, forum: Forum):
    author, writer, replier, reporter, mod = (
        forum.member("author"),
        forum.member("writer"),
        forum.member("replier"),
        forum.member("reporter"),
        moderator(forum),
    )
    thread = forum.thread(author, title="Queue journey")
    spam = forum.comment(writer, thread["id"], "Buy followers now")
    forum.comment(replier, thread["id"], "Please stop", spam["id"])
    forum.call(
        "POST", f"/threads/{thread['id']}/comments/{spam['id']}/report", reporter, {"reason": "spam"}, expect_status=202
    )

    page = open_page()
    sign_in(page, mod)
    page.get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", level=1, name="Moderation queue")).to_be_visible()
    entry = page.locator("li.queue-item", has_text="Buy followers now").first
    expect(entry.get_by_role("list", name="Reports")).to_contain_text(f"spam from @{reporter.handle}")
    entry.get_by_role("button", name="Hide").click()
    page.get_by_label("Why hide this comment?").select_option("spam")
    with page.expect_response(lambda r: "/mod/queue/" in r.url and r.ok):
        page.locator("form.reason-form").get_by_role("button", name="Hide").click()
    expect(page.locator("li.queue-item", has_text="Buy followers now").first).to_contain_text(
        "Now: hidden by moderators: spam"
    )

    page.get_by_role("link", name="Log").click()
    expect(page.get_by_role("list", name="Moderation actions").locator("li").first).to_contain_text(
        f"@{mod.handle} hid a comment in “Queue journey”: spam"
    )

    reader = open_page()
    reader.goto(f"/t/{thread['id']}")
    ready(reader)
    expect(reader.get_by_text("This was hidden by moderators: spam.")).to_be_visible()
    expect(reader.get_by_text("Buy followers now")).to_have_count(0)
    expect(reader.get_by_text("Please stop")).to_be_visible()

    # Its author still sees their text, and why it is hidden.
    own = open_page()
    sign_in(own, writer, f"/t/{thread['id']}")
    expect(own.get_by_text("Buy followers now")).to_be_visible()
    expect(
        own.get_by_text("Only its author and moderators see this: it was hidden by moderators: spam.")
    ).to_be_visible()


def test_thread_author_hides_and_restores_a_comment_on_their_thread(open_page, forum: Forum):
    author, writer, replier = forum.member("author"), forum.member("writer"), forum.member("replier")
    thread = forum.thread(author, title="Author hides")
    rant = forum.comment(writer, thread["id"], "An off-topic rant")
    forum.comment(replier, thread["id"], "Back to the topic", rant["id"])

    page = open_page()
    sign_in(page, author, f"/t/{thread['id']}")
    item = comment_item(page, "An off-topic rant")
    item.locator(":scope > article").get_by_role("button", name="More actions on this comment").click()
    item.locator(":scope > article").get_by_role("menuitem", name="Hide").click()
    page.get_by_label("Why hide this comment?").select_option("off_topic")
    with page.expect_response(lambda r: r.url.endswith("/hidden") and r.ok):
        page.locator("form.reason-form").get_by_role("button", name="Hide").click()
    expect(page.get_by_text("This was hidden by the thread's author: off topic.")).to_be_visible()
    expect(page.get_by_role("heading", name="Comments (1)")).to_be_visible()

    reader = open_page()
    reader.goto(f"/t/{thread['id']}")
    ready(reader)
    expect(reader.get_by_text("This was hidden by the thread's author: off topic.")).to_be_visible()
    expect(reader.get_by_text("An off-topic rant")).to_have_count(0)

    with page.expect_response(lambda r: r.url.endswith("/hidden") and r.ok):
        page.get_by_role("button", name="Restore").click()
    expect(page.get_by_text("An off-topic rant")).to_be_visible()


def test_suspended_member_sees_the_notice_instead_of_the_compose_box_and_on_their_profile(page: Page, forum: Forum):
    author, member, mod = forum.member("author"), forum.member("member"), moderator(forum)
    thread = forum.thread(author, title="Suspension notice")
    until = (datetime.now(timezone.utc) + timedelta(days=2)).isoformat().replace("+00:00", "Z")
    forum.call("PUT", f"/users/{member.handle}/suspension", mod, {"reason": "flame wars", "until": until})

    sign_in(page, member, f"/t/{thread['id']}")
    expect(page.locator("p.suspension")).to_contain_text("Your account is suspended until")
    expect(page.locator("p.suspension")).to_contain_text("flame wars")
    expect(page.get_by_label("Add to the discussion")).to_have_count(0)
    page.goto(f"/u/{member.handle}")
    expect(page.locator("p.suspension")).to_contain_text("Suspended until")
    page.goto("/notifications")
    expect(page.get_by_role("link", name="Moderators suspended your account until")).to_be_visible()
