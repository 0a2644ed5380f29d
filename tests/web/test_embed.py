"""The embed on another origin's page: the demo blog (examples/blog/, its own server on localhost)
and host pages Playwright serves on made-up origins. Hearth itself is on 127.0.0.1."""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import requests
from playwright.sync_api import Frame, Page, expect

from devstack.authemu import set_claims, sign_in
from devstack.blog import serve
from devstack.stack import Stack

from .conftest import Forum, Member, watched

# Chromium's third-party storage blocking, as a frame under another site meets it: every storage throws.
DENY_FRAME_STORAGE = """
if (window.top !== window) {
  const deny = () => { throw new DOMException("The operation is insecure.", "SecurityError"); };
  for (const name of ["localStorage", "sessionStorage", "indexedDB"]) Object.defineProperty(window, name, { get: deny });
}
"""


def run(server) -> str:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return str(server.server_address[1])


@pytest.fixture(scope="module")
def blog(stack: Stack) -> Iterator[str]:
    """The demo blog on a free port, as `make dev` serves it (another origin: localhost, not 127.0.0.1)."""
    server = serve(0, stack.hosting_url)
    port = run(server)
    yield f"http://localhost:{port}"
    server.shutdown()
    server.server_close()


class Hosts:
    """Host pages written on the fly, served from real sockets: an allowed origin (localhost) and one
    that is not (127.0.0.2, loopback too, but not in the stack's HEARTH_EMBED_ORIGINS). Real servers,
    not Playwright's routing: Chromium only lets a page served from a local address load Hearth's
    local scripts (Private Network Access)."""

    def __init__(self, root: Path, allowed: str, not_allowed: str) -> None:
        self.root, self.allowed, self.not_allowed = root, allowed, not_allowed

    def page(self, path: str, html: str) -> None:
        """Serve html at path (and its .html, /, /index.html variants, as static hosts do)."""
        target = self.root / path.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html)


@pytest.fixture(scope="module")
def hosts(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosts]:
    root = tmp_path_factory.mktemp("hosts")
    allowed = serve(0, stack.hosting_url, root=root)
    other = serve(0, stack.hosting_url, host="127.0.0.2", root=root)
    yield Hosts(root, f"http://localhost:{run(allowed)}", f"http://127.0.0.2:{run(other)}")
    for server in (allowed, other):
        server.shutdown()
        server.server_close()


def page_thread_id(site: str, term: str) -> str:
    return "pg-" + hashlib.sha256(f"{site}\n{term}".encode()).hexdigest()[:32]


def host_html(hearth: str, title: str = "An article", attrs: str = "", head: str = "", before: str = "") -> str:
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{title}</title>{head}</head><body>"
        f"<h1>{title}</h1>{before}<div id=hearth-comments></div>"
        f'<script src="{hearth}/embed.js" {attrs} async></script></body></html>'
    )


def frame_of(page: Page) -> Frame:
    """The embed's frame, once its app has drawn."""
    element = page.wait_for_selector("#hearth-comments iframe")
    assert element is not None
    frame = element.content_frame()
    assert frame is not None
    frame.wait_for_selector("html[data-ready]", state="attached")
    return frame


def assert_fits(page: Page) -> None:
    """The iframe is exactly as tall as its content: the host page never shows a second scrollbar."""

    def fits() -> bool:
        outer = page.eval_on_selector("#hearth-comments iframe", "f => f.getBoundingClientRect().height")
        inner = frame_of(page).evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")
        return abs(outer - inner) <= 1

    for _ in range(50):
        if fits():
            return
        page.wait_for_timeout(100)
    assert fits(), "the iframe's height does not follow its content"


