"""Web UI round two (issue 18): the newcomer's bugs 1-8, drafts, quote-reply, forgot password, and
the rough edges (one action row with a "⋯" menu, moderator context, countdown, initials, drawn reactions)."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import requests
from playwright.sync_api import Page, expect

from devstack.authemu import API_KEY, verify_email
from devstack.authemu import sign_in as auth_sign_in

from .conftest import Forum, Member, ready, sign_in, watched
from .test_moderation import comment_item, moderator

ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def suspend(forum: Forum, mod: Member, member: Member, days: float = 2, reason: str = "flame wars") -> None:
    until = (datetime.now(timezone.utc) + timedelta(days=days)).isoformat().replace("+00:00", "Z")
    forum.call("PUT", f"/users/{member.handle}/suspension", mod, {"reason": reason, "until": until})


def open_menu(scope, name: str):
    """Open a post's "⋯" menu (by its label) and return it."""
    scope.get_by_role("button", name=name).click()
    menu = scope.get_by_role("menu", name=name)
    expect(menu).to_be_visible()
    return menu


def comment_menu(item):
    return open_menu(item.locator(":scope > article"), "More actions on this comment")


# --- bugs 1-8 ----------------------------------------------------------------------------------


def test_moderation_notices_have_no_null_line_and_say_the_suspensions_end_as_a_date(page: Page, forum: Forum):
    author, member, mod = forum.member("author"), forum.member("member"), moderator(forum)
    thread = forum.thread(author, title="Notices thread")
    comment = forum.comment(member, thread["id"], "Something rude")
    forum.call("PUT", f"/threads/{thread['id']}/comments/{comment['id']}/hidden", mod, {"reason": "abuse"})
    suspend(forum, mod, member)

    sign_in(page, member, "/")
    page.goto("/notifications")
    ready(page)
    items = page.locator(".notification")
    expect(items).to_have_count(2)
    for text in items.all_inner_texts():
        assert "null" not in text.split(), text
        assert not ISO_TIME.search(text), text
    suspension = page.locator(".notification", has_text="suspended your account")
    year = str(datetime.now(timezone.utc).year)
    expect(suspension.locator("time").first).to_contain_text(re.compile(r"\d{4}"))
    assert "flame wars" in suspension.inner_text() and (
        year in suspension.inner_text() or str(int(year) + 1) in suspension.inner_text()
    )


def test_report_form_opens_as_a_block_under_the_action_row_not_inside_it(page: Page, forum: Forum):
    author, writer, reader = forum.member("author"), forum.member("writer"), forum.member("reader")
    thread = forum.thread(author, title="Report layout")
    forum.comment(writer, thread["id"], "Reportable words")
    sign_in(page, reader, f"/t/{thread['id']}")
    item = comment_item(page, "Reportable words")
    row = item.locator(":scope > article > .comment-actions")
    before = row.bounding_box()
    comment_menu(item).get_by_role("menuitem", name="Report").click()
    form = item.locator("form.reason-form")
    expect(form).to_be_visible()
    expect(row.locator("form")).to_have_count(0)
    after = row.bounding_box()
    assert abs(after["height"] - before["height"]) < 2  # the row is not stretched by the form
    assert form.bounding_box()["y"] >= after["y"] + after["height"] - 1  # the form is below the row
    expect(page.get_by_label("Why are you reporting this comment?")).to_be_focused()
    page.get_by_role("button", name="Cancel").click()
    expect(form).to_have_count(0)
    expect(item.get_by_role("button", name="More actions on this comment")).to_be_focused()


