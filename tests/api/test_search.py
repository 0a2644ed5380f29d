"""Search over HTTP on the emulator suite: words in titles, bodies, code and comments; edits, hiding and
deleting; phrases and exclusions; paging without repeats; the errors and the rate limit.

Every test searches for words made up for it, so the stack's other data never matches.
"""

from __future__ import annotations

import random
import string
import uuid
from datetime import timedelta
from typing import Any, Iterator

import pytest

from hearth.api.app import create_app
from hearth.db.querylog import QueryLog
from hearth.db.ratelimit import Limit
from hearth.deps import Config, Deps, utc_now
from tests.api.conftest import assert_error
from tests.support.inprocess import bearer, verify_token


def word() -> str:
    """A word no other post holds (letters only, so it is one plain term)."""
    return "zq" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def searcher(make_user) -> Any:
    """A member of the test's own who searches: anonymous searches share one per-address window (30 a
    minute from 127.0.0.1), which a fast run of this module would pass; each member has a window of its own."""
    return make_user(name="Searcher")


def marked(segments: list[dict[str, Any]]) -> list[str]:
    return [s["text"] for s in segments if s["match"]]


def test_a_word_in_a_title_finds_the_thread_with_the_word_marked(searcher, api, alice, make_thread):
    w = word()
    thread = make_thread(alice, title=f"Why is {w.capitalize()} slow", body="Nothing else here.")
    response = api.get("/search", searcher, params={"q": w})
    assert ids(response) == [thread["id"]]
    item = response.json()["items"][0]
    assert marked(item["titleMarked"]) == [w.capitalize()]
    assert item["author"]["handle"] == thread["author"]["handle"]
    assert item["snippet"] == [{"text": "Nothing else here.", "match": False}]


def test_a_stemmed_word_in_a_body_finds_the_thread_and_the_snippet_marks_it(searcher, api, alice, make_thread):
    w = word()
    thread = make_thread(alice, title="Rendering", body=f"Some prose first. Then **{w}** rendering happens.")
    response = api.get(
        "/search",
        searcher,
        params={"q": f"{w} render"},
    )
    assert ids(response) == [thread["id"]]
    snippet = response.json()["items"][0]["snippet"]
    assert "".join(s["text"] for s in snippet) == f"Some prose first. Then {w} rendering happens."
    assert marked(snippet) == [w, "rendering"]


def test_a_code_identifier_in_a_code_block_finds_the_thread(searcher, api, alice, make_thread):
    w = word()
    ident = f"{w}Handler"
    thread = make_thread(alice, body=f"Look:\n\n```python\ndef {ident}(event):\n    return None\n```")
    assert ids(api.get("/search", searcher, params={"q": ident})) == [thread["id"]]
    assert ids(api.get("/search", searcher, params={"q": w})) == [thread["id"]]  # a part of the identifier


def test_a_word_in_a_comment_finds_the_comment_with_its_thread(searcher, api, alice, bob, make_thread, make_comment):
    w = word()
    thread = make_thread(alice, title="Where comments live")
    root = make_comment(bob, thread["id"], "a root")
    reply = make_comment(alice, thread["id"], f"the {w} answer", parent_id=root["id"])
    assert ids(api.get("/search", searcher, params={"q": w})) == []  # threads by default
    response = api.get("/search", searcher, params={"q": w, "type": "comments"})
    assert ids(response) == [reply["id"]]
    item = response.json()["items"][0]
    assert item["thread"] == {"id": thread["id"], "title": "Where comments live", "status": "visible"}
    assert item["rootId"] == root["id"] and item["threadId"] == thread["id"]
    assert marked(item["snippet"]) == [w]


def test_handles_and_tags_are_terms(searcher, api, alice, bob, make_thread, tag):
    w = word()
    mine = make_thread(alice, body=f"{w} one", tags=[tag])
    make_thread(bob, body=f"{w} two")
    handle = mine["author"]["handle"]
    assert ids(api.get("/search", searcher, params={"q": f"{w} @{handle}"})) == [mine["id"]]
    assert ids(api.get("/search", searcher, params={"q": f"{w} #{tag}"})) == [mine["id"]]


def test_an_edit_that_removes_a_word_stops_finding_the_post(searcher, api, alice, make_thread, make_comment):
    old, new = word(), word()
    thread = make_thread(alice, title=f"About {old}", body=f"{old} here")
    comment = make_comment(alice, thread["id"], f"{old} in a comment")
    assert api.patch(f"/threads/{thread['id']}", alice, json={"title": "About it", "body": new}).status_code == 200
    assert api.patch(f"/threads/{thread['id']}/comments/{comment['id']}", alice, json={"body": new}).status_code == 200
    assert ids(api.get("/search", searcher, params={"q": old})) == []
    assert ids(api.get("/search", searcher, params={"q": old, "type": "comments"})) == []
    assert ids(api.get("/search", searcher, params={"q": new})) == [thread["id"]]
    assert ids(api.get("/search", searcher, params={"q": new, "type": "comments"})) == [comment["id"]]


