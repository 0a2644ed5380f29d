"""What a newcomer sees (issue 11): exact previews, readable posts, clear errors, a thread you can follow,
a phone-sized page that works, and screenshots of the thread page kept as test artifacts."""

from __future__ import annotations

import re
import time
from typing import Literal

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import RESULTS, Forum, ready, sign_in, watched

RICH = """Some *prose* before the code.

```python
def greet(name):
    return f"hello {name}"  # a comment
```

| tool | port |
|:-----|-----:|
| Firestore | 8080 |
| Auth | 9099 |

> A quoted line.

- first item
- second item
"""


def comment_li(page: Page, comment: dict):
    return page.locator(f"#c-{comment['id']}")


# --- 1. the preview is the post ---------------------------------------------------------------


def test_preview_is_rendered_by_the_server_and_matches_the_published_thread(page: Page, forum: Forum):
    member = forum.member("previewer")
    sign_in(page, member, "/new")
    page.get_by_label("Title").fill("Preview equals post")
    page.get_by_label("Body", exact=True).fill(RICH)
    with page.expect_response(lambda r: r.url.endswith("/api/render") and r.ok):
        page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview").locator(".markdown")
    expect(preview.locator("table td").first).to_have_text("Firestore")  # a table, not raw pipes
    expect(preview.locator("code.language-python .tok-k").first).to_have_text("def")
    preview_html = preview.inner_html()

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1, name="Preview equals post")).to_be_visible()
    assert page.locator(".thread-body").inner_html() == preview_html
    assert watched(page).csp == [] and watched(page).errors == []


# --- 2. posts look finished -------------------------------------------------------------------


def test_tables_quotes_lists_and_highlighted_code_are_styled_in_light_and_dark(browser: Browser, stack, forum: Forum):
    author = forum.member("styler")
    thread = forum.thread(author, "Styled post", RICH)
    keyword_colours = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(base_url=stack.hosting_url, color_scheme=scheme)
        page = context.new_page()
        page.goto(f"/t/{thread['id']}")
        body = page.locator(".thread-body")
        expect(body.locator("table")).to_be_visible()
        style = lambda selector, prop, body=body: body.locator(selector).first.evaluate(  # noqa: E731
            "(el, prop) => getComputedStyle(el)[prop]", prop
        )
        assert style("td", "borderTopWidth") == "1px" and style("td", "borderTopStyle") == "solid"
        assert style("td.align-right", "textAlign") == "right"
        assert style("blockquote", "borderLeftWidth") == "4px"
        assert style("ul", "listStyleType") == "disc"
        keyword = style(".tok-k", "color")
        assert keyword != style("pre", "color"), "keywords are coloured"
        keyword_colours[scheme] = keyword
        context.close()
    assert keyword_colours["light"] != keyword_colours["dark"]


# --- 3. list summaries read as prose ----------------------------------------------------------


def test_front_page_and_profile_excerpts_skip_code_and_tables_and_end_on_a_word(page: Page, forum: Forum):
    author = forum.member("summariser")
    long_prose = " ".join(["wordy"] * 60)
    forum.thread(author, "Rich excerpt", RICH)
    forum.thread(author, "Long excerpt", long_prose)
    page.goto(f"/u/{author.handle}")
    rich = page.locator(".thread-item", has_text="Rich excerpt").locator(".excerpt")
    expect(rich).to_have_text("Some prose before the code. A quoted line. first item · second item")
    cut = page.locator(".thread-item", has_text="Long excerpt").locator(".excerpt").inner_text()
    assert cut.endswith("wordy…") and len(cut) <= 200

    page.goto("/")
    expect(page.locator(".thread-item", has_text="Rich excerpt").first.locator(".excerpt")).not_to_contain_text("greet")


# --- 4. forms: every error at once, in sentences, cleared on input ----------------------------