def test_suspension_is_said_with_its_end_date_not_in_24_hours(open_page, forum: Forum):
    member, mod = forum.member("member"), moderator(forum)
    suspend(forum, mod, member, days=1)
    stranger = open_page()
    stranger.goto(f"/u/{member.handle}")
    ready(stranger)
    expect(stranger.get_by_role("heading", name=member.display_name)).to_be_visible()
    expect(stranger.locator("p.suspension")).to_have_count(0)  # a suspension is the member's and moderators' business
    page = open_page()
    sign_in(page, mod, f"/u/{member.handle}")
    notice = page.locator("p.suspension")
    expect(notice).to_contain_text("Suspended until")
    expect(notice).not_to_contain_text("until in ")
    expect(notice.locator("time")).to_have_text(re.compile(r"\d{4}"))

    own = open_page()
    sign_in(own, member, "/new")
    expect(own.locator("p.suspension")).to_contain_text("Your account is suspended until")
    expect(own.locator("p.suspension")).not_to_contain_text("until in ")

    sign_in(open_page(), mod, "/")
    log = open_page()
    sign_in(log, mod, "/mod/log")
    entry = log.locator(".log-entry", has_text=f"@{member.handle}").first
    expect(entry).to_contain_text("until")
    expect(entry).not_to_contain_text("until in ")


def test_skip_link_moves_the_focus_to_the_content_and_leaves_the_url_alone(page: Page, forum: Forum):
    page.goto("/")
    ready(page)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("location.pathname + location.search + location.hash") == "/"


def test_a_deleted_thread_offers_no_comment_box_and_no_reply_buttons(page: Page, forum: Forum):
    author, reader = forum.member("author"), forum.member("reader")
    thread = forum.thread(author, title="Soon deleted")
    forum.comment(reader, thread["id"], "A comment that stays readable")
    forum.call("DELETE", f"/threads/{thread['id']}", author)
    sign_in(page, reader, f"/t/{thread['id']}")
    expect(page.get_by_text("This thread was deleted.", exact=True)).to_be_visible()
    expect(page.get_by_text("A comment that stays readable")).to_be_visible()
    expect(page.get_by_text("This thread was deleted: it takes no new comments.")).to_be_visible()
    expect(page.get_by_label("Add to the discussion")).to_have_count(0)
    expect(page.get_by_role("button", name="Reply")).to_have_count(0)


def test_errors_say_the_real_reason_beside_the_field(open_page, forum: Forum):
    member, target, mod = forum.member("member"), forum.member("target"), moderator(forum)
    page = open_page()
    sign_in(page, member, "/settings")
    name = page.get_by_label("Display name")
    name.fill("Eve \u202egnp.exe")
    page.get_by_role("button", name="Save profile").click()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_contain_text("text-direction")
    assert forum.call("GET", f"/users/{member.handle}")["displayName"] == member.display_name

    page.goto("/")
    ready(page)
    page.get_by_label("Filter by tag").fill("C++")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_label("Filter by tag")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_contain_text("“c++” is not a tag")
    page.goto("/?tag=c%2B%2B")  # arriving at such a filter says the same, beside the field
    ready(page)
    expect(page.locator(".field-error")).to_contain_text("“c++” is not a tag")
    expect(page.get_by_text("Something in the form needs a change.")).to_have_count(0)

    mod_page = open_page()
    sign_in(mod_page, mod, f"/u/{target.handle}")
    mod_page.get_by_text("Suspend…").click()
    mod_page.get_by_label("Days").fill("0")
    mod_page.get_by_role("button", name="Suspend", exact=True).click()
    expect(mod_page.get_by_label("Reason for the suspension")).to_have_attribute("aria-invalid", "true")
    expect(mod_page.get_by_label("Days")).to_have_attribute("aria-invalid", "true")
    expect(mod_page.get_by_text("Something in the form needs a change.")).to_have_count(0)
    assert (
        "suspension" not in forum.call("GET", f"/users/{target.handle}")
        or forum.call("GET", f"/users/{target.handle}")["suspension"] is None
    )