def test_a_tag_edit_changes_the_tag_terms(searcher, api, alice, make_thread, tag):
    w = word()
    thread = make_thread(alice, body=w, tags=[tag])
    assert api.patch(f"/threads/{thread['id']}", alice, json={"tags": []}).status_code == 200
    assert ids(api.get("/search", searcher, params={"q": f"#{tag}"})) == []
    assert ids(api.get("/search", searcher, params={"q": w})) == [thread["id"]]


def test_hidden_posts_are_found_by_moderators_only(api, alice, bob, moderator, make_thread, make_comment):
    w = word()
    thread = make_thread(alice, body=f"{w} thread")
    other = make_thread(alice, title="Other", body="plain")
    comment = make_comment(bob, other["id"], f"{w} comment")
    hide = {"reason": "spam"}
    assert api.put(f"/threads/{thread['id']}/hidden", moderator, json=hide).status_code == 200
    assert api.put(f"/threads/{other['id']}/comments/{comment['id']}/hidden", moderator, json=hide).status_code == 200
    for who in (None, bob, alice):  # anonymous, another member, even the author: search shows the public
        assert ids(api.get("/search", who, params={"q": w})) == []
        assert ids(api.get("/search", who, params={"q": w, "type": "comments"})) == []
    found = api.get("/search", moderator, params={"q": w})
    assert ids(found) == [thread["id"]] and found.json()["items"][0]["status"] == "hidden"
    assert ids(api.get("/search", moderator, params={"q": w, "type": "comments", "sort": "top"})) == [comment["id"]]
    assert api.delete(f"/threads/{thread['id']}/hidden", moderator).status_code == 200
    assert ids(api.get("/search", None, params={"q": w})) == [thread["id"]]  # anonymous again, once restored


def test_comments_in_a_hidden_thread_are_found_by_moderators_only(
    api, alice, bob, moderator, make_thread, make_comment
):
    w = word()
    thread = make_thread(alice, title="Soon hidden")
    comment = make_comment(bob, thread["id"], f"{w} visible comment")
    assert api.put(f"/threads/{thread['id']}/hidden", moderator, json={"reason": "spam"}).status_code == 200
    assert ids(api.get("/search", bob, params={"q": w, "type": "comments"})) == []
    found = api.get("/search", moderator, params={"q": w, "type": "comments"})
    assert ids(found) == [comment["id"]] and found.json()["items"][0]["thread"]["status"] == "hidden"


def test_deleted_posts_are_found_by_nobody(api, alice, bob, moderator, make_thread, make_comment, db):
    w = word()
    thread = make_thread(alice, body=f"{w} doomed")
    other = make_thread(alice, title="Stays")
    comment = make_comment(bob, other["id"], f"{w} doomed comment")
    assert api.delete(f"/threads/{thread['id']}", alice).status_code == 204
    assert api.delete(f"/threads/{other['id']}/comments/{comment['id']}", bob).status_code == 204
    for who in (None, alice, moderator):
        assert ids(api.get("/search", who, params={"q": w})) == []
        assert ids(api.get("/search", who, params={"q": w, "type": "comments"})) == []
    assert db.document(f"threads/{thread['id']}").get().get("terms") == []


def test_comments_under_a_deleted_thread_are_not_found(searcher, api, alice, bob, make_thread, make_comment):
    w = word()
    thread = make_thread(alice, title="Tombstone soon")
    make_comment(bob, thread["id"], f"{w} orphan")
    assert api.delete(f"/threads/{thread['id']}", alice).status_code == 204
    assert ids(api.get("/search", searcher, params={"q": w, "type": "comments"})) == []


def test_exact_phrases_and_excluded_words(searcher, api, alice, make_thread):
    w = word()
    ordered = make_thread(alice, body=f"{w} security rules are not filters")
    reversed_ = make_thread(alice, body=f"{w} rules for security")
    other = make_thread(alice, body=f"{w} security rules and the emulator")
    assert ids(api.get("/search", searcher, params={"q": f'{w} "security rules"'})) == [other["id"], ordered["id"]]
    assert ids(api.get("/search", searcher, params={"q": f'"{w} rules for"'})) == [reversed_["id"]]
    assert ids(api.get("/search", searcher, params={"q": f"{w} security -emulator"})) == [
        reversed_["id"],
        ordered["id"],
    ]
    assert ids(api.get("/search", searcher, params={"q": f'{w} -"security rules"'})) == []  # all three hold both words


def test_sort_top_orders_by_score(searcher, api, alice, bob, make_thread, make_comment):
    w = word()
    quiet = make_thread(alice, body=f"{w} quiet")
    busy = make_thread(alice, body=f"{w} busy")
    quiet_later = make_thread(alice, body=f"{w} quiet too")
    make_comment(bob, busy["id"], "a comment raises the score")
    assert ids(api.get("/search", searcher, params={"q": w, "sort": "top"})) == [
        busy["id"],
        quiet_later["id"],
        quiet["id"],
    ]
    assert ids(api.get("/search", searcher, params={"q": w})) == [quiet_later["id"], busy["id"], quiet["id"]]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "the how to"}, "q"),
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "firestore", "type": "users"}, "type"),
        ({"q": "firestore", "sort": "active"}, "sort"),
        ({"q": "firestore", "limit": "0"}, "limit"),
        ({"q": "firestore", "cursor": "not-a-cursor"}, "cursor"),
    ],
)
def test_bad_queries_are_422_with_a_sentence(api, alice, params, field):
    error = assert_error(api.get("/search", alice, params=params), 422, field=field)
    if params.get("q") == "the how to":
        assert "too common" in error["message"]