def test_a_reader_signs_up_in_the_frame_and_the_first_comment_creates_the_page_thread(
    page: Page, stack: Stack, blog: str, forum: Forum
):
    page.goto(f"{blog}/posts/first-light")
    frame = frame_of(page)
    # A page nobody commented on: an empty section; viewing made no thread.
    expect(frame.get_by_text("No comments yet")).to_be_visible()
    tid = page_thread_id(blog, "/posts/first-light")
    # The stack starts empty each session and only this test comments on this page of the blog.
    assert requests.get(f"{stack.hosting_url}/api/threads/{tid}", timeout=30).status_code == 404
    assert_fits(page)

    handle = f"reader_{uuid.uuid4().hex[:8]}"
    frame.get_by_role("link", name="Sign up").click()
    frame.get_by_label("Email").fill(f"{handle}@example.com")
    frame.get_by_label("Password").fill("password-123")
    frame.get_by_role("button", name="Create account").click()
    frame.get_by_label("Handle").fill(handle)
    frame.get_by_label("Display name").fill("A Reader")
    frame.get_by_role("button", name="Save profile").click()
    expect(frame.get_by_role("link", name=f"@{handle}")).to_be_visible()
    assert page.url == f"{blog}/posts/first-light"  # the host page never moved

    before = page.eval_on_selector("#hearth-comments iframe", "f => f.getBoundingClientRect().height")
    frame.get_by_label("Add to the discussion").fill("The first comment on this article")
    frame.get_by_role("button", name="Comment", exact=True).click()
    expect(frame.locator(".comment-body", has_text="The first comment on this article")).to_be_visible()
    thread = requests.get(f"{stack.hosting_url}/api/threads/{tid}", timeout=30).json()
    assert thread["title"] == "First light: a fireplace that heats the house"
    assert thread["page"] == {"site": blog, "url": f"{blog}/posts/first-light"}
    assert thread["commentCount"] == 1

    for n in range(3):  # the frame grows with its content
        frame.get_by_label("Add to the discussion").fill(f"Comment {n} with\n\nmore\n\nlines")
        frame.get_by_role("button", name="Comment", exact=True).click()
        expect(frame.locator(".comment-body", has_text=f"Comment {n} with")).to_be_visible()
    assert_fits(page)
    assert page.eval_on_selector("#hearth-comments iframe", "f => f.getBoundingClientRect().height") > before + 150
    assert not watched(page).errors


def test_query_fragment_and_extension_variants_find_one_thread_and_two_pages_two(
    page: Page, forum: Forum, stack: Stack, hosts: Hosts
):
    origin = hosts.allowed
    member = forum.member("author")
    path = f"/notes/{uuid.uuid4().hex[:8]}"
    forum.call(
        "POST",
        "/pages/comments",
        member,
        {"site": origin, "term": path, "path": path, "title": "Notes", "body": "Seen from every variant"},
    )
    forum.call(
        "POST",
        "/pages/comments",
        member,
        {"site": origin, "term": path + "-other", "path": path + "-other", "title": "Other", "body": "Another page"},
    )
    hosts.page(path, host_html(stack.hosting_url))
    hosts.page(path + "-other", host_html(stack.hosting_url))
    for variant in (f"{path}?utm=x#frag", f"{path}/", f"{path}.html", f"{path}/index.html"):
        page.goto(origin + variant)
        frame = frame_of(page)
        expect(frame.locator(".comment-body", has_text="Seen from every variant")).to_be_visible()
        expect(frame.locator(".comment-body", has_text="Another page")).to_have_count(0)
    page.goto(origin + path + "-other")
    frame = frame_of(page)
    expect(frame.locator(".comment-body", has_text="Another page")).to_be_visible()
    expect(frame.locator(".comment-body", has_text="Seen from every variant")).to_have_count(0)


def test_count_js_fills_the_blog_index_in_one_request(page: Page, blog: str, forum: Forum):
    member = forum.member("counter")
    for n in range(2):
        forum.call(
            "POST",
            "/pages/comments",
            member,
            {
                "site": blog,
                "term": "/posts/kindling",
                "path": "/posts/kindling/",
                "title": "Kindling, split small",
                "body": f"count me {n}",
            },
        )
    counts = []
    page.on("request", lambda r: counts.append(r.url) if "/api/pages/counts" in r.url else None)
    page.goto(f"{blog}/")
    kindling = page.locator('[data-hearth-count="/posts/kindling/"]')
    expect(kindling).to_have_attribute("data-hearth-count-value", re.compile(r"^[0-9]+$"))
    n = int(kindling.get_attribute("data-hearth-count-value") or "")
    assert n >= 2 and kindling.inner_text() == f"{n} comments"
    first = page.locator('[data-hearth-count="/posts/first-light"]')
    expect(first).to_have_attribute("data-hearth-count-value", re.compile(r"^[0-9]+$"))
    value = int(first.get_attribute("data-hearth-count-value") or "")
    assert first.inner_text() == (
        "No comments yet" if value == 0 else "1 comment" if value == 1 else f"{value} comments"
    )
    assert len(counts) == 1, counts