def test_a_suspended_member_sees_disabled_reactions(page: Page, forum: Forum):
    author, member, mod = forum.member("author"), forum.member("member"), moderator(forum)
    thread = forum.thread(author, title="No reacting")
    forum.comment(author, thread["id"], "A comment to like")
    suspend(forum, mod, member)
    sign_in(page, member, f"/t/{thread['id']}")
    bar = page.get_by_role("group", name="Reactions to this thread")
    expect(bar.get_by_role("button", name="Like: 0")).to_be_disabled()
    expect(comment_item(page, "A comment to like").get_by_role("button", name="Like: 0")).to_be_disabled()
    expect(page.get_by_role("button", name="Reply")).to_have_count(0)
    assert not [t for t in page.locator("#announcer").all_inner_texts() if "error 403" in t]


def test_a_profile_lists_as_many_comments_as_it_counts_with_one_on_a_deleted_thread(page: Page, forum: Forum):
    author, member = forum.member("author"), forum.member("member")
    kept, gone = forum.thread(author, title="Still here"), forum.thread(author, title="Deleted later")
    forum.comment(member, kept["id"], "On a live thread")
    forum.comment(member, gone["id"], "On a thread that goes")
    forum.call("DELETE", f"/threads/{gone['id']}", author)
    page.goto(f"/u/{member.handle}?tab=comments")
    ready(page)
    expect(page.get_by_role("link", name="2 comments")).to_be_visible()
    items = page.get_by_role("list", name=f"Comments by @{member.handle}").locator(":scope > li")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("a deleted thread")


# --- drafts ----------------------------------------------------------------------------------------


def test_reply_and_comment_drafts_survive_escape_navigation_and_reload_and_clear_on_post(page: Page, forum: Forum):
    author, member = forum.member("author"), forum.member("member")
    thread = forum.thread(author, title="Drafts thread")
    forum.comment(author, thread["id"], "Reply to me")
    sign_in(page, member, f"/t/{thread['id']}")
    item = comment_item(page, "Reply to me")
    item.get_by_role("button", name="Reply").click()
    box = page.get_by_label(f"Reply to {author.display_name}")
    box.fill("Half a thought")

    box.press("Escape")  # text in the box: asks first
    confirm = page.get_by_role("group", name="Discard draft?")
    expect(confirm).to_be_visible()
    confirm.get_by_role("button", name="Keep writing").click()
    expect(box).to_be_focused()
    expect(box).to_have_value("Half a thought")

    page.get_by_label("Add to the discussion").fill("A root comment in progress")
    page.locator("#account").get_by_role("link", name="New thread").click()  # away, inside the app
    expect(page.get_by_role("heading", name="Start a discussion")).to_be_visible()
    page.go_back()
    expect(page.get_by_label(f"Reply to {author.display_name}")).to_have_value("Half a thought")
    expect(page.get_by_label("Add to the discussion")).to_have_value("A root comment in progress")

    page.reload()  # the browser asks first (accepted here), and the drafts are where they were
    ready(page)
    assert watched(page).leaving == 1
    expect(page.get_by_label(f"Reply to {author.display_name}")).to_have_value("Half a thought")
    with page.expect_response(lambda r: r.url.endswith("/comments") and r.request.method == "POST" and r.ok):
        page.get_by_role("button", name="Reply", exact=True).last.click()
    expect(page.get_by_label(f"Reply to {author.display_name}")).to_have_count(0)
    page.reload()
    ready(page)
    expect(page.get_by_text("Half a thought")).to_be_visible()  # posted, once
    expect(page.get_by_label(f"Reply to {author.display_name}")).to_have_count(0)  # and no draft left

    # Escape, then Discard, throws it away for good.
    page.get_by_label("Add to the discussion").press("Escape")
    page.get_by_role("group", name="Discard draft?").get_by_role("button", name="Discard").click()
    expect(page.get_by_label("Add to the discussion")).to_have_value("")
    page.reload()
    ready(page)
    expect(page.get_by_label("Add to the discussion")).to_have_value("")