def test_compose_shows_every_field_error_at_once_and_clears_each_on_input(page: Page, forum: Forum):
    sign_in(page, forum.member("composer"), "/new")
    requests_made = []
    page.on("request", lambda r: requests_made.append(r.url) if r.method == "POST" else None)
    page.get_by_label("Tags").fill("Bad_Tag!")
    page.get_by_role("button", name="Publish").click()
    title, body, tags = page.get_by_label("Title"), page.get_by_label("Body", exact=True), page.get_by_label("Tags")
    for field, sentence in [
        (title, "Give your thread a title."),
        (body, "Write something in the body."),
        (tags, "“bad_tag!” cannot be a tag: use lowercase letters, digits and “-”, up to 30 characters."),
    ]:
        expect(field).to_have_attribute("aria-invalid", "true")
        described = (field.get_attribute("aria-describedby") or "").split()
        expect(page.locator(f"#{described[0]}")).to_have_text(sentence)
    assert requests_made == [], "nothing is sent while a field is wrong"
    expect(title).to_be_focused()

    title.type("A")
    expect(title).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error")).to_have_count(2)  # the others stay until fixed
    body.type("B")
    expect(page.locator(".field-error")).to_have_count(1)


def test_sign_up_with_a_bad_email_and_a_short_password_shows_both(page: Page):
    page.goto("/signup")
    ready(page)
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password").fill("123")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#email-error")).to_have_text("Enter an email address like name@example.com.")
    expect(page.locator("#password-error")).to_have_text("Use a password of at least 6 characters.")
    page.get_by_label("Password").fill("123456")
    expect(page.locator("#password-error")).to_have_count(0)
    expect(page.locator("#email-error")).to_have_count(1)


def test_api_field_errors_are_shown_as_the_uis_own_sentences(page: Page, forum: Forum):
    taken, me = forum.member("taken"), forum.member("chooser")
    sign_in(page, me, "/settings")
    page.get_by_label("Handle").fill(taken.handle)
    page.get_by_label("Display name").fill("")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#displayName-error")).to_have_text("Enter the name others will see.")
    page.get_by_label("Display name").fill("Chooser")
    page.get_by_role("button", name="Save profile").click()
    expect(page.locator("#handle-error")).to_have_text("That handle is taken. Try another.")  # 409 from the API


def test_typing_into_a_form_keeps_its_focus_while_the_pages_last_chunk_loads(page: Page, forum: Forum):
    """The settings form is drawn before its preferences chunk arrives; the heading must not take the focus then."""
    me = forum.member("typist")
    sign_in(page, me, "/")
    held: list = []
    page.route("**/dist/chunks/settings-*.js", lambda route: held.append(route))
    page.locator("#account").get_by_role("link", name="Settings").click()
    name = page.get_by_label("Display name")
    name.fill("")
    expect(page.locator("#notify-heading")).to_have_count(0)  # the chunk is still held
    page.wait_for_timeout(50)
    assert held, "the settings chunk was requested"
    for route in held:
        route.continue_()
    expect(page.locator("#notify-heading")).to_be_visible()
    expect(name).to_be_focused()
    page.keyboard.type("Typed")
    expect(name).to_have_value("Typed")


# --- 5. who replied to whom -------------------------------------------------------------------


@pytest.fixture
def deep_thread(forum: Forum) -> dict:
    a, b = forum.member("anna"), forum.member("bert")
    thread = forum.thread(a, "Deep conversation", "Let us nest.")
    root = forum.comment(a, thread["id"], "Root comment")
    d2 = forum.comment(b, thread["id"], "Second level", root["id"])
    d3 = forum.comment(a, thread["id"], "Third level", d2["id"])
    d4 = forum.comment(b, thread["id"], "Answer to the third level", d3["id"])
    return {"thread": thread, "root": root, "d2": d2, "d3": d3, "d4": d4, "a": a, "b": b}