def test_a_site_that_is_not_allowed_cannot_frame_the_embed_and_is_told_why(page: Page, stack: Stack, hosts: Hosts):
    not_allowed = hosts.not_allowed
    hosts.page("/post", host_html(stack.hosting_url))
    page.goto(f"{not_allowed}/post")
    expect(page.locator("#hearth-comments .hearth-error")).to_contain_text("is not allowed to embed this Hearth")
    expect(page.locator("#hearth-comments iframe")).to_have_count(0)
    # The API refuses the site's page too.
    answer = requests.get(
        f"{stack.hosting_url}/api/pages/counts",
        params={"site": not_allowed, "keys": page_thread_id(not_allowed, "/post")},
        timeout=30,
    )
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "origin_not_allowed"
    # And the browser refuses to draw the frame there (checked directly, without the loader's removal).
    hosts.page("/framed", "<!doctype html><title>framed</title><p>A page that frames Hearth itself</p>")
    page.goto(f"{not_allowed}/framed")
    page.evaluate(f"""() => {{ const f = document.createElement('iframe'); f.id = 'raw';
        f.src = '{stack.hosting_url}/embed?site={not_allowed}&term=/framed'; document.body.append(f); }}""")
    page.wait_for_timeout(1500)
    raw = next((f for f in page.frames if f.url.startswith(stack.hosting_url)), None)
    assert raw is None or raw.evaluate("() => !!document.querySelector('#main')") is False


def test_light_dark_and_set_theme(page: Page, stack: Stack, hosts: Hosts):
    hosts.page("/themed", host_html(stack.hosting_url, attrs='data-hearth-theme="dark"'))
    page.goto(f"{hosts.allowed}/themed")
    frame = frame_of(page)
    expect(frame.locator("html")).to_have_attribute("data-theme", "dark")
    dark_bg = frame.evaluate("getComputedStyle(document.body).backgroundColor")
    page.evaluate("window.hearth.setTheme('light')")
    expect(frame.locator("html")).to_have_attribute("data-theme", "light")
    light_bg = frame.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg == "rgb(15, 17, 21)" and light_bg == "rgb(245, 245, 245)"
    page.emulate_media(color_scheme="dark")
    page.evaluate("window.hearth.setTheme('auto')")  # follows the host page's prefers-color-scheme
    expect(frame.locator("html")).to_have_attribute("data-theme", "dark")


def test_with_storage_denied_in_the_frame_signing_in_works_and_nothing_throws(
    page: Page, stack: Stack, forum: Forum, hosts: Hosts
):
    member = forum.member("nostorage")
    page.context.add_init_script(DENY_FRAME_STORAGE)
    path = f"/denied-{uuid.uuid4().hex[:6]}"
    hosts.page(path, host_html(stack.hosting_url, title="No storage here"))
    page.goto(hosts.allowed + path)
    frame = frame_of(page)
    assert (
        frame.evaluate("() => { try { localStorage; return 'allowed'; } catch (e) { return e.name; } }")
        == "SecurityError"
    )
    frame.get_by_role("navigation", name="Account").get_by_role("link", name="Sign in").click()
    frame.get_by_label("Email").fill(member.user.email)
    frame.get_by_label("Password").fill(member.user.password)
    frame.get_by_role("button", name="Sign in", exact=True).click()
    expect(frame.get_by_role("link", name=f"@{member.handle}")).to_be_visible()
    frame.get_by_label("Add to the discussion").fill("Signed in with memory only")
    frame.get_by_role("button", name="Comment", exact=True).click()
    expect(frame.locator(".comment-body", has_text="Signed in with memory only")).to_be_visible()
    assert not watched(page).errors, watched(page).errors