def test_leaving_the_site_with_an_unposted_box_asks_first(page: Page, forum: Forum):
    author = forum.member("author")
    thread = forum.thread(author, title="Leaving thread")
    sign_in(page, author, f"/t/{thread['id']}")
    box = page.get_by_label("Add to the discussion")
    box.fill("not posted yet")
    page.reload()  # the browser's own "Leave site?" (accepted by the fixture)
    ready(page)
    assert watched(page).leaving == 1
    expect(box).to_have_value("not posted yet")
    box.fill("")
    page.locator("#account").get_by_role("link", name="New thread").click()  # inside the app: no question
    expect(page.get_by_role("heading", name="Start a discussion")).to_be_visible()
    page.reload()
    ready(page)
    assert watched(page).leaving == 1  # nothing unposted: nothing asked


def test_drafts_work_in_memory_when_storage_is_denied(browser, stack, forum: Forum):
    author = forum.member("author")
    thread = forum.thread(author, title="No storage thread")
    context = browser.new_context(base_url=stack.hosting_url)
    # Storage denied (as a browser blocking site data does): every use of localStorage throws.
    context.add_init_script("""(() => {
      const deny = () => { throw new DOMException('The operation is insecure.', 'SecurityError'); };
      for (const name of ['getItem', 'setItem', 'removeItem', 'key']) Storage.prototype[name] = deny;
    })();""")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # Signed in through the API's token in memory is not possible without storage: sign in
        # through the form (Firebase falls back to memory persistence).
        sign_in(page, author, f"/t/{thread['id']}")
        page.get_by_label("Add to the discussion").fill("kept in memory")
        page.locator("#account").get_by_role("link", name="New thread").click()
        expect(page.get_by_role("heading", name="Start a discussion")).to_be_visible()
        page.go_back()
        expect(page.get_by_label("Add to the discussion")).to_have_value("kept in memory")
        assert not errors, errors
    finally:
        context.close()


def test_a_new_thread_draft_is_kept_until_it_is_published(page: Page, forum: Forum):
    author = forum.member("author")
    sign_in(page, author, "/new")
    page.get_by_label("Title").fill("Draft title")
    page.get_by_label("Body", exact=True).fill("Draft body")
    page.get_by_role("link", name="Cancel").click()
    page.locator("#account").get_by_role("link", name="New thread").click()
    expect(page.get_by_label("Title")).to_have_value("Draft title")
    expect(page.get_by_label("Body", exact=True)).to_have_value("Draft body")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", name="Draft title")).to_be_visible()
    page.locator("#account").get_by_role("link", name="New thread").click()
    expect(page.get_by_label("Title")).to_have_value("")


# --- quote-reply -----------------------------------------------------------------------------------

SELECT = """(text) => {
  const body = [...document.querySelectorAll('.comment-body')].find((b) => b.textContent.includes(text));
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  let node; while ((node = walker.nextNode()) && !node.data.includes(text)) {}
  const range = document.createRange();
  const at = node.data.indexOf(text);
  range.setStart(node, at); range.setEnd(node, at + text.length);
  const selection = document.getSelection(); selection.removeAllRanges(); selection.addRange(range);
}"""


def test_quote_puts_the_selected_text_with_its_author_into_the_reply_box(page: Page, forum: Forum):
    author, member = forum.member("author"), forum.member("member")
    thread = forum.thread(author, title="Quoting thread")
    forum.comment(author, thread["id"], "First sentence here. The part worth quoting is this one.")
    sign_in(page, member, f"/t/{thread['id']}")
    item = comment_item(page, "First sentence")
    expect(item).to_be_visible()
    quote = item.get_by_role("button", name="Quote the selected text in a reply")
    expect(quote).to_be_hidden()
    page.evaluate(SELECT, "The part worth quoting")
    expect(quote).to_be_visible()
    quote.click()
    box = page.get_by_label(f"Reply to {author.display_name}")
    expect(box).to_be_focused()
    expect(box).to_have_value(f"@{author.handle} wrote:\n> The part worth quoting\n\n")

    # From the menu with nothing selected (the keyboard's way): the whole comment.
    page.evaluate("document.getSelection().removeAllRanges()")
    box.fill("")
    comment_menu(item).get_by_role("menuitem", name="Quote").click()
    expect(box).to_have_value(
        f"@{author.handle} wrote:\n> First sentence here. The part worth quoting is this one.\n\n"
    )


