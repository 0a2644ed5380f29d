"""Browser tests: the local stack (tests/conftest.py) driven by Debian's Chromium through pytest-playwright.

pytest-playwright gives the browser, the contexts (`new_context`) and, for a failed test, a
screenshot of every page it opened (pytest.ini: --screenshot only-on-failure, under
test-results/browser/); tests/conftest.py adds the emulators' log to the failure's report.
"""

from __future__ import annotations

import itertools
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, expect

from devstack.authemu import User, sign_up
from devstack.chromium import CHROMIUM, CHROMIUM_ARGS
from devstack.client import Api
from devstack.processes import ROOT
from devstack.stack import Stack

RESULTS = ROOT / "test-results"
_ids = itertools.count()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium, headless."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make chromium` (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], stack: Stack) -> dict[str, Any]:
    """Every context opens the stack's Hosting, at a laptop's size unless a test asks for another."""
    return {**browser_context_args, "base_url": stack.hosting_url, "viewport": {"width": 1100, "height": 900}}


@dataclass
class Watched:
    """What a page did that a test may want to assert never happened."""

    dialogs: list[str] = field(default_factory=list)
    leaving: int = 0  # "Leave site?" questions (beforeunload), answered yes
    errors: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)


_watched: weakref.WeakKeyDictionary[Page, Watched] = weakref.WeakKeyDictionary()


def watched(page: Page) -> Watched:
    """The dialogs, uncaught errors and CSP violations of a page opened by open_page()."""
    return _watched[page]


def _watch(page: Page) -> Page:
    seen = _watched[page] = Watched()

    def on_dialog(dialog: Dialog) -> None:
        if dialog.type == "beforeunload":
            # A page with an unposted draft asks before leaving; tests that leave mean it.
            seen.leaving += 1
            dialog.accept()
            return
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            seen.csp.append(message.text)

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
    page.on("console", on_console)
    return page


@pytest.fixture
def open_page(new_context: Callable[..., BrowserContext]) -> Callable[[], Page]:
    """open_page() gives a fresh browser context's page (a separate reader), watched (see watched())."""

    def make() -> Page:
        context = new_context()
        context.set_default_timeout(15_000)
        return _watch(context.new_page())

    return make


@pytest.fixture
def page(open_page: Callable[[], Page]) -> Page:
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
        self.api = Api(f"{stack.hosting_url}/api")

    def call(
        self,
        method: str,
        path: str,
        member: Member | None = None,
        body: dict | None = None,
        expect_status: int | None = None,
    ) -> dict:
        if expect_status is None:
            return self.api.call(method, path, member, body)
        response = self.api.request(method, path, member, json=body)
        assert response.status_code == expect_status, response.text
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

    def thread(
        self, author: Member, title: str = "A thread", body: str = "Hello **world**", tags: list[str] | None = None
    ) -> dict:
        return self.call("POST", "/threads", author, {"title": title, "body": body, "tags": tags or []})

    def comment(self, author: Member, tid: str, body: str, parent: str | None = None) -> dict:
        data = {"body": body, **({"parentId": parent} if parent else {})}
        return self.call("POST", f"/threads/{tid}/comments", author, data)

    def folded(self, path: str, field: str, count: int, within: float = 10.0) -> None:
        """Wait until the post at API path shows `count` in field: quick writes to one post move its
        counters through shards, folded in about 1.5 s (docs/consistency-and-cost.md), and a page
        loaded (or a count read) before that shows the count as it was."""
        deadline = time.monotonic() + within
        while (seen := self.call("GET", path).get(field)) != count:
            assert time.monotonic() < deadline, f"{field} {seen}, not {count}, after {within} s"
            time.sleep(0.2)

    def replies_folded(self, tid: str, cid: str, count: int) -> None:
        self.folded(f"/threads/{tid}/comments/{cid}", "replyCount", count)


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
    # The header shows the account before the form has loaded the profile and gone on to next_path;
    # "**/" alone would match /signin?next=/ itself, and a test clicking on would be taken back.
    page.wait_for_url(lambda url: urlsplit(url).path != "/signin")
    page.wait_for_url(f"**{next_path.split('#')[0]}")


def ready(page: Page) -> None:
    page.wait_for_selector("html[data-ready]")