def test_a_cursor_belongs_to_its_query(api, alice, make_thread):
    w = word()
    make_thread(alice, body=f"{w} one")
    make_thread(alice, body=f"{w} two")
    cursor = api.get("/search", alice, params={"q": w, "limit": 1}).json()["nextCursor"]
    assert cursor
    assert api.get("/search", alice, params={"q": w, "limit": 1, "cursor": cursor}).status_code == 200
    assert_error(
        api.get("/search", alice, params={"q": f"{w} {word()}", "limit": 1, "cursor": cursor}), 422, field="cursor"
    )
    assert_error(
        api.get("/search", alice, params={"q": w, "limit": 1, "cursor": cursor, "type": "comments"}),
        422,
        field="cursor",
    )


# --- in-process, on the emulator's Firestore, with the write limits raised (many posts quickly) -----------


@pytest.fixture
def client(stack, monkeypatch) -> Iterator[Any]:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", stack.firestore_host)
    from google.cloud import firestore

    from hearth.db.querylog import InterceptedClient

    db = InterceptedClient(project=f"search-{uuid.uuid4().hex[:8]}", interceptors=[QueryLog(stack.query_log)])
    assert isinstance(db, firestore.Client)
    many = timedelta(minutes=1)
    config = Config(
        comment_limit=Limit("comment", 10_000, many),
        thread_limit=Limit("thread", 10_000, many),
        search_limit=Limit("search", 5, many),
        anonymous_search_limit=Limit("search", 3, many),
    )
    yield create_app(Deps(db=db, verify_token=verify_token, config=config, clock=utc_now)).test_client()


def _page_through(client, params: dict[str, Any], who: str) -> tuple[list[str], int]:
    seen: list[str] = []
    pages = 0
    cursor = None
    while True:
        response = client.get(
            "/api/search",
            query_string={**params, **({"cursor": cursor} if cursor else {})},
            headers=bearer(f"{who}-{pages}"),
        )  # a user per page: the search limit is 5 a minute
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["nextCursor"]
        if not cursor:
            return seen, pages
        assert pages < 60


@pytest.mark.parametrize("kind", ["comments", "threads"])
def test_paging_over_60_matches_returns_each_once_in_order(client, kind):
    w, other = word(), word()
    tid = client.post("/api/threads", headers=bearer("seed"), json={"title": "Home", "body": "b"}).get_json()["id"]
    matching, noise = [], []
    for n in range(90):  # every third one holds the lead term without the second: short pages, more queries
        holds_both = n % 3 != 0
        body = f"{w} {other} {n}" if holds_both else f"{w} only {n}"
        if kind == "comments":
            made = client.post(f"/api/threads/{tid}/comments", headers=bearer(f"w{n % 7}"), json={"body": body})
        else:
            made = client.post("/api/threads", headers=bearer(f"w{n % 7}"), json={"title": f"t{n}", "body": body})
        assert made.status_code == 201
        (matching if holds_both else noise).append(made.get_json()["id"])
    assert len(matching) == 60
    # Both made-up words are as long and as rare: the first leads the query, the second is checked on the page read.
    for limit in (7, 20):
        for sort in ("new", "top"):
            seen, pages = _page_through(
                client, {"q": f"{w} {other}", "type": kind, "limit": limit, "sort": sort}, f"p{limit}{sort}"
            )
            assert len(seen) == len(set(seen)) == 60, (limit, sort)
            assert set(seen) == set(matching)
            if sort == "new":
                assert seen == list(reversed(matching))
            assert pages >= 60 // limit
    excluded, _ = _page_through(client, {"q": f"{w} -{other}", "type": kind}, "x")
    assert sorted(excluded) == sorted(noise)


def _limited(response) -> None:
    assert response.status_code == 429, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1


def test_search_is_rate_limited_per_user_and_per_anonymous_address(client):
    for _ in range(5):
        assert client.get("/api/search", query_string={"q": "anything"}, headers=bearer("eager")).status_code == 200
    _limited(client.get("/api/search", query_string={"q": "anything"}, headers=bearer("eager")))
    assert client.get("/api/search", query_string={"q": "anything"}, headers=bearer("patient")).status_code == 200
    here = {"X-Forwarded-For": "203.0.113.7"}
    for _ in range(3):
        assert client.get("/api/search", query_string={"q": "anything"}, headers=here).status_code == 200
    _limited(client.get("/api/search", query_string={"q": "anything"}, headers=here))
    elsewhere = {"X-Forwarded-For": "198.51.100.9"}
    assert client.get("/api/search", query_string={"q": "anything"}, headers=elsewhere).status_code == 200