# --- forgot password -------------------------------------------------------------------------------


def test_forgot_password_sends_a_reset_link_that_sets_a_new_password(page: Page, forum: Forum):
    member = forum.member("forgetful")
    page.goto("/signin")
    ready(page)
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_role("button", name="Forgot your password?").click()
    reset = page.locator("form.reset-form")
    expect(reset.get_by_label("Email")).to_have_value(member.user.email)
    reset.get_by_role("button", name="Send the link").click()
    expect(page.locator(".forgot-password .notice")).to_contain_text(f"If {member.user.email} belongs to an account")

    codes = requests.get(
        f"{forum.stack.auth_url}/emulator/v1/projects/{forum.stack.project}/oobCodes", timeout=30
    ).json()
    mine = [
        c for c in codes.get("oobCodes", []) if c["email"] == member.user.email and c["requestType"] == "PASSWORD_RESET"
    ]
    assert mine, codes
    response = requests.post(
        f"{forum.stack.auth_url}/identitytoolkit.googleapis.com/v1/accounts:resetPassword?key={API_KEY}",
        json={"oobCode": mine[-1]["oobCode"], "newPassword": "a-new-password"},
        timeout=30,
    )
    assert response.ok, response.text
    assert auth_sign_in(forum.stack.auth_url, member.user.email, "a-new-password").uid == member.user.uid

    # An address with no account gets the same words (the form tells nobody who is a member).
    page.get_by_label("Email").first.fill("nobody-here@example.com")
    reset.get_by_label("Email").fill("nobody-here@example.com")
    reset.get_by_role("button", name="Send the link").click()
    expect(page.locator(".forgot-password .notice")).to_contain_text("If nobody-here@example.com belongs to an account")
    expect(reset.locator(".field-error, .form-error")).to_have_count(0)


# --- rough edges -----------------------------------------------------------------------------------


def test_one_action_row_with_a_keyboard_menu_and_no_hide_on_ones_own_comment(page: Page, forum: Forum):
    mod, writer = moderator(forum), forum.member("writer")
    thread = forum.thread(writer, title="Action row")
    forum.comment(mod, thread["id"], "The moderator's own comment")
    forum.comment(writer, thread["id"], "The author's own comment")
    sign_in(page, mod, f"/t/{thread['id']}")
    footer = page.locator("footer.thread-actions")
    box = footer.bounding_box()
    assert box is not None
    assert box["height"] < 60, box  # one line at 1100 px, for a moderator too
    # Plain buttons for the reader's own toggles, the rest in the menu.
    expect(footer.get_by_role("button", name="Bookmark")).to_be_visible()
    toggle = footer.get_by_role("button", name="More actions on this thread")
    toggle.focus()
    page.keyboard.press("ArrowDown")
    menu = footer.get_by_role("menu", name="More actions on this thread")
    expect(menu).to_be_visible()
    names = [n.strip() for n in menu.get_by_role("menuitem").all_inner_texts()]
    assert names == ["Edit thread", "Delete thread", "Report", "Lock", "Pin", "Hide"], names
    expect(menu.get_by_role("menuitem", name="Edit thread")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem", name="Delete thread")).to_be_focused()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")  # wraps round to the last
    expect(menu.get_by_role("menuitem", name="Hide")).to_be_focused()
    page.keyboard.press("Home")
    expect(menu.get_by_role("menuitem", name="Edit thread")).to_be_focused()
    page.keyboard.press("End")
    expect(menu.get_by_role("menuitem", name="Hide")).to_be_focused()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(toggle).to_be_focused()

    own = comment_menu(comment_item(page, "The moderator's own comment"))
    names = [n.strip() for n in own.get_by_role("menuitem").all_inner_texts()]
    assert "Hide" not in names and "Edit" in names and "Delete" in names, names
    page.keyboard.press("Escape")
    others = comment_menu(comment_item(page, "The author's own comment"))
    assert "Hide" in [n.strip() for n in others.get_by_role("menuitem").all_inner_texts()]