def test_a_reply_that_sits_under_another_comment_says_whom_it_answers(page: Page, deep_thread):
    page.goto(f"/t/{deep_thread['thread']['id']}")
    d4 = comment_li(page, deep_thread["d4"])
    label = d4.locator(":scope > article .replying-to")
    expect(label).to_have_text(f"Replying to @{deep_thread['a'].handle}")
    for key in ("d2", "d3"):  # these sit under the comment they answer: nothing to say
        expect(comment_li(page, deep_thread[key]).locator(":scope > article .replying-to")).to_have_count(0)
    label.get_by_role("link").click()
    d3 = comment_li(page, deep_thread["d3"])
    expect(d3).to_have_class(re.compile(r"\bhighlight\b"))
    expect(d3).to_be_in_viewport()
    expect(page).to_have_url(re.compile(f"#c-{deep_thread['d3']['id']}$"))


def test_a_linked_comment_is_highlighted_and_focused_on_arrival(page: Page, deep_thread):
    target = deep_thread["d2"]
    page.set_viewport_size({"width": 1100, "height": 500})
    page.goto(f"/t/{deep_thread['thread']['id']}#c-{target['id']}")
    li = comment_li(page, target)
    expect(li).to_have_class(re.compile(r"\bhighlight\b"))
    expect(li).to_be_in_viewport()
    expect(li.locator(":scope > article")).to_be_focused()
    expect(page.locator(".comment.highlight")).to_have_count(1)


def test_a_link_to_a_reply_past_the_previews_loads_and_highlights_it(page: Page, forum: Forum):
    a, b = forum.member("poster"), forum.member("replier")
    thread = forum.thread(a, "Long replies")
    root = forum.comment(a, thread["id"], "A root with many replies")
    replies = [forum.comment(b if n % 2 else a, thread["id"], f"Reply {n}", root["id"]) for n in range(7)]
    last = replies[-1]  # the API previews a root's first 5 replies only
    forum.replies_folded(thread["id"], root["id"], 7)
    page.goto(f"/t/{thread['id']}#c-{last['id']}")
    li = comment_li(page, last)
    expect(li).to_have_class(re.compile(r"\bhighlight\b"))
    expect(li).to_be_in_viewport()
    expect(page.locator(f"#c-{root['id']} .replies li.comment")).to_have_count(7)
    expect(page.get_by_role("button", name=re.compile("^Show all"))).to_have_count(0)  # all loaded

    page.goto(f"/t/{thread['id']}")  # and the button still does it by hand
    expect(page.locator(f"#c-{root['id']} .replies li.comment")).to_have_count(5)
    page.get_by_role("button", name="Show all 7 replies").click()
    expect(page.locator(f"#c-{root['id']} .replies li.comment")).to_have_count(7)
    expect(page.get_by_role("button", name=re.compile("^Show all|^Load more replies"))).to_have_count(0)

    page.goto(f"/t/{thread['id']}#c-NoSuchComment")
    expect(page.locator("#announcer")).to_have_text("That comment is no longer here: it may have been deleted.")


