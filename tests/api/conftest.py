"""API tests over HTTP against the whole local stack (tests/conftest.py's `stack`): clients, users, threads."""

from __future__ import annotations

import itertools
import time
import uuid
from typing import Any, Callable

import pytest
import requests
from google.cloud import firestore

from devstack.authemu import User, set_claims, sign_in, sign_up, verify_email
from devstack.client import Api
from devstack.stack import Stack
from hearth.db import counters


@pytest.fixture(scope="session")
def api(stack: Stack) -> Api:
    """The API through Hosting's /api rewrite, as the browser reaches it."""
    return Api(f"{stack.hosting_url}/api")


@pytest.fixture(scope="session")
def direct_api(stack: Stack) -> Api:
    """The API on the Functions emulator, without Hosting in front."""
    return Api(f"{stack.function_url}/api")


_serial = itertools.count()


@pytest.fixture
def make_user(stack: Stack) -> Callable[..., User]:
    """Factory: a fresh signed-up user (optionally a moderator; verified unless asked not to) with an ID token.

    Verified, because only verified accounts' reports count toward auto-hide (the stack sets
    HEARTH_REPORT_TRUST_HOURS=0, so they count at once).
    """

    def make(moderator: bool = False, name: str | None = None, verified: bool = True) -> User:
        email = f"u{next(_serial)}-{uuid.uuid4().hex[:8]}@example.com"
        user = sign_up(stack.auth_url, email, "password-123", display_name=name)
        if verified:
            verify_email(stack.auth_url, stack.project, user.uid)
        if moderator:
            set_claims(stack.auth_url, stack.project, user.uid, {"moderator": True})
        if verified or moderator:
            user = sign_in(stack.auth_url, email, "password-123")
        return user

    return make


@pytest.fixture
def alice(make_user: Callable[..., User]) -> User:
    return make_user(name="Alice")


@pytest.fixture
def bob(make_user: Callable[..., User]) -> User:
    return make_user(name="Bob")


@pytest.fixture
def db(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> firestore.Client:
    """Firestore as the Admin SDK sees it (no rules): for checking what was stored, never for setting up."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    return firestore.Client(project=stack.project)


# Seconds within which counters moved through shards are folded into their owners: about 1.5 s by
# design (docs/consistency-and-cost.md); the margin is the Functions emulator starting a worker for
# a fold task on a loaded shared machine.
FOLDED = 10


def folded(check: Callable[[], Any], what: str = "the folded counts") -> Any:
    """check() once it holds, within FOLDED seconds: for counts read after quick writes to one owner."""
    return wait_for(check, FOLDED, what)


def unfolded(db: firestore.Client, path: str) -> dict[str, int]:
    """What the counter shards of the document at path add that it does not show yet, by field."""
    owner = db.document(path).get()
    return counters.unfolded(owner.to_dict() or {}, counters.sums(owner.reference, counters.fields_of(path)))


def unfolded_owners(db: firestore.Client) -> list[str]:
    """Every document whose counter shards add something it does not show yet."""
    owners = {s.reference.parent.parent.path for s in db.collection_group("shards").stream()}
    return sorted(path for path in owners if unfolded(db, path))


def wait_for(check: Callable[[], Any], timeout: float = 60, what: str = "condition") -> Any:
    """Poll check() until it returns something truthy, with a deadline (for what triggers do)."""
    deadline = time.monotonic() + timeout
    delay = 0.1
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(delay)
        delay = min(1.0, delay * 1.5)


@pytest.fixture
def moderator(make_user: Callable[..., User]) -> User:
    return make_user(moderator=True, name="Mod")


@pytest.fixture
def tag() -> str:
    """A tag no other test uses, so list tests see only their own threads."""
    return f"t-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def make_thread(api: Api) -> Callable[..., dict]:
    def make(user: User, **fields: Any) -> dict:
        body = {"title": "A thread", "body": "Some *markdown*", "tags": [], **fields}
        response = api.post("/threads", user, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def thread(make_thread: Callable[..., dict], alice: User) -> dict:
    return make_thread(alice, title="Hello", body="First **post**", tags=["intro"])


@pytest.fixture
def make_comment(api: Api) -> Callable[..., dict]:
    def make(user: User, thread_id: str, body: str = "A comment", parent_id: str | None = None) -> dict:
        payload: dict[str, Any] = {"body": body}
        if parent_id:
            payload["parentId"] = parent_id
        response = api.post(f"/threads/{thread_id}/comments", user, json=payload)
        assert response.status_code == 201, response.text
        return response.json()

    return make


def assert_error(response: requests.Response, status: int, code: str | None = None, field: str | None = None) -> dict:
    """The response is the API's error shape with this status (and code and field, when given)."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    if field:
        assert error.get("field") == field
    return error