def test_thread_author_sees_no_hide_on_their_own_comment(page: Page, forum: Forum):
    author, other = forum.member("author"), forum.member("other")
    thread = forum.thread(author, title="Own comments")
    forum.comment(author, thread["id"], "Mine on my thread")
    forum.comment(other, thread["id"], "Someone else's")
    sign_in(page, author, f"/t/{thread['id']}")
    mine = [
        n.strip()
        for n in comment_menu(comment_item(page, "Mine on my thread")).get_by_role("menuitem").all_inner_texts()
    ]
    assert "Hide" not in mine and "Edit" in mine, mine
    page.keyboard.press("Escape")
    theirs = [
        n.strip() for n in comment_menu(comment_item(page, "Someone else's")).get_by_role("menuitem").all_inner_texts()
    ]
    assert "Hide" in theirs, theirs


def test_the_comment_row_keeps_to_one_line_at_360_px(open_page, forum: Forum):
    author, member = forum.member("author"), forum.member("member")
    thread = forum.thread(author, title="Phone row")
    root = forum.comment(author, thread["id"], "Root")
    reply = forum.comment(member, thread["id"], "Reply", root["id"])
    deep = forum.comment(author, thread["id"], "Deeper", reply["id"])
    forum.call("PUT", f"/threads/{thread['id']}/comments/{deep['id']}/reactions/like", member)
    page = open_page()
    page.set_viewport_size({"width": 360, "height": 800})
    sign_in(page, member, f"/t/{thread['id']}")
    for text in ("Root", "Deeper"):
        row = comment_item(page, text).locator(":scope > article > .comment-actions")
        heights = row.evaluate("""(r) => [r.getBoundingClientRect().height, ...[...r.children]
          .filter((c) => c.getBoundingClientRect().height > 0).map((c) => c.getBoundingClientRect().top)]""")
        height, tops = heights[0], heights[1:]
        assert height < 56, (text, heights)  # one row of 44 px targets
        assert max(tops) - min(tops) < 10, (text, heights)


def test_moderators_see_thread_names_in_the_log_and_queue_and_a_pending_count(page: Page, forum: Forum):
    author, writer, reporter, mod = (
        forum.member("author"),
        forum.member("writer"),
        forum.member("reporter"),
        moderator(forum),
    )
    thread = forum.thread(author, title="Context for moderators")
    comment = forum.comment(writer, thread["id"], "A reported remark")
    forum.call(
        "POST",
        f"/threads/{thread['id']}/comments/{comment['id']}/report",
        reporter,
        {"reason": "spam"},
        expect_status=202,
    )
    forum.call("PATCH", f"/threads/{thread['id']}", mod, {"locked": True})
    pending = forum.call("GET", "/me", mod)["pendingModeration"]
    assert pending >= 1

    sign_in(page, mod, "/mod/queue")
    link = page.locator("#account").get_by_role("link", name=re.compile(r"^Moderation \((\d+|more than 99) waiting\)$"))
    expect(link).to_have_count(1)
    entry = page.locator("li.queue-item", has_text="A reported remark").first
    expect(entry).to_contain_text("In “Context for moderators”")
    page.goto("/mod/log")
    expect(page.locator(".log-entry", has_text="locked").first).to_contain_text(
        f"@{mod.handle} locked the thread “Context for moderators”"
    )
    assert "pendingModeration" not in forum.call("GET", "/me", author)