def test_a_link_to_a_root_on_a_later_page_shows_it_first_once(page: Page, forum: Forum):
    people = [forum.member(f"talker{n}") for n in range(5)]  # at most 5 comments a minute each
    thread = forum.thread(people[0], "Many roots")
    roots = [forum.comment(people[n // 5], thread["id"], f"Root number {n}") for n in range(21)]
    oldest = roots[0]  # newest first: the oldest root is on the second page
    page.goto(f"/t/{thread['id']}#c-{oldest['id']}")
    li = comment_li(page, oldest)
    expect(li).to_have_class(re.compile(r"\bhighlight\b"))
    expect(page.locator(".comment-list > li.comment").first).to_have_id(f"c-{oldest['id']}")
    page.get_by_role("button", name="Load more comments").click()
    expect(page.get_by_role("button", name="Load more comments")).to_be_hidden()
    expect(page.locator(".comment-list > li.comment")).to_have_count(21)  # not twice


def test_the_link_control_copies_the_comments_address(page: Page, deep_thread):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/t/{deep_thread['thread']['id']}")
    article = comment_li(page, deep_thread["d3"]).locator(":scope > article")
    article.get_by_role("button", name="More actions on this comment").click()
    article.get_by_role("menuitem", name="Copy link").click()
    expect(page.locator("#announcer")).to_have_text("Link to the comment copied.")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == f"{page.url.split('#')[0]}#c-{deep_thread['d3']['id']}"


# --- 6. faces, and someone's comments ---------------------------------------------------------


def test_generated_avatars_appear_wherever_an_author_does_and_nothing_is_fetched_for_them(page: Page, forum: Forum):
    author = forum.member("facey")
    thread = forum.thread(author, "Faces everywhere", "Hello")
    forum.comment(author, thread["id"], "Me again")
    hosts = set()
    page.on("request", lambda r: hosts.add(re.sub(r"^https?://([^/]+).*", r"\1", r.url)))
    page.goto(f"/u/{author.handle}")
    big = page.locator(".profile-head .avatar.large")
    expect(big).to_have_attribute("data-initials", re.compile(r"^F\d$"))  # "Facey 7" → "F7", drawn by CSS
    assert big.evaluate("el => getComputedStyle(el, '::before').content") == f'"{big.get_attribute("data-initials")}"'
    expect(page.locator(".thread-item .author .avatar").first).to_be_visible()
    page.goto(f"/t/{thread['id']}")
    header_avatar = page.locator(".thread .meta .avatar")
    comment_avatar = page.locator(".comment-meta .avatar").first
    expect(comment_avatar).to_be_visible()
    assert header_avatar.get_attribute("class") == comment_avatar.get_attribute("class"), "one colour per person"
    assert header_avatar.get_attribute("aria-hidden") == "true"
    assert hosts <= {page.url.split("/")[2]}, f"requests left the site: {hosts}"


def test_profile_comments_tab_lists_a_members_comments_with_their_threads(page: Page, forum: Forum):
    host, talker = forum.member("host"), forum.member("talker")
    first = forum.thread(host, "First topic")
    second = forum.thread(host, "Second topic")
    c1 = forum.comment(talker, first["id"], "An **early** remark")
    forum.comment(talker, second["id"], "A later remark")
    page.goto(f"/u/{talker.handle}")
    page.get_by_role("link", name="2 comments").click()
    expect(page).to_have_url(re.compile(r"\?tab=comments$"))
    items = page.locator(".comment-item")
    expect(items).to_have_count(2)
    expect(items.first.get_by_role("heading", level=2)).to_have_text("Second topic")
    expect(items.nth(1).locator(".excerpt")).to_have_text("An early remark")
    items.nth(1).get_by_role("link", name="First topic").click()
    expect(page.get_by_role("heading", level=1, name="First topic")).to_be_visible()
    expect(page.locator(f"#c-{c1['id']}")).to_have_class(re.compile(r"\bhighlight\b"))


# --- 7. sign-in returns to where it started ---------------------------------------------------


def test_sign_in_from_the_header_returns_to_the_thread(page: Page, forum: Forum):
    member = forum.member("returner")
    thread = forum.thread(member, "Come back here")
    page.goto(f"/t/{thread['id']}")
    ready(page)
    page.locator("#account").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_label("Password").fill(member.user.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Come back here")).to_be_visible()
    assert page.url.endswith(f"/t/{thread['id']}")


@pytest.mark.parametrize(
    "next_value", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/signin"]
)
def test_sign_in_never_sends_anyone_off_the_site(page: Page, forum: Forum, next_value):
    member = forum.member("safe")
    page.goto(f"/signin?next={next_value}")
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_label("Password").fill(member.user.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Discussions")).to_be_visible()
    assert page.url.rstrip("/") == page.url.split("/")[0] + "//" + page.url.split("/")[2]


# --- 8. toasts --------------------------------------------------------------------------------


def test_toasts_come_one_at_a_time_and_leave_on_navigation_or_after_a_few_seconds(page: Page, forum: Forum):
    member = forum.member("toaster")
    thread = forum.thread(member, "Toast thread")
    sign_in(page, member, f"/t/{thread['id']}")
    toast = page.locator("#announcer")
    page.get_by_role("button", name="Bookmark").click()
    expect(toast).to_have_text("Saved to your bookmarks.")
    page.get_by_role("button", name="Bookmarked").click()
    expect(toast).to_have_text("Removed from your bookmarks.")  # replaced, not stacked
    page.get_by_role("link", name="Hearth").click()
    expect(page.get_by_role("heading", level=1, name="Discussions")).to_be_visible()
    expect(toast).to_be_empty()  # gone with the page it was said on

    page.goto(f"/t/{thread['id']}")
    page.get_by_role("button", name="Bookmark").click()
    expect(toast).to_have_text("Saved to your bookmarks.")
    started = time.monotonic()
    expect(toast).to_be_empty(timeout=10_000)
    assert time.monotonic() - started < 8


def test_a_form_error_is_shown_beside_the_form_and_clears_the_last_toast(page: Page, forum: Forum):
    host, chatty = forum.member("host"), forum.member("chatty")
    thread = forum.thread(host, "Rate limited thread")
    for n in range(4):
        forum.comment(chatty, thread["id"], f"comment {n}")
    sign_in(page, chatty, f"/t/{thread['id']}")
    box = page.get_by_label("Add to the discussion")
    box.fill("the fifth")
    page.get_by_role("button", name="Comment", exact=True).click()
    expect(page.locator("#announcer")).to_have_text("Your comment is posted.")
    box.fill("one too many")
    page.get_by_role("button", name="Comment", exact=True).click()
    error = page.locator(".comment-form .form-error")
    expect(error).to_have_text(re.compile(r"^Slow down a little: try again in \d+ seconds\.$"))
    expect(page.locator("#announcer")).to_be_empty()


# --- 9. a phone --------------------------------------------------------------------------------

SMALL_TARGETS = """() => [...document.querySelectorAll(
    'a[href], button, input, select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])')]
  .filter((el) => !el.closest('.markdown') && !el.classList.contains('skip-link'))
  .filter((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
                    && getComputedStyle(el).visibility !== 'hidden'; })
  .map((el) => { const r = el.getBoundingClientRect();
                 return { w: Math.round(r.width * 10) / 10, h: Math.round(r.height * 10) / 10,
                          what: el.outerHTML.slice(0, 90) }; })"""


def small_targets(page: Page, at_least: int) -> list[dict]:
    """Controls under 44 x 44 px on the page; at_least says how many controls there must be to measure."""
    targets = page.evaluate(SMALL_TARGETS)
    assert len(targets) >= at_least, f"only {len(targets)} controls measured"
    return [t for t in targets if t["w"] < 44 or t["h"] < 44]


def _phone(browser: Browser, stack, scheme: Literal["light", "dark"] = "light"):
    context = browser.new_context(
        base_url=stack.hosting_url, viewport={"width": 360, "height": 740}, color_scheme=scheme, has_touch=True
    )
    context.set_default_timeout(15_000)
    return context, context.new_page()


def test_phone_header_is_one_row_with_a_menu_and_content_starts_high(browser: Browser, stack, forum: Forum):
    member = forum.member("phoner")
    forum.thread(member, "Seen on a phone")
    context, page = _phone(browser, stack)
    try:
        sign_in(page, member, "/")
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 64, f"header is {header['height']} px tall"
        first = page.locator(".thread-item").first.bounding_box()
        assert first["y"] < 200, f"the first thread starts at y={first['y']}"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0

        menu = page.get_by_role("button", name="Menu")
        expect(page.get_by_role("link", name="Bookmarks")).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        expect(page.get_by_role("link", name="Bookmarks")).to_be_visible()
        page.keyboard.press("Escape")
        expect(page.get_by_role("link", name="Bookmarks")).to_be_hidden()
        expect(menu).to_be_focused()
        menu.click()
        page.get_by_role("link", name="Bookmarks").click()
        expect(page.get_by_role("heading", level=1, name="Your bookmarks")).to_be_visible()
        expect(page.get_by_role("link", name="Settings")).to_be_hidden()  # closed after navigating
    finally:
        context.close()


def test_every_tap_target_on_a_phone_is_at_least_44_by_44(browser: Browser, stack, deep_thread):
    context, page = _phone(browser, stack)
    try:
        page.goto(f"/t/{deep_thread['thread']['id']}")  # signed out first
        expect(comment_li(page, deep_thread["d4"])).to_be_visible()
        small = {"thread page, signed out": small_targets(page, 30)}
        sign_in(page, deep_thread["a"], f"/t/{deep_thread['thread']['id']}")
        expect(comment_li(page, deep_thread["d4"])).to_be_visible()
        small["thread page"] = small_targets(page, 40)
        page.get_by_role("button", name="Menu").click()
        small["open menu"] = small_targets(page, 44)
        for path, controls in (("/", 10), (f"/u/{deep_thread['a'].handle}", 8), ("/new", 8), ("/settings", 6)):
            page.goto(path)
            ready(page)
            page.wait_for_load_state("networkidle")
            small[path] = small_targets(page, controls)
        page.goto(f"/t/{deep_thread['thread']['id']}")
        page.get_by_role("button", name="More reactions").first.click()
        small["all reactions"] = small_targets(page, 44)
        assert {where: found for where, found in small.items() if found} == {}
    finally:
        context.close()


# --- 10. emoji keep words; the logo is a drawing ----------------------------------------------


def test_reactions_have_names_on_hover_and_focus_and_the_logo_is_svg(page: Page, forum: Forum):
    author = forum.member("emoji")
    forum.thread(author, "Emoji labels", "Hi")
    page.goto("/")
    ready(page)
    logo = page.locator(".brand svg")
    expect(logo).to_be_visible()
    assert logo.get_attribute("aria-hidden") == "true"
    expect(page.get_by_role("link", name="Hearth", exact=True)).to_be_visible()
    counts = page.locator(".thread-item .counts").first.inner_text()
    assert re.fullmatch(r"\d+ reactions? \d+ comments?", " ".join(counts.split())), counts

    page.get_by_role("link", name="Emoji labels").first.click()
    bar = page.get_by_role("group", name="Reactions to this thread")
    unicorn = bar.get_by_role("button", name="Unicorn: 0")
    name = unicorn.locator(".reaction-name")
    page.mouse.move(0, 0)  # the pointer may rest where the link to this page was
    expect(name).to_be_hidden()
    unicorn.hover()
    expect(name).to_be_visible()
    expect(name).to_have_text("Unicorn")
    page.mouse.move(0, 0)
    expect(name).to_be_hidden()
    bar.get_by_role("button", name="Like: 0").focus()
    page.keyboard.press("Tab")  # keyboard focus onto Unicorn
    expect(unicorn).to_be_focused()
    expect(name).to_be_visible()


# --- screenshots of the thread page, kept as artifacts ----------------------------------------


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_thread_page_screenshots(browser: Browser, stack, deep_thread, forum: Forum, width, scheme):
    thread = deep_thread["thread"]
    forum.comment(deep_thread["b"], thread["id"], RICH)
    context = browser.new_context(
        base_url=stack.hosting_url, viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    page = context.new_page()
    try:
        sign_in(page, deep_thread["b"], f"/t/{thread['id']}")
        expect(page.locator(".comment-body .tok-k").first).to_be_visible()
        expect(comment_li(page, deep_thread["d4"]).locator(".replying-to")).to_be_visible()
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"thread-{width}-{scheme}.png"
        page.locator("#announcer").evaluate("el => el.replaceChildren()")  # the sign-in toast is not the page
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        context.close()
