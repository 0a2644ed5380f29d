"""Errors are shown where they happen: the failing field, the rate limit's wait, a network failure."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import Forum, sign_in, watched


def test_taken_handle_is_reported_on_the_handle_field(page: Page, forum: Forum):
    taken, me = forum.member("taken"), forum.member("chooser")
    sign_in(page, me, "/settings")
    handle = page.get_by_label("Handle")
    handle.fill(taken.handle)
    page.get_by_role("button", name="Save profile").click()
    expect(handle).to_have_attribute("aria-invalid", "true")
    error = page.locator("#handle-error")
    expect(error).to_have_text("That handle is taken. Try another.")
    expect(handle).to_have_attribute("aria-describedby", re.compile(r"^handle-error\b"))


def test_invalid_thread_shows_field_error_and_rate_limit_shows_the_wait(page: Page, forum: Forum):
    author, chatty = forum.member("host"), forum.member("chatty")
    thread = forum.thread(author, "Busy thread")
    for n in range(5):
        forum.comment(chatty, thread["id"], f"comment {n}")

    sign_in(page, chatty, "/new")
    page.get_by_label("Title").fill("Bad tags")
    page.get_by_label("Body", exact=True).fill("body")
    page.get_by_label("Tags").fill("Not_OK!")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_label("Tags")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_contain_text("cannot be a tag")

    page.goto(f"/t/{thread['id']}")
    page.get_by_label("Add to the discussion").fill("one too many")
    page.get_by_role("button", name="Comment", exact=True).click()
    error = page.locator(".comment-form .form-error")
    expect(error).to_contain_text("Slow down")
    expect(error).to_contain_text("try again in")
    expect(page.locator(".comment-form [type=submit]")).to_be_disabled()
    forum.folded(f"/threads/{thread['id']}", "commentCount", 5)  # the sixth was refused: five, once folded


def test_network_failure_offers_a_retry(page: Page, forum: Forum):
    author = forum.member("flaky")
    thread = forum.thread(author, "Flaky network thread")
    forum.comment(author, thread["id"], "Loaded after retry")
    failing = {"on": True}

    def route(r):
        if failing["on"]:
            r.abort("internetdisconnected")
        else:
            r.continue_()

    page.route("**/api/threads/*/comments*", route)
    page.goto(f"/t/{thread['id']}")
    alert = page.locator(".comments .error")
    expect(alert).to_contain_text("Could not reach Hearth")
    failing["on"] = False
    alert.get_by_role("button", name="Try again").click()
    expect(page.locator(".comment-body", has_text="Loaded after retry")).to_be_visible()


def test_google_sign_in_uses_the_auth_emulators_fake_google_account(page: Page, forum: Forum):
    email = f"google-{id(page)}@example.com"
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Continue with Google (emulator test account)").click()
    # A first Google sign-in makes the account and its profile (a generated handle): more round
    # trips than a sign-in, which took over the default 5 s once in a full run.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=15_000)
    handle = page.get_by_role("link", name="@", exact=False).first
    expect(handle).to_have_text(re.compile(r"^@user_"))  # a generated handle, never the email
    first = handle.inner_text()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/signin")
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Continue with Google (emulator test account)").click()
    expect(page.get_by_role("link", name=first)).to_be_visible()  # the same account again
    assert watched(page).errors == [] and watched(page).csp == []