def test_hidden_by_readers_reports_is_said_once(page: Page, forum: Forum):
    author, writer = forum.member("author"), forum.member("writer")
    thread = forum.thread(author, title="Flagged by readers")
    comment = forum.comment(writer, thread["id"], "Flag me")
    forum.comment(author, thread["id"], "A reply keeps its placeholder in the list", comment["id"])
    for n in range(3):  # HEARTH_AUTO_HIDE_REPORTS distinct reporters, verified (only they count), hide it
        reporter = forum.member(f"r{n}")
        verify_email(forum.stack.auth_url, forum.stack.project, reporter.user.uid)
        reporter.user = auth_sign_in(forum.stack.auth_url, reporter.user.email, reporter.user.password)
        forum.call(
            "POST",
            f"/threads/{thread['id']}/comments/{comment['id']}/report",
            reporter,
            {"reason": "spam"},
            expect_status=202,
        )

    # The auto-hide is the report trigger's work: wait until the API hides the comment from readers.
    def status() -> str:
        items = forum.call("GET", f"/threads/{thread['id']}/comments")["items"]
        return next(c["status"] for c in items if c["id"] == comment["id"])

    deadline = time.time() + 90
    while status() != "hidden":
        assert time.time() < deadline, "the reports did not hide the comment"
        time.sleep(1)
    page.goto(f"/t/{thread['id']}")
    ready(page)
    placeholder = page.locator(".hidden-placeholder")
    expect(placeholder).to_have_text("This was hidden after several readers reported it.")


def test_the_rate_limit_sentence_counts_down_with_the_button(page: Page, forum: Forum):
    host, chatty = forum.member("host"), forum.member("chatty")
    thread = forum.thread(host, "Countdown thread")
    for n in range(5):
        forum.comment(chatty, thread["id"], f"comment {n}")
    sign_in(page, chatty, f"/t/{thread['id']}")
    page.get_by_label("Add to the discussion").fill("one too many")
    page.get_by_role("button", name="Comment", exact=True).click()
    error = page.locator(".comment-form .form-error")
    expect(error).to_have_text(re.compile(r"^Slow down a little: try again in \d+ seconds?\.$"))
    first = _number(r"\d+", error.inner_text())
    button_first = _number(r"\((\d+)s\)", page.locator(".comment-form [type=submit]").inner_text(), 1)
    time.sleep(2.5)
    later = _number(r"\d+", error.inner_text())
    assert first - later >= 2, (first, later)
    button_later = _number(r"\((\d+)s\)", page.locator(".comment-form [type=submit]").inner_text(), 1)
    assert later == button_later and button_first - button_later >= 2


def test_initials_come_from_the_first_two_words(page: Page, forum: Forum):
    member = forum.member("load")
    forum.call("PUT", "/me", member, {"handle": member.handle, "displayName": "Load User 14", "bio": ""})
    page.goto(f"/u/{member.handle}")
    ready(page)
    expect(page.locator(".profile .avatar")).to_have_attribute("data-initials", "LU")


def test_reactions_are_drawn_as_svg_without_emoji(page: Page, forum: Forum):
    author = forum.member("author")
    thread = forum.thread(author, title="Drawn reactions")
    page.goto(f"/t/{thread['id']}")
    ready(page)
    bar = page.get_by_role("group", name="Reactions to this thread")
    expect(bar.locator("button.reaction svg.reaction-icon")).to_have_count(5)
    text = bar.evaluate("(b) => [...b.querySelectorAll('.emoji')].map((e) => e.textContent).join('')")
    assert text == "", text
    assert not re.search(r"[\U0001F300-\U0001FAFF\u2764]", bar.inner_text())


def _number(pattern: str, text: str, group: int = 0) -> int:
    """The number pattern finds in text (its group); the test fails if it finds none."""
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return int(found.group(group))
