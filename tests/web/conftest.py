"""Browser tests: the whole local stack on free ports, driven by Debian's Chromium through Playwright."""
from __future__ import annotations

import itertools
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest
import requests
from playwright.sync_api import Browser, Page, expect, sync_playwright

from devstack.authemu import User, sign_up
from devstack.processes import ROOT
from devstack.stack import Ports, Stack, local_stack

CHROMIUM = os.environ.get("HEARTH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RESULTS = ROOT / "test-results"
POLL_MS = 1500  # how often an open thread checks for new comments, in these tests
_ids = itertools.count()


def build_web() -> None:
    """Build web/dist/app.js when a source is newer (make does it too; this keeps pytest alone honest)."""
    out = ROOT / "web" / "dist" / "app.js"
    sources = [*(ROOT / "web" / "src").rglob("*.js"), ROOT / "package-lock.json"]
    if not out.exists() or max(p.stat().st_mtime for p in sources) > out.stat().st_mtime:
        subprocess.run(["npm", "run", "--silent", "build:web"], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    build_web()
    os.environ["HEARTH_WEB_POLL_MS"] = str(POLL_MS)
    with local_stack(Ports.free()) as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """What a page did that a test may want to assert never happened."""
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _new_page(browser: Browser, stack: Stack, request, name: str) -> tuple[Page, Watched, object]:
    context = browser.new_context(base_url=stack.hosting_url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    watched = Watched()

    def on_dialog(dialog):
        watched.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message):
        if message.type == "error" and "Content Security Policy" in message.text:
            watched.csp.append(message.text)

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: watched.errors.append(str(exc)))
    page.on("console", on_console)
    page.watched = watched
    return page, watched, context


@pytest.fixture
def open_page(browser: Browser, stack: Stack, request):
    """open_page() gives a fresh browser context's page (a separate reader); screenshots on failure."""
    pages = []

    def make() -> Page:
        page, _, context = _new_page(browser, stack, request, request.node.name)
        pages.append((page, context))
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    if failed:  # the emulators' recent output, to tell a UI failure from a server one
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{safe}-stack.log").write_text(stack.logs()[-30_000:])
    for n, (page, context) in enumerate(pages):
        if failed:
            try:
                page.screenshot(path=str(RESULTS / f"{safe}-{n}.png"), full_page=True)
            except Exception:  # a crashed page has nothing to show
                pass
        context.close()


@pytest.fixture
def page(open_page) -> Page:
    return open_page()


# --- data through the API ----------------------------------------------------------------------

@dataclass
class Member:
    user: User
    handle: str
    display_name: str

    @property
    def headers(self) -> dict[str, str]:
        return self.user.headers


class Forum:
    """Test data made through the API (users signed up on the Auth emulator)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.api = f"{stack.hosting_url}/api"

    def call(self, method: str, path: str, member: Member | None = None, body: dict | None = None,
             expect_status: int | None = None) -> dict:
        response = requests.request(method, f"{self.api}{path}", json=body,
                                    headers=member.headers if member else {}, timeout=60)
        if expect_status is not None:
            assert response.status_code == expect_status, response.text
        elif response.status_code >= 400:
            raise AssertionError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else {}

    def member(self, name: str = "user", profile: bool = True) -> Member:
        n = next(_ids)
        stamp = f"{int(time.time() * 1000) % 10**8}{n}"
        handle = f"{name}_{stamp}"[:30]
        user = sign_up(self.stack.auth_url, f"{handle}@example.com", "password-123")
        member = Member(user=user, handle=handle, display_name=f"{name.title()} {n}")
        if profile:
            self.call("PUT", "/me", member, {"handle": handle, "displayName": member.display_name, "bio": ""})
        return member

    def thread(self, author: Member, title: str = "A thread", body: str = "Hello **world**", tags=None) -> dict:
        return self.call("POST", "/threads", author, {"title": title, "body": body, "tags": tags or []})

    def comment(self, author: Member, tid: str, body: str, parent: str | None = None) -> dict:
        data = {"body": body, **({"parentId": parent} if parent else {})}
        return self.call("POST", f"/threads/{tid}/comments", author, data)


@pytest.fixture(scope="session")
def forum(stack: Stack) -> Forum:
    return Forum(stack)


def sign_in(page: Page, member: Member, next_path: str = "/") -> None:
    """Sign in through the UI's form and wait until the header shows the account."""
    page.goto(f"/signin?next={next_path}")
    page.get_by_label("Email").fill(member.user.email)
    page.get_by_label("Password").fill(member.user.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # "New thread" is in the header at every width (Sign out is behind the menu on a phone).
    expect(page.locator("#account").get_by_role("link", name="New thread")).to_be_visible()
    page.wait_for_url(f"**{next_path.split('#')[0]}")


def ready(page: Page) -> None:
    page.wait_for_selector("html[data-ready]")