def test_hearths_sign_in_window_hands_the_session_to_a_frame_without_storage(
    open_page, stack: Stack, forum: Forum, hosts: Hosts
):
    member = forum.member("popup")
    page = open_page()
    # Signed in to Hearth itself (first-party storage) earlier in this browser.
    page.goto("/signin?next=/")
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_label("Password").fill(member.user.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("#account").get_by_role("link", name="New thread")).to_be_visible()
    page.context.add_init_script(DENY_FRAME_STORAGE)
    path = f"/second-{uuid.uuid4().hex[:6]}"
    hosts.page(path, host_html(stack.hosting_url, title="Second page of the blog"))
    page.goto(hosts.allowed + path)
    frame = frame_of(page)
    with page.context.expect_page() as popup_info:
        frame.get_by_role("button", name="Continue with Hearth").click()  # the one click
    popup = popup_info.value
    popup.wait_for_event("close", timeout=15_000)
    expect(frame.get_by_role("link", name=f"@{member.handle}")).to_be_visible()
    expect(frame.get_by_label("Add to the discussion")).to_be_visible()
    assert not watched(page).errors, watched(page).errors


def test_a_notification_link_to_the_article_highlights_the_comment_in_the_embed(
    page: Page, stack: Stack, forum: Forum, hosts: Hosts
):
    origin = hosts.allowed
    path = f"/linked-{uuid.uuid4().hex[:6]}"
    members = [forum.member("linker") for _ in range(3)]  # 5 comments a minute each
    comments = [
        forum.call(
            "POST",
            "/pages/comments",
            members[n % 3],
            {
                "site": origin,
                "term": path,
                "path": path,
                "title": "Long",
                "body": f"Comment number {n}\n\n" + "text\n\n" * 8,
            },
        )
        for n in range(12)
    ]
    target = comments[0]  # the oldest: last in the default order, below the fold
    hosts.page(path, host_html(stack.hosting_url, before="<div style='height:1500px'>article text</div>"))
    page.goto(f"{origin}{path}#hearth-c-{target['id']}")
    frame = frame_of(page)
    highlighted = frame.locator(f"#c-{target['id']}.highlight")
    expect(highlighted).to_have_count(1)
    # The host page scrolled the comment into its view.
    page.wait_for_function("""() => {
        const f = document.querySelector('#hearth-comments iframe').getBoundingClientRect();
        return f.top < innerHeight && scrollY > 500; }""")


def test_hidden_and_deleted_comments_behave_as_on_the_thread_page(page: Page, stack: Stack, forum: Forum, hosts: Hosts):
    origin = hosts.allowed
    path = f"/moderated-{uuid.uuid4().hex[:6]}"
    author, mod_reader = forum.member("writer"), forum.member("other")
    first = forum.call(
        "POST",
        "/pages/comments",
        author,
        {"site": origin, "term": path, "path": path, "title": "Moderated", "body": "Will be hidden"},
    )
    second = forum.call(
        "POST",
        "/pages/comments",
        author,
        {"site": origin, "term": path, "path": path, "title": "Moderated", "body": "Will be deleted"},
    )
    forum.comment(mod_reader, first["threadId"], "A reply keeps the tombstone", parent=second["id"])
    requests.delete(
        f"{stack.hosting_url}/api/threads/{first['threadId']}/comments/{second['id']}",
        headers=author.headers,
        timeout=30,
    ).raise_for_status()
    mod = forum.member("moder")
    set_claims(stack.auth_url, stack.project, mod.user.uid, {"moderator": True})
    mod = Member(sign_in(stack.auth_url, mod.user.email, mod.user.password), mod.handle, mod.display_name)
    forum.call("PUT", f"/threads/{first['threadId']}/comments/{first['id']}/hidden", mod, {"reason": "spam"})
    hosts.page(path, host_html(stack.hosting_url))
    page.goto(origin + path)
    frame = frame_of(page)
    expect(frame.locator(f"#c-{second['id']} .tombstone")).to_have_text("This comment was deleted.")
    expect(frame.locator(".comment-body", has_text="A reply keeps the tombstone")).to_be_visible()
    expect(frame.get_by_text("Will be hidden")).to_have_count(0)
    expect(frame.get_by_text("Will be deleted")).to_have_count(0)
