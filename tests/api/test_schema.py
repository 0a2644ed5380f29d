"""Schemathesis fuzzes every operation of GET /api/openapi.json against the running stack.

Every default check runs: no server errors, every status and header documented, JSON where JSON
is promised, every response matching its schema, data the document allows accepted and data it
forbids refused, auth enforced where it is declared, 405 with Allow for undocumented methods.
The operations come from the served document, so an endpoint added later is fuzzed too without
touching this file.

Three passes: anonymous; signed in; and signed in on a thread, comment and user that exist (so
edits, replies, reactions and bookmarks reach their success paths, not only their 404s).
`make test` runs a short pass (HEARTH_FUZZ_EXAMPLES per operation and pass, default 5; the
coverage phase adds its boundary cases on top); `make fuzz` runs the same tests with more.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from typing import Callable, Iterator

import pytest
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig

from devstack.authemu import User, sign_up
from devstack.stack import Stack

MAX_EXAMPLES = int(os.environ.get("HEARTH_FUZZ_EXAMPLES", "5"))
SEED = os.environ.get("HEARTH_FUZZ_SEED")
# What counts as refusing data the document forbids: schemathesis 4's default list, plus 413 (a
# body over 64 KiB is refused before it is read as JSON) and 431 (headers, or through Hosting a URL,
# past the server's 8 KiB cap on one header: openapi.ANY).
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "431", "5xx"]


def fuzz_config(parameters: dict[str, str] | None = None) -> SchemathesisConfig:
    settings: dict = {
        # No made-up extra headers: one named Host with a value no URL can hold kills firebase-tools'
        # Hosting emulator (hosting/initMiddleware.js builds `new URL(req.url, "http://" + host)`
        # unguarded), and every emulator with it. Unknown query parameters are ignored by design.
        "generation": {"max-examples": MAX_EXAMPLES, "mode": "all", "allow-extra-parameters": False},
        # The stateful phase is `schemathesis run`'s; the pytest integration runs these three.
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
        "request-timeout": 30,
        "checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}},
    }
    if parameters:
        settings["parameters"] = parameters
    if SEED is not None:
        settings["seed"] = int(SEED)
    return SchemathesisConfig.from_dict(settings)


def _document_url(stack: Stack) -> str:
    # Through Hosting's /api rewrite, as browsers reach it; the document's paths start with /api.
    return f"{stack.hosting_url}/api/openapi.json"


@pytest.fixture(scope="module")
def new_user(stack: Stack) -> Callable[[], User]:
    """Factory: a fresh signed-up user (each new poster starts with a full rate-limit allowance)."""
    return lambda: sign_up(stack.auth_url, f"fuzz-{uuid.uuid4().hex[:10]}@example.com", "password-123")


@pytest.fixture(scope="module")
def owner(new_user: Callable[[], User]) -> User:
    return new_user()


@pytest.fixture(scope="module")
def api_schema(stack: Stack) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_url(_document_url(stack), config=fuzz_config())


@pytest.fixture(scope="module")
def seeded_schema(stack: Stack, owner: User) -> schemathesis.schemas.BaseSchema:
    """The document with {tid}, {cid} and {handle} fixed to a thread, root comment and user that exist."""
    base = f"{stack.hosting_url}/api"

    def post(path: str, body: dict) -> dict:
        response = requests.post(base + path, json=body, headers=owner.headers, timeout=30)
        assert response.status_code in (200, 201), response.text
        return response.json()

    me = requests.get(base + "/me", headers=owner.headers, timeout=30).json()
    thread = post("/threads", {"title": "Fuzzed", "body": "A thread for the fuzzer", "tags": ["fuzz"]})
    root = post(f"/threads/{thread['id']}/comments", {"body": "A root comment"})
    post(f"/threads/{thread['id']}/comments", {"body": "A reply", "parentId": root["id"]})
    parameters = {"tid": thread["id"], "cid": root["id"], "handle": me["handle"]}
    return schemathesis.openapi.from_url(_document_url(stack), config=fuzz_config(parameters))


SENT: Counter[tuple[str, str]] = Counter()  # (pass, operation) -> generated requests sent


@pytest.fixture(scope="module", autouse=True)
def fuzz_report(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print what was fuzzed (make fuzz reports these figures): operations and generated requests."""
    yield
    if SENT:
        operations = {operation for _, operation in SENT}
        plugins = request.config.pluginmanager
        reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
        line = (
            f"schemathesis: {len(operations)} operations, {sum(SENT.values())} generated requests "
            f"({', '.join(f'{name} {n}' for name, n in sorted(_per_pass().items()))}), "
            f"{MAX_EXAMPLES} examples per operation and pass"
        )
        if reporter is not None and capture is not None:
            with capture.global_and_fixture_disabled():  # the terminal, not the captured output
                reporter.write_line(line)


def _per_pass() -> Counter[str]:
    totals: Counter[str] = Counter()
    for (name, _), n in SENT.items():
        totals[name] += n
    return totals


def without_made_up_cursor(case: schemathesis.Case) -> None:
    """A cursor is valid only as the server made it (any other is a documented 422), so a case meant
    to be valid must not invent one; invalid cases keep theirs."""
    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and case.query and "cursor" in case.query:
        del case.query["cursor"]


def searchable_query(case: schemathesis.Case) -> None:
    """A search's q is valid only when it leaves a word to search for (not only stop words, at most 12
    words): stemming and stop words are beyond a JSON Schema pattern, and any other q is a documented
    422. So a case meant to be valid whose q the API's own parser refuses searches for a word instead;
    invalid cases keep theirs."""
    from hearth.errors import Invalid
    from hearth.search.query import parse

    positive = case.meta is not None and case.meta.generation.mode.is_positive
    if positive and case.query and isinstance(case.query.get("q"), str):
        try:
            parse(case.query["q"])
        except Invalid:
            case.query["q"] = "hearth"


def caller_for(case: schemathesis.Case, owner: User, new_user: Callable[[], User]) -> User:
    """Posts come from a fresh user, so the rate limits (documented 429s) do not swallow them; deletes
    too, so the seeded thread and comment survive the pass (a stranger's delete is a 403)."""
    return new_user() if case.method.upper() in ("POST", "DELETE") else owner


any_operation = schemathesis.pytest.from_fixture("api_schema")
seeded_operation = schemathesis.pytest.from_fixture("seeded_schema")


@any_operation.parametrize()
def test_anonymous_requests_conform_to_the_document(case: schemathesis.Case) -> None:
    without_made_up_cursor(case)
    searchable_query(case)
    SENT["anonymous", case.operation.label] += 1
    case.call_and_validate()


@any_operation.parametrize()
def test_signed_in_requests_conform_to_the_document(
    case: schemathesis.Case, owner: User, new_user: Callable[[], User]
) -> None:
    without_made_up_cursor(case)
    searchable_query(case)
    SENT["signed in", case.operation.label] += 1
    case.call_and_validate(headers=caller_for(case, owner, new_user).headers)


@seeded_operation.parametrize()
def test_requests_on_existing_items_conform_to_the_document(
    case: schemathesis.Case, owner: User, new_user: Callable[[], User]
) -> None:
    without_made_up_cursor(case)
    searchable_query(case)
    SENT["existing items", case.operation.label] += 1
    case.call_and_validate(headers=caller_for(case, owner, new_user).headers)
